"""OOXML as lxml elements, built from prefixed names (apdoc.ooxml's), and serialised.

`make("w:pStyle", {"w:val": "Normal"})` builds `<w:pStyle w:val="Normal"/>`; lxml escapes
text and attribute values. (The paragraphs, runs and rows of document.xml are written as text
instead, escaped by `xmltext.escape` and `xmltext.quote` as lxml escapes: nowhere else.)
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from ...ooxml import NAMESPACES, qname

DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

Attributes = Mapping[str, str | int] | None


def make(name: str, attributes: Attributes = None, *children: etree._Element,
         text: str | None = None, nsmap: Mapping[str | None, str] | None = None) -> etree._Element:
    """An element with its attributes (in the order given), children and text. Only a part's
    root takes `nsmap` (e.g. ooxml.WORD): an element appended under it uses the root's prefixes."""
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
