"""Where something is in the document, in terms a reader of the DOCX can find.

Paragraphs are counted in document order, 1-based, over the whole part (paragraphs in table
cells included), on the file as received: before any view or normalisation, so a warning
and a tracked change name the same paragraph whichever view is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ...ooxml import W
from .ns import A, snippet, text_of

_P, _TBL, _TR, _TC, _BOOKMARK_START, _NAME = (W + "p", W + "tbl", W + "tr", W + "tc", W + "bookmarkStart",
                                              W + "name")


@dataclass
class Counted:
    """Paragraphs and tables numbered so far in a part (the body comes a chunk at a time)."""

    paragraphs: int = 0
    tables: int = 0
    # A table read a group of rows at a time (body.py): the one whose rows go on from the last
    # chunk (`rows` of them numbered), and the one whose rows go on in the next.
    continued: etree._Element | None = None
    opened: etree._Element | None = None
    rows: int = 0


def number_part(root: etree._Element, counted: Counted | None = None, bookmarks: set[str] | None = None) -> None:
    """Mark every paragraph, table, row and cell with its position (attributes in our namespace),
    counting on from `counted`; the names of the bookmarks that start in it are added to
    `bookmarks` (in the same walk: a walk of the 100× TD's tree is a tenth of a second)."""
    counted = counted if counted is not None else Counted()
    tags = (_P, _TBL) if bookmarks is None else (_P, _TBL, _BOOKMARK_START)
    for el in root.iter(*tags):
        tag = el.tag
        if tag == _P:
            counted.paragraphs += 1
            el.set(A + "n", str(counted.paragraphs))
        elif tag == _BOOKMARK_START:
            bookmarks.add(el.get(_NAME, ""))  # type: ignore[union-attr]
        else:
            continued = el is counted.continued
            if not continued:
                counted.tables += 1
                el.set(A + "t", str(counted.tables))
            first = counted.rows if continued else 0
            numbered = _number_plain_table(el, first)
            if numbered is not None:
                if el is counted.opened:
                    counted.rows = first + numbered
                continue
            # Without a table in it, every row under it is its own, and every cell under a row
            # the row's: no walk up from each (most tables; 83k rows and cells in the 100× TD).
            nested = el.find(f".//{W}tbl") is not None
            rows = [tr for tr in el.iter(W + "tr") if not nested or _table_of(tr) is el]
            for r, tr in enumerate(rows, first + 1):
                tr.set(A + "r", str(r))
                cells = [tc for tc in tr.iter(W + "tc") if not nested or _row_of(tc) is tr]
                for c, tc in enumerate(cells, 1):
                    tc.set(A + "c", str(c))
            if el is counted.opened:
                counted.rows = first + len(rows)


def _number_plain_table(tbl: etree._Element, first: int) -> int | None:
    """Number the rows (on from `first`) and cells of a table whose rows are its children and
    whose cells are its rows' children (most tables), in one walk; the rows numbered, or None,
    and the walk stops, at anything else (a row or a cell of a table in it, a content control
    around a cell): the long way then numbers it all again, the same up to there."""
    row, rows, cells = None, first, 0
    for node in tbl.iter(_TR, _TC):
        if node.tag == _TR:
            if node.getparent() is not tbl:
                return None
            rows += 1
            node.set(A + "r", str(rows))
            row, cells = node, 0
        else:
            if row is None or node.getparent() is not row:
                return None
            cells += 1
            node.set(A + "c", str(cells))
    return rows - first


def _table_of(el: etree._Element) -> etree._Element | None:
    return next(el.iterancestors(W + "tbl"), None)


def _row_of(el: etree._Element) -> etree._Element | None:
    return next(el.iterancestors(W + "tr"), None)


def paragraph_of(el: etree._Element) -> etree._Element | None:
    """The paragraph an element is in (itself, an ancestor, or a row's first paragraph)."""
    if el.tag == W + "p":
        return el
    found = next(el.iterancestors(W + "p"), None)
    if found is None:
        row = el if el.tag == W + "tr" else _row_of(el)
        if row is not None:
            found = next(row.iter(W + "p"), None)
    return found


def paragraph_number(el: etree._Element) -> int:
    p = paragraph_of(el)
    return int(p.get(A + "n", "0")) if p is not None else 0


def describe(el: etree._Element, prefix: str = "") -> str:
    """`paragraph 12` or `table 2, row 3, cell 1, paragraph 40` (with `prefix`, e.g. `footnote 3, `)."""
    parts = []
    tc = el if el.tag == W + "tc" else next(el.iterancestors(W + "tc"), None)
    if tc is not None:
        tr, tbl = _row_of(tc), _table_of(tc)
        parts.append(f"table {tbl.get(A + 't') if tbl is not None else '?'}, "
                     f"row {tr.get(A + 'r') if tr is not None else '?'}, cell {tc.get(A + 'c')}")
    elif el.tag == W + "tr":
        tbl = _table_of(el)
        parts.append(f"table {tbl.get(A + 't') if tbl is not None else '?'}, row {el.get(A + 'r')}")
    number = paragraph_number(el)
    if number:
        parts.append(f"paragraph {number}")
    return prefix + ", ".join(parts)


def quote_of(el: etree._Element) -> str:
    """A short quote of the paragraph an element is in, for messages."""
    p = paragraph_of(el)
    return snippet(text_of(p)) if p is not None else ""
