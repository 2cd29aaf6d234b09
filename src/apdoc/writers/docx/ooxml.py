"""OOXML as lxml elements: prefixed names, the namespaces of each part, serialisation.

`make("w:pStyle", {"w:val": "Normal"})` builds `<w:pStyle w:val="Normal"/>`; lxml escapes
text and attribute values. (The paragraphs, runs and rows of document.xml are written as text
instead, escaped by `xmltext.escape` and `xmltext.quote` as lxml escapes: nowhere else.)
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from lxml import etree

NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "xml": "http://www.w3.org/XML/1998/namespace",
    "cup": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}
# The namespaces declared on the root of every WordprocessingML part, in this order.
WORD = {prefix: NAMESPACES[prefix] for prefix in ("w", "r", "wp", "a", "pic")}
CORE = {prefix: NAMESPACES[prefix] for prefix in ("cp", "dc", "dcterms", "dcmitype", "xsi")}
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

Attributes = Mapping[str, str | int] | None


@cache
def qname(name: str) -> str:
    """`w:p` → `{http://…/main}p` (Clark notation, what lxml takes); `id` stays `id`."""
    prefix, colon, local = name.partition(":")
    return f"{{{NAMESPACES[prefix]}}}{local}" if colon else name


def make(name: str, attributes: Attributes = None, *children: etree._Element,
         text: str | None = None, nsmap: Mapping[str | None, str] | None = None) -> etree._Element:
    """An element with its attributes (in the order given), children and text. Only a part's
    root takes `nsmap` (e.g. WORD): an element appended under it uses the root's prefixes."""
    element = etree.Element(qname(name), nsmap=dict(nsmap) if nsmap else None)
    for key, value in (attributes or {}).items():
        element.set(qname(key), str(value))
    element.extend(children)
    if text is not None:
        element.text = text
    return element


def add(parent: etree._Element, name: str, attributes: Attributes = None,
        text: str | None = None) -> etree._Element:
    """A new last child of `parent`."""
    child = etree.SubElement(parent, qname(name))
    for key, value in (attributes or {}).items():
        child.set(qname(key), str(value))
    if text is not None:
        child.text = text
    return child


def find(element: etree._Element, path: str) -> etree._Element | None:
    """`element.find` with prefixed names (`w:pPr/w:sectPr`)."""
    return element.find(path, namespaces=NAMESPACES)


def serialize(root: etree._Element) -> bytes:
    """A part's bytes: the declaration Word writes (double quotes, standalone), then the XML."""
    return DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False)
