"""How complete the plan is: the action item tables, and where the consideration matrix points.

Everything is derived from a loaded Plan, so the figures match what `apdoc build` prints.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from ..plan.folder import Plan
from ..plan.models import NEW_AP, TABLE_FIELDS, ActionItemTarget, OneOf
from ..plan.walks import chapters_in, table_rows, target_id, target_list
from .md_escape import md_inline


@dataclass
class ItemStats:
    id: str
    short_name: str
    has_table: bool
    filled: list[str]  # rows (TABLE_FIELDS keys) that print something
    missing: list[str]  # rows in the table but empty: what `validate` warns about
    left_out: list[str]  # fields the file leaves out: no row at all (the objective excepted)
    objective_from_statement: bool  # objective left out: the table shows the statement there
    considerations: list[Targeting] = field(default_factory=list)  # the rows that target this item


@dataclass
class Targeting:
    """A consideration that targets an action item (or one of its sub-items, which share its table)."""

    number: str
    target: str  # the id as written: the item's or a sub-item's
    for_points: list[str]
    one_of: bool  # one of several alternatives

    def label(self, item: str) -> str:
        notes = [] if self.target == item else [self.target]
        if self.for_points:
            notes.append("points " + ", ".join(self.for_points))
        if self.one_of:
            notes.append("one of")
        return f"{self.number} ({'; '.join(notes)})" if notes else self.number


@dataclass
class TargetStats:
    action_item: str  # an id or "New AP"
    for_points: list[str]


@dataclass
class ConsiderationStats:
    number: str
    point: str
    targets: list[TargetStats]
    one_of: bool  # the targets are alternatives

    @property
    def status(self) -> str:
        if not self.targets:
            return "no target"
        return "New AP" if any(t.action_item == NEW_AP for t in self.targets) else "ok"


@dataclass
class PlanStats:
    action_items: list[ItemStats]
    considerations: list[ConsiderationStats]

    @property
    def tables(self) -> list[ItemStats]:
        return [item for item in self.action_items if item.has_table]

    @property
    def no_target(self) -> list[str]:
        return [c.number for c in self.considerations if c.status == "no target"]

    @property
    def new_ap(self) -> list[str]:
        return [c.number for c in self.considerations if c.status == "New AP"]

    @property
    def untargeted(self) -> list[str]:
        return [item.id for item in self.action_items if not item.considerations]

    def as_dict(self) -> dict[str, object]:
        return {
            "action_items": [asdict(item) for item in self.action_items],
            "considerations": [{**asdict(c), "status": c.status} for c in self.considerations],
            "no_target": self.no_target,
            "new_ap": self.new_ap,
            "untargeted_action_items": self.untargeted,
        }


def _filled(value: object) -> bool:
    if isinstance(value, list):
        return any(str(v).strip() for v in value)
    return bool(value and str(value).strip())


def plan_stats(plan: Plan) -> PlanStats:
    items: dict[str, ItemStats] = {}
    owner: dict[str, str] = {}  # action item or sub-item id → the action item whose table it shares
    for loaded in plan.action_items:
        model = loaded.model
        table = model.table
        filled, missing, left_out = [], [], []
        # The rows the TD prints (table_rows): the objective, shown as the statement (and
        # sub-items) when left out, and every other field the file gives, even empty.
        rows = [name for name, _ in table_rows(model)] if table is not None else []
        for name in TABLE_FIELDS:
            if name not in rows:
                left_out.append(name)
            elif name == "objective" or _filled(getattr(table, name)):
                filled.append(name)
            else:
                missing.append(name)
        items[model.id] = ItemStats(
            id=model.id, short_name=model.short_name, has_table=table is not None, filled=filled,
            missing=missing, left_out=left_out if table is not None else [],
            objective_from_statement=table is not None and not _filled(table.objective),
        )
        owner[model.id] = model.id
        owner.update((sub.id, model.id) for sub in model.sub_items)
    considerations: list[ConsiderationStats] = []
    matrix_rows = (row for loaded in plan.all_chapters for chapter in chapters_in(loaded.model)
            for row in chapter.considerations)
    for row in matrix_rows:
        one_of = isinstance(row.target_documents, OneOf)
        targets = [
            TargetStats(target_id(t), list(t.for_points) if isinstance(t, ActionItemTarget) else [])
            for t in target_list(row.target_documents)
        ]
        considerations.append(ConsiderationStats(row.number, _excerpt(row.point), targets, one_of))
        for target in targets:
            item = owner.get(target.action_item)
            if item is None:  # New AP (a dangling id fails validation before we get here)
                continue
            items[item].considerations.append(Targeting(row.number, target.action_item, target.for_points, one_of))
    return PlanStats(list(items.values()), considerations)


def _excerpt(markdown: str, limit: int = 90) -> str:
    """A one-line excerpt of a Markdown text, for tables."""
    text = " ".join(re.sub(r"[*_`]|\[\^[^\]]*\]", "", markdown).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _labels(names: list[str]) -> str:
    return ", ".join(TABLE_FIELDS[name] for name in names)


def _targeted_by(item: ItemStats) -> str:
    return ", ".join(t.label(item.id) for t in item.considerations)


def _numbers(numbers: list[str]) -> str:
    return ", ".join(numbers) or "none"


# --- text ---------------------------------------------------------------------


def to_text(stats: PlanStats) -> str:
    complete = sum(1 for item in stats.tables if not item.missing)
    width = max((len(item.id) for item in stats.action_items), default=4) + 2
    out = [f"Action item tables: {complete} of {len(stats.tables)} complete"]
    for item in stats.action_items:
        if not item.has_table:
            out.append(f"  {item.id:<{width}} no table")
            continue
        line = f"  {item.id:<{width}} {len(item.filled)}/{len(item.filled) + len(item.missing)}"
        if item.missing:
            line += f"  missing: {_labels(item.missing)}"
        if item.left_out:
            line += f"  (no row: {_labels(item.left_out)})"
        out.append(line)
    mapped = len(stats.considerations) - len(stats.no_target)
    out += ["", f"Consideration matrix: {len(stats.considerations)} considerations, {mapped} with a target document"]
    for item in stats.action_items:
        if item.considerations:
            out.append(f"  {item.id:<{width}} ← {_targeted_by(item)}")
    out += [
        f"  no target document: {_numbers(stats.no_target)}",
        f"  point at a New AP: {_numbers(stats.new_ap)}",
        f"  action items no consideration maps to: {_numbers(stats.untargeted)}",
        "",
        "Targets of each consideration:",
    ]
    for row in stats.considerations:
        out.append(f"  {row.number:>4}  {_targets(row) or '(none)'}")
    return "\n".join(out) + "\n"


def _targets(row: ConsiderationStats) -> str:
    shown = [t.action_item + (f" (points {', '.join(t.for_points)})" if t.for_points else "") for t in row.targets]
    return (" or " if row.one_of else ", ").join(shown)


# --- Markdown (a pull request comment) ----------------------------------------




def to_markdown(stats: PlanStats) -> str:
    complete = sum(1 for item in stats.tables if not item.missing)
    out = [
        "### Action item tables",
        "",
        f"{complete} of {len(stats.tables)} tables complete.",
        "",
        "| Action item | Filled | Empty rows | Rows left out |",
        "|---|---|---|---|",
    ]
    for item in stats.action_items:
        name = md_inline(f"{item.id} {item.short_name}".strip())
        if item.has_table:
            out.append(f"| {name} | {len(item.filled)}/{len(item.filled) + len(item.missing)} "
                       f"| {md_inline(_labels(item.missing))} | {md_inline(_labels(item.left_out))} |")
        else:
            out.append(f"| {name} | no table | | |")
    out += [
        "",
        "### Consideration matrix",
        "",
        "| Action item | Considerations that target it |",
        "|---|---|",
    ]
    for item in stats.action_items:
        out.append(f"| {md_inline(item.id)} | {md_inline(_targeted_by(item)) or '**none**'} |")
    out += [
        "",
        f"- **No target document:** {md_inline(_numbers(stats.no_target))}",
        f"- **Point at a New AP:** {md_inline(_numbers(stats.new_ap))}",
        f"- **Action items no consideration maps to:** {md_inline(_numbers(stats.untargeted))}",
        "",
        "<details><summary>Targets of each consideration</summary>",
        "",
        "| # | Point | Target documents |",
        "|---|---|---|",
    ]
    for row in stats.considerations:
        out.append(f"| {md_inline(row.number)} | {md_inline(row.point)} | {md_inline(_targets(row)) or '**none**'} |")
    out += ["", "</details>"]
    return "\n".join(out) + "\n"


def render(stats: PlanStats, style: str) -> str:
    if style == "json":
        return json.dumps(stats.as_dict(), ensure_ascii=False, indent=1) + "\n"
    if style == "md":
        return to_markdown(stats)
    return to_text(stats)
