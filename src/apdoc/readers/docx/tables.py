"""w:tbl → `table`: header rows (`w:tblHeader`) → `thead` with `th`, `w:gridSpan` → colspan (at most Word's 63 columns),
`w:vMerge` restart/continue → rowspan, `w:tblGrid` → `colgroup`, the caption paragraph above
→ `caption`, the table style → class (`CoverTable`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lxml import etree

from ...ooxml import W
from .ns import child, grandchild, on, val
from .numbers import COLUMNS, MAX_COLUMNS, TWIPS, Warn, number

_TR_PR, _TBL_HEADER, _GRID_BEFORE, _VAL = W + "trPr", W + "tblHeader", W + "gridBefore", W + "val"
_TC, _TC_PR, _GRID_SPAN, _V_MERGE = W + "tc", W + "tcPr", W + "gridSpan", W + "vMerge"
CellFiller = Callable[[list[etree._Element], etree._Element, str], None]  # (blocks, cell, default style)


@dataclass
class _Cell:
    element: etree._Element
    rowspan: int = 1


def colgroup(tbl: etree._Element, warn: Warn) -> etree._Element | None:
    widths = [number(col, W + "w", TWIPS, warn, 0) for col in tbl.iterfind(f"{W}tblGrid/{W}gridCol")]
    if not widths or not all(widths) or len(widths) > MAX_COLUMNS:
        return None
    group = etree.Element("colgroup")
    total = sum(widths)
    for width in widths:
        share = f"{100 * width / total:.1f}".removesuffix(".0")
        etree.SubElement(group, "col", {"style": f"width: {share}%"})
    return group


def _rows(tbl: etree._Element) -> list[etree._Element]:
    return [tr for tr in tbl if tr.tag == W + "tr"]


def fill_table(table: etree._Element, tbl: etree._Element, fill: CellFiller, warn: Warn,
               more: Iterable[object] = ()) -> list[etree._Element]:
    """Rows and cells of `tbl` into `table`; returns the `tr` elements in order. `more`: for a table
    read a group of rows at a time (body.py), each step makes `tbl` hold its next rows (the rows
    before them gone): what spans rows (merged cells, which are header rows) carries over. The
    first group holds a body row (body.py's "sure" row): the header rows are all in it."""
    filler = _Filler(table, fill, warn)
    filler.rows(_rows(tbl), first=True)
    for _group in more:
        filler.rows(_rows(tbl))
    if not len(filler.sections["tbody"]):
        table.remove(filler.sections["tbody"])
    return filler.out_rows


class _Filler:
    """A table's rows into `table`, as they come."""

    def __init__(self, table: etree._Element, fill: CellFiller, warn: Warn) -> None:
        self.table, self.fill, self.warn = table, fill, warn
        self.sections: dict[str, etree._Element] = {}
        self.header_count = 0
        self.above: dict[int, _Cell] = {}  # grid column → the cell a vMerge continues
        self.out_rows: list[etree._Element] = []

    def rows(self, rows: list[etree._Element], first: bool = False) -> None:
        if first:
            for tr in rows:
                if not on(grandchild(tr, _TR_PR, _TBL_HEADER)):
                    break
                self.header_count += 1
            if self.header_count == len(rows):
                self.header_count = 0  # a table of header rows only: Word repeats nothing, read as a body
            if self.header_count:
                self.sections["thead"] = etree.SubElement(self.table, "thead")
            self.sections["tbody"] = etree.SubElement(self.table, "tbody")
        above, warn, fill, sections = self.above, self.warn, self.fill, self.sections
        for tr in rows:
            header = len(self.out_rows) < self.header_count
            row = etree.SubElement(sections["thead" if header else "tbody"], "tr")
            self.out_rows.append(row)
            column = number(grandchild(tr, _TR_PR, _GRID_BEFORE), _VAL, COLUMNS, warn, 0)
            for tc in [tc for tc in tr if tc.tag == _TC]:
                tc_pr = child(tc, _TC_PR)
                span = max(1, number(child(tc_pr, _GRID_SPAN), _VAL, COLUMNS, warn, 1)) if tc_pr is not None else 1
                merge = child(tc_pr, _V_MERGE) if tc_pr is not None else None
                if merge is not None and (val(merge) or "continue") == "continue" and column in above:
                    above[column].rowspan += 1
                    above[column].element.set("rowspan", str(above[column].rowspan))
                    column += span
                    continue
                cell = etree.SubElement(row, "th" if header else "td")
                if span > 1:
                    cell.set("colspan", str(span))
                if above:
                    for col in range(column, column + span):
                        above.pop(col, None)
                if merge is not None:
                    above[column] = _Cell(cell)
                fill([c for c in tc if c.tag != _TC_PR], cell, "Tablehead" if header else "Tabletext")
                column += span
