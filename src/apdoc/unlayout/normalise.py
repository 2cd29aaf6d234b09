"""Word's spelling of the vocabulary's elements, rewritten to the layout's before reading.

A reader of a DOCX that apdoc never built may give a caption as a paragraph of the caption
style next to its table (`p.TableNotitle`), a figure as a paragraph holding a picture
(`p.Figure`) with its caption paragraph (`p.FigureNotitle`) after it, and an annex heading
as a paragraph of the annex style (`p.AnnexNoTitle`). The layout writes `caption`,
`figure`/`figcaption` and `h1 class="annex"`; the tree (a copy) is rewritten to those.
"""

from __future__ import annotations

from typing import Any

from ..intermediate import ANNEX, classes
from .context import local


def _move_content(source: Any, target: Any) -> None:
    target.text = source.text
    for child in list(source):
        target.append(child)


def _next(element: Any) -> Any:
    following = element.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()
    return following


def _table_caption(p: Any) -> None:
    table = _next(p)
    if table is None or local(table) != "table" or any(local(c) == "caption" for c in table):
        return
    caption = table.makeelement(_same_ns(table, "caption"), {})
    _move_content(p, caption)
    table.insert(0, caption)
    p.getparent().remove(p)


def _figure(p: Any) -> None:
    caption = _next(p)
    if caption is None or local(caption) != "p" or "FigureNotitle" not in classes(caption):
        return
    figure = p.makeelement(_same_ns(p, "figure"), {})
    p.addprevious(figure)
    for child in list(p):
        figure.append(child)
    figcaption = p.makeelement(_same_ns(p, "figcaption"), {})
    _move_content(caption, figcaption)
    figure.append(figcaption)
    figure.tail = caption.tail
    p.getparent().remove(p)
    caption.getparent().remove(caption)


def _same_ns(element: Any, name: str) -> str:
    tag = element.tag
    return f"{tag[: tag.index('}') + 1]}{name}" if tag.startswith("{") else name


def accept_revisions(root: Any) -> None:
    """A TD with revision marks (`apdoc build --compare-to`) read as its current text: what is
    deleted goes, what is inserted stays."""
    # Only the elements this changes, in document order: most of a TD is none of them.
    for element in root.xpath("descendant-or-self::*[@data-rev or local-name()='del' or local-name()='ins']"):
        if element.get("data-rev") == "del" or local(element) == "del":
            _remove_keeping_tail(element)
        elif local(element) == "ins":
            _unwrap(element)
        element.attrib.pop("data-rev", None)


def _remove_keeping_tail(element: Any) -> None:
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _unwrap(element: Any) -> None:
    parent = element.getparent()
    previous = element.getprevious()
    text = element.text or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    at = parent.index(element)
    children = list(element)
    for n, child in enumerate(children):
        parent.insert(at + n, child)
    last = children[-1] if children else element.getprevious()
    if element.tail:
        if last is not None and last is not element:
            last.tail = (last.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def normalise(root: Any) -> None:
    """Rewrite, in place, Word's paragraphs of caption, figure and annex styles (see above)."""
    accept_revisions(root)
    for p in list(root.iter("{*}p")):
        style = classes(p)
        if "TableNotitle" in style:
            _table_caption(p)
        elif "Figure" in style or (len(p) == 1 and local(p[0]) == "img" and not (p.text or "").strip()):
            _figure(p)
        elif "AnnexNoTitle" in style:
            p.tag = _same_ns(p, "h1")
            p.set("class", ANNEX)
