"""The plan's open comment threads shown in the HTML TD, beside the words they are on.

The words are marked `<mark class="comment-anchor">` (when they stand in one piece of text) and
each thread is laid out by the template `comments.html.j2` right after the element it is on
(inside it, for a cell or list item). The look is the templates' (td.css); the thread's text is
data: Jinja escapes it, so `<`, `&` and `{{ }}` show as typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from ..intermediate import CELLS
from ..plan.models import CommentThread
from .render import render_template, stylesheet

INSIDE = (*CELLS, "li")  # a thread on these stays in them, after their content
TEMPLATE = "comments.html.j2"
STYLESHEET = "comments.css"  # added to the TD's own when it shows a thread: a TD without stays as it was


def html_with_threads(html: str, threads: Sequence[CommentThread], template_dir: Path | None) -> str:
    """The intermediate XHTML with each thread shown beside its element (a thread whose element
    is not in the TD is left out: the DOCX build reports it)."""
    if not threads:
        return html
    root = etree.fromstring(html.encode("utf-8"))
    by_id = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for number, thread in enumerate(threads, 1):
        element = by_id.get(thread.anchor)
        if element is None:
            continue
        words = next((line.strip() for line in thread.quote.split("\n") if line.strip()), "")
        if words:
            _mark(element, words, number)
        shown = render_template(TEMPLATE, template_dir, thread=thread, number=number)
        aside = etree.fromstring(shown.encode("utf-8"))
        if element.tag in INSIDE:
            element.append(aside)
        else:
            aside.tail = element.tail
            element.tail = None
            element.addnext(aside)
    head = root.find("head")
    if head is not None:
        style = etree.SubElement(head, "style")
        style.text = stylesheet(template_dir, STYLESHEET)
    return etree.tostring(root, encoding="unicode")


def _mark(element: etree._Element, words: str, number: int) -> None:
    """Wrap the first occurrence of `words` in one text node of `element` in a <mark>."""
    for node in element.iter():
        if not isinstance(node.tag, str) or node.tag in ("aside", "style", "script"):
            continue
        if node.text and words in node.text:
            before, _, after = node.text.partition(words)
            mark = etree.Element("mark", {"class": "comment-anchor", "data-thread": str(number)})
            mark.text, mark.tail = words, after
            node.text = before
            node.insert(0, mark)
            return
        for child in node:
            if child.tail and words in child.tail:
                before, _, after = child.tail.partition(words)
                mark = etree.Element("mark", {"class": "comment-anchor", "data-thread": str(number)})
                mark.text, mark.tail = words, after
                child.tail = before
                child.addnext(mark)
                return
