"""Word comments in a DOCX: the words each is on, the element it stands in, and its thread.

Every pass here is one walk of the document, whatever the comments do: a range that never
closes, or thousands of ranges open at once, costs nothing per run of text (issue 20 measured
a reader that added each run to every open range: ranges × runs, 2 GB for 20,000 ranges).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ...intermediate import CELLS, LISTS, PARAGRAPHS
from ...ooxml import W14, W15, W

QUOTE_LIMIT = 2000  # characters of commented words kept: a comment on a longer passage keeps its start
DELETED = (W + "del", W + "moveFrom")


@dataclass(frozen=True)
class Span:
    """Where a comment's range starts, and the words in it."""

    start: etree._Element  # its commentRangeStart (or, with no range, its commentReference)
    quote: str  # as the TD shows them (tracked changes accepted): empty when all were deleted
    file_text: str  # as in the file, deleted text included
    position: tuple[int, int] = (0, 0)  # where it starts and ends in the file's text (characters)


def comment_spans(document: etree._Element) -> dict[str, Span]:
    """comment id → its range, in one walk: the text is kept once, each range as two offsets."""
    shown: list[str] = []  # the text with tracked changes accepted
    every: list[str] = []  # the text as in the file
    shown_length = every_length = 0
    starts: dict[str, tuple[etree._Element, int, int]] = {}
    ends: dict[str, tuple[int, int]] = {}
    references: dict[str, etree._Element] = {}
    tags = (W + "p", W + "t", W + "delText", W + "commentRangeStart", W + "commentRangeEnd", W + "commentReference")
    for el in document.iter(*tags):
        tag = el.tag
        if tag == W + "p":
            if every_length:  # paragraphs apart, as a reader sees them
                every.append("\n")
                every_length += 1
            if shown_length:
                shown.append("\n")
                shown_length += 1
        elif tag == W + "t" or tag == W + "delText":
            text = el.text or ""
            if not text:
                continue
            every.append(text)
            every_length += len(text)
            run = el.getparent()
            holder = run.getparent() if run is not None else None
            if tag == W + "t" and (holder is None or holder.tag not in DELETED):
                shown.append(text)
                shown_length += len(text)
        else:
            cid = el.get(W + "id", "")
            if tag == W + "commentRangeStart":
                starts.setdefault(cid, (el, shown_length, every_length))
            elif tag == W + "commentRangeEnd":
                if cid in starts:
                    ends.setdefault(cid, (shown_length, every_length))
            else:
                references.setdefault(cid, el)
    shown_text, every_text = "".join(shown), "".join(every)
    spans: dict[str, Span] = {}
    for cid, (start, shown_from, every_from) in starts.items():
        shown_to, every_to = ends.get(cid, (shown_from, every_from))  # a range that never closes holds nothing
        quote = _words(shown_text, shown_from, shown_to)
        file_text = _words(every_text, every_from, every_to)
        spans[cid] = Span(start, quote, file_text, (every_from, every_to))
    for cid, reference in references.items():
        spans.setdefault(cid, Span(reference, "", ""))
    return spans


def _words(text: str, start: int, end: int) -> str:
    return text[start : min(end, start + QUOTE_LIMIT)].strip()


# The elements a paragraph's bookmarks may name, innermost first: a comment is on the innermost
# (the paragraph, not the cell, row or table it starts).
NESTING = {tag: rank for rank, tags in enumerate(((*PARAGRAPHS, "span"), CELLS, ("tr",), (*LISTS, "blockquote")))
           for tag in tags}


def comment_elements(document: etree._Element, anchors: dict[str, str],
                     tags: dict[str, str] | None = None) -> dict[str, str]:
    """comment id → the stable id of the element its range starts in (`anchors`: bookmark name →
    id; `tags`: id → the element's tag). A paragraph's own bookmarks name it (the innermost
    element, by its tag, else the longest id); a paragraph without one belongs to the element
    before it (a cell's second paragraph)."""
    tags = tags or {}

    def innermost(element_id: str) -> tuple[int, int]:
        return NESTING.get(tags.get(element_id, ""), len(NESTING)), -len(element_id)

    found: dict[str, str] = {}
    current = ""  # the element of the paragraphs so far
    ids: list[str] = []  # of the paragraph being walked
    waiting: list[str] = []  # comments starting in it

    def close() -> None:
        nonlocal current
        if ids:
            current = min(ids, key=innermost)
        for cid in waiting:
            found.setdefault(cid, current)
        ids.clear()
        waiting.clear()

    for el in document.iter(W + "p", W + "bookmarkStart", W + "commentRangeStart", W + "commentReference"):
        if el.tag == W + "p":
            close()
        elif el.tag == W + "bookmarkStart":
            element_id = anchors.get(el.get(W + "name", ""))
            if element_id:
                ids.append(element_id)
        else:
            cid = el.get(W + "id", "")
            if cid not in found:
                waiting.append(cid)
    close()
    return found


def comment_threads(comments: etree._Element, extended: etree._Element | None) -> dict[str, tuple[str, bool]]:
    """comment id → (the id of the comment it replies to or "", resolved), from commentsExtended.xml
    (Word 2013+: each comment's last paragraph's w14:paraId, its parent's, and w15:done)."""
    if extended is None:
        return {}
    by_paragraph: dict[str, str] = {}
    for comment in comments.iter(W + "comment"):
        paragraphs = comment.findall(W + "p")
        paragraph_id = paragraphs[-1].get(W14 + "paraId", "") if paragraphs else ""
        if paragraph_id:
            by_paragraph.setdefault(paragraph_id.upper(), comment.get(W + "id", ""))
    found: dict[str, tuple[str, bool]] = {}
    for entry in extended.iter(W15 + "commentEx"):
        cid = by_paragraph.get(entry.get(W15 + "paraId", "").upper())
        if cid is None:
            continue
        parent = by_paragraph.get(entry.get(W15 + "paraIdParent", "").upper(), "")
        found.setdefault(cid, ("" if parent == cid else parent, entry.get(W15 + "done", "0") in ("1", "true")))
    return found


def replies_by_range(comments: list[tuple[str, str]], spans: dict[str, Span],
                     known: dict[str, tuple[str, bool]]) -> dict[str, str]:
    """comment id → the comment it replies to, for the comments commentsExtended.xml says nothing
    of (LibreOffice 7.4 writes no replies there, only the resolved state; nor did Word before
    2013): comments on exactly the same range are one thread, the earliest (by date, then as
    comments.xml lists them) its first. `comments`: (id, date) in the file's order."""
    groups: dict[tuple[int, int], list[tuple[str, int, str]]] = {}
    for n, (cid, date) in enumerate(comments):
        if cid in known or cid not in spans:
            continue
        groups.setdefault(spans[cid].position, []).append((date, n, cid))
    found: dict[str, str] = {}
    for members in groups.values():
        members.sort()
        first = members[0][2]
        found.update((cid, first) for _date, _n, cid in members[1:])
    return found
