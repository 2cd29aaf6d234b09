"""The canonical layout of a plan file: what `apdoc fmt` gives every file, and the layout
`apdoc import`, `new` and `apply` write in. A fact of the plan's format, like schema.py.

We round-trip each file through ruamel.yaml, which keeps comments, blank lines and block
scalars (`|`, `>`). Apart from those, the layout comes from the values (and the comments),
never from how they were typed:

- 2-space indentation, list items indented under their key (`  - item`), as plan/ is written;
- no line width: nothing is wrapped, a value stays on one line however long, so an edit to a
  sentence never reflows the paragraph around it in a pull request's diff;
- quoting by the text: plain when every YAML reader reads the plain text back as that text,
  under YAML 1.2 (VS Code's yaml-language-server) and YAML 1.1 (PyYAML, older tools) alike:
  `05`, `1.10`, `yes`, `no`, `on`, `y`, `null`, `~`, `2024-04-19`, `12:30`, `123` are quoted,
  as is text that plain YAML cannot hold (`RG-IEM #1`, `Note: this`, `[Name]`). Quoted text is
  in double quotes, as plan/ writes it and as prose with apostrophes reads best (`"ITU's
  goals: …"`); single quotes only when double quotes would need an escape that they do not
  (`'RG-IEM #1 "draft"'`). The numbers of a number field (a table's widths) are plain;
- text of several lines is a literal block (`|`); a block typed `|` or `>` stays as typed;
  no value (`~`, `null`) is written as nothing;
- a list of one-line texts on one line (`[AP1.2, AP1.4]`) when it fits in FLOW_LIST_WIDTH
  characters, or is a table's row (one row a line, however long); any other list one item a
  line, and so is a list with a comment at an item; mappings one key a line (`{}` when empty);
- keys in the order the models (models.py) declare their fields; unknown keys follow the
  known ones, in their own order (validate reports them);
- the `# yaml-language-server: $schema=…` line first, so editors complete fields;
- LF line ends, no byte-order mark, one newline at the end.

The plan reads every scalar as the text typed (`NO`, `on`, `1.10` stay text), so ruamel is
given a resolver that types nothing but the loader's nulls: quoting a scalar never turns it
into another value.
"""

from __future__ import annotations

import bisect
import io
import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.error import CommentMark
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString, PlainScalarString
from ruamel.yaml.tokens import CommentToken

from ..diagnostics import PlanError
from .source import read_text

SCHEMA_PREFIX = "# yaml-language-server: $schema="
# No folding: ruamel wraps at `width` columns; this is wider than any plan value.
LINE_WIDTH = 1 << 20
_NULL = "tag:yaml.org,2002:null"
_NULL_WORDS = re.compile(r"^(?:~|null|Null|NULL|)$")  # what the loader reads as no value
_STR = "tag:yaml.org,2002:str"
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it

class _TextResolver(VersionedResolver):
    """Every plain scalar is text, except what the loader reads as nothing (`~`, `null`, empty)."""

    @property
    def versioned_resolver(self) -> Any:
        return {first: [(_NULL, _NULL_WORDS)] for first in ("", "~", "n", "N")}


# --- quoting -----------------------------------------------------------------------

# Plain text that a YAML reader would take for something else than text. The plan's loader
# reads every plain scalar as text (but for _NULL_WORDS), yet editors and other tools do not:
# VS Code's yaml-language-server reads YAML 1.2 (core schema), PyYAML and many others
# YAML 1.1. Such text is quoted, so every reader sees the same string.
_YAML_1_2 = re.compile(r"""^(?:
    ~|null|Null|NULL
  | true|True|TRUE|false|False|FALSE
  | [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
  | [-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
  | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
)$""", re.X)
_YAML_1_1 = re.compile(r"""^(?:
    ~|null|Null|NULL
  | y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
  | [-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+
  | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
  | [-+]?(?:[0-9][0-9_]*)?\.[0-9._]*(?:[eE][-+]?[0-9]+)?
  | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
  | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
  | [0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
    (?:(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?
  | <<|=
)$""", re.X)
# A number as a number field (a table's widths) holds it: the schema says integer, so
# editors want it plain. Only decimal forms every YAML reads alike.
NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$")
YES_NO = re.compile(r"^(?:true|false)$")  # a yes/no field's value, as every YAML reads it
# The readers at hand, which stray from the specification in corners (ruamel takes `-_` for a
# number, and then fails to read it).
READERS = ((VersionedResolver(version=(1, 1)), ScalarNode), (VersionedResolver(version=(1, 2)), ScalarNode),
            (yaml.resolver.Resolver(), yaml.ScalarNode))


def reads_as_text(text: str) -> bool:
    """Whether `text`, written plain, is that text to YAML 1.2 and 1.1 readers alike."""
    if not text or _YAML_1_2.match(text) or _YAML_1_1.match(text):
        return False
    return all(str(reader.resolve(node, text, (True, False))) == _STR for reader, node in READERS)


class _Constructor(RoundTripConstructor):
    """A number written plain stays marked as one (PlainScalarString), for edits without a model.

    `apdoc fmt` then decides from the model (_typed); `apdoc new` edits a file through dump()
    with no model, and keeps the plain numbers as they stand.
    """

    def construct_yaml_str(self, node: Any) -> Any:
        value = super().construct_yaml_str(node)
        if node.style is None and type(value) is str and NUMBER.match(value):
            return PlainScalarString(value)
        return value


_Constructor.add_constructor(_STR, _Constructor.construct_yaml_str)


class _Emitter(Emitter):
    """Quoting from the text alone, not as typed; two spaces before an end-of-line comment."""

    def choose_scalar_style(self) -> Any:
        event = self.event
        if event.tag != _STR or (event.style and event.style in "|>"):  # nothing, or a block as typed
            return super().choose_scalar_style()
        text = event.value
        if self.analysis is None:
            self.analysis = self.analyze_scalar(text)
        how = self.analysis
        in_line = bool(self.flow_level or self.simple_key_context)
        if "\n" in text and not in_line and how.allow_block and not re.search("[\r\x85\u2028\u2029]", text):
            return "|"  # text of several lines: a literal block, as plan/ writes it
        # In [ ], YAML 1.1 readers (libyaml, as the loader) end plain text at `:` or `?`.
        plain = how.allow_flow_plain and not re.search("[?:]", text) if self.flow_level else how.allow_block_plain
        if plain and not how.multiline and reads_as_text(text):
            return ""
        if plain and event.style == "" and not self.simple_key_context and (NUMBER.match(text) or YES_NO.match(text)):
            return ""  # a number or a yes/no (PlainScalarString), not text
        if ('"' in text or "\\" in text) and "'" not in text and how.allow_single_quoted and not how.multiline:
            return "'"  # no escapes needed, where double quotes would need some
        return '"'

    def write_comment(self, comment: Any, pre: bool = False) -> None:
        if self.column and not pre and comment.value and not comment.value.startswith("\n"):
            comment.start_mark.column = self.column + 2  # ruamel would keep its old column
        super().write_comment(comment, pre)


def new_yaml() -> YAML:
    """A round-trip reader and writer with the canonical layout."""
    rt = YAML(typ="rt", pure=True)
    rt.Resolver = _TextResolver
    rt.Constructor = _Constructor
    rt.Emitter = _Emitter
    rt.width = LINE_WIDTH
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def schema_line(path: Path, root: Path, schema: str) -> str:
    """The schema comment as plan/ writes it: schema/ sits beside the plan folder."""
    up = "../" * len(path.relative_to(root).parts)
    return f"{SCHEMA_PREFIX}{up}schema/{schema}.schema.json"


# --- key order ---------------------------------------------------------------


# id → (the annotation, held so that its id is not reused; its alternatives): the models' few types
_FLATTENED: dict[int, tuple[Any, list[Any]]] = {}


def flatten(annotation: Any) -> list[Any]:
    """The alternatives of a field's type: Annotated and unions unwrapped (once per annotation:
    a list of 200,000 items asked it twice per item)."""
    known = _FLATTENED.get(id(annotation))
    if known is not None and known[0] is annotation:
        return known[1]
    found = _unwrap(annotation)
    _FLATTENED[id(annotation)] = (annotation, found)
    return found


def _unwrap(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return flatten(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [alt for arg in typing.get_args(annotation) for alt in flatten(arg)]
    return [annotation]


def _is_block_scalar(value: Any) -> bool:
    return isinstance(value, LiteralScalarString | FoldedScalarString)


def _is_block_collection(value: Any) -> bool:
    return isinstance(value, CommentedMap | CommentedSeq) and len(value) > 0 and not value.fa.flow_style()


class _Slot:
    """Where ruamel keeps the comments that follow a value, up to the next key or item.

    Comment lines written before a key are mostly kept here, on the value before it (after a
    flow list ruamel keeps them with the next key, which moves them along by itself), so
    moving a key needs them moved by hand.
    """

    def __init__(self, container: CommentedMap | CommentedSeq, key: Any):
        while _is_block_collection(value := container[key]):  # the comments end the innermost last value
            container, key = value, (next(reversed(value)) if isinstance(value, CommentedMap) else len(value) - 1)
        self.container, self.key = container, key
        self.index = 2 if isinstance(container, CommentedMap) else 0
        self.block = _is_block_scalar(value)  # a block scalar ends its own line

    @property
    def text(self) -> str:
        entry = self.container.ca.items.get(self.key)
        token = entry[self.index] if entry else None
        return token.value if isinstance(token, CommentToken) else ""

    @text.setter
    def text(self, value: str) -> None:
        entry = self.container.ca.items.setdefault(self.key, [None, None, None, None])
        token = entry[self.index]
        if not value:
            entry[self.index] = None
        elif isinstance(token, CommentToken) and not self.block:
            token.value = value  # keeps the column of an end-of-line comment
        else:  # after a block scalar the text carries its own indentation (see split)
            entry[self.index] = CommentToken(value, CommentMark(0), None)

    def split(self) -> tuple[str, str]:
        """(the end of the value's own line with its comment, the whole comment lines after it)."""
        text = self.text
        if self.block:  # the first line's indentation is kept as the token's column, not in its text
            entry = self.container.ca.items.get(self.key)
            column = entry[self.index].column if text and not text.startswith("\n") else 0
            return "", " " * (column or 0) + text
        head, newline, rest = text.partition("\n")
        return head + newline, rest

    def set(self, head: str, rest: str) -> None:
        if self.block:  # indented like the block's text, a comment would become text: _indent_comments re-indents
            rest = "".join(line.lstrip(" ") for line in rest.splitlines(keepends=True))
        elif rest and not head:
            head = "\n"
        self.text = head + rest


def _typed(value: Any, annotations: list[Any]) -> Any:
    """A scalar as the model types it: a number in a number field, else text (quoted by its content)."""
    if not isinstance(value, str) or _is_block_scalar(value):
        return value
    alternatives = [alt for a in annotations for alt in flatten(a)]
    number = any(alt in (int, float) for alt in alternatives) and str not in alternatives
    if bool in alternatives and str not in alternatives and YES_NO.match(value):
        return PlainScalarString(value)  # a yes/no field (comments.yaml's resolved): plain, as typed
    return PlainScalarString(value) if number and NUMBER.match(value) else str(value)


def _set(node: CommentedMap, key: Any, value: Any) -> None:
    """node[key] = value, as given: ruamel's own would keep the old value's string type."""
    super(CommentedMap, node).__setitem__(key, value)


def _reorder(node: Any, annotations: list[Any], top: bool = False) -> None:
    """Put the keys of every mapping in model order, recursively, comments moving with keys;
    type every scalar as the model does (_typed)."""
    alternatives = [alt for a in annotations for alt in flatten(a)]
    if isinstance(node, CommentedSeq):
        items = [arg for alt in alternatives if typing.get_origin(alt) is list for arg in typing.get_args(alt)]
        for n, value in enumerate(node):
            list.__setitem__(node, n, _typed(value, items))  # ruamel's own would keep the old type
            _reorder(value, items)
        return
    if not isinstance(node, CommentedMap):
        return
    models = [alt for alt in alternatives if isinstance(alt, type) and issubclass(alt, BaseModel)]
    keys = list(node)
    model = max(models, key=lambda m: sum(k in m.model_fields for k in keys), default=None)
    if model is None or not any(k in model.model_fields for k in keys):
        values = [arg for alt in alternatives if typing.get_origin(alt) is dict for arg in typing.get_args(alt)[1:]]
        for key in keys:
            _set(node, key, _typed(node[key], values))
            _reorder(node[key], values)
        return
    fields = model.model_fields
    for key in keys:
        annotation = [fields[key].annotation] if key in fields else []
        _set(node, key, _typed(node[key], annotation))
        _reorder(node[key], annotation)
    order = [k for k in fields if k in node] + [k for k in keys if k not in fields]
    if order != keys:
        _move_keys(node, keys, order, top)


def _move_keys(node: CommentedMap, keys: list[Any], order: list[Any], top: bool) -> None:
    # Detach the comment lines before each key (and after the last), reorder, attach again.
    lead: dict[Any, str] = {}
    heads: dict[Any, str] = {}
    for n, key in enumerate(keys):
        heads[key], rest = _Slot(node, key).split()
        after = keys[n + 1] if n + 1 < len(keys) else None
        lead[after] = rest
    for key in order:
        node.move_to_end(key)
    first = lead.pop(order[0], "")
    if first and top:  # joins the comments at the top of the file
        if not node.ca.comment:
            node.ca.comment = [None, []]
        node.ca.comment[1] = [*(node.ca.comment[1] or []), CommentToken(first, CommentMark(0), None)]
    elif first:
        # A nested mapping's opening comments live in its parent: keep them next to the key.
        following = order[1] if len(order) > 1 else None
        lead[following] = first + lead.get(following, "")
    for n, key in enumerate(order):
        after = order[n + 1] if n + 1 < len(order) else None
        _Slot(node, key).set(heads[key], lead.get(after, ""))


# --- list layout -------------------------------------------------------------------

# A list of short one-line texts fits on its key's line: `[AP1.2, AP1.4]`.
FLOW_LIST_WIDTH = 60


def _one_line_text(value: Any) -> bool:
    return isinstance(value, str) and not _is_block_scalar(value) and "\n" not in value


def _comments_within(seq: CommentedSeq) -> bool:
    """Comments a flow list has no room for: at an item, or on lines before the first one."""
    last = len(seq) - 1
    for n, entry in seq.ca.items.items():
        tokens = [t for t in entry if t]
        # The comment lines that follow the last item belong after the list, not in it.
        if tokens and not (n == last and entry[1:] == [None, None, None] and tokens[0].value.startswith("\n")):
            return True
    return bool(seq.ca.comment and seq.ca.comment[1])


def _flow_list(seq: CommentedSeq, row: bool) -> bool:
    """One line `[a, b]` for a list of one-line texts, when short or a row of a table."""
    if not seq:
        return True
    if not all(_one_line_text(item) for item in seq) or _comments_within(seq):
        return False
    return row or sum(len(item) for item in seq) + 2 * len(seq) <= FLOW_LIST_WIDTH


def _restyle(container: CommentedMap | CommentedSeq, key: Any, flow: bool) -> None:
    """Write the list at container[key] on one line or one item a line, its comments kept.

    The comment on the list's first line (after `key:`, or after `]`) stays on that line; the
    comment lines after the list stay after it, wherever ruamel keeps them.
    """
    seq = container[key]
    if bool(seq.fa.flow_style()) == flow:
        return
    if flow:  # a block list: comment lines after it are kept with its last item
        last = _Slot(container, key)
        _, rest = last.split()  # the last item has no comment of its own (_flow_list)
        last.text = ""
        seq.fa.set_flow_style()
        own = _Slot(container, key)  # now the list's own line
        own.set(own.text, rest)
    else:  # a flow list: its line's comment and the comment lines after it are the list's own
        own = _Slot(container, key)
        head, rest = own.split()
        own.text = head
        seq.fa.set_block_style()
        last = _Slot(container, key)
        head, more = last.split()
        last.set(head, more + rest)


def _layout(node: Any) -> None:
    """Lists one line or one item per line by what they hold; mappings always one key per line."""
    if isinstance(node, CommentedMap):
        if node:
            node.fa.set_block_style()
        children = list(node.items())
    elif isinstance(node, CommentedSeq):
        children = list(enumerate(node))
    else:
        return
    for key, value in children:
        _layout(value)
        if isinstance(value, CommentedSeq):
            _restyle(node, key, _flow_list(value, row=isinstance(node, CommentedSeq)))


# --- formatting ----------------------------------------------------------------


def loaded_data(text: str, path: Path) -> Any:
    """What the plan's loader reads from `text`; raises PlanError or yaml.YAMLError."""
    return read_text(text, path).data


def dump(data: Any, rt: YAML | None = None) -> str:
    """`data` written in the canonical layout (quoting by the emitter, list styles here)."""
    _layout(data)
    out = io.StringIO()
    (rt or new_yaml()).dump(data, out)
    # ruamel writes an empty list item as "- " (trailing space): drop it.
    return re.sub(r"(?m)^( *-) $", r"\1", out.getvalue())


def _indent_comments(text: str) -> str:
    """Indent each comment line like the line before or after it (ruamel keeps its old indentation)."""
    lines = text.split("\n")
    in_scalar: set[int] = set()  # lines inside multi-line text, where "# …" is text, not a comment
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.ScalarEvent) and event.end_mark.line > event.start_mark.line:
            in_scalar.update(range(event.start_mark.line + 1, event.end_mark.line + (event.end_mark.column > 0)))

    def indent(n: int) -> int:
        return len(lines[n]) - len(lines[n].lstrip())

    comment = [line.lstrip().startswith("#") and n not in in_scalar for n, line in enumerate(lines)]
    content = [n for n, line in enumerate(lines) if line.strip() and not comment[n]]
    for n, line in enumerate(lines):
        if comment[n]:
            at = bisect.bisect(content, n)
            around = [indent(m) for m in content[max(at - 1, 0) : at + 1]]
            if indent(n) not in around and at < len(content):
                lines[n] = " " * indent(content[at]) + line.lstrip()
            elif at == len(content) and around and indent(n) > around[-1]:  # at the end: not under the last line
                lines[n] = " " * around[-1] + line.lstrip()
    return "\n".join(lines)


def _with_schema(text: str, line: str | None) -> str:
    if line is None or text.startswith(SCHEMA_PREFIX):
        return text
    lines = text.split("\n")
    # An existing schema line among the opening comments moves to the top; else it is added.
    for n, existing in enumerate(lines):
        if not existing.startswith("#"):
            break
        if existing.startswith(SCHEMA_PREFIX):
            line = lines.pop(n)
            break
    return "\n".join([line, *lines])


def format_text(text: str, model: type[BaseModel] | None = None, schema: str | None = None) -> str:
    """The canonical form of one file's text. Raises ruamel's YAMLError when it does not parse."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    rt = new_yaml()
    data = rt.load(text)
    if data is None:  # empty, or only comments: nothing to lay out
        return text
    return format_tree(data, rt, model, schema)


def format_tree(data: Any, rt: YAML, model: type[BaseModel] | None = None, schema: str | None = None) -> str:
    """The canonical text of a round-trip tree that `rt` read (and a caller may have edited)."""
    _reorder(data, [model] if model is not None else [], top=True)
    return finish_text(dump(data, rt), schema)


def finish_text(dumped: str, schema: str | None) -> str:
    """A dumped file's text with its comments indented, its schema line, and no blank lines at the end."""
    if any(line.lstrip().startswith("#") for line in dumped.split("\n")):
        dumped = _indent_comments(dumped)
    out = _with_schema(dumped, schema)
    trimmed = out.rstrip("\n") + "\n"  # blank lines at the end, unless a |+ block keeps them as text
    return trimmed if trimmed != out and _same(trimmed, out) else out


def _same(one: str, other: str) -> bool:
    try:
        return loaded_data(one, Path("-")) == loaded_data(other, Path("-"))
    except (yaml.YAMLError, PlanError):
        return False
