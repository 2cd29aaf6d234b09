"""The consideration matrix → `considerations:` rows, session sources and target entities."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from ..intermediate import ITALIC, classes
from .context import Context, local
from .cover import raw_text
from .shapes import AP_ID, cell_markdown, cells, matrix_keys, rows, text_value

EDITORS_NOTE = re.compile(r"^\s*\[Editor[’']s note:\s*(.*?)\]\s*$", re.S)
TARGET = re.compile(rf"\s*({AP_ID}|New AP)(?: for points? ((?:[^\s,()]+\)(?:, | and )?)+))?\s*(?=$|,|\bor\b)")


def read_matrix(ctx: Context, table: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """(the session source keys, the rows as `considerations:` values)."""
    keys = matrix_keys(table)
    out = []
    for row in rows(table)[2:]:
        row_cells = cells(row)
        if len(row_cells) < 6 + len(keys):  # a column lost: the row is kept, the cells it lacks empty
            ctx.warn(row, f"a matrix row of {len(row_cells)} cells, not {6 + len(keys)}: the last "
                          f"{6 + len(keys) - len(row_cells)} read as empty")
            row_cells += [etree.Element("td") for _ in range(6 + len(keys) - len(row_cells))]
        elif len(row_cells) > 6 + len(keys):
            ctx.warn(row, f"a matrix row of {len(row_cells)} cells, not {6 + len(keys)}: left out")
            continue
        out.append(_row(ctx, row_cells, keys))
    return keys, out


def _row(ctx: Context, row_cells: list[Any], keys: list[str]) -> dict[str, Any]:
    number, point, *rest = row_cells
    marks, (actions, entities, documents, comments) = rest[: len(keys)], rest[len(keys):]
    row: dict[str, Any] = {"number": raw_text(number).strip()}
    row["point"], note = _point(ctx, point)
    if note:
        row["editors_note"] = note
    sources = [key for key, cell in zip(keys, marks, strict=True) if raw_text(cell).strip()]
    if sources:
        row["sources"] = sources
    actions_value = text_value(ctx, actions, "ol")
    if actions_value not in (None, []):
        row["proposed_actions"] = actions_value
    named = [e.strip() for e in raw_text(entities).split(",") if e.strip()]
    if named:
        row["target_entities"] = named
    targets = _targets(ctx, documents)
    if targets:
        row["target_documents"] = targets
    said = cell_markdown(ctx, comments) if len(comments) or raw_text(comments).strip() else ""
    if said:
        row["comments"] = said
    if not re.fullmatch(r"[0-9]+", row["number"]):
        ctx.warn(number, f"a matrix row numbered '{row['number']}', not a number")
    return row


def _point(ctx: Context, cell: Any) -> tuple[str, str]:
    """The point (Markdown) and its editor's note, the cell's last paragraph when it is one."""
    cell = ctx.copy(cell)
    paragraphs = [p for p in cell if local(p) == "p"]
    note = ""
    if paragraphs and ("editors-note" in classes(paragraphs[-1]) or EDITORS_NOTE.match(raw_text(paragraphs[-1]))):
        last = paragraphs[-1]
        inner = last[0] if len(last) == 1 and local(last[0]) in ITALIC and not (last.text or "").strip() else last
        inner = ctx.copy(inner)
        inner.text = re.sub(r"^\s*\[Editor[’']s note:\s*", "", inner.text or "")
        tail_holder = inner[-1] if len(inner) else None
        if tail_holder is not None:
            tail_holder.tail = re.sub(r"\]\s*$", "", tail_holder.tail or "")
        else:
            inner.text = re.sub(r"\]\s*$", "", inner.text)
        from .inline import inline_markdown

        note = inline_markdown(ctx, inner)
        cell.remove(last)
    return cell_markdown(ctx, cell), note


def _targets(ctx: Context, cell: Any) -> Any:
    """`AP1.2 or AP1.4` → one_of; `AP1.1.2 for points i) and iii)` → {action_item, for_points}."""
    text = raw_text(cell).strip()
    if not text:
        return None
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    targets: list[Any] = []
    one_of = False
    for line in lines:
        at = 0
        while at < len(line):
            match = TARGET.match(line, at)
            if match is None:
                ctx.warn(cell, f"cannot read the target document '{line[at:]}': left out")
                break
            points = re.findall(r"([^\s,]+?)\)", match.group(2) or "")
            targets.append({"action_item": match.group(1), "for_points": points} if points else match.group(1))
            at = match.end()
            separator = re.match(r"\s*(,|or\b)\s*", line[at:])
            if separator:
                one_of = one_of or separator.group(1) == "or"
                at += separator.end()
    if one_of and len(targets) > 1:
        return {"one_of": targets}
    return targets
