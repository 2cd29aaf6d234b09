"""The reader's own namespace and small helpers shared by the DOCX reader's modules (the OOXML
names are apdoc.ooxml's)."""

from __future__ import annotations

from lxml import etree

from ...ooxml import W

A_NS = "urn:apdoc:docx-reader"  # our own marks on the parsed tree (paragraph numbers, field results)
A = f"{{{A_NS}}}"
FALSE_VALUES = ("0", "false", "off", "none")


def w(tag: str) -> str:
    return W + tag


def val(el: etree._Element | None, attr: str = "val", default: str | None = None) -> str | None:
    """A w: attribute of an element (None when the element or the attribute is missing)."""
    if el is None:
        return default
    return el.get(W + attr, default)


def child(el: etree._Element, tag: str) -> etree._Element | None:
    """The first child with this (Clark-notation) tag: `el.find(tag)`, without ElementPath's parsing
    of the path on every call (millions of calls on a large TD); a plain loop beats iterchildren's
    tag matcher, as the properties element it looks for is first or the children are few."""
    for node in el:
        if node.tag == tag:
            return node
    return None


def grandchild(el: etree._Element, tag: str, inner: str) -> etree._Element | None:
    """`el.find(f"{tag}/{inner}")` (the first `inner` child of any `tag` child, in document order),
    without ElementPath."""
    for node in el:
        if node.tag == tag:
            for below in node:
                if below.tag == inner:
                    return below
    return None


def localname(el: etree._Element) -> str:
    """`etree.QName(el).localname`, without a QName object for every element of every run."""
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else etree.QName(el).localname


def on(el: etree._Element | None) -> bool:
    """A toggle property (w:b, w:i, w:tblHeader…): present and not switched off."""
    return el is not None and (val(el) or "1").lower() not in FALSE_VALUES


def unwrap(el: etree._Element) -> None:
    """Replace an element by its children (WordprocessingML has no mixed text, so no tails to keep)."""
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    for offset, child in enumerate(list(el)):
        parent.insert(index + offset, child)
    parent.remove(el)


def remove(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def text_of(el: etree._Element) -> str:
    """The visible text under an element: w:t and w:delText (some producers put w:t in w:del), tabs."""
    parts = []
    for node in el.iter(W + "t", W + "delText", W + "tab"):
        parts.append("\t" if node.tag == W + "tab" else node.text or "")
    return "".join(parts)


def snippet(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
