"""`apdoc new`: start an action item or a consideration with every field present and empty.

Nothing else needs a hand edit for a new action item: the chapter 4 list is generated from
the files of action-items/ (`- insert: action_item_list` in chapters/04-action-plan.yaml,
in id order), and so are the tables of chapter 7 and their numbers. The one list of action
items kept by hand is a figure's pillars (chapter 2): `--after AP1.7` puts the new item
next to AP1.7 in its pillar; without it, no pillar is changed (which pillar is the editor's
call).

A required field that empty would fail `apdoc validate` (an action item's statement, a
consideration's point) holds PLACEHOLDER instead; the empty rest gives warnings only.
Comments stay: the new matrix row is written into the chapter's text, a pillar list is
edited through ruamel.yaml's round trip (plan/yaml_layout.py); either way the file is read
back with the plan's loader and must hold exactly the old data plus the addition.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from ..diagnostics import Diagnostic, PlanError, display_path
from ..output import FileStamp, file_stamps, stamp_in, write_atomic
from ..plan.load import Plan, load_plan
from ..plan.models import (
    AP_ID_PATTERN,
    PLACEHOLDER,
    TABLE_FIELDS,
    ActionItem,
    ap_sort_key,
    is_ascii_number,
    number_key,
)
from ..plan.source import SourceFile, editor_lines, load_yaml, read_text
from ..plan.walks import chapter_tree
from ..plan.yaml_layout import dump, loaded_data, new_yaml, schema_line


@dataclass
class _Edit:
    path: Path
    text: str


def _flow(items: list[Any]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _fail(path: Path, message: str, line: int = 0, col: int = 0) -> PlanError:
    return PlanError([Diagnostic(display_path(path), line, col, message)])


def _where(source: SourceFile, loc: tuple[Any, ...]) -> str:
    line, _ = source.position(loc)
    return f"{source.shown}:{line}"


def _write(edits: list[_Edit], read: dict[Path, FileStamp]) -> None:
    """Write the edits; a file changed (or created) since `read` was taken is not replaced."""
    for edit in edits:
        write_atomic(edit.path, edit.text.encode("utf-8"), read_as=stamp_in(read, edit.path))


# --- new action ------------------------------------------------------------------


def _known_ids(plan: Plan) -> dict[str, Diagnostic]:
    """Every action item id, also sub-items', with what to say when it is created again."""
    known: dict[str, Diagnostic] = {}
    for item in plan.action_items:
        known[item.model.id] = item.source.diagnostic(("id",), f"{item.model.id} exists already")
        for n, sub in enumerate(item.model.sub_items):
            known[sub.id] = item.source.diagnostic(
                ("sub_items", n, "id"), f"{sub.id} exists already (a sub-item of {item.model.id})"
            )
    return known


def _maps(node: Any) -> Iterator[CommentedMap]:
    stack = [node]
    while stack:
        here = stack.pop()
        if isinstance(here, CommentedMap):
            yield here
            stack.extend(reversed(list(here.values())))
        elif isinstance(here, CommentedSeq):
            stack.extend(reversed(here))


def _pillar_edits(plan: Plan, ap_id: str, after: str) -> tuple[list[_Edit], list[str]]:
    """Put `ap_id` after `after` in every figure pillar that lists `after`."""
    edits: list[_Edit] = []
    said: list[str] = []
    for loaded in plan.all_chapters:
        if "pillars" not in loaded.source.path.read_text(encoding="utf-8"):
            continue
        rt = new_yaml()
        old = loaded.source.path.read_text(encoding="utf-8")
        data = rt.load(old)
        expected = loaded_data(old, loaded.source.path)
        changed = False
        for block in _maps(data):
            figure = block.get("figure")
            if not isinstance(figure, CommentedMap) or not isinstance(figure.get("pillars"), CommentedSeq):
                continue
            for pillar in figure["pillars"]:
                items = pillar.get("action_items") if isinstance(pillar, CommentedMap) else None
                if isinstance(items, CommentedSeq) and after in items:
                    items.insert(items.index(after) + 1, ap_id)
                    changed = True
                    said.append(f"added {ap_id} after {after} to the pillar “{pillar.get('name')}” of figure "
                                f"“{figure.get('title')}” in {loaded.source.shown}")
        if changed:
            text = dump(data, rt)
            _insert_after_in(expected, ap_id, after)
            if loaded_data(text, loaded.source.path) != expected:  # pragma: no cover - a bug, not the editor's
                raise _fail(loaded.source.path, f"cannot add {ap_id} to its pillar without changing other values")
            edits.append(_Edit(loaded.source.path, text))
    return edits, said


def _insert_after_in(data: Any, ap_id: str, after: str) -> None:
    """The same insertion on the loader's plain data, to check the rewritten file against."""
    stack = [data]
    while stack:
        here = stack.pop()
        if isinstance(here, dict):
            figure = here.get("figure")
            if isinstance(figure, dict) and isinstance(figure.get("pillars"), list):
                for pillar in figure["pillars"]:
                    items = pillar.get("action_items") if isinstance(pillar, dict) else None
                    if isinstance(items, list) and after in items:
                        items.insert(items.index(after) + 1, ap_id)
            stack.extend(here.values())
        elif isinstance(here, list):
            stack.extend(here)


def action_item_text(ap_id: str, name: str, path: Path, root: Path) -> str:
    """A new action item file: the schema line and every field, empty but for id, name and statement."""
    table = CommentedMap((field, None) for field in TABLE_FIELDS)
    item = CommentedMap(
        id=ap_id, short_name=name, statement=PLACEHOLDER, sub_items=_flow([]), table=table
    )
    assert list(item) == list(ActionItem.model_fields)  # every field, in model order
    return schema_line(path, root, "action-item") + "\n" + dump(item)


def new_action(root: Path, ap_id: str, name: str, after: str | None = None) -> list[str]:
    """Create action-items/<ap_id>.yaml (and its pillar entry with `after`). Returns what was done."""
    target = root / "action-items" / f"{ap_id}.yaml"
    if not re.match(AP_ID_PATTERN, ap_id):
        raise _fail(target, f"'{ap_id}' is not an action item id such as AP1.8 (AP, then numbers joined by dots)")
    if not name.strip():
        raise _fail(target, "--name must not be empty: it is the short name in the table's header")
    read = file_stamps(root)
    plan = load_plan(root, check=False)
    known = _known_ids(plan)
    if ap_id in known:
        raise PlanError([known[ap_id]])
    if target.exists():
        raise _fail(target, "the file exists (holding another id?): not overwritten")
    if "." in ap_id and (parent := ap_id.rsplit(".", 1)[0]) not in known:
        raise _fail(target, f"{ap_id} needs its parent action item {parent}, which does not exist: create it first")
    if after is not None and after not in known:
        raise _fail(target, f"--after {after}: no such action item")
    text = action_item_text(ap_id, name, target, root)
    data = loaded_data(text, target)
    ActionItem.model_validate(data)  # the scaffold itself must be a valid item
    edits = [_Edit(target, text)]
    said = [f"created {display_path(target)}: {ap_id} “{name}”, every field empty",
            f"  statement is required, so it reads “{PLACEHOLDER}”: write it; the empty table rows are warnings"]
    siblings = sorted((i for i in known if i.count(".") == ap_id.count(".")), key=ap_sort_key)
    said.append(f"  chapter 4 lists it and chapter 7 shows its table: both are generated from "
                f"{display_path(root / 'action-items')}/ in id order ({_neighbours(ap_id, siblings)})")
    if after is not None:
        pillar_edits, pillar_said = _pillar_edits(plan, ap_id, after)
        edits += pillar_edits
        said += [f"  {line}" for line in pillar_said] or [f"  {after} is in no figure pillar: no pillar changed"]
    _write(edits, read)
    return said


def _neighbours(ap_id: str, siblings: list[str]) -> str:
    before = [s for s in siblings if ap_sort_key(s) < ap_sort_key(ap_id)]
    return f"after {before[-1]}" if before else "first"


# --- new consideration --------------------------------------------------------------


def _matrix(plan: Plan) -> tuple[Path, tuple[Any, ...]]:
    """The chapter file and place of the `considerations:` list, wherever the plan keeps it."""
    for loaded in plan.all_chapters:
        for chapter, loc in chapter_tree(loaded.model):
            if "considerations" in chapter.model_fields_set:  # given, even as `considerations: []`
                return loaded.source.path, (*loc, "considerations")
    raise _fail(plan.root, "no chapter has a considerations: list (add `considerations: []` to the chapter "
                           "that shows the matrix)")


def _at(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        data = data[part]
    return data


def _empty_row(number: str) -> dict[str, Any]:
    """A consideration as the loader reads it: every field, empty but for its number and point."""
    return {"number": number, "point": PLACEHOLDER, "editors_note": "", "sources": [], "proposed_actions": None,
            "target_entities": [], "target_documents": [], "comments": ""}


def _as_yaml(row: dict[str, Any]) -> CommentedMap:
    # Quoted like the plan's rows: "07" and "" would otherwise read as other text or as nothing.
    return CommentedMap(
        (k, _flow(v) if isinstance(v, list) else DoubleQuotedScalarString(v) if v in ("", row["number"]) else v)
        for k, v in row.items()
    )


def _insert_row(text: str, source: SourceFile, loc: tuple[Any, ...], index: int, row: CommentedMap) -> str:
    """`text` with `row` written in as row `index` of the list at `loc`.

    Done on the text, not through ruamel: ruamel keeps a comment between two rows on either
    of them depending on how the row before ends, so its own insert would move comments.
    Here the comment lines and blank lines before a row, indented less than the rows' keys,
    stay before that row; anything indented deeper stays with the row above.
    """
    lines = editor_lines(text)  # as source positions count them
    rows = _at(source.data, loc)
    dash = source.position((*loc,))[1] - 1
    key_col = source.position((*loc, 0))[1] - 1
    if index < len(rows):
        boundary = source.position((*loc, index))[0] - 1
    else:  # after the last row: up to whatever follows the list in the file
        inside = max(line for path, (line, _) in source.values.items() if path[: len(loc)] == loc)
        later = [line for line, _ in [*source.values.values(), *source.keys.values()] if line > inside]
        boundary = min(later) - 1 if later else len(lines)
    at = boundary
    while at > 0 and (not lines[at - 1].strip() or (
            lines[at - 1].lstrip().startswith("#") and len(lines[at - 1]) - len(lines[at - 1].lstrip()) < key_col)):
        at -= 1
    # Blank lines between rows (plan/ has them) are kept for the new row too.
    gaps = [source.position((*loc, n))[0] - 2 for n in range(1, len(rows))]
    separated = any(0 <= gap < len(lines) and not lines[gap].strip() for gap in gaps)
    block = textwrap.indent(textwrap.dedent(dump(CommentedSeq([row]))), " " * dash)
    if at and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    lines.insert(at, ("\n" if separated else "") + block)
    return "".join(lines)


def new_consideration(root: Path, after: str | None = None) -> list[str]:
    """Add a row to the consideration matrix with the next free number. Returns what was done."""
    read = file_stamps(root)
    plan = load_plan(root, check=False)
    path, loc = _matrix(plan)
    source = load_yaml(path)
    rows = _at(source.data, loc) or []
    numbered = [str(row.get("number", "")) if isinstance(row, dict) else "" for row in rows]
    numbers = [int(digits) for digits in numbered if is_ascii_number(digits)]
    number = f"{max(numbers, default=0) + 1:02d}"
    if after is None:
        index = len(rows)
    else:
        match = [n for n, digits in enumerate(numbered) if is_ascii_number(after)
                 and is_ascii_number(digits) and number_key(digits) == number_key(after)]
        if not match:
            raise _fail(path, f"--after {after}: no consideration has that number")
        index = match[0] + 1
    row = _empty_row(number)
    old = path.read_text(encoding="utf-8")
    if rows:
        text = _insert_row(old, source, loc, index, _as_yaml(row))
    else:  # `considerations: []`: no comments between rows to keep, so ruamel writes the list
        rt = new_yaml()
        data = rt.load(old)
        _at(data, loc[:-1])[loc[-1]] = CommentedSeq([_as_yaml(row)])
        text = dump(data, rt)
    expected = loaded_data(old, path)
    _at(expected, loc).insert(index, row)
    try:
        written = read_text(text, path)
    except (yaml.YAMLError, PlanError):  # pragma: no cover - a bug, not the editor's
        written = SourceFile(path=path, data=None)
    if written.data != expected:  # pragma: no cover - a bug, not the editor's
        raise _fail(path, "cannot add the row without changing other values (please report this)")
    _write([_Edit(path, text)], read)
    where = f"after {rows[index - 1]['number']}" if index else "first"
    return [f"added consideration {number} to {_where(written, (*loc, index))} ({where})",
            f"  point is required, so it reads “{PLACEHOLDER}”: write it; the other fields are empty "
            "(no target document is a warning)"]
