"""Where a block of a reading (the XHTML a DOCX reads as) stands, as an editor looks for it in
Word: its clause as the heading shows it, and in a table the table's caption (or the consideration
matrix) and the row. The TD's shapes are unlayout/shapes.py's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..intermediate import CELLS, NUMBER, classes, text_of
from ..plan.locate import quote
from .shapes import cells, is_matrix, matrix_keys, rows


def heading_name(heading: Any) -> str:
    """`clause 2.2 “Visualisation of …”`, or `Annex A “…”`, as the heading reads in Word."""
    text = text_of(heading)
    number = next((text_of(n) for n in heading.iter("span") if NUMBER in classes(n)), "")
    if number and text.startswith(number):
        return f"clause {number} {quote(text[len(number):].strip())}"
    return text if text.startswith("Annex") else quote(text)


@dataclass
class TablePlace:
    """What `place_of` says of a table: its name for messages, and its rows' numbers."""

    name: str
    matrix: bool
    row_numbers: dict[Any, int]
    first_cells: dict[Any, str] = field(default_factory=dict)  # a row's first cell's text, by row


def _table_place(table: Any) -> TablePlace:
    caption = table.find("caption")
    label = text_of(caption) if caption is not None else ""
    return TablePlace(quote(label) if label else "a table", is_matrix(table),
                      {row: n for n, row in enumerate(rows(table), 1)})


def place_of(el: Any, clause: str, tables: dict[Any, TablePlace] | None = None) -> str:
    """Where a block stands, for an editor looking in Word: the clause, and in a table the table's
    caption (or the matrix) and the row. `tables`: what is known of the tables already."""
    cell = next((a for a in el.iterancestors(*CELLS)), None)
    if cell is None:
        return clause
    table = next(cell.iterancestors("table"), None)
    row = cell.getparent()
    if table is None or row is None:
        return clause
    tables = {} if tables is None else tables
    if table not in tables:
        tables[table] = _table_place(table)
    place = tables[table]
    first = place.first_cells.get(row)
    if first is None:  # once a row: a block per cell asks again
        row_cells = cells(row)
        first = place.first_cells[row] = text_of(row_cells[0]) if row_cells else ""
    number = place.row_numbers.get(row, 0)
    if place.matrix:
        return f"{clause}, the consideration matrix, row {first or number}"
    return f"{clause}, {place.name}, row {number}" + (f" ({quote(first)})" if first else "")


def mark_cells(xhtml: Any) -> set[Any]:
    """The Session Source cells of the consideration matrix: whatever is typed in one marks it."""
    found: set[Any] = set()
    for table in xhtml.iter("table"):
        if is_matrix(table):
            width = len(matrix_keys(table))
            for row in rows(table)[2:]:
                found.update(cells(row)[2:2 + width])
    return found
