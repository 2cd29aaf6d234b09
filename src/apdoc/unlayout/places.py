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
    row_places: dict[Any, str] = field(default_factory=dict)  # by row: what follows the clause


def _table_place(table: Any) -> TablePlace:
    caption = table.find("caption")
    label = text_of(caption) if caption is not None else ""
    return TablePlace(quote(label) if label else "a table", is_matrix(table),
                      {row: n for n, row in enumerate(rows(table), 1)})


def place_of(el: Any, clause: str, tables: dict[Any, TablePlace] | None = None) -> str:
    """Where a block stands, for an editor looking in Word: the clause, and in a table the table's
    caption (or the matrix) and the row. `tables`: what is known of the tables already."""
    cell = next(el.iterancestors(*CELLS), None)
    if cell is None:
        return clause
    return cell_place(cell, next(cell.iterancestors("table"), None), clause, {} if tables is None else tables)


def cell_place(cell: Any, table: Any, clause: str, tables: dict[Any, TablePlace]) -> str:
    """`place_of` a block whose nearest cell is `cell`, `table` the nearest table around that cell
    (None: none), for a caller that knows them already (a walk of the whole tree)."""
    row = cell.getparent()
    if table is None or row is None:
        return clause
    if table not in tables:
        tables[table] = _table_place(table)
    place = tables[table]
    row_place = place.row_places.get(row)
    if row_place is None:  # once a row: a block per cell asks again
        row_cells = cells(row)
        first = text_of(row_cells[0]) if row_cells else ""
        number = place.row_numbers.get(row, 0)
        row_place = place.row_places[row] = f", the consideration matrix, row {first or number}" if place.matrix \
            else f", {place.name}, row {number}" + (f" ({quote(first)})" if first else "")
    return clause + row_place


def mark_cells(xhtml: Any) -> set[Any]:
    """The Session Source cells of the consideration matrix: whatever is typed in one marks it."""
    found: set[Any] = set()
    for table in xhtml.iter("table"):
        if is_matrix(table):
            width = len(matrix_keys(table))
            for row in rows(table)[2:]:
                found.update(cells(row)[2:2 + width])
    return found
