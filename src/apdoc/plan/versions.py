"""Earlier versions of a plan: another plan folder, or the plan folder at a git revision.

`--compare-to REF` and `apdoc diff REF` name the earlier version as a folder path or as
anything `git rev-parse` understands in the repository holding the plan (a tag such as
`td256`, a branch, `HEAD~3`). A revision is read with `git archive` into a temporary
folder, never by checking it out: the working tree is not touched.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..defaults import FIXED_DATE
from ..diagnostics import Diagnostic, PlanError, display_path
from .folder import Plan
from .load import load_plan


@dataclass(frozen=True)
class Version:
    plan: Plan
    commit: str | None = None  # the full hash when the version is a git revision

    def describe(self, ref: str) -> str:
        """The earlier TD as a reader knows it: its document number and title, and the git
        revision it was built from (never a folder's path, which may be a temporary one)."""
        cover = self.plan.document.model.cover
        text = f"{cover.document_number}, {cover.title}"
        if self.commit is None:
            return text
        short = self.commit[:12]
        named = "" if self.commit.startswith(ref.lower()) else f"{ref}, "
        return f"{text} (git revision {named}commit {short})"


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(args, 1, b"", str(exc).encode())


def _in_repository(plan_dir: Path, change: LastChange | None) -> bool:
    """Whether the plan folder is in a git repository: known from `change` when git was asked already."""
    if change is not None:
        return change.in_repository
    return _git(_folder(plan_dir), "rev-parse", "--show-toplevel").returncode == 0


def _refused(ref: str, message: str) -> PlanError:
    return PlanError([Diagnostic(ref, 0, 0, message)])


@contextmanager
def earlier_version(ref: str, plan_dir: Path) -> Iterator[Version]:
    """The plan as it was at `ref` (a folder or a git revision), loaded and checked."""
    folder = Path(ref)
    if folder.is_dir():
        yield Version(_load_version(folder, ref, None))
        return
    # One process for the repository and the commit: --show-toplevel prints the repository's
    # folder before the revision is looked at, so a revision unknown there is told apart from a
    # plan in no repository (nothing printed).
    found = _git(plan_dir if plan_dir.is_dir() else plan_dir.parent,
                 "rev-parse", "--show-toplevel", "--verify", "--quiet", f"{ref}^{{commit}}")
    lines = found.stdout.decode().splitlines()
    if not lines:
        raise _refused(ref, f"not a plan folder, and {display_path(plan_dir)} is not in a git repository")
    repository = Path(lines[0])
    if found.returncode != 0 or len(lines) != 2:
        raise _refused(ref, f"not a plan folder and not a git revision of the repository at {repository}")
    sha = lines[1].strip()
    relative = plan_dir.resolve().relative_to(repository.resolve()).as_posix()
    archive = _git(repository, "archive", "--format=tar", sha, "--", relative)
    if archive.returncode != 0:
        raise _refused(ref, f"revision {sha[:12]} has no plan folder {relative}")
    import tarfile  # only for an earlier version: a build needs no archive

    with tempfile.TemporaryDirectory(prefix="apdoc-earlier-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")  # refuses links and paths outside tmp
        yield Version(_load_version(Path(tmp) / relative, ref, Path(tmp)), sha)


def _load_version(folder: Path, ref: str, extracted: Path | None) -> Plan:
    """Load the earlier plan; its problems name the revision (`td256:plan/…`), not a temp folder."""
    try:
        return load_plan(folder)
    except PlanError as exc:
        if extracted is None:
            raise
        prefix = display_path(extracted)
        renamed = [
            Diagnostic(f"{ref}:{d.path.removeprefix(prefix).lstrip('/')}", d.line, d.col, d.message, d.severity)
            if d.path.startswith(prefix) else d
            for d in exc.diagnostics
        ]
        raise PlanError(renamed) from None


def default_author(plan_dir: Path, change: LastChange | None = None) -> str:
    """The git user of the plan's repository, else "apdoc". `change`: the folder's last_change,
    when the caller has asked git already (it says whether there is a repository)."""
    if _in_repository(plan_dir, change):
        name = _git(_folder(plan_dir), "config", "user.name").stdout.decode().strip()
        if name:
            return name
    return "apdoc"


def source_date_epoch() -> str | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org) as an ISO date in UTC, when it is set: the date
    every date a build writes takes, whatever git or the files' times say. A value that is not a
    whole number of seconds since 1970-01-01 UTC is an error, as the specification asks."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromtimestamp(int(value.strip()), UTC) if value.strip().isdigit() else None
    except (OverflowError, OSError, ValueError):
        moment = None
    if moment is None:
        raise PlanError([Diagnostic("SOURCE_DATE_EPOCH", 0, 0, f"{value!r} is not a number of seconds since "
                                    "1970-01-01 UTC (reproducible-builds.org/specs/source-date-epoch)")])
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment:%H:%M:%S}Z"


def default_date(plan_dir: Path, change: LastChange | None = None) -> str:
    """When the plan last changed in git (UTC), committed or not: the same plan gives the same
    marks, whatever the clock; SOURCE_DATE_EPOCH when it is set. `change`: the folder's
    last_change, when the caller has asked git already."""
    fixed = source_date_epoch()
    if fixed is not None:
        return fixed
    if change is not None and change.date is not None:  # the folder is as committed: git's answer is known
        return change.date
    if _in_repository(plan_dir, change):
        committed = _last_commit(plan_dir)
        if committed is not None:
            return committed[1]
    return FIXED_DATE


@dataclass(frozen=True)
class LastChange:
    """What git says of the plan folder, asked once per build (two git processes): whether the
    folder is in a git repository, and the last commit that touched it and when (UTC), or None
    for both when the folder has uncommitted changes, is in no git repository, or no commit
    touches it."""

    commit: str | None = None
    date: str | None = None
    in_repository: bool = False


def last_change(plan_dir: Path) -> LastChange:
    """The plan folder's last commit and its date, when the folder is as committed (LastChange)."""
    # `git status` fails outside a repository, as `rev-parse --show-toplevel` would: one process less.
    status = _git(_folder(plan_dir), "status", "--porcelain", "--", str(plan_dir.resolve()))
    if status.returncode != 0:
        return LastChange()
    committed = None if status.stdout.strip() else _last_commit(plan_dir)
    if committed is None:
        return LastChange(in_repository=True)
    return LastChange(*committed, in_repository=True)


def _folder(plan_dir: Path) -> Path:
    """The folder git is run in: the plan folder (or the folder holding what was given)."""
    return plan_dir if plan_dir.is_dir() else plan_dir.parent


def _last_commit(plan_dir: Path) -> tuple[str, str] | None:
    """The last commit that touched the plan folder, and its date in UTC; None when none has."""
    found = _git(_folder(plan_dir), "log", "-1", "--format=%H %cI", "--", str(plan_dir.resolve()))
    commit, _, stamp = found.stdout.decode().strip().partition(" ")
    if not commit:
        return None
    return commit, datetime.fromisoformat(stamp).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plan_date(plan_dir: Path, change: LastChange | None = None) -> str:
    """When the plan last changed (UTC), for the TD's dates: the last commit that touched the plan
    folder when it has no uncommitted change, else the newest plan file's modification time. The
    same plan gives the same date, so the same bytes; a new edit gives a new date. SOURCE_DATE_EPOCH,
    when set, is the date instead (file times differ between two checkouts of the same plan).

    `change`: the folder's last_change, when the caller has asked git already."""
    fixed = source_date_epoch()
    if fixed is not None:
        return fixed
    change = last_change(plan_dir) if change is None else change
    if change.date is not None:
        return change.date
    newest = max((path.stat().st_mtime for path in plan_dir.rglob("*.yaml") if path.is_file()), default=None)
    if newest is None:
        return FIXED_DATE
    return datetime.fromtimestamp(int(newest), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plan_digest(plan: Plan) -> str:
    """A fingerprint of the plan's values (each file's data as the loader reads it, by its place in
    the plan): equal digests, the same plan, however its files are laid out (`apdoc fmt`)."""
    packed = json.dumps(plan_values(plan), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(packed.encode("utf-8")).hexdigest()


def plan_facts(plan: Plan, change: LastChange | None = None) -> dict[str, str]:
    """What a TD records of the plan it was built from (docProps/custom.xml, for `apdoc apply`):
    the plan's digest, the git commit where the plan last changed when it has no uncommitted
    change (so the plan as built can be read back from git), and the plan's values themselves,
    packed (so `apply` has its base without git: outside a repository, a commit it never had).

    `change`: the plan folder's last_change, when the caller has asked git already."""
    facts = {"plan-digest": plan_digest(plan), BASE_FACT: packed_values(plan)}
    change = last_change(plan.root) if change is None else change
    if change.commit is not None:
        facts["plan-commit"] = change.commit
    return facts


# --- the plan a TD carries (apdoc-plan-base): apply's base when git cannot give it ---------------

BASE_FACT = "plan-base"  # the fact's name; in the DOCX, custom properties apdoc-plan-base-001, -002, …
BASE_PROPERTY = "apdoc-" + BASE_FACT
BASE_LIMIT = 16 << 20  # bytes of the unpacked values: far above any plan's (the seed's: 53 kB), far below harm
BASE_FILE = re.compile(r"^(?:document|(?:chapters|annexes|action-items)/[A-Za-z0-9][A-Za-z0-9._-]*)\.ya?ml$")


def plan_values(plan: Plan) -> dict[str, Any]:
    """Each file's data as the loader reads it, by its place in the plan (what the digest is of)."""
    return {str(loaded.source.path.relative_to(plan.root)): loaded.source.data for loaded in plan.files}


def packed_values(plan: Plan) -> str:
    """The plan's values as the TD carries them: JSON, zlib at level 9, base64 (the same plan,
    the same text: keys sorted, zlib's output fixed by its input and level)."""
    packed = json.dumps(plan_values(plan), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return base64.b64encode(zlib.compress(packed.encode("utf-8"), 9)).decode("ascii")


def carried_text(properties: dict[str, str]) -> str | None:
    """The packed values a DOCX's custom properties carry (parts -001, -002, … in the order of
    their numbers), or None when it carries none."""
    numbered = [name for name in properties if name.startswith(BASE_PROPERTY + "-")
                and name.removeprefix(BASE_PROPERTY + "-").isdigit()]
    if not numbered:
        return None
    numbered.sort(key=lambda name: int(name.removeprefix(BASE_PROPERTY + "-")))
    return "".join(properties[name] for name in numbered)


@contextmanager
def carried_version(text: str, digest: str | None, shown: str) -> Iterator[Version]:
    """The plan a TD carries, loaded and checked like any plan. It is the document's, so untrusted:
    its unpacked size is bounded, its file names must be plan files', its values must make a
    valid plan whose digest is the one the TD records. Anything else is refused (PlanError)."""

    def refused(why: str) -> PlanError:
        return PlanError([Diagnostic(shown, 0, 0, f"the plan the TD carries ({BASE_PROPERTY}) is not used: {why}")])

    try:
        inflater = zlib.decompressobj()
        packed = inflater.decompress(base64.b64decode(text, validate=True), BASE_LIMIT)
        if inflater.unconsumed_tail:
            raise refused(f"larger than {BASE_LIMIT >> 20} MB unpacked")
        if not inflater.eof:
            raise refused("damaged (cut short)")
        values = json.loads(packed)
    except (ValueError, zlib.error) as exc:
        raise refused(f"damaged ({exc})") from None
    except RecursionError:
        raise refused("nested too deeply") from None
    if not isinstance(values, dict) or "document.yaml" not in values or \
            not all(isinstance(k, str) and BASE_FILE.match(k) and isinstance(v, dict) for k, v in values.items()):
        raise refused("not a plan's files (a file name or value of the wrong kind)")
    with tempfile.TemporaryDirectory(prefix="apdoc-carried-") as tmp:
        folder = Path(tmp) / "plan"
        for name, data in values.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")  # JSON is YAML
            except (RecursionError, ValueError):
                raise refused("nested too deeply") from None
        try:
            plan = load_plan(folder)
        except PlanError as exc:
            first = exc.diagnostics[0] if exc.diagnostics else None
            raise refused("not a valid plan" + (f" ({first.message})" if first else "")) from None
        if digest is None or plan_digest(plan) != digest:
            raise refused("its values are not those of the plan the TD records (apdoc-plan-digest): changed after "
                          "the build")
        yield Version(plan)
