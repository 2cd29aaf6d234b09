"""The numbers of headings, tables and figures: a fact of the plan (file order), which the layout
prints and `apdoc diff` names changes by."""

from __future__ import annotations

from dataclasses import dataclass, field

from .folder import Plan
from .models import Chapter
from .walks import block_kind


@dataclass
class Numbering:
    """Numbers of headings and tables, in document order."""

    headings: dict[str, str] = field(default_factory=dict)  # chapter/section id → "2.3.1" or "A"
    tables: dict[str, int] = field(default_factory=dict)  # table id or action item id → 1, 2, …
    figures: dict[str, int] = field(default_factory=dict)  # figure id → 1, 2, …

    @classmethod
    def of(cls, plan: Plan) -> Numbering:
        numbering = cls()
        tables_with_items = [a.model for a in plan.action_items if a.model.table is not None]

        def walk(chapter: Chapter, number: str) -> None:
            numbering.headings[chapter.id] = number
            for block in chapter.content:
                kind = block_kind(block)
                if kind == "table":
                    numbering.tables[block.table.id] = len(numbering.tables) + 1
                elif kind == "figure":
                    numbering.figures[block.figure.id] = len(numbering.figures) + 1
                elif kind == "insert" and block.insert == "action_item_tables":
                    for item in tables_with_items:
                        numbering.tables[item.id] = len(numbering.tables) + 1
            for n, section in enumerate(chapter.sections, 1):
                walk(section, f"{number}.{n}")

        for n, loaded in enumerate(plan.chapters, 1):
            walk(loaded.model, str(n))
        for n, loaded in enumerate(plan.annexes):
            walk(loaded.model, chr(ord("A") + n) if n < 26 else f"A{n - 25}")
        return numbering
