"""Tables: a <table> of the intermediate XHTML → its caption's paragraph and a w:tbl.

A table may be most of a large TD: one at the top level is written row by row (streaming.py),
each XHTML row emptied once written. Which places a rowspan or colspan covers comes from the
intermediate's span grid, a row at a time (`intermediate.span_rows`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Protocol

from lxml import etree

from ...intermediate import CELLS, ROW_GROUPS, Slot, revision, span, span_rows
from ...ooxml import qname
from .elements import find, make
from .look import Caption, Look
from .runs import Annotations, Run
from .state import Context, Remembered
from .streaming import BodyXml
from .xmltext import Block, Fragment, as_text, element, elements_text, empty


class Writer(Protocol):
    """What a table needs of the walk (document.Writer): its look and state, where the body
    goes, and the walk of a cell's blocks and of a caption's paragraph."""

    look: Look
    state: Remembered
    annotations: Annotations
    body: BodyXml | None
    top_level: list[Block] | None

    def blocks(self, parent: etree._Element, ctx: Context, out: list[Block]) -> None: ...
    def anchor(self, el: etree._Element) -> None: ...
    def style_of(self, element: etree._Element, kind: str) -> str | None: ...
    def caption_look(self, caption: etree._Element) -> Caption: ...
    def inline_children(self, el: etree._Element, rev: str | None = None) -> list[Run]: ...
    def paragraph(self, runs: list[Run], style: str, numbering: tuple[int, int] | None = None,
                  indent: int | None = None, rev: str | None = None, mark: str | None = None) -> Fragment: ...

Row = tuple[etree._Element, bool, str | None]  # a <tr>, whether it is a header row, its tracked change


def table(writer: Writer, el: etree._Element, ctx: Context, out: list[Block]) -> None:
    caption = el.find("caption")
    if caption is not None:
        out.append(writer.paragraph(writer.inline_children(caption), writer.caption_look(caption).style,
                                    rev=ctx.rev))
    rows = table_rows(el, ctx.rev)
    columns = max((sum(int(c.get("colspan", "1")) for c in tr if c.tag in CELLS) for tr, _, _ in rows), default=1)
    grid = table_grid(writer, el, columns, ctx.landscape)
    table_style = writer.style_of(el, "table") or writer.look.styles.table
    start = make("w:tbl", None, make(
        "w:tblPr", None, make("w:tblStyle", {"w:val": table_style}),
        make("w:tblW", {"w:w": sum(grid), "w:type": "dxa"}), make("w:tblLayout", {"w:type": "fixed"}),
    ), make("w:tblGrid", None, *(make("w:gridCol", {"w:w": width}) for width in grid)))
    if writer.body is not None and out is writer.top_level:  # written row by row: a table may be most of the TD
        writer.body.write(out)  # what comes before it first
        writer.body.write_parent(start, rows_xml(writer, rows, ctx, grid, drop=True))
    else:
        opening = elements_text([start]).removesuffix("</w:tbl>")
        out.append(Fragment(opening + "".join(row.xml for row in rows_xml(writer, rows, ctx, grid)) + "</w:tbl>",
                            tag=qname("w:tbl")))


def table_rows(el: etree._Element, rev: str | None) -> list[Row]:
    """The rows of a table in order: (tr, is a header row, its tracked change)."""
    rows: list[Row] = []
    for part in el:
        part_rev = revision(part) or rev
        if part.tag in ROW_GROUPS:
            rows.extend((tr, part.tag == "thead", revision(tr) or part_rev) for tr in part.iter("tr"))
        elif part.tag == "tr":
            rows.append((part, False, part_rev))
    return rows


def column_width(col: etree._Element) -> float:
    """A column's relative width from its `style="width: N%"` (1 when it has none)."""
    match = re.search(r"width:\s*([0-9]+(?:\.[0-9]+)?)%", col.get("style") or "")
    return float(match.group(1)) if match else 1.0


def table_grid(writer: Writer, el: etree._Element, columns: int, landscape: bool) -> list[int]:
    """Column widths in twips: the colgroup's per cents of the text width (else equal)."""
    cols = el.find("colgroup")
    weights = [column_width(c) for c in cols.iter("col")] if cols is not None else []
    if len(weights) != columns or not all(0 < w < 1e6 for w in weights):  # a template's widths: all usable, or none
        weights = [1.0] * columns
    total = writer.look.page.text_width(landscape)
    return [int(total * w / sum(weights)) for w in weights]


def rows_xml(writer: Writer, rows: list[Row], ctx: Context, grid: list[int], drop: bool = False) -> Iterator[Fragment]:
    """The w:tr of each row; `drop`: empty each XHTML row once walked (a table written row
    by row need not keep them, and the memory they free is what the next rows are built in)."""
    places = span_rows(tr for tr, _, _ in rows)
    for (tr, header, rev), slots in zip(rows, places, strict=True):
        yield table_row(writer, tr, slots, header, ctx if rev == ctx.rev else replace(ctx, rev=rev), grid)
        if drop:
            tr.clear()


def table_row(writer: Writer, tr: etree._Element, slots: list[Slot], header: bool, ctx: Context,
              grid: list[int]) -> Fragment:
    """A row: a w:tc for each cell that starts in it, and one for each rowspan from above."""
    properties = ["<w:cantSplit/>"]
    if header:
        properties.append("<w:tblHeader/>")  # repeated on every page
    if ctx.rev:
        properties.append(writer.annotations.change_mark(ctx.rev))
    writer.anchor(tr)
    cells: list[str] = []
    col = 0
    while col < len(slots):
        slot = slots[col]
        across, down = span(slot.cell)
        if slot.from_above:
            cells.append(merged_cell(writer, col, across, grid))
        else:
            cells.append(table_cell(writer, slot.cell, col, (across, down), grid, ctx))
        col += across
    return Fragment(f"<w:tr><w:trPr>{''.join(properties)}</w:trPr>{''.join(cells)}</w:tr>", tag=qname("w:tr"))


def table_cell(writer: Writer, cell: etree._Element, col: int, spans: tuple[int, int], grid: list[int],
               ctx: Context) -> str:
    """The w:tc of a cell at column `col` covering `spans` (columns, rows); a rowspan starts a
    vertical merge that the rows below continue."""
    across, down = spans
    properties = [cell_width(writer, sum(grid[col : col + across]))]
    if across > 1:
        properties.append(empty("w:gridSpan", {"w:val": across}))
    if down > 1:
        properties.append('<w:vMerge w:val="restart"/>')
    styles = writer.look.styles
    style = writer.style_of(cell, "paragraph") or (styles.table_head if cell.tag == "th" else styles.table_text)
    content: list[Block] = []
    writer.anchor(cell)
    writer.blocks(cell, Context(style, True, ctx.landscape, ctx.rev), content)
    if ctx.rev and len(content) == 1:
        content[0] = without_mark(content[0])
    if not content:  # a cell holds at least one paragraph: an empty one, anchored
        starts, ends = writer.annotations.bookmarks(writer.state.pending_anchors)
        writer.state.pending_anchors = []
        content.append(Fragment(element("w:p", None, starts + ends)))
    return f"<w:tc><w:tcPr>{''.join(properties)}</w:tcPr>{as_text(content)}</w:tc>"


def merged_cell(writer: Writer, col: int, across: int, grid: list[int]) -> str:
    """The continuation at column `col` of a rowspan from above, `across` columns wide."""
    merged = empty("w:gridSpan", {"w:val": across}) if across > 1 else ""
    return (f"<w:tc><w:tcPr>{cell_width(writer, sum(grid[col : col + across]))}{merged}<w:vMerge/></w:tcPr>"
            "<w:p/></w:tc>")


def cell_width(writer: Writer, width: int) -> str:
    """A cell's w:tcW of this width (twips): a TD has few widths and many cells."""
    widths = writer.state.cell_widths
    if width not in widths:
        widths[width] = empty("w:tcW", {"w:w": width, "w:type": "dxa"})
    return widths[width]


def without_mark(block: Block) -> Block:
    """The one block of a cell of an inserted or deleted row, its paragraph mark's change
    taken out when it has no run of its own (not in a change): the row's change says it
    all. (LibreOffice 7.4 puts a tracked U+200D in a tracked row without text, marked or
    not, and its Accept All keeps it: see tests/lo_limits.py.)"""
    if isinstance(block, Fragment):
        return block if block.has_runs else block.unmarked()
    if block.find(qname("w:r")) is None:
        tracked_mark = find(block[0], "w:rPr")
        if tracked_mark is not None:
            block[0].remove(tracked_mark)
    return block
