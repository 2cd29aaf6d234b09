"""Where a value stands in the plan's files, and how an editor finds it in the TD.

A merge path (`("chapters", "ch-2", "sections", "s1", "content", 3)`, plan/merge3.py) or a diff
unit's key (commands/diff.py) is turned into the file, line and column of the value it names
(the plan's `SourceFile.position`), or into the words an editor looks for in Word (`clause 2.1
“Title” · content · 3`); a change that `apdoc apply` wrote is put on the line it wrote.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..diagnostics import display_path
from .folder import Plan
from .merge3 import ABSENT, IDENTITY_KEYS

BLOCK_INDICATOR = re.compile(r"(?:^|[:-]\s)[|>][+-]?[0-9]?\s*$")
Key = tuple[str, ...]  # a diff unit's (commands/diff.py)


class Change(Protocol):
    """What `Located` says a place of: a change (commands/diff.Change), by the unit it names."""

    @property
    def where(self) -> str: ...


@dataclass(frozen=True)
class Located:
    """A change in the plan's terms and the file:line of the value it wrote (the new text's)."""

    change: Change
    path: str = ""
    line: int = 0

    def __str__(self) -> str:
        return f"{self.change} ({self.path}:{self.line})" if self.path else str(self.change)


def located_changes(changes: list[Change], keys: Mapping[str, Key], after: Plan,
                    texts: dict[Path, str]) -> list[Located]:
    """Each change with the file and line of its value in the new text (of the value that held
    it, for a removed one), found from the unit it names (`keys`: diff.units' label → key). A
    chapter's text is all its paragraphs: its line is the first one the edit changed."""
    first_changed = {display_path(path): first_changed_line(path, text) for path, text in texts.items()}
    lines = {display_path(path): text.split("\n") for path, text in texts.items()}
    out = []
    for change in changes:
        key = keys.get(change.where)
        found = _unit_position(after, key) if key is not None else None
        if found and key is not None and key[-1] == "text" and found[0] in first_changed:
            found = (found[0], max(found[1], first_changed[found[0]]))
        if found and found[0] in lines and BLOCK_INDICATOR.search(lines[found[0]][found[1] - 1]):
            found = (found[0], found[1] + 1)  # `key: |` or `>-`: the text starts on the next line
        out.append(Located(change, *found) if found else Located(change))
    return out


def _changed_lines(path: Path, text: str) -> list[int]:
    """The lines of the new text that the edit wrote (for a removal, the line after the gap)."""
    old = path.read_text(encoding="utf-8").splitlines()
    found: set[int] = set()
    for op, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, old, text.splitlines(), autojunk=False).get_opcodes():
        if op != "equal":
            found |= set(range(j1 + 1, j2 + 1)) if j2 > j1 else {j1 + 1}
    return sorted(found)


def on_changed_lines(changes: list[Located], texts: dict[Path, str]) -> list[Located]:
    """Each change's line moved onto a line the edit wrote: a list field is found at its key, and
    the item changed is lines below it (the `wrote` line and the change's must be the same)."""
    changed = {display_path(path): _changed_lines(path, text) for path, text in texts.items()}
    starts = {(c.path, c.line) for c in changes if c.path}
    out = []
    for change in changes:
        lines = changed.get(change.path, [])
        if not change.path or not lines or change.line in lines:
            out.append(change)
            continue
        # The first line written below it, unless another change's value starts before that line.
        below = next((n for n in lines if n > change.line), None)
        other = min((line for path, line in starts if path == change.path and line > change.line), default=None)
        if below is not None and (other is None or below < other):
            change = Located(change.change, change.path, below)
        out.append(change)
    return out


def written_lines(changes: list[Located], texts: dict[Path, str]) -> list[tuple[str, int]]:
    """(file, line) for each value written, as the changes name them; a file no change names,
    by the first line the edit changed."""
    out: list[tuple[str, int]] = []
    for path, text in texts.items():
        shown = display_path(path)
        lines = sorted({c.line for c in changes if c.path == shown})
        out += [(shown, line) for line in lines] or [(shown, first_changed_line(path, text))]
    return out


def _unit_position(plan: Plan, key: Key) -> tuple[str, int] | None:
    """(file, line) of the value a diff unit's key names in `plan` (its nearest enclosing one)."""
    if key[0] in ("cover", "abstract", "action"):
        return _file_line(plan, plan.document, key)
    if key[0] == "ap":
        item = next((a for a in plan.action_items if a.model.id == key[1]), None)
        if item is None:
            return None
        rest: tuple[Any, ...] = key[2:]
        if rest[:1] == ("sub",):
            subs = [s.id for s in item.model.sub_items]
            rest = ("sub_items", subs.index(rest[1])) if rest[1] in subs else ("sub_items",)
        return _file_line(plan, item, rest)
    # ("chapter", id, ["chapter", id …], what, name): the top chapter's file, down its sections.
    loaded = next((c for c in [*plan.chapters, *plan.annexes] if c.model.id == key[1]), None)
    if loaded is None:
        return None
    node: Any = loaded.model
    loc: list[Any] = []
    rest = key[2:]
    while rest[:1] == ("chapter",) and len(rest) > 1:
        ids = [s.id for s in node.sections]
        if rest[1] not in ids:
            return _file_line(plan, loaded, tuple(loc))
        index = ids.index(rest[1])
        loc += ["sections", index]
        node, rest = node.sections[index], rest[2:]
    kind, name = (*rest, "", "")[:2]
    if kind in ("table", "figure"):
        index = next((n for n, b in enumerate(node.content) if getattr(getattr(b, kind, None), "id", None) == name),
                     None)
        loc += ["content"] + ([index] if index is not None else [])
    elif kind == "text":
        loc += ["content"]
    elif kind in ("footnote", "title", "target-entities"):
        loc += [{"footnote": "footnotes", "title": "title", "target-entities": "target_entities"}[kind]]
        loc += [name] if kind == "footnote" else []
    elif kind in ("reference", "session-source", "consideration"):
        field_name, attr = {"reference": ("references", "key"), "session-source": ("session_sources", "key"),
                            "consideration": ("considerations", "number")}[kind]
        rows = [getattr(r, attr) for r in getattr(node, field_name)]
        loc += [field_name] + ([rows.index(name)] if name in rows else [])
        loc += list(rest[2:3]) if kind == "consideration" and name in rows else []
    return _file_line(plan, loaded, tuple(loc))


def _file_line(plan: Plan, loaded: Any, loc: tuple[Any, ...]) -> tuple[str, int]:
    """The file in the plan folder (the plan was checked in a copy: the same name there) and the line."""
    source = loaded.source
    folder = source.path.parent.name
    path = plan.root / source.path.name if loaded is plan.document else plan.root / folder / source.path.name
    return display_path(path), source.position(loc)[0]


def first_changed_line(path: Path, text: str) -> int:
    old = path.read_text(encoding="utf-8").splitlines()
    for op, i1, _i2, _j1, _j2 in difflib.SequenceMatcher(None, old, text.splitlines(), autojunk=False).get_opcodes():
        if op != "equal":
            return i1 + 1
    return 1


def located(path: tuple[Any, ...], plan: Plan) -> tuple[str, int, int]:
    """The file, line and column of the value a merge path names (ids of keyed rows → their index)."""
    loaded = {("document", ""): plan.document}
    for folder, items in (("chapters", plan.chapters), ("annexes", plan.annexes), ("action-items", plan.action_items)):
        loaded.update({(folder, item.model.id): item for item in items})
    head = ("document", "") if path[:1] == ("document",) else (path[0], str(path[1])) if len(path) > 1 else None
    if head not in loaded:
        return display_path(plan.root), 0, 0
    source = loaded[head].source
    rest = path[1:] if head[0] == "document" else path[2:]
    data, loc = source.data, []
    for part in rest:
        if isinstance(data, list) and not isinstance(part, int):
            index = next((i for i, item in enumerate(data) if isinstance(item, dict)
                          and any(str(item.get(k)) == str(part) for k in IDENTITY_KEYS)), None)
            if index is None:
                break
            part = index
        inside_dict = isinstance(data, dict) and part in data
        if inside_dict or (isinstance(data, list) and isinstance(part, int) and part < len(data)):
            loc.append(part)
            data = data[part]
        else:
            break
    line, col = source.position(tuple(loc))
    return source.shown, line, col


def label(path: tuple[Any, ...], plan: Plan | None = None) -> str:
    """A merge path as an editor finds it in Word: `clause 2.1 “Title” · content · 3` (the
    clause's number as the TD shows it), else the plan's own names joined."""
    if plan is None or len(path) < 2 or path[0] not in ("chapters", "annexes"):
        return " · ".join(str(part) for part in path)
    items = [c.model for c in (plan.chapters if path[0] == "chapters" else plan.annexes)]
    ids = [c.id for c in items]
    if path[1] not in ids:
        return " · ".join(str(part) for part in path)
    index = ids.index(path[1])
    node = items[index]
    number = str(index + 1) if path[0] == "chapters" else f"Annex {chr(ord('A') + index)}"
    rest = list(path[2:])
    while rest[:1] == ["sections"] and len(rest) > 1 and rest[1] in [s.id for s in node.sections]:
        at = [s.id for s in node.sections].index(rest[1])
        node, number, rest = node.sections[at], f"{number}.{at + 1}", rest[2:]
    where = f"clause {number}" if path[0] == "chapters" or "." in number else number
    if rest[:1] == ["content"] and len(rest) > 1 and isinstance(rest[1], int):
        rest = [f"its text, block {rest[1] + 1}", *rest[2:]]
    return " · ".join([f"{where} {quote(node.title)}", *map(str, rest)])


def quote(value: Any) -> str:
    text = " ".join(str(value).split()) if value is not None else ""
    return f"“{text[:77]}…”" if len(text) > 80 else f"“{text}”"


def readable(value: Any) -> str:
    """A plan value as an editor reads it: text as text, a list's items one after the other, a
    mapping's fields by name; no Python brackets or quotes."""
    if isinstance(value, list):
        return " ¶ ".join(readable(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {readable(item)}" for key, item in value.items())
    return "" if value is None or value is ABSENT else str(value)
