"""The shape of an intermediate XHTML document, for comparing a layout with what the DOCX
reader gives back: blocks in order with their normalised text (numbers aside), list nesting,
table spans and header cells, footnotes in place, the paragraph style that Word would show."""

from __future__ import annotations

from lxml import etree

from apdoc.readers.docx.styles import IMPLICIT, apdoc_style_ids

LIST_CLASSES = {"lower-roman", "lower-alpha", "upper-roman", "upper-alpha"}
SVG = "{http://www.w3.org/2000/svg}svg"
BLOCK_TAGS = {"p", "h1", "h2", "h3", "ul", "ol", "li", "table", "figure", "blockquote", "section",
              "caption", "figcaption", "colgroup", "thead", "tbody", "tr", "td", "th"}


def _style(element: etree._Element) -> str:
    """The paragraph style Word shows: a class naming an apdoc style (on the p or its cell)."""
    styles = set(apdoc_style_ids().values())
    parent = element.getparent()
    holders = [element] + ([parent] if parent is not None and parent.tag in ("td", "th") else [])
    for holder in holders:
        found = [c for c in (holder.get("class") or "").split() if c in styles and c not in IMPLICIT]
        if found:
            return found[0]
    return ""


def inline_text(element: etree._Element, numbers: bool = False) -> str:
    """Text of inline content: footnotes as [^…], numbers left out, nested blocks left out."""
    parts = [element.text or ""]
    for child in element:
        classes = (child.get("class") or "").split()
        if child.tag in BLOCK_TAGS or child.tag == SVG or (child.tag == "span" and "number" in classes
                                                            and not numbers):
            pass
        elif child.tag == "span" and "footnote" in (child.get("class") or "").split():
            parts.append(f" [^{inline_text(child)}] ")
        elif child.tag == "br":
            parts.append(" ")
        else:
            parts.append(inline_text(child, numbers))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _inline_marks(element: etree._Element) -> list[str]:
    return [f"{e.tag}:{e.get('href', '')}" for e in element.iter("strong", "em", "u", "sup", "sub", "a", "code")
            if not e.xpath("ancestor::span[contains(@class, 'footnote')]")]


def shape(element: etree._Element, out: list[tuple] | None = None) -> list[tuple]:
    out = [] if out is None else out
    for child in element:
        tag = child.tag
        if tag in ("h1", "h2", "h3"):
            out.append((tag, "annex" in (child.get("class") or ""), inline_text(child)))
        elif tag == "p":
            out.append(("p", _style(child), inline_text(child), *_inline_marks(child)))
        elif tag in ("ul", "ol"):
            kinds = [c for c in (child.get("class") or "").split() if c in LIST_CLASSES]
            out.append((tag, *kinds))
            shape(child, out)
            out.append((f"/{tag}",))
        elif tag == "li":
            paragraphs = child.findall("p")
            if len(paragraphs) == 1 and not inline_text(child):
                out.append(("li", inline_text(paragraphs[0]), *_inline_marks(paragraphs[0])))
                shape(etree.Element("x"), out)
                for nested in child:
                    if nested.tag in ("ul", "ol"):
                        shape(_wrap(nested), out)
            else:
                out.append(("li", inline_text(child), *_inline_marks(child)))
                shape(child, out)
        elif tag in ("td", "th"):
            out.append((tag, child.get("colspan", "1"), child.get("rowspan", "1")))
            if inline_text(child):
                out.append(("p", _style(child), inline_text(child), *_inline_marks(child)))
            blocks = shape(child)
            # Word needs a paragraph in every cell; an empty one says no more than an empty cell
            out.extend(blocks if blocks != [("p", "", "")] else [])
        elif tag in ("caption", "figcaption"):
            out.append((tag, inline_text(child)))
        elif tag in ("table", "figure", "blockquote", "section", "thead", "tbody", "tr"):
            out.append((tag,))
            shape(child, out)
    return out


def _wrap(element: etree._Element) -> etree._Element:
    holder = etree.Element("x")
    holder.append(etree.fromstring(etree.tostring(element)))
    return holder


def body_shape(document: etree._Element | str) -> list[tuple]:
    root = etree.fromstring(document.encode()) if isinstance(document, str) else document
    return shape(root.find("body"))
