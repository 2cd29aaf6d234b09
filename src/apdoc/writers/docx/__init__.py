"""DOCX: the intermediate XHTML → WordprocessingML, written directly.

python-docx has no footnotes, fields, repeated header rows or list definitions, and its
`Table.cell()` is quadratic; so the parts are written here, as strings in schema order,
around the styles we ship in `../docx_parts/styles.xml`. The mapping from the vocabulary
(docs/layout-vocabulary.md) to Word is fixed; the look of every style lives in styles.xml.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from .common import FIXED_DATE, styles
from .document import Writer
from .parts import (
    APP_XML,
    CONTENT_TYPES,
    PACKAGE_RELS,
    SETTINGS,
    core_xml,
    document_rels,
    empty_header_xml,
    footnotes_xml,
    header_xml,
    numbering_xml,
)

__all__ = ["write_docx"]


def write_docx(html: str) -> bytes:
    """The intermediate XHTML document → the bytes of a .docx file (deterministic)."""
    root = etree.fromstring(html.encode("utf-8"))
    writer = Writer(root)
    document = writer.document_xml()
    doc = writer.doc
    date = writer.meta.get("date") or FIXED_DATE
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELS),
        ("docProps/core.xml", core_xml(writer.title, writer.meta.get("author", ""),
                                        writer.meta.get("keywords", ""), date)),
        ("docProps/app.xml", APP_XML),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", document_rels(doc.links, len(doc.images))),
        ("word/styles.xml", styles()[0]),
        ("word/settings.xml", SETTINGS),
        ("word/numbering.xml", numbering_xml(doc.nums)),
        ("word/footnotes.xml", footnotes_xml(doc.footnotes)),
        ("word/header1.xml", header_xml(doc.document_number)),
        ("word/header2.xml", empty_header_xml()),
        *((f"word/media/image{n}.png", png) for n, png in enumerate(doc.images, 1)),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text if isinstance(text, bytes) else text.encode("utf-8"))
    return buffer.getvalue()
