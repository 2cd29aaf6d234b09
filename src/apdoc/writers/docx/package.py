"""The .docx package: every part serialised and zipped, deterministically (fixed dates,
fixed order, fixed permissions), so the same XHTML gives the same bytes."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from typing import IO

from ...anchors import AnchorMap
from . import parts
from .document import FIXED_DATE, Writer
from .elements import serialize
from .look import styles_part, theme_part
from .streaming import BodyXml, XhtmlStream

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_CHUNK = 1 << 20  # bytes of a part read from its file at a time
DOCUMENT_IN_MEMORY = 8 << 20  # bytes of document.xml kept in memory; more wait in a temporary file


def write_docx(html: str | Iterable[str]) -> bytes:
    """The intermediate XHTML document (or its pieces in order) → the bytes of a .docx file
    (deterministic)."""
    xhtml = XhtmlStream(html)
    writer = Writer(xhtml.root)
    # A large TD's document.xml (30 MB for a plan of 100 times the seed's) waits on disk, not in
    # memory, while the parts before it are made; a small one stays in memory.
    with tempfile.SpooledTemporaryFile(max_size=DOCUMENT_IN_MEMORY) as document:
        writer.document(xhtml, BodyXml(document))
        return zip_parts(package_parts(writer, document))


def package_parts(writer: Writer, document: IO[bytes]) -> list[tuple[str, bytes | IO[bytes]]]:
    """Every part of the package, in the order they are zipped."""
    doc, meta = writer.doc, writer.meta
    core = parts.core_properties(writer.title, meta.get("author", ""), meta.get("keywords", ""),
                                 meta.get("date") or FIXED_DATE)
    return [
        ("[Content_Types].xml", serialize(parts.content_types())),
        ("_rels/.rels", serialize(parts.package_relationships())),
        ("docProps/core.xml", serialize(core)),
        ("docProps/app.xml", serialize(parts.app_properties())),
        ("docProps/custom.xml", serialize(parts.custom_properties(
            build_facts(meta, doc.anchor_map)))),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", serialize(parts.document_relationships(doc.links, len(doc.images)))),
        ("word/styles.xml", styles_part()),
        ("word/settings.xml", serialize(parts.settings())),
        ("word/numbering.xml", serialize(parts.numbering(doc.nums))),
        ("word/footnotes.xml", serialize(parts.footnotes(doc.footnotes))),
        ("word/header1.xml", serialize(parts.header(meta.get("document-number", "")))),
        ("word/header2.xml", serialize(parts.first_page_header())),
        ("word/fontTable.xml", serialize(parts.font_table())),
        ("word/theme/theme1.xml", theme_part()),
        *((f"word/media/image{n}.png", png) for n, png in enumerate(doc.images, 1)),
    ]


def build_facts(meta: dict[str, str], anchors: AnchorMap) -> dict[str, str]:
    """What `apdoc apply` needs to know of this TD: the layout's `apdoc-*` facts (the plan it was
    built from), who made the build's own revision marks and when, and the anchors' map."""
    facts = {name: value for name, value in meta.items() if name.startswith("apdoc-") and value}
    for name in [name for name, value in facts.items() if len(value) > parts.PROPERTY_TEXT_LIMIT]:
        facts.update(property_parts(name, facts.pop(name)))  # the plan's values, packed: 20 kB for the seed
    if "revision-author" in meta:
        facts["apdoc-revision-author"] = meta["revision-author"]
        facts["apdoc-revision-date"] = meta.get("revision-date") or FIXED_DATE
    return {**facts, **anchors.properties()}


def property_parts(name: str, value: str) -> dict[str, str]:
    """A long value as custom properties `name-001`, `name-002`, … of at most 255 characters each
    (what Word keeps whole), as the anchors' map is kept."""
    limit = parts.PROPERTY_TEXT_LIMIT
    return {f"{name}-{n:03d}": value[i : i + limit] for n, i in enumerate(range(0, len(value), limit), 1)}


def zip_parts(files: list[tuple[str, bytes | IO[bytes]]]) -> bytes:
    """The parts zipped: bytes, or a file read from its start (the same bytes in the zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if isinstance(data, bytes):
                archive.writestr(info, data)
            else:
                data.seek(0)
                with archive.open(info, "w") as entry:
                    shutil.copyfileobj(data, entry, ZIP_CHUNK)
    return buffer.getvalue()
