"""Write outputs atomically: a temporary file in the target folder, renamed into place.

A failed or interrupted build (an error, Ctrl-C, SIGTERM, a full disk) leaves the previous
file untouched and no temporary file behind; two builds racing to the same path each
rename a complete file, so the survivor is always whole. A file replaced keeps its permissions
(a private 0600 file stays private); a read-only one is refused unless forced. A symbolic link is written through
(the file it names is replaced, the link kept); a device, pipe or folder is never replaced.
A temporary file left by a build that was killed (SIGKILL, a power cut) is removed by the next
write of the same target.

No output may replace what a command reads: `refuse_inputs` checks every target, before
anything is written, against the plan, the templates and the earlier plan compared to.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import stat
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .defaults import PACKAGED_TEMPLATES
from .diagnostics import Diagnostic, PlanError, display_path

PACKAGE_DIR = Path(__file__).resolve().parent
PLAN_FOLDERS = ("chapters", "annexes", "action-items")  # as plan.FOLDERS; not imported: output stays light
PLAN_FILE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Inputs:
    """What a command reads, which no output may replace or add to.

    Whatever is given, every output is also checked against any plan folder (a folder holding
    document.yaml) it would land in, apdoc's own package (its templates and styles) and a git
    repository's own .git folder.
    """

    plans: tuple[Path, ...] = ()  # plan folders: their *.yaml and everything in their sub-folders
    templates: tuple[Path, ...] = ()  # template folders: everything in them
    whole_plan: bool = False  # refuse anything inside a plan folder, not only its plan files

    @classmethod
    def of_build(cls, plan_dir: Path, templates: Path, compare_to: str | None = None) -> Inputs:
        """The inputs of a build: the plan, its templates folder and the earlier plan when it is
        a folder (a git revision is read from git, not from files)."""
        plans = [plan_dir]
        if compare_to is not None and Path(compare_to).is_dir():
            plans.append(Path(compare_to))
        return cls(plans=tuple(plans), templates=(templates, PACKAGED_TEMPLATES))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def input_problem(target: Path, inputs: Inputs) -> str | None:
    """Why `target` may not be written by a command reading `inputs`, or None when it may.

    The target is followed through symbolic links (a link named build/TD.html that points at
    plan/document.yaml would be written through), and folders are compared as the file system
    sees them (the same folder by another name, or in another case on macOS or Windows).
    """
    real = Path(os.path.realpath(target))
    plans = {i for p in inputs.plans if (i := _identity(p)) is not None}
    templates = {i: t for t in inputs.templates if (i := _identity(t)) is not None}
    package = _identity(PACKAGE_DIR)
    below: list[str] = []  # the names from the folder looked at down to the target
    for folder in [real, *real.parents]:
        identity = _identity(folder) if folder != real else None
        if identity is not None:
            if identity in templates:
                return f"it is in the templates folder {display_path(templates[identity])}, which the build reads"
            if identity == package:
                return "it is inside apdoc's own package (its templates and styles)"
            is_plan = identity in plans or (folder / "document.yaml").is_file()
            if is_plan and below:
                if inputs.whole_plan:
                    return f"it is inside the plan folder {display_path(folder)}"
                if below[0].casefold() in PLAN_FOLDERS:
                    return f"it is in the plan's {below[0]}/ folder ({display_path(folder)})"
                if len(below) == 1 and Path(below[0]).suffix.casefold() in PLAN_FILE_SUFFIXES:
                    return f"it is a file of the plan {display_path(folder)}"
        if folder.name == ".git" and below:
            return "it is inside a git repository's own .git folder"
        if folder.name:
            below.insert(0, folder.name)
    return None


def refuse_inputs(targets: Iterable[Path], inputs: Inputs) -> None:
    """Raise PlanError naming every target that would replace (or add to) an input; call it
    before writing anything, so that nothing at all is written."""
    problems = [Diagnostic(display_path(target) if not target.is_symlink() else str(target), 0, 0,
                           f"cannot write: {why}; give an output path outside the plan and the templates")
                for target in targets if (why := input_problem(target, inputs)) is not None]
    if problems:
        raise PlanError(problems)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _refuse(path: Path, why: str) -> PlanError:
    return PlanError([Diagnostic(display_path(path), 0, 0, f"cannot write: {why}")])


def refuse_if_changed(path: Path, read_as: FileStamp) -> None:
    """Raise PlanError when `path` is no longer as it was read (or made, or removed, since)."""
    if FileStamp.of(path) != read_as:
        raise _refuse(path, "it changed (another program or apdoc command wrote it) since it was read; "
                            "nothing was written over it: run the command again")


def _writable_target(path: Path, force: bool = False) -> tuple[Path, int | None]:
    """The regular file to replace for `path` and its permissions (None: a new file), or a clear
    refusal of what must not be replaced."""
    if path.is_symlink():
        path = path.resolve()
    try:
        for parent in path.parents:
            if parent.exists():
                if not parent.is_dir():
                    raise _refuse(path, f"{display_path(parent)} is a file, not a folder")
                break
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _refuse(path, exc.strerror or str(exc)) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise _refuse(path, "it is a folder; give a file name")
    if mode is not None and not stat.S_ISREG(mode):
        raise _refuse(path, "it is not a regular file (a device or a pipe); give a file name")
    if mode is None:
        return path, None
    # By its mode bits, not os.access: root may write anything, but a file made read-only says "keep me".
    if not mode & 0o222 and not force:
        raise _refuse(path, "it is read-only; use --force to replace it")
    return path, stat.S_IMODE(mode)


# Temporary files are named .<target>.<host>-<pid>.<random>.tmp, so that a later write can tell
# its own leftovers from a write still under way (its process alive) and from other files.
STALE_AFTER = 3600  # seconds: older than any write takes, whatever the process or the host
_HOST = re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname())[:32] or "host"


def _temporary_name(target: str) -> re.Pattern[str]:
    # The random part is mkstemp's (8 of a-z, 0-9, _); earlier versions had no host-pid part.
    return re.compile(rf"\.{re.escape(target)}\.(?:([A-Za-z0-9-]*)-([0-9]{{1,10}})\.)?[a-z0-9_]{{8}}\.tmp")


def _running(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would end the process there; go by age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process (PermissionError): alive
        return True
    return True


def remove_stale_temporaries(path: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files an interrupted write of `path` left beside it; returns them.

    Only regular files of our own naming and owner, and only stale ones: their process (on
    this host) has ended, or they are older than any write takes. A write under way in
    another build of the same target is left alone.
    """
    pattern = _temporary_name(path.name)
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
            continue
        host, pid = match.group(1), match.group(2)
        ended = host == _HOST and pid is not None and not _running(int(pid))
        if ended or now - info.st_mtime > STALE_AFTER:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


@dataclass(frozen=True)
class FileStamp:
    """A file as a command read it, or its absence: a write given one refuses to replace a file
    that another program (an editor, another apdoc) has written since, rather than lose its edit.

    Device, inode, size and modification time in nanoseconds: a replacement (a new inode) or an
    edit in place (a new time, or size) both show."""

    seen: tuple[int, int, int, int] | None  # None: there was no file

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        try:
            info = path.stat()
        except OSError:
            return cls(None)
        return cls((info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns))


def file_stamps(folder: Path) -> dict[Path, FileStamp]:
    """The stamp of every YAML file below `folder`, by absolute path: taken before a command reads
    a plan, so that a file changed while it worked is never replaced. Call `stamp_in` to look up."""
    return {Path(os.path.abspath(p)): FileStamp.of(p) for p in folder.rglob("*.y*ml")}


def stamp_in(stamps: dict[Path, FileStamp], path: Path) -> FileStamp:
    """`path`'s stamp among `stamps`; a file not among them did not exist when they were taken."""
    return stamps.get(Path(os.path.abspath(path)), FileStamp(None))


def write_atomic(path: Path, data: bytes, *, force: bool = False, read_as: FileStamp | None = None) -> None:
    """Write `data` to `path` whole or not at all; with `read_as`, only if the file is still as
    it was read (checked again just before the rename: nothing another program wrote is lost)."""
    shown = path
    path, mode = _writable_target(path, force)
    if read_as is not None:
        refuse_if_changed(shown, read_as)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{_HOST}-{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _refuse(path, exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        if read_as is not None:
            refuse_if_changed(shown, read_as)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _refuse(path, exc.strerror or str(exc)) from None
        raise
