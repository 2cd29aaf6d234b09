"""Allowed but unfinished: warnings (errors with --strict)."""

from __future__ import annotations

from ...diagnostics import Diagnostic
from ..folder import Plan
from ..models import NEW_AP, PLACEHOLDER, TABLE_FIELDS
from ..walks import chapter_tree, target_id, target_list
from .recovered import FileTexts


def warn_unfinished(plan: Plan, texts: FileTexts, problems: list[Diagnostic]) -> None:
    """Allowed but unfinished: empty table rows, open editor's notes, considerations without a home,
    and the placeholder `apdoc new` writes, which would otherwise print in the TD as if it were text."""
    for loaded, strings in texts:  # every file that loaded (not the document when it failed: reported)
        for loc, text in strings:
            if PLACEHOLDER in text:
                field_name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "text")
                problems.append(loaded.source.diagnostic(
                    loc, f"{field_name.replace('_', ' ')} is still {PLACEHOLDER}", severity="warning"))
    for item in plan.action_items:
        table = item.model.table
        if table is None:
            continue
        for name, label in TABLE_FIELDS.items():
            if name == "objective" or name not in table.model_fields_set:
                continue  # a row left out of the file is not in the table at all
            if not getattr(table, name):
                loc = ("table", name)
                problems.append(item.source.diagnostic(loc, f"{item.model.id}: {label} is empty", severity="warning"))
    for loaded in plan.all_chapters:
        for chapter, loc in chapter_tree(loaded.model):
            for n, row in enumerate(chapter.considerations):
                rloc = (*loc, "considerations", n)
                if row.editors_note:
                    problems.append(loaded.source.diagnostic(
                        (*rloc, "editors_note"), f"consideration {row.number} has an open editor's note",
                        severity="warning"))
                ids = [target_id(t) for t in target_list(row.target_documents)]
                if not ids:
                    problems.append(loaded.source.diagnostic(
                        rloc, f"consideration {row.number} has no target document", severity="warning"))
                elif NEW_AP in ids:
                    problems.append(loaded.source.diagnostic(
                        (*rloc, "target_documents"), f"consideration {row.number} points at a New AP",
                        severity="warning"))
