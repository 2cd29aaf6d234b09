"""Edit a plan file in place: make its round-trip tree hold new values, changing as little as can be.

`apply` knows the values a file should hold after a meeting's edits; this writes them into the
file's ruamel.yaml tree so that every value that did not change keeps its node — and with it
its comments, quoting and block style — and the file is then laid out by `apdoc fmt`'s rules.
A plan file already in the canonical layout therefore changes only on the lines of the values
that changed.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString, PlainScalarString

from .merge3 import ABSENT, freeze


def plain(node: Any) -> Any:
    """The plain value of a round-trip node (dicts, lists, str, None), as the loader gives it."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if node is None:
        return None
    return str(node)


def update(node: Any, new: Any, old: Any = ABSENT, lines: list[str] | None = None) -> Any:
    """`node` changed to hold `new` (in place where it is a collection); the node to keep.

    `old` is what `node` holds in the terms `new` is given in (apply reads both from documents,
    where a left-out objective, say, reads as the statement); where `old` and `new` agree the
    node is kept as typed, whatever its form. By default `old` is the node's plain value.
    `lines`: the text the tree was read from; where its list items stand apart by blank lines
    (the matrix's rows in plan/), a new item is given one before it too.
    """
    if old is ABSENT:
        old = plain(node)
    if old == new:
        return node
    if isinstance(node, CommentedMap) and isinstance(old, dict) and isinstance(new, dict):
        for key in [k for k in node if str(k) in old and str(k) not in new]:
            del node[key]
        for key, value in new.items():
            if old.get(key, ABSENT) != value:
                node[key] = update(node[key], value, old.get(key, ABSENT), lines) if key in node else fresh(value)
        return node
    if isinstance(node, CommentedSeq) and isinstance(old, list) and isinstance(new, list) and len(old) == len(node):
        _update_list(node, old, new, lines)
        return node
    if isinstance(new, str) and isinstance(node, str):
        return _text_like(node, new)
    return fresh(new)


def _update_list(node: CommentedSeq, old: list[Any], new: list[Any], lines: list[str] | None) -> None:
    apart = _items_apart(node, lines)
    matcher = SequenceMatcher(None, [freeze(item) for item in old], [freeze(item) for item in new], autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                node[i1 + k] = update(node[i1 + k], new[j1 + k], old[i1 + k], lines)
            continue
        del node[i1:i2]
        for k, item in enumerate(new[j1:j2]):
            node.insert(i1 + k, fresh(item))
        if apart and j2 > j1:
            _blank_lines_around(node, i1, i1 + j2 - j1)


def _blank_lines_around(node: CommentedSeq, start: int, end: int) -> None:
    """One blank line before each of the new items node[start:end] and before the item after
    them, where there is none yet. ruamel keeps the blank line between two items either after
    the first one's last scalar (it then stands before the new items) or before the second one
    (it then moves on with that item)."""
    for index in range(start, min(end + 1, len(node))):
        if index == 0:
            continue
        if index == start and _ends_with_blank(node[index - 1]):
            continue
        if index == end and _blank_before(node, index):
            continue
        node.yaml_set_comment_before_after_key(index, before="\n")


def _blank_before(node: CommentedSeq, index: int) -> bool:
    before = (node.ca.items.get(index) or [None, None])[1] or []
    return any("\n" in getattr(token, "value", "") for token in before)


def _ends_with_blank(node: Any) -> bool:
    """Whether a round-trip node's last value carries the blank line after it (a comment token:
    the end of the value's line and the blank line; only the blank line after a `|` block,
    which keeps its own line end)."""
    if not isinstance(node, (CommentedMap, CommentedSeq)) or not len(node):
        return False
    last = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
    value = node[last]
    needed = 1 if isinstance(value, str) and value.endswith("\n") else 2
    for token in node.ca.items.get(last) or []:
        text = getattr(token, "value", None)
        if isinstance(text, str) and not text.strip() and text.count("\n") >= needed:
            return True
    return _ends_with_blank(value)


def _items_apart(node: CommentedSeq, lines: list[str] | None) -> bool:
    """Whether the items of a block list of mappings stand apart by blank lines in `lines`."""
    starts = [item.lc.line for item in node[1:] if isinstance(item, CommentedMap) and item.lc.line]
    return bool(lines) and bool(starts) and all(
        start <= len(lines) and not lines[start - 1].strip() for start in starts)


def _text_like(old: str, new: str) -> str:
    """New text in the old text's block style where it still fits (a `|` block stays one)."""
    if "\n" in new and isinstance(old, (LiteralScalarString, FoldedScalarString)):
        return LiteralScalarString(new)
    return fresh(new)


def fresh(value: Any) -> Any:
    """A round-trip node for a new value; `apdoc fmt`'s layout then decides its style."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = fresh(item)
        return node
    if isinstance(value, list):
        return CommentedSeq([fresh(item) for item in value])
    if isinstance(value, str) and "\n" in value.rstrip("\n"):
        return LiteralScalarString(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # a number as the loader gives one written plain (a table's widths): a bare int here
        # next to loaded ones would be written `!!int '3'`, which the plan's loader refuses
        return PlainScalarString(str(value))
    return value
