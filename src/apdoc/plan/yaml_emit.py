"""The canonical layout (yaml_layout.py) written straight from plain values, without ruamel.

`apdoc import` writes new files: there are no comments to keep, so the round-trip machinery
(ruamel's representer, serializer and emitter, a dozen calls per scalar) is not needed, and it
was a third of the import's time. This writer makes the same choices from the same rules —
key order and number fields from the models (yaml_layout._reorder and _typed), one-line lists
(_flow_list), quoting (yaml_layout._Emitter.choose_scalar_style over ruamel's analyze_scalar,
ported below) — and gives the same bytes as yaml_layout.dump; tests/test_yaml_emit.py compares
the two on generated values, the seed plan and the 100× import.

It covers the plan's shapes: mappings of text keys, lists, text, numbers, no value. Anything
else — a list directly in a list that is not one line, a float, a `|+` block, a key of many lines
or of 100 characters or more, text long enough to meet ruamel's line width — raises Unsupported, and the
caller writes that file through ruamel instead.
"""

from __future__ import annotations

import functools
import re
import typing
from typing import Any

from pydantic import BaseModel

from .yaml_layout import FLOW_LIST_WIDTH, LINE_WIDTH, NUMBER, READERS, YES_NO, flatten, reads_as_text


class Unsupported(Exception):
    """Values outside the shapes this writer knows: write them through ruamel (yaml_layout)."""


# Text longer than this might meet ruamel's line width (LINE_WIDTH columns), where it wraps.
_LONGEST = LINE_WIDTH // 2

# ruamel writes a key of 128 characters or more, counting its tag (`!!str`), as `? key`.
_LONGEST_KEY = 100

# --- quoting: ruamel's analyze_scalar, with regular expressions ---------------------------

_BREAKS = "\n\x85\u2028\u2029"
_SPACE = "\0 \t\r" + _BREAKS  # what ruamel counts as whitespace around an indicator
_SPECIAL = re.compile("[^\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\ufeff")
_LINE_BREAK = re.compile(f"[{_BREAKS}]")
_BREAK_SPACE = re.compile(f"[{_BREAKS}] ")
_SPACE_BREAK = re.compile(f" [{_BREAKS}]")
_COLON_SPACED = re.compile(f":(?:[{_SPACE}]|\\Z)")  # searched from index 1
_HASH_SPACED = re.compile(f"[{_SPACE}]#")
_FLOW_INSIDE = re.compile(r"[,\[\]{}]")
_LEADING_INDICATORS = "#,[]{}&*!|>'\"%@`"
_NOT_LITERAL = re.compile("[\r\x85\u2028\u2029]")
_QUESTION_COLON = re.compile("[?:]")
# The first characters any of the readers types a plain scalar by: other text is text to them,
# unless the 1.2 / 1.1 patterns (which start with these characters, or `~<=`) match.
_TYPED_FIRST = frozenset(
    first for reader, _ in READERS
    for first in (reader.versioned_resolver if hasattr(reader, "versioned_resolver")
                  else reader.yaml_implicit_resolvers))


_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LONGEST_WORD = 5  # the longest typed word (`false`, `FALSE`): every pattern for a letter is a word


def _plain_reads_as_text(text: str) -> bool:
    """yaml_layout.reads_as_text, for one line of text, without asking the readers what they
    cannot take for anything but text."""
    if text and None not in _TYPED_FIRST and (
            text[0] not in _TYPED_FIRST or (text[0] in _LETTERS and len(text) > _LONGEST_WORD)):
        return True  # no reader has a pattern for this first character, nor do the 1.2/1.1 lists
    return reads_as_text(text)


class _Analysis(typing.NamedTuple):
    multiline: bool
    flow_plain: bool
    block_plain: bool
    single_quoted: bool
    block: bool


def _analyse(text: str) -> _Analysis:
    """ruamel's Emitter.analyze_scalar (allow_unicode, YAML 1.2 output), the allowed styles."""
    if not text:
        return _Analysis(False, False, True, True, False)
    flow_ind = block_ind = text.startswith(("---", "..."))
    first = text[0]
    followed = len(text) == 1 or text[1] in _SPACE
    if first in _LEADING_INDICATORS:
        flow_ind = block_ind = True
    if first in "?:":
        if len(text) == 1:
            flow_ind = True
        if followed:
            block_ind = True
    if first == "-" and followed:
        flow_ind = block_ind = True
    if _FLOW_INSIDE.search(text, 1):
        flow_ind = True
    if _COLON_SPACED.search(text, 1) or _HASH_SPACED.search(text):
        flow_ind = block_ind = True
    line_breaks = _LINE_BREAK.search(text) is not None
    special = _SPECIAL.search(text) is not None
    leading_space, trailing_space = first == " ", text[-1] == " "
    leading_break, trailing_break = first in _BREAKS, text[-1] in _BREAKS
    break_space = line_breaks and _BREAK_SPACE.search(text) is not None
    space_break = line_breaks and _SPACE_BREAK.search(text) is not None

    flow_plain = block_plain = single = block = True
    if leading_space or leading_break or trailing_space or trailing_break:
        flow_plain = block_plain = False
    if trailing_space:
        block = False
    if break_space:
        flow_plain = block_plain = single = False
    if special:
        flow_plain = block_plain = single = block = False
    elif space_break:
        flow_plain = block_plain = single = False
        block = False  # ruamel's allow_space_break is off
    if line_breaks:
        flow_plain = block_plain = False
    if flow_ind:
        flow_plain = False
    if block_ind:
        block_plain = False
    return _Analysis(line_breaks, flow_plain, block_plain, single, block)


# --- writing a scalar --------------------------------------------------------------

_ESCAPES = {"\0": "0", "\x07": "a", "\x08": "b", "\x09": "t", "\x0a": "n", "\x0b": "v", "\x0c": "f",
            "\x0d": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L",
            "\u2029": "P"}
_TO_ESCAPE = re.compile('["\\\\\x85\u2028\u2029\ufeff]|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _ESCAPES:
        return "\\" + _ESCAPES[ch]
    code = ord(ch)
    return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


class _Plain(str):
    """A number in a number field (or a yes/no in a yes/no field): written plain when it can be
    (ruamel's PlainScalarString)."""


def _style(text: str, *, key: bool = False, flow: bool = False) -> str:
    """yaml_layout._Emitter.choose_scalar_style: '' plain, "'", '"' or '|'."""
    style_of = _remembered_style_of if len(text) <= _LONGEST_KEPT else _style_of
    return style_of(str(text), key, flow, type(text) is _Plain)


# A plan says the same texts many times (the 100x import: 52,009 scalars, a few thousand texts):
# the style of each short one is remembered (at most _STYLES_KEPT texts of _LONGEST_KEPT characters).
_STYLES_KEPT = 4096
_LONGEST_KEPT = 1000


def _style_of(text: str, key: bool, flow: bool, number_field: bool) -> str:
    """_style of `text`; `number_field`: it is a _Plain (a number or yes/no in a field of that type)."""
    how = _analyse(text)
    if "\n" in text and not (key or flow) and how.block and not _NOT_LITERAL.search(text):
        return "|"
    plain = how.flow_plain and not _QUESTION_COLON.search(text) if flow else how.block_plain
    if plain and not how.multiline and _plain_reads_as_text(text):
        return ""
    if plain and number_field and not key and (NUMBER.match(text) or YES_NO.match(text)):
        return ""
    if ('"' in text or "\\" in text) and "'" not in text and how.single_quoted and not how.multiline:
        return "'"
    return '"'


_remembered_style_of = functools.lru_cache(maxsize=_STYLES_KEPT)(_style_of)


def _inline(text: str, style: str) -> str:
    if style == "":
        return str(text)
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    return '"' + _TO_ESCAPE.sub(_escape, text) + '"'


def _scalar(text: str, indent: int, *, flow: bool = False) -> str:
    """The scalar as it follows `key:` or `-` (with its leading space), block text indented by
    `indent` on the lines below."""
    if len(text) > _LONGEST:
        raise Unsupported("text long enough to be wrapped")
    style = _style(text, flow=flow)
    if style != "|":
        return _inline(text, style)
    hints = "2" if text[0] in " \n" else ""
    if not text.endswith("\n"):
        hints += "-"
    elif len(text) == 1 or text[-2] == "\n":
        raise Unsupported("a block keeping its final blank lines (|+)")
    lines = text.removesuffix("\n").split("\n")
    pad = " " * indent
    return "|" + hints + "".join("\n" + pad + line if line else "\n" for line in lines)


_KEYS: dict[str, str] = {}  # the models' field names, mostly: a few dozen, written thousands of times
_KEYS_KEPT = 4096


def _key(key: Any) -> str:
    written = _KEYS.get(key) if type(key) is str else None
    if written is not None:
        return written
    if type(key) is not str or len(key) >= _LONGEST_KEY or _LINE_BREAK.search(key):
        raise Unsupported("a key that is not one short line (ruamel writes `? key`)")
    written = _inline(key, _style(key, key=True))
    if len(_KEYS) < _KEYS_KEPT:
        _KEYS[key] = written
    return written


# --- the models' order and types (yaml_layout._reorder and _typed) ---------------------------


def _typed(value: Any, alternatives: list[Any]) -> Any:
    if isinstance(value, bool | int):  # as unlayout/write.py's _commented: a number is its text
        value = str(value)
    elif value is None or isinstance(value, dict | list):
        return value
    elif not isinstance(value, str):
        raise Unsupported(f"a value of type {type(value).__name__}")
    number = (int in alternatives or float in alternatives) and str not in alternatives
    if bool in alternatives and str not in alternatives and YES_NO.match(value):
        return _Plain(value)
    return _Plain(value) if number and NUMBER.match(value) else str(value)


def _alternatives(annotations: list[Any]) -> list[Any]:
    return [alt for a in annotations for alt in flatten(a)]


def _ordered(node: dict[Any, Any], alternatives: list[Any]) -> list[tuple[Any, Any, list[Any]]]:
    """(key, typed value, the value's alternatives) in the models' order."""
    models = tuple(alt for alt in alternatives if isinstance(alt, type) and issubclass(alt, BaseModel))
    keys = tuple(node)
    model = _model_of(models, keys)
    if model is None:
        values = _alternatives([arg for alt in alternatives if typing.get_origin(alt) is dict
                                for arg in typing.get_args(alt)[1:]])
        return [(key, _typed(node[key], values), values) for key in keys]
    return [(key, _typed(node[key], alts), alts) for key, alts in _model_order(model, keys)]


# The shapes of a plan's mappings: a few dozen (model, keys), met thousands of times.
_SHAPES_KEPT = 1024


@functools.lru_cache(maxsize=_SHAPES_KEPT)
def _model_of(models: tuple[type[BaseModel], ...], keys: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model with most of `keys` among its fields, or None when none has any."""
    model = max(models, key=lambda m: sum(k in m.model_fields for k in keys), default=None)
    if model is None or not any(k in model.model_fields for k in keys):
        return None
    return model


@functools.lru_cache(maxsize=_SHAPES_KEPT)
def _model_order(model: type[BaseModel], keys: tuple[Any, ...]) -> tuple[tuple[Any, list[Any]], ...]:
    """`keys` in the model's order (the others after, as they come), each with its alternatives."""
    fields = model.model_fields
    order = [k for k in fields if k in keys] + [k for k in keys if k not in fields]
    return tuple((key, _alternatives([fields[key].annotation]) if key in fields else []) for key in order)


def _items(alternatives: list[Any]) -> list[Any]:
    return _alternatives([arg for alt in alternatives if typing.get_origin(alt) is list
                          for arg in typing.get_args(alt)])


def _flow(items: list[Any], row: bool) -> bool:
    """yaml_layout._flow_list: one line for one-line texts, short or a table's row."""
    if not items:
        return True
    if not all(isinstance(item, str) and "\n" not in item for item in items):
        return False
    return row or sum(len(item) for item in items) + 2 * len(items) <= FLOW_LIST_WIDTH


# --- the block layout ------------------------------------------------------------------


def _flow_text(items: list[str]) -> str:
    return "[" + ", ".join(_inline(item, _style(item, flow=True)) if len(item) <= _LONGEST else _too_long()
                           for item in items) + "]"


def _too_long() -> str:
    raise Unsupported("text long enough to be wrapped")


def _mapping(node: dict[Any, Any], alternatives: list[Any], indent: int, out: list[str], first: str) -> None:
    """Write the block mapping's lines; `first` is what starts its first line (`- ` of an item)."""
    lead = first
    pad = " " * indent
    for key, value, alts in _ordered(node, alternatives):
        line = lead + _key(key) + ":"
        lead = pad
        if value is None:
            out.append(line)
        elif isinstance(value, str):
            out.append(line + " " + _scalar(value, indent + 2))
        elif isinstance(value, dict):
            if value:
                out.append(line)
                _mapping(value, alts, indent + 2, out, " " * (indent + 2))
            else:
                out.append(line + " {}")
        else:
            items = _items(alts)
            typed = [_typed(item, items) for item in value]
            if _flow(typed, row=False):
                out.append(line + " " + _flow_text(typed))
            else:
                out.append(line)
                _sequence(typed, items, indent + 2, out)


def _sequence(items: list[Any], alternatives: list[Any], indent: int, out: list[str]) -> None:
    """A block list, its dashes at `indent`; `items` already typed."""
    dash = " " * indent + "-"
    for item in items:
        if item is None:
            out.append(dash)
        elif isinstance(item, str):
            out.append(dash + " " + _scalar(item, indent + 2))
        elif isinstance(item, dict):
            if item:
                _mapping(item, alternatives, indent + 2, out, dash + " ")
            else:
                out.append(dash + " {}")
        else:
            inner = _items(alternatives)
            typed = [_typed(value, inner) for value in item]
            if not _flow(typed, row=True):
                raise Unsupported("a list of many lines in a list")
            out.append(dash + " " + _flow_text(typed))


def dump_values(values: dict[str, Any], model: type[BaseModel] | None) -> str:
    """yaml_layout.dump of the values after _reorder by `model`: the file's text before its
    schema line. Raises Unsupported for values outside the plan's shapes."""
    if not isinstance(values, dict) or not values:
        raise Unsupported("not a mapping of values")
    out: list[str] = []
    _mapping(values, [model] if model is not None else [], 0, out, "")
    return "\n".join(out) + "\n"
