"""Walks over the modelled plan that every stage shares: a chapter and its sections, the kind of
a block, a consideration's targets, the rows of an action item's table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .models import TABLE_FIELDS, ActionItem, ActionItemTarget, Chapter, FigureBlock, InsertBlock, OneOf, TableBlock

Loc = tuple[Any, ...]  # where a value stands in its file: keys and list indexes


def chapter_tree(chapter: Chapter, loc: Loc = ()) -> Iterator[tuple[Chapter, Loc]]:
    """The chapter and every section in it, depth first, each with its place in the file."""
    yield chapter, loc
    for n, section in enumerate(chapter.sections):
        yield from chapter_tree(section, (*loc, "sections", n))


def chapters_in(chapter: Chapter) -> Iterator[Chapter]:
    """The chapter and every section in it, depth first."""
    for one, _ in chapter_tree(chapter):
        yield one


def block_kind(block: Any) -> str:
    """"text", "table", "figure" or "insert": which of the four a chapter's block is."""
    if isinstance(block, TableBlock):
        return "table"
    if isinstance(block, FigureBlock):
        return "figure"
    if isinstance(block, InsertBlock):
        return "insert"
    return "text"


def target_list(targets: Any) -> list[Any]:
    """A consideration's target documents as a list, whether alternatives (one_of) or not."""
    return list(targets.one_of) if isinstance(targets, OneOf) else list(targets)


def target_id(target: Any) -> str:
    """The action item id (or New AP) a target names."""
    return target.action_item if isinstance(target, ActionItemTarget) else target


def table_rows(item: ActionItem) -> list[tuple[str, str]]:
    """The rows of an item's table, as (field, label): every field its file gives.

    A field left out of the file has no row (as in earlier versions of the plan, before a
    row was introduced); a field given empty is an empty row. The objective row is always
    there: left out, it shows the chapter 4 statement.
    """
    given = item.table.model_fields_set if item.table is not None else set()
    return [(name, label) for name, label in TABLE_FIELDS.items() if name == "objective" or name in given]
