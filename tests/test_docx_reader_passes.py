"""The DOCX reader's passes over a whole chunk (the numbering of paragraphs, tables, rows and cells)
and their short cuts for throughput (issue 20) give what the long way gave: each is checked against
the code it replaced, kept here as the reference, on families of inputs."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.ooxml import W
from apdoc.readers.docx.locate import Counted, number_part
from apdoc.readers.docx.ns import A

# --- the reference: the passes as they were (main 1b30183) ----------------------------------------


def _old_number_part(root: etree._Element, counted: Counted | None = None) -> None:
    counted = counted if counted is not None else Counted()
    for el in root.iter(W + "p", W + "tbl"):
        if el.tag == W + "p":
            counted.paragraphs += 1
            el.set(A + "n", str(counted.paragraphs))
        else:
            continued = el is counted.continued
            if not continued:
                counted.tables += 1
                el.set(A + "t", str(counted.tables))
            first = counted.rows if continued else 0
            nested = el.find(f".//{W}tbl") is not None
            rows = [tr for tr in el.iter(W + "tr") if not nested or _table_of(tr) is el]
            for r, tr in enumerate(rows, first + 1):
                tr.set(A + "r", str(r))
                cells = [tc for tc in tr.iter(W + "tc") if not nested or _row_of(tc) is tr]
                for c, tc in enumerate(cells, 1):
                    tc.set(A + "c", str(c))
            if el is counted.opened:
                counted.rows = first + len(rows)


def _table_of(el: etree._Element) -> etree._Element | None:
    return next(el.iterancestors(W + "tbl"), None)


def _row_of(el: etree._Element) -> etree._Element | None:
    return next(el.iterancestors(W + "tr"), None)


# --- paragraphs, tables, rows and cells numbered ----------------------------------------------------

TABLE_PARTS = st.sampled_from(["tbl", "tr", "tr", "tr", "tc", "tc", "tc", "tc", "p", "p", "sdt", "bookmarkStart"])


@st.composite
def numbered_chunks(draw: st.DrawFn) -> etree._Element:
    """Tables as Word writes them (rows in the table, cells in the rows, a paragraph in each
    cell) and as it may not: tables in cells, rows or cells in a content control, a row in a row,
    a cell in a cell or outside any row."""
    body = etree.Element(W + "body")

    def fill(parent: etree._Element, depth: int, regular: bool) -> None:
        if regular:  # the usual shape, most of the time
            wanted = {W + "body": "tbl", W + "tbl": "tr", W + "tr": "tc", W + "tc": "p"}.get(parent.tag, "p")
            parts = [wanted] * draw(st.integers(0, 3))
        else:
            parts = draw(st.lists(TABLE_PARTS, max_size=3))
        for part in parts:
            node = etree.SubElement(parent, W + part)
            if draw(st.integers(0, 3)) == 0:  # a bookmark in it (a name, or none)
                bookmark = etree.SubElement(node, W + "bookmarkStart")
                if draw(st.booleans()):
                    bookmark.set(W + "name", draw(st.sampled_from(["", "b1", "b2", "_Ref1"])))
            if depth:
                fill(node, depth - 1, draw(st.booleans()))

    fill(body, 4, draw(st.booleans()))
    return body


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(numbered_chunks(), st.integers(-1, 2), st.integers(-1, 2), st.integers(0, 3)),
                min_size=1, max_size=3))
def test_numbered_as_before(chunks: list[tuple[etree._Element, int, int, int]]) -> None:
    """Chunk after chunk, counting on, a table's rows going on from one chunk to the next (the
    table a chunk goes on with, the one it leaves open: body.py's row groups); the bookmarks'
    names gathered in the same walk are those the reader gathered in a walk of their own."""
    outcomes = []
    for number in (number_part, _old_number_part):
        counted = Counted()
        trees, names, rows = [], {"before"}, []
        for chunk, continued, opened, done in copy.deepcopy(chunks):
            tables = list(chunk.iter(W + "tbl"))
            counted.continued = tables[continued] if 0 <= continued < len(tables) else None
            counted.opened = tables[opened] if 0 <= opened < len(tables) else None
            counted.rows = done if counted.continued is not None else counted.rows
            if number is number_part:
                number(chunk, counted, names)
            else:
                number(chunk, counted)
                names |= {el.get(W + "name", "") for el in chunk.iter(W + "bookmarkStart")}
            trees.append(etree.tostring(chunk))
            rows.append(counted.rows)
        outcomes.append((trees, counted.paragraphs, counted.tables, rows, names))
    assert outcomes[0] == outcomes[1]
