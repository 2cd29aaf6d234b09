"""Opening a DOCX from outside: a zip we do not trust.

Refused before anything is read from it (DocxError): a file that is not a zip (an OLE
compound file is a binary .doc or an encrypted OOXML, which Office wraps the same way), a zip
bomb (total and per-entry sizes, and compression ratios, checked on the bytes actually
inflated, not only on the headers, which lie), XML with a DOCTYPE (no DTD is loaded, no entity
resolved, nothing fetched), a package without content types or without its main document.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from lxml import etree

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_TOTAL = 200 * 1024 * 1024  # bytes inflated over all the parts read
MAX_ENTRY = 100 * 1024 * 1024  # bytes inflated for one part
MAX_ENTRIES = 10_000
MAX_RATIO = 200  # inflated / compressed, for parts past RATIO_FLOOR (XML compresses ~10-30 times)
RATIO_FLOOR = 1024 * 1024
CHUNK = 64 * 1024
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class DocxError(Exception):
    """The file cannot be read as a DOCX; the message says why, for the user."""


@dataclass
class Package:
    """The parts of a DOCX, inflated and parsed on demand, every read under the caps."""

    archive: zipfile.ZipFile
    source: str
    main: str = "word/document.xml"
    inflated: int = 0
    parsed: dict[str, etree._Element | None] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.archive.NameToInfo

    def read(self, name: str) -> bytes:
        """The bytes of one part, counted as they are inflated."""
        info = self.archive.getinfo(name)
        limit = min(MAX_ENTRY, MAX_TOTAL - self.inflated)
        out = bytearray()
        try:
            self._inflate(info, limit, out)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise DocxError(f"{self.source}: the part {name} cannot be read (a damaged zip: {exc})") from None
        self.inflated += len(out)
        return bytes(out)

    def _inflate(self, info: zipfile.ZipInfo, limit: int, out: bytearray) -> None:
        """Inflate one entry into `out`, counting the bytes as they come (zipfile also stops at the
        size the header declares, and checks the CRC at the end)."""
        name = info.filename
        with self.archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                out += chunk
                if len(out) > limit:
                    raise DocxError(f"{self.source}: the part {name} inflates past {limit:,} bytes (a zip bomb?)")
                if len(out) > RATIO_FLOOR and len(out) > MAX_RATIO * max(info.compress_size, 1):
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
            for rel in root.iter(f"{{{PACKAGE_RELS_NS}}}Relationship")
        }

    def related(self, part: str, kind: str) -> str | None:
        """The part name of `part`'s first relationship of type …/`kind` (None when it has none)."""
        for rel_type, target, mode in self.rels(part).values():
            if rel_type.endswith("/" + kind) and mode != "External":
                folder = posixpath.dirname(part)
                return posixpath.normpath(target.lstrip("/") if target.startswith("/") else
                                          posixpath.join(folder, target))
        return None


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                          huge_tree=False, remove_comments=True, remove_pis=True)


def parse_xml(data: bytes, where: str) -> etree._Element:
    """Parse one XML part; any DOCTYPE or entity declaration is refused, never resolved."""
    if _DOCTYPE.search(data[:4096]) or b"<!ENTITY" in data:
        raise DocxError(f"{where}: XML with a DOCTYPE or entity declarations is refused")
    try:
        tree = etree.parse(io.BytesIO(data), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DocxError(f"{where}: not well-formed XML: {exc}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # e.g. a UTF-16 part
        raise DocxError(f"{where}: XML with a DOCTYPE or entity declarations is refused")
    return _transitional(tree.getroot())


# Word's "Strict Open XML Document" spells the namespaces otherwise; the vocabulary is the same.
STRICT = {
    "http://purl.oclc.org/ooxml/wordprocessingml/main":
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/officeDocument/relationships":
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/math": "http://schemas.openxmlformats.org/officeDocument/2006/math",
}


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
        raise DocxError(f"{source}: {len(infos):,} entries in the zip; refused")
    if sum(i.file_size for i in infos) > MAX_TOTAL * 4 or any(i.file_size > MAX_ENTRY for i in infos):
        raise DocxError(f"{source}: an entry of the zip declares an absurd size; refused (a zip bomb?)")
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DocxError(f"{source}: the entry {info.filename} is compressed more than {MAX_RATIO} times; "
                            "refused (a zip bomb?)")
        if info.flag_bits & 0x1:
            raise DocxError(f"{source}: the zip is encrypted; refused")
    package = Package(archive, source)
    if not package.has("[Content_Types].xml"):
        raise DocxError(f"{source}: not a DOCX file (no [Content_Types].xml)")
    package.xml("[Content_Types].xml")
    root_rels = package.xml("_rels/.rels")
    if root_rels is not None:
        for rel in root_rels.iter(f"{{{PACKAGE_RELS_NS}}}Relationship"):
            if rel.get("Type") == OFFICE_DOCUMENT:
                package.main = posixpath.normpath(rel.get("Target", "").lstrip("/"))
    if not package.has(package.main):
        raise DocxError(f"{source}: not a Word document (no {package.main})")
    return package
