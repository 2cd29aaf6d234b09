"""What a document holds of a TD: the parts read as such (by their anchor or their shape).

A contribution rarely holds the whole TD: one action item's table, a few rows of the matrix,
one chapter. `apdoc apply` takes from it only what it holds; the rest of the plan is left as it
is, neither removed nor reported as an edit. A part counts as held only when it is one: the
cover when the first table is the cover, a chapter when its heading is there, an action item's
table when the table is, the matrix's rows when the matrix is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Held:
    """The parts of a TD a document holds, in the document's order."""

    cover: bool = False  # the cover table (and so the abstract)
    action: bool = False  # the `Action:` line
    chapters: list[str] = field(default_factory=list)  # ids of chapters and annexes whose heading is there
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → a clause held without its chapter
    statements: list[str] = field(default_factory=list)  # action items listed in the chapter 4 list
    tables: list[str] = field(default_factory=list)  # action items whose table is there
    rows: list[dict[str, Any]] = field(default_factory=list)  # matrix rows read outside their chapter
    matrix_keys: list[str] = field(default_factory=list)  # their session source columns
    captions: dict[str, str] = field(default_factory=dict)  # action item → the short name its table's caption shows
    notes: list[str] = field(default_factory=list)  # what was read otherwise than it stands (Context.note)

    def describe(self) -> str:
        """`the cover, chapters introduction and rationale, AP1.2 table, matrix rows 03–05`."""
        parts = []
        if self.cover:
            parts.append("the cover")
        if self.action:
            parts.append("the Action line")
        if self.chapters:
            parts.append(("chapter " if len(self.chapters) == 1 else "chapters ") + ", ".join(self.chapters))
        if self.sections:
            parts.append(("clause " if len(self.sections) == 1 else "clauses ") + ", ".join(self.sections))
        if self.statements:
            parts.append(f"{_span(self.statements)} statement" + ("s" if len(self.statements) > 1 else ""))
        if self.tables:
            parts.append(f"{_span(self.tables)} table" + ("s" if len(self.tables) > 1 else ""))
        if self.rows:
            numbers = [str(r.get("number", "?")) for r in self.rows]
            parts.append("matrix row " + numbers[0] if len(numbers) == 1 else f"matrix rows {_span(numbers)}")
        return ", ".join(parts) or "nothing of the TD"


def _span(names: list[str]) -> str:
    """`AP1.2` · `AP1.2, AP1.3` · `03–05` for a run of consecutive numbers."""
    if len(names) > 2 and all(n.isdigit() for n in names) and \
            [int(n) for n in names] == list(range(int(names[0]), int(names[0]) + len(names))):
        return f"{names[0]}–{names[-1]}"
    return ", ".join(names)


__all__ = ["Held"]
