"""Word comments in a DOCX: the words each is on, the element it stands in, and its thread.

Every pass here is one walk of the document (a chunk at a time), whatever the comments do: a range that never
closes, or thousands of ranges open at once, costs nothing per run of text (issue 20 measured
a reader that added each run to every open range: ranges × runs, 2 GB for 20,000 ranges).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from lxml import etree

from ...intermediate import CELLS, LISTS, PARAGRAPHS
from ...ooxml import W14, W15, W
from .locate import describe, paragraph_number

QUOTE_LIMIT = 2000  # characters of commented words kept: a comment on a longer passage keeps its start
DELETED = (W + "del", W + "moveFrom")


@dataclass(frozen=True)
class Span:
    """Where a comment's range starts, and the words in it."""

    paragraph: int  # the paragraph its commentRangeStart (or, with no range, its reference) is in
    where: str  # the same, said as `table 2, row 3, cell 1, paragraph 40`
    quote: str  # as the TD shows them (tracked changes accepted): empty when all were deleted
    file_text: str  # as in the file, deleted text included
    position: tuple[int, int] = (0, 0)  # where it starts and ends in the file's text (characters)


class CommentSpans:
    """comment id → its range. The body comes a chunk at a time (readers/docx/body.py); a range
    may open in one chunk and close in a later one, so the text so far and the open ranges carry
    over: `feed` every chunk in order (before the view is made), then `spans()`."""

    TAGS = (W + "p", W + "t", W + "delText", W + "commentRangeStart", W + "commentRangeEnd",
            W + "commentReference")

    def __init__(self) -> None:
        self.shown: list[str] = []  # the text with tracked changes accepted
        self.every: list[str] = []  # the text as in the file
        self.shown_length = self.every_length = 0
        self.starts: dict[str, tuple[int, str, int, int]] = {}  # id → paragraph, where, offsets
        self.ends: dict[str, tuple[int, int]] = {}
        self.references: dict[str, tuple[int, str]] = {}

    def feed(self, root: etree._Element) -> None:
        for el in root.iter(*self.TAGS):
            tag = el.tag
            if tag == W + "p":
                if self.every_length:  # paragraphs apart, as a reader sees them
                    self.every.append("\n")
                    self.every_length += 1
                if self.shown_length:
                    self.shown.append("\n")
                    self.shown_length += 1
            elif tag == W + "t" or tag == W + "delText":
                text = el.text or ""
                if not text:
                    continue
                self.every.append(text)
                self.every_length += len(text)
                run = el.getparent()
                holder = run.getparent() if run is not None else None
                if tag == W + "t" and (holder is None or holder.tag not in DELETED):
                    self.shown.append(text)
                    self.shown_length += len(text)
            else:
                cid = el.get(W + "id", "")
                if tag == W + "commentRangeStart":
                    if cid not in self.starts:
                        self.starts[cid] = (paragraph_number(el), describe(el), self.shown_length,
                                            self.every_length)
                elif tag == W + "commentRangeEnd":
                    if cid in self.starts:
                        self.ends.setdefault(cid, (self.shown_length, self.every_length))
                elif cid not in self.references:
                    self.references[cid] = (paragraph_number(el), describe(el))

    def spans(self) -> dict[str, Span]:
        shown_text, every_text = "".join(self.shown), "".join(self.every)
        spans: dict[str, Span] = {}
        for cid, (paragraph, where, shown_from, every_from) in self.starts.items():
            # a range that never closes holds nothing
            shown_to, every_to = self.ends.get(cid, (shown_from, every_from))
            quote = _words(shown_text, shown_from, shown_to)
            file_text = _words(every_text, every_from, every_to)
            spans[cid] = Span(paragraph, where, quote, file_text, (every_from, every_to))
        for cid, (paragraph, where) in self.references.items():
            spans.setdefault(cid, Span(paragraph, where, "", ""))
        return spans


def _words(text: str, start: int, end: int) -> str:
    return text[start : min(end, start + QUOTE_LIMIT)].strip()


# The elements a paragraph's bookmarks may name, innermost first: a comment is on the innermost
# (the paragraph, not the cell, row or table it starts).
NESTING = {tag: rank for rank, tags in enumerate(((*PARAGRAPHS, "span"), CELLS, ("tr",), (*LISTS, "blockquote")))
           for tag in tags}


class CommentElements:
    """comment id → the stable id of the element its range starts in (`anchor_id`: bookmark name
    → id, or None; `tags`: id → the element's tag). A paragraph's own bookmarks name it (the
    innermost element, by its tag, else the longest id); a paragraph without one belongs to the
    element before it (a cell's second paragraph). Fed a chunk at a time, as CommentSpans."""

    def __init__(self, anchor_id: Callable[[str], str | None], tags: Mapping[str, str] | None = None) -> None:
        self.anchor_id = anchor_id
        self.tags = tags or {}
        self.found: dict[str, str] = {}
        self.current = ""  # the element of the paragraphs so far
        self.ids: list[str] = []  # of the paragraph being walked
        self.waiting: list[str] = []  # comments starting in it

    def _innermost(self, element_id: str) -> tuple[int, int]:
        return NESTING.get(self.tags.get(element_id, ""), len(NESTING)), -len(element_id)

    def _close(self) -> None:
        if self.ids:
            self.current = min(self.ids, key=self._innermost)
        for cid in self.waiting:
            self.found.setdefault(cid, self.current)
        self.ids.clear()
        self.waiting.clear()

    def feed(self, root: etree._Element) -> None:
        for el in root.iter(W + "p", W + "bookmarkStart", W + "commentRangeStart", W + "commentReference"):
            if el.tag == W + "p":
                self._close()
            elif el.tag == W + "bookmarkStart":
                element_id = self.anchor_id(el.get(W + "name", ""))
                if element_id:
                    self.ids.append(element_id)
            else:
                cid = el.get(W + "id", "")
                if cid not in self.found:
                    self.waiting.append(cid)

    def elements(self) -> dict[str, str]:
        self._close()
        return self.found


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
