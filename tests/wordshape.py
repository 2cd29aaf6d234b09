"""XHTML as a reader of a Word file gives it: no ids, only the classes that are Word styles.

A TD made by hand in Word has none of apdoc's ids, and none of the classes that are not a
paragraph, character or table style of styles.xml (`ap-statement`, `legend`, `ap`, `matrix`,
`label`, `editors-note`, `number`…); heading numbers are Word's outline numbering (not text),
a caption's number is plain text, the landscape section is a section break (no element), and
the figure is a picture. Layout whitespace between blocks is not there either.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from apdoc.defaults import PACKAGED_TEMPLATES

STYLES = PACKAGED_TEMPLATES / "styles.xml"
SVG = "{http://www.w3.org/2000/svg}"
INLINE = {"strong", "b", "em", "i", "u", "sup", "sub", "a", "span", "code", "br", "ins", "del"}


@lru_cache(maxsize=1)
def style_ids() -> frozenset[str]:
    return frozenset(re.findall(r'w:styleId="([^"]+)"', STYLES.read_text(encoding="utf-8")))


def word_shaped(xhtml: str | bytes, *, heading_numbers: str = "field", paragraphs: bool = False) -> etree._Element:
    """The layout's XHTML stripped to what a Word file keeps (see the module's docstring).

    `heading_numbers`: "field", Word's outline numbering, not in the text; "text", typed
    in the heading as text (a TD numbered by hand). `paragraphs`: captions, the figure and
    annex headings as the paragraphs of their Word styles (`p.TableNotitle` before the table,
    `p.Figure` holding the picture and `p.FigureNotitle` after it, `p.AnnexNoTitle`), and
    every element in the XHTML namespace.
    """
    root = etree.fromstring(xhtml.encode("utf-8") if isinstance(xhtml, str) else xhtml)
    for figure in list(root.iter("figure")):
        for svg in [e for e in figure if e.tag == f"{SVG}svg"]:
            picture = etree.Element("img", src="media/image1.png")
            picture.tail = svg.tail
            figure.replace(svg, picture)
    for number in list(root.iter("span")):
        if "number" in (number.get("class") or "").split():
            parent = number.getparent()
            if parent.tag in ("h1", "h2", "h3") and heading_numbers == "field":  # outline numbering
                _unwrap(number, keep_text=False, tail=(number.tail or "").lstrip())
            else:  # a SEQ field's result: plain text
                _unwrap(number, keep_text=True, tail=number.tail or "")
    for section in list(root.iter("section")):
        _unwrap_block(section)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element.attrib.pop("id", None)
        kept = [c for c in (element.get("class") or "").split()
                if c in style_ids() or (element.tag == "span" and c == "footnote")]
        if kept:
            element.set("class", " ".join(kept))
        else:
            element.attrib.pop("class", None)
        _drop_layout_whitespace(element)
    if paragraphs:
        _as_paragraphs(root)
        root = _in_xhtml_namespace(root)
    return root


def _as_paragraphs(root: etree._Element) -> None:
    for caption in list(root.iter("caption")):
        caption.tag, caption.attrib["class"] = "p", "TableNotitle"
        table = caption.getparent()
        table.addprevious(caption)
    for figure in list(root.iter("figure")):
        picture, figcaption = figure.find("img"), figure.find("figcaption")
        holder = etree.Element("p", {"class": "Figure"})
        holder.append(picture)
        figcaption.tag, figcaption.attrib["class"] = "p", "FigureNotitle"
        figure.addprevious(holder)
        figure.addprevious(figcaption)
        figure.getparent().remove(figure)
    for heading in list(root.iter("h1")):
        if re.match(r"Annex [A-Z]+ – ", "".join(heading.itertext())):
            heading.tag, heading.attrib["class"] = "p", "AnnexNoTitle"


def _in_xhtml_namespace(root: etree._Element) -> etree._Element:
    text = etree.tostring(root, encoding="unicode").replace("<html", '<html xmlns="http://www.w3.org/1999/xhtml"', 1)
    return etree.fromstring(text.encode("utf-8"))


def _unwrap(span: etree._Element, *, keep_text: bool, tail: str) -> None:
    parent = span.getparent()
    text = (span.text or "" if keep_text else "") + tail
    previous = span.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(span)


def _unwrap_block(element: etree._Element) -> None:
    parent = element.getparent()
    at = parent.index(element)
    for n, child in enumerate(list(element)):
        parent.insert(at + n, child)
    parent.remove(element)


def _drop_layout_whitespace(element: etree._Element) -> None:
    if element.tag in INLINE or element.tag.startswith(SVG):
        return
    if element.text is not None and not element.text.strip() and len(element):
        element.text = None
    for child in element:
        if isinstance(child.tag, str) and child.tag not in INLINE and child.tail is not None and not child.tail.strip():
            child.tail = None
