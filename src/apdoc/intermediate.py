"""The intermediate document as code: the vocabulary of docs/layout-vocabulary.md that the layout
and the DOCX reader write, and the writers, the revision marks and the layout run backwards
(unlayout/) read. Its tag names are spelt here and nowhere else (tests/test_architecture.py).

One XHTML document sits between the plan and the output formats (readers → one document →
writers, as in pandoc). What an element is (inline or block), its classes, its revision mark,
how a container's content splits into runs of inline content and blocks, and which cell covers
which place of a table's grid are answered here once, not in each writer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from lxml import etree

# Inline elements: a run of text; everything else the layout writes is a block.
INLINE = frozenset({"strong", "b", "em", "i", "u", "sup", "sub", "a", "br", "span", "code", "ins", "del"})
BOLD = ("strong", "b")
ITALIC = ("em", "i")
# Blocks that may stand in a container (section, div, li, td, blockquote).
BLOCKS = frozenset({"p", "h1", "h2", "h3", "ul", "ol", "blockquote", "table", "section", "div", "figure"})
HEADINGS = ("h1", "h2", "h3")
# HTML's headings below the vocabulary's: a hand-written XHTML given to `apdoc import` may hold them.
DEEPER_HEADINGS = ("h4", "h5", "h6")
LISTS = ("ul", "ol")
# The blocks a plan's Markdown text becomes (layout/prose.py), and so what is read back as Markdown.
PROSE_BLOCKS = ("p", *LISTS, "blockquote")
# Blocks that are no line of text: inside a paragraph, only their text can be kept.
TABLE_AND_FIGURE = ("table", "figure")
# A table: an optional caption, a colgroup of cols, thead and tbody of tr rows of td/th cells.
CAPTIONS = ("caption", "figcaption")  # a table's (above it) and a figure's (below its drawing)
TABLE_HEAD = ("caption", "colgroup")  # what comes before a table's rows: no row of its own
ROW_GROUPS = ("thead", "tbody")
CELLS = ("td", "th")
# Blocks that hold blocks and say nothing of their own (a section's class may: landscape).
WRAPPERS = ("section", "div")
# What a reader does not see of inline content: a span's, an insertion's or a div's own tag.
UNSEEN = ("span", "ins", "div")
# Elements that are one paragraph in Word: what a message counts to say where it is.
PARAGRAPHS = ("p", "li", *HEADINGS, *CAPTIONS)
# Elements that a bookmark in their first paragraph may name (anchors.py): every block but a
# div, and list items, rows and cells.
BOOKMARKED = frozenset({*BLOCKS - {"div"}, "li", "tr", *CELLS})
# The head and what the layout writes outside the body's blocks.
DOCUMENT = frozenset({"html", "head", "title", "meta", "script", "style", "body"})
SVG_NS = "http://www.w3.org/2000/svg"
# HTML's void elements: written <br/>, never <br></br> (an HTML parser reads <p/> as an open <p>).
VOID = frozenset({"br", "col", "meta", "img", "hr", "wbr"})
# Every element name of the vocabulary (the SVG's own elements are in their namespace).
TAGS = frozenset({*INLINE, *BLOCKS, *DEEPER_HEADINGS, "li", "tr", "col", *CAPTIONS, *TABLE_HEAD, *ROW_GROUPS,
                  *CELLS, *DOCUMENT})

# Classes that more than one stage reads or writes (docs/layout-vocabulary.md).
NUMBER = "number"  # span class="number": a heading's, caption's or figure's number, never marked
FOOTNOTE = "footnote"  # span class="footnote": a footnote, its content the footnote's text
ANNEX = "annex"  # h1 class="annex": an annex heading
LANDSCAPE = "landscape"  # section class="landscape": its content on landscape pages
LOWER_ROMAN = "lower-roman"  # ol class="lower-roman": numbered i), ii)
# A pillar drawing's SVG: the box above the pillars holds text class="heading" (the figure's
# heading); each g class="pillar" a text class="name" and a text class="item" per action item.
DRAWING_HEADING = "heading"
PILLAR, PILLAR_NAME, PILLAR_ITEM = "pillar", "name", "item"

# Revision marks (a marked TD, revisions/): <ins>/<del> around inline content, and data-rev on a
# block wholly inserted or deleted ("ins"/"del") or holding inline marks ("mod").
REVISION_MARKS = ("ins", "del")
REVISION_ATTRIBUTE = "data-rev"
# A paragraph deleted in one place and inserted in another is a move: data-move="from" beside its
# data-rev="del", data-move="to" beside data-rev="ins".
MOVE_ATTRIBUTE = "data-move"
MOVES = ("from", "to")
# A paragraph split in two or two joined: only the paragraph's end (Word's paragraph mark) is
# new ("ins": Reject All joins it to the next paragraph) or gone ("del": Accept All joins them).
PARAGRAPH_MARK_ATTRIBUTE = "data-rev-mark"

Piece = str | etree._Element  # text, or an inline element (with its tail left out)


def classes(element: etree._Element) -> list[str]:
    """The element's classes, in order."""
    return (element.get("class") or "").split()


def text_of(element: etree._Element) -> str:
    """The element's text as shown: all of it, whitespace runs made one space, trimmed."""
    return " ".join("".join(element.itertext()).split())


def revision(element: etree._Element) -> str | None:
    """"ins" or "del" when the element is a block wholly inserted or deleted, else None."""
    mark = element.get(REVISION_ATTRIBUTE)
    return mark if mark in REVISION_MARKS else None


def paragraph_mark(element: etree._Element) -> str | None:
    """"ins" or "del" when only the paragraph's end is a tracked change (a split or a join)."""
    mark = element.get(PARAGRAPH_MARK_ATTRIBUTE)
    return mark if mark in REVISION_MARKS else None


def is_inline_container(element: etree._Element) -> bool:
    """True when every child element is inline (a paragraph, a heading, a caption)."""
    return all(not isinstance(c.tag, str) or c.tag in INLINE for c in element)


Content = tuple[Literal["inline"], list[Piece]] | tuple[Literal["block"], etree._Element]


def runs_and_blocks(element: etree._Element, *, keep_blank: bool = False) -> Iterator[Content]:
    """The element's content in order: ("inline", pieces) for each run of text and inline
    elements between blocks, ("block", child) for each block child. A run of only whitespace
    is left out unless `keep_blank`. Comments and processing instructions are skipped; a tail
    follows its element."""
    run: list[Piece] = [element.text] if element.text else []
    for child in element:
        if not isinstance(child.tag, str):
            if child.tail:
                run.append(child.tail)
            continue
        if child.tag in INLINE:
            run.append(child)
        else:
            if run and (keep_blank or _has_content(run)):
                yield "inline", run
            run = []
            yield "block", child
        if child.tail:
            run.append(child.tail)
    if run and (keep_blank or _has_content(run)):
        yield "inline", run


def _has_content(run: list[Piece]) -> bool:
    return any(isinstance(piece, etree._Element) or piece.strip() for piece in run)


@dataclass(frozen=True)
class Slot:
    """One place of a table's grid and the cell that covers it. `origin`: the cell's top-left
    place, where its content goes; the others are covered by its colspan or rowspan."""

    cell: etree._Element
    origin: bool
    from_above: bool  # covered by the rowspan of a cell in an earlier row


def span_grid(rows: Iterable[etree._Element]) -> list[list[Slot]]:
    """The grid of a table's rows (<tr>s, in order): for each row, one Slot per column it has,
    with the places that colspans and rowspans cover filled in."""
    return list(span_rows(rows))


def span_rows(rows: Iterable[etree._Element]) -> Iterator[list[Slot]]:
    """`span_grid` a row at a time: each row's places as its <tr> is reached, so that a writer
    streaming a large table need not hold its rows (only the cells whose rowspans go on)."""
    covering: dict[int, tuple[etree._Element, int]] = {}  # column → (cell above, rows it still covers)
    for tr in rows:
        row: list[Slot] = []
        for cell in (c for c in tr if c.tag in CELLS):
            _fill_from_above(row, covering)
            across, down = span(cell)
            for extra in range(across):
                if down > 1:
                    covering[len(row)] = (cell, down - 1)
                row.append(Slot(cell, origin=extra == 0, from_above=False))
        _fill_from_above(row, covering)
        yield row


def span(cell: etree._Element) -> tuple[int, int]:
    """(columns, rows) a cell covers: its colspan and rowspan, at least 1 each (as in HTML)."""
    across, down = cell.get("colspan"), cell.get("rowspan")
    return 1 if across is None else max(1, int(across)), 1 if down is None else max(1, int(down))


def _fill_from_above(row: list[Slot], covering: dict[int, tuple[etree._Element, int]]) -> None:
    """Add to `row` the places that rowspans from above cover next, and count them down."""
    while len(row) in covering:
        column = len(row)
        cell, left = covering[column]
        row.append(Slot(cell, origin=False, from_above=True))
        if left > 1:
            covering[column] = (cell, left - 1)
        else:
            del covering[column]
