"""The plan's files as one archive: what a TD's PDF carries of the plan it was built from.

A ZIP (Python's own zipfile: every PDF and archive tool opens it) of the plan folder's YAML files,
byte for byte, and `apdoc.json` with the facts the DOCX records (the plan's digest, its git
commit). Deterministic: members sorted, fixed dates and modes, so the same plan gives the same
bytes. Read back (`apdoc import TD.pdf`) as untrusted input: names, count and sizes are checked
before anything is decompressed, and nothing outside the plan's own shape is accepted.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .folder import Plan

MANIFEST = "apdoc.json"
ARCHIVE_NAME = "plan.zip"
MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
# A plan file's place: document.yaml, or one file in chapters/, annexes/ or action-items/.
PLAN_FILE = re.compile(r"(?:(?:chapters|annexes|action-items)/)?[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.ya?ml")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a ZIP can hold: the same bytes on every build


class ArchiveError(ValueError):
    """The archive is not a plan apdoc wrote (the message says why)."""


@dataclass
class PlanArchive:
    files: dict[str, bytes] = field(default_factory=dict)  # path in the plan folder → its bytes
    facts: dict[str, str] = field(default_factory=dict)  # plan-digest, plan-commit


def plan_archive(plan: Plan, facts: dict[str, str]) -> bytes:
    """The plan folder's files (as they are on disk, comments.yaml too) and `facts`, as a
    deterministic ZIP."""
    files = [*plan.files, *([plan.comments] if plan.comments is not None else [])]
    paths = sorted((loaded.source.path.relative_to(plan.root).as_posix(), loaded.source.path)
                   for loaded in files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for relative, path in paths:
            _add(archive, relative, path.read_bytes())
        _add(archive, MANIFEST, json.dumps(facts, sort_keys=True, indent=1).encode("utf-8") + b"\n")
    return out.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def read_plan_archive(data: bytes) -> PlanArchive:
    """The files and facts of an archive `plan_archive` wrote; ArchiveError for anything else."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ArchiveError(f"the plan it carries is not a ZIP archive ({exc})") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ArchiveError(f"the plan it carries has more than {MAX_MEMBERS} files")
        names = [m.filename for m in members]
        if len(set(names)) != len(names):
            raise ArchiveError("the plan it carries names a file twice")
        if sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
            raise ArchiveError(f"the plan it carries is larger than {MAX_TOTAL_BYTES // 2**20} MB")
        result = PlanArchive()
        for member in members:
            name = member.filename
            if name != MANIFEST and not (PLAN_FILE.fullmatch(name) and ".." not in PurePosixPath(name).parts):
                raise ArchiveError(f"the plan it carries holds {name[:80]!r}, which is no plan file")
            if member.file_size > MAX_MEMBER_BYTES or member.flag_bits & 0x1:
                raise ArchiveError(f"{name} in the plan it carries is too large or encrypted")
            try:
                content = _read_bounded(archive, member)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                raise ArchiveError(f"{name} in the plan it carries cannot be read ({exc})") from None
            if name == MANIFEST:
                result.facts = _facts(content)
            else:
                result.files[name] = content
        if "document.yaml" not in result.files:
            raise ArchiveError("the plan it carries has no document.yaml")
        return result


def _read_bounded(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than its declared size (a lying header is no bomb)."""
    with archive.open(member) as stream:
        content = stream.read(member.file_size + 1)
    if len(content) != member.file_size:
        raise ArchiveError(f"{member.filename} in the plan it carries is not the size it says")
    return content


def _facts(content: bytes) -> dict[str, str]:
    try:
        facts = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ArchiveError(f"{MANIFEST} in the plan it carries is not JSON") from None
    if not isinstance(facts, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in facts.items()):
        raise ArchiveError(f"{MANIFEST} in the plan it carries is not a map of strings")
    return facts
