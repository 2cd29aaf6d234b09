"""Opening a DOCX from outside: a zip we do not trust.

Refused before anything is read from it (DocxError): a path that is not a regular file (a pipe,
a device: never opened), a file that is not a zip (an OLE
compound file is a binary .doc or an encrypted OOXML, which Office wraps the same way), a zip
bomb (total and per-entry sizes, and compression ratios, checked on the bytes actually
inflated, not only on the headers, which lie), two entries with one part name (a reader may take
either), XML with a DOCTYPE (no DTD is loaded, no entity resolved, nothing fetched), a package
without content types or without its main document. A relationship to styles, numbering,
footnotes or comments that is external, or that leads back to the document or to a part with
another role, is ignored with a warning. The parts read are a fixed few (the document, its
styles, numbering, footnotes, comments, properties and relationships): never more.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ...ooxml import CONTENT_TYPES_PART, MAIN_PART, OFFICE_DOCUMENT, PACKAGE_RELATIONSHIPS_PART, REL, STRICT

MAX_FILE = 256 * 1024 * 1024  # bytes of the DOCX file itself
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_TOTAL = 200 * 1024 * 1024  # bytes inflated over all the parts read
MAX_ENTRY = 100 * 1024 * 1024  # bytes inflated for one part
MAX_ENTRIES = 10_000
MAX_RATIO = 200  # inflated / compressed, for parts past RATIO_FLOOR (XML compresses ~10-30 times)
RATIO_FLOOR = 1024 * 1024
CHUNK = 64 * 1024
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class DocxError(Exception):
    """The file cannot be read as a DOCX; the message says why, for the user."""


@dataclass
class Package:
    """The parts of a DOCX, inflated and parsed on demand, every read under the caps."""

    archive: zipfile.ZipFile
    source: str
    main: str = MAIN_PART
    inflated: int = 0
    parsed: dict[str, etree._Element | None] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # relationships ignored
    roles: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (part, kind) → the part found

    def has(self, name: str) -> bool:
        return name in self.archive.NameToInfo

    def read(self, name: str) -> bytes:
        """The bytes of one part, counted as they are inflated."""
        return b"".join(self.read_pieces(name))

    def read_pieces(self, name: str) -> list[bytes]:
        """The bytes of one part in the pieces they were inflated in (a large part is never one
        string: body.py feeds them to the parser and lets each go), counted as they come."""
        info = self.archive.getinfo(name)
        limit = min(MAX_ENTRY, MAX_TOTAL - self.inflated)
        pieces: list[bytes] = []
        try:
            self._inflate(info, limit, pieces)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise DocxError(f"{self.source}: the part {name} cannot be read (a damaged zip: {exc})") from None
        self.inflated += sum(map(len, pieces))
        return pieces

    def _inflate(self, info: zipfile.ZipInfo, limit: int, pieces: list[bytes]) -> None:
        """Inflate one entry into `pieces`, counting the bytes as they come (zipfile also stops at
        the size the header declares, and checks the CRC at the end)."""
        name = info.filename
        size = 0
        with self.archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                pieces.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise DocxError(f"{self.source}: the part {name} inflates past {limit:,} bytes (a zip bomb?)")
                if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
                    raise DocxError(f"{self.source}: the part {name} is compressed more than {MAX_RATIO} times "
                                    "(a zip bomb?)")

    def xml(self, name: str) -> etree._Element | None:
        """A part parsed as XML (None when the package has no such part)."""
        if name not in self.parsed:
            self.parsed[name] = parse_xml(self.read(name), f"{self.source}: {name}") if self.has(name) else None
        return self.parsed[name]

    def rels(self, part: str) -> dict[str, tuple[str, str, str]]:
        """The relationships of a part: id → (type, target, target mode)."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        if root is None:
            return {}
        return {
            rel.get("Id", ""): (rel.get("Type", ""), rel.get("Target", ""), rel.get("TargetMode", "Internal"))
            for rel in root.iter(REL + "Relationship")
        }

    def related(self, part: str, kind: str) -> str | None:
        """The part name of `part`'s first relationship of type …/`kind` (None when it has none).
        One that is external, or leads back to the document (or to a part that another role
        already has, or to the package's own bookkeeping), is ignored with a warning: a DOCX
        does not take its styles from the web, nor its footnotes from its own body."""
        if (part, kind) in self.roles:
            return self.roles[(part, kind)]
        found = None
        for rel_type, target, mode in self.rels(part).values():
            if not rel_type.endswith("/" + kind):
                continue
            if mode == "External":
                self._ignored(part, kind, f"is external ({snippet_of(target)})")
                continue
            folder = posixpath.dirname(part)
            name = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))
            taken = {found_name: role for (_, role), found_name in self.roles.items() if found_name}
            if name in (part, self.main) or name.startswith("_rels/") or "/_rels/" in name \
                    or name == CONTENT_TYPES_PART:
                self._ignored(part, kind, f"leads back to {name}")
            elif name in taken:
                self._ignored(part, kind, f"leads to {name}, which is the {taken[name]} already")
            else:
                found = name
                break
        self.roles[(part, kind)] = found
        return found

    def _ignored(self, part: str, kind: str, why: str) -> None:
        self.warnings.append(f"{self.source}: {part}: warning: its {kind} relationship {why}: ignored")


def snippet_of(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# No DTD loaded, no entity resolved, nothing fetched; iterparse (readers/docx/body.py) takes the same.
PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "dtd_validation": False,
                  "huge_tree": False, "remove_comments": True, "remove_pis": True}
_PARSER = etree.XMLParser(**PARSER_OPTIONS)


def refuse_declarations(data: bytes, where: str) -> None:
    """Any DOCTYPE or entity declaration is refused before the part is parsed (in UTF-8)."""
    if _DOCTYPE.search(data[:4096]) or b"<!ENTITY" in data:
        raise DocxError(f"{where}: XML with a DOCTYPE or entity declarations is refused")


def refuse_declared(tree: etree._ElementTree, where: str) -> None:
    """… and after (a part in UTF-16 shows its DOCTYPE only to the parser)."""
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise DocxError(f"{where}: XML with a DOCTYPE or entity declarations is refused")


def not_well_formed(exc: etree.XMLSyntaxError, where: str) -> DocxError:
    return DocxError(f"{where}: not well-formed XML: {exc}")


def parse_xml(data: bytes, where: str) -> etree._Element:
    """Parse one XML part; any DOCTYPE or entity declaration is refused, never resolved."""
    refuse_declarations(data, where)
    try:
        tree = etree.parse(io.BytesIO(data), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise not_well_formed(exc, where) from None
    refuse_declared(tree, where)
    return _transitional(tree.getroot())


def is_strict(data: bytes) -> bool:
    """Whether a part names a Strict namespace anywhere (then it is parsed whole, and renamed)."""
    return any(uri.encode() in data for uri in STRICT)


def _transitional(root: etree._Element) -> etree._Element:
    """A Strict part with the transitional namespaces (nothing to do for a transitional one)."""
    if not any(uri in STRICT for uri in root.nsmap.values()):
        return root
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        qname = etree.QName(el)
        if qname.namespace in STRICT:
            el.tag = f"{{{STRICT[qname.namespace]}}}{qname.localname}"
        for key in [k for k in el.attrib if k.startswith("{")]:
            name = etree.QName(key)
            if name.namespace in STRICT:
                el.attrib[f"{{{STRICT[name.namespace]}}}{name.localname}"] = el.attrib.pop(key)
    return root


def open_package(data: bytes, source: str) -> Package:
    """Check the zip as a whole (headers) and the package's skeleton; parts are read later."""
    if data[:8] == OLE_MAGIC:
        raise DocxError(f"{source}: a password-protected or binary Word .doc file, not a DOCX "
                        "(remove the password, or save it as .docx)")
    if data[:2] != b"PK":
        raise DocxError(f"{source}: not a DOCX file (not a zip archive)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocxError(f"{source}: not a DOCX file (a damaged zip archive: {exc})") from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise DocxError(f"{source}: {len(infos):,} entries in the zip (the most is {MAX_ENTRIES:,}); refused")
    seen: set[str] = set()
    for info in infos:  # part names are compared without case (ECMA-376 Part 2, §9.1.1.1.2)
        key = info.filename.lstrip("/").casefold()
        if key in seen:
            raise DocxError(f"{source}: the zip holds the part {snippet_of(info.filename)} twice (Word and apdoc "
                            "might read different ones); refused")
        seen.add(key)
    if sum(i.file_size for i in infos) > MAX_TOTAL * 4 or any(i.file_size > MAX_ENTRY for i in infos):
        raise DocxError(f"{source}: an entry of the zip declares an absurd size; refused (a zip bomb?)")
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DocxError(f"{source}: the entry {info.filename} is compressed more than {MAX_RATIO} times; "
                            "refused (a zip bomb?)")
        if info.flag_bits & 0x1:
            raise DocxError(f"{source}: the zip is encrypted; refused")
    package = Package(archive, source)
    if not package.has(CONTENT_TYPES_PART):
        raise DocxError(f"{source}: not a DOCX file (no {CONTENT_TYPES_PART})")
    package.xml(CONTENT_TYPES_PART)
    root_rels = package.xml(PACKAGE_RELATIONSHIPS_PART)
    if root_rels is not None:
        for rel in root_rels.iter(REL + "Relationship"):
            if rel.get("Type") == OFFICE_DOCUMENT:
                package.main = posixpath.normpath(rel.get("Target", "").lstrip("/"))
    if not package.has(package.main):
        raise DocxError(f"{source}: not a Word document (no {package.main})")
    return package


def read_file(path: Path, shown: str) -> bytes:
    """The bytes of the DOCX at `path`, read only if it is a regular file (a pipe, a device such as
    /dev/zero, a socket or a folder is refused before it is opened: its size says nothing and a
    read may never end) of at most MAX_FILE bytes. Raises DocxError, OSError when unreadable."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise DocxError(f"{shown}: not a regular file ({_file_kind(info.st_mode)}): refused, not read")
    if info.st_size > MAX_FILE:
        raise DocxError(f"{shown}: larger than {MAX_FILE >> 20} MB: not read")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):  # replaced between the stat and the open
            raise DocxError(f"{shown}: not a regular file: refused, not read")
        data = stream.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise DocxError(f"{shown}: larger than {MAX_FILE >> 20} MB: not read")
    return data


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))
    return next((name for test, name in kinds if test(mode)), "not a file")
