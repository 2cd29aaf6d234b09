"""Write outputs atomically: a temporary file in the target folder, renamed into place.

A failed or interrupted build (an error, Ctrl-C, SIGTERM, a full disk) leaves the previous
file untouched and no temporary file behind; two builds racing to the same path each
rename a complete file, so the survivor is always whole. A file replaced keeps its permissions
(a private 0600 file stays private); a read-only one is refused unless forced. A symbolic link is written through
(the file it names is replaced, the link kept); a device, pipe or folder is never replaced.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from .diagnostics import Diagnostic, PlanError, display_path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _refuse(path: Path, why: str) -> PlanError:
    return PlanError([Diagnostic(display_path(path), 0, 0, f"cannot write: {why}")])


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


def write_atomic(path: Path, data: bytes, *, force: bool = False) -> None:
    path, mode = _writable_target(path, force)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _refuse(path, exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _refuse(path, exc.strerror or str(exc)) from None
        raise
