"""The action items: ids defined once, the hierarchy of sub-items and parents."""

from __future__ import annotations

from ...diagnostics import Diagnostic
from ..folder import Plan
from .recovered import Recovered, Registry


def check_action_items(plan: Plan, recovered: Recovered, problems: list[Diagnostic]) -> None:
    ids = Registry("action item id", problems)
    for item in plan.action_items:
        model, source = item.model, item.source
        ids.add(model.id, source, ("id",))
        if source.path.stem != model.id:
            problems.append(source.diagnostic(("id",), f"file is named {source.path.name} but holds "
                                                       f"{model.id}: name it {model.id}.yaml"))
        for n, sub in enumerate(model.sub_items):
            ids.add(sub.id, source, ("sub_items", n, "id"))
            if _parent(sub.id) != model.id:
                problems.append(source.diagnostic(("sub_items", n, "id"), _misplaced(sub.id, model.id)))
        if model.table is not None and not model.short_name:
            problems.append(source.diagnostic(("id",), f"{model.id} has a table, so it needs a short_name"))
    for item in plan.action_items:
        model = item.model
        parent = _parent(model.id)
        if parent is not None and parent not in ids.first and not recovered.may_be_action_item(parent):
            problems.append(item.source.diagnostic(
                ("id",), f"{model.id} needs its parent action item {parent}, which does not exist"
            ))


def _parent(ap_id: str) -> str | None:
    """The parent an id's number gives it (AP1.4 → AP1), None for a top-level item."""
    return ap_id.rsplit(".", 1)[0] if "." in ap_id else None


def _misplaced(sub_id: str, item_id: str) -> str:
    """Why `sub_id` cannot be a sub-item of `item_id`: its parent follows from its number alone."""
    parent = _parent(sub_id)
    where = f"its parent is {parent}" if parent else "it is a top-level action item, with no parent"
    if sub_id == item_id:
        return f"{sub_id} is listed under itself; its sub-items are numbered {item_id}.1, {item_id}.2, …"
    if item_id.startswith(sub_id + "."):
        return f"{sub_id} is listed under {item_id}, which is itself under {sub_id} (a cycle): {where}"
    return f"{sub_id} is listed under {item_id}, but {where}"
