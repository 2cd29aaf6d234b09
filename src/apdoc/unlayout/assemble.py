"""What was read → the values of each plan file, keys in the models' order, empty defaults left out."""

from __future__ import annotations

from typing import Any

from ..layout.prose import Renderer
from ..plan.models import ap_sort_key
from .chapters import Reading, Section
from .shapes import same_as_generated


def chapter_values(section: Section, reading: Reading) -> dict[str, Any]:
    data = dict(section.data)
    if section.content:
        data["content"] = section.content
    if section.sections:
        data["sections"] = [chapter_values(s, reading) for s in section.sections]
    if section.footnotes:
        data["footnotes"] = dict(section.footnotes)
    if section.references:
        data["references"] = section.references
    if reading.matrix is not None and reading.matrix[0] is section:
        data.update(_matrix_values(reading))
    return data


def _matrix_values(reading: Reading) -> dict[str, Any]:
    assert reading.matrix is not None
    _, keys, rows = reading.matrix
    described = {s["key"]: s["description"] for s in reading.legend}
    sources = []
    for key in keys:
        if key not in described:
            reading.ctx.warnings.append(f"{reading.ctx.source}: the matrix's session source '{key}' has no "
                                        "description in a legend: its description is the key")
        sources.append({"key": key, "description": described.get(key, key)})
    entities: list[str] = []
    for row in rows:
        entities += [e for e in row.get("target_entities", []) if e not in entities]
    out: dict[str, Any] = {"session_sources": sources}
    if entities:
        out["target_entities"] = entities
    out["considerations"] = rows
    return out


def action_item_values(reading: Reading) -> dict[str, dict[str, Any]]:
    """Action items from the chapter 4 list and the tables: id → the item's values."""
    parents = _sub_item_parents(reading)
    items: dict[str, dict[str, Any]] = {}
    for ap_id, statement, element in reading.statements:
        parent = parents.get(ap_id)
        if parent is not None and parent in items:
            items[parent].setdefault("sub_items", []).append({"id": ap_id, "statement": statement})
        elif ap_id in items:
            reading.ctx.warn(element, f"{ap_id} is listed twice: the second is left out")
        else:
            items[ap_id] = {"id": ap_id, "short_name": "", "statement": statement}
    for table in reading.ap_tables:
        item = items.get(table["id"])
        if item is None:
            item = _item_from_table(reading, table)
            if item is None:
                continue
            items[table["id"]] = item
        item["short_name"] = table["short_name"]
        fields = dict(table["fields"])
        cell = table["cells"].get("objective")
        if cell is not None and same_as_generated(reading.ctx, cell, _objective_html(reading, item)):
            del fields["objective"]
        item["table"] = fields
    for item in items.values():
        if not item["short_name"]:
            del item["short_name"]
    return dict(sorted(items.items(), key=lambda kv: ap_sort_key(kv[0])))


def _item_from_table(reading: Reading, table: dict[str, Any]) -> dict[str, Any] | None:
    ctx = reading.ctx
    statement = table["fields"].get("objective")
    if not table["id"]:
        ctx.warnings.append(f"{ctx.source}: an action item table without an AP# id: left out")
        return None
    if not isinstance(statement, str) or not statement:
        ctx.warnings.append(f"{ctx.source}: {table['id']} has a table but no statement in an action item "
                            "list and no objective: its statement reads [to be written]")
        statement = "[to be written]"
    return {"id": table["id"], "short_name": "", "statement": statement.strip()}


def _sub_item_parents(reading: Reading) -> dict[str, str]:
    """Sub-item id → its item, from the tables' `AP1.1, AP1.1.1 – AP1.1.3` labels."""
    listed = [ap_id for ap_id, _, _ in reading.statements]
    parents: dict[str, str] = {}
    for table in reading.ap_tables:
        parent, subs = table["id"], table["subs"]
        if not subs:
            continue
        low, high = ap_sort_key(subs[0]), ap_sort_key(subs[-1])
        inside = [s for s in listed if s.startswith(parent + ".") and low <= ap_sort_key(s) <= high]
        for sub in inside or subs:
            parents[sub] = parent
    return parents


def _objective_html(reading: Reading, item: dict[str, Any]) -> str:
    """What the layout shows as the objective when the plan leaves it out."""
    renderer = Renderer(reading.footnotes)
    html = str(renderer.block(item["statement"]))
    subs = item.get("sub_items", [])
    if subs:
        html += "<ul>" + "".join(f"<li>{renderer.inline(s['statement'])}</li>" for s in subs) + "</ul>"
    return html


def document_values(cover: dict[str, Any], abstract: str, action: str | None) -> dict[str, Any]:
    order = ["document_number", "study_period", "group", "original", "questions", "meeting", "document_type",
             "source", "title", "purpose", "contacts", "keywords"]
    data: dict[str, Any] = {"cover": {k: cover[k] for k in order if k in cover}, "abstract": abstract}
    if action:
        data["action"] = action
    return data


__all__ = ["action_item_values", "chapter_values", "document_values"]
