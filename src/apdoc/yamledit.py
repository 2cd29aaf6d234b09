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
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from .merge3 import freeze


def plain(node: Any) -> Any:
    """The plain value of a round-trip node (dicts, lists, str, None), as the loader gives it."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if node is None:
        return None
    return str(node)


def update(node: Any, new: Any) -> Any:
    """`node` changed to hold `new` (in place where it is a collection); the node to keep."""
    if plain(node) == new:
        return node
    if isinstance(node, CommentedMap) and isinstance(new, dict):
        for key in [k for k in node if str(k) not in new]:
            del node[key]
        for key, value in new.items():
            node[key] = update(node[key], value) if key in node else fresh(value)
        return node
    if isinstance(node, CommentedSeq) and isinstance(new, list):
        _update_list(node, new)
        return node
    if isinstance(new, str) and isinstance(node, str):
        return _text_like(node, new)
    return fresh(new)


def _update_list(node: CommentedSeq, new: list[Any]) -> None:
    old = [freeze(plain(item)) for item in node]
    matcher = SequenceMatcher(None, old, [freeze(item) for item in new], autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                node[i1 + k] = update(node[i1 + k], new[j1 + k])
            continue
        del node[i1:i2]
        for k, item in enumerate(new[j1:j2]):
            node.insert(i1 + k, fresh(item))


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
    return value
