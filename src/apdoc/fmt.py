"""`apdoc fmt`: one canonical layout for every plan file, comments kept.

We round-trip each file through ruamel.yaml, which keeps comments, blank lines, quoting,
flow lists (`[a, b]`) and block scalars (`|`, `>`). The canonical layout:

- 2-space indentation, list items indented under their key (`  - item`), as plan/ is written;
- no line width: a value stays on one line however long, so an edit to a sentence never
  reflows the paragraph around it in a pull request's diff;
- keys in the order the models (models.py) declare their fields; unknown keys follow the
  known ones, in their own order (validate reports them);
- the `# yaml-language-server: $schema=…` line first, so editors complete fields;
- LF line ends, no byte-order mark, one newline at the end.

The plan reads every scalar as the text typed (`NO`, `on`, `1.10` stay text), so ruamel is
given a resolver that types nothing: a scalar cannot be re-quoted or re-spelled into
another value. As a last guard, the formatted text is read back with the plan's own loader
and must give exactly the data the original gave; otherwise the file is left alone and the
difference reported.
"""

from __future__ import annotations

import bisect
import io
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from .diagnostics import Diagnostic, PlanError, display_path
from .loader import SourceFile, _build, load_yaml
from .models import ActionItem, Chapter, Document
from .output import write_atomic

SCHEMA_PREFIX = "# yaml-language-server: $schema="
# No folding: ruamel wraps at `width` columns; this is wider than any plan value.
LINE_WIDTH = 1 << 20
_NULL = "tag:yaml.org,2002:null"
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it

# The model of each plan file, by the folder it sits in (document.yaml at the top).
KINDS: dict[str, tuple[type[BaseModel], str]] = {
    "chapters": (Chapter, "chapter"),
    "annexes": (Chapter, "chapter"),
    "action-items": (ActionItem, "action-item"),
}


class _TextResolver(VersionedResolver):
    """Every plain scalar is text, except an empty one (the loader's None, written as nothing)."""

    @property
    def versioned_resolver(self) -> Any:
        return {"": [(_NULL, re.compile("^$"))]}


class _Emitter(Emitter):
    """Two spaces before an end-of-line comment, wherever the comment stood before."""

    def write_comment(self, comment: Any, pre: bool = False) -> None:
        if self.column and not pre and comment.value and not comment.value.startswith("\n"):
            comment.start_mark.column = self.column + 2  # ruamel would keep its old column
        super().write_comment(comment, pre)


def new_yaml() -> YAML:
    """A round-trip reader and writer with the canonical layout."""
    rt = YAML(typ="rt", pure=True)
    rt.Resolver = _TextResolver
    rt.Emitter = _Emitter
    rt.preserve_quotes = True
    rt.width = LINE_WIDTH
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def kind_of(path: Path, root: Path) -> tuple[type[BaseModel] | None, str | None]:
    """The model and schema name of a plan file (None, None for a file the plan does not read)."""
    rel = path.relative_to(root)
    if rel == Path("document.yaml"):
        return Document, "document"
    if len(rel.parts) == 2 and rel.parts[0] in KINDS:
        return KINDS[rel.parts[0]]
    return None, None


def schema_line(path: Path, root: Path, schema: str) -> str:
    """The schema comment as plan/ writes it: schema/ sits beside the plan folder."""
    up = "../" * len(path.relative_to(root).parts)
    return f"{SCHEMA_PREFIX}{up}schema/{schema}.schema.json"


# --- key order ---------------------------------------------------------------


def _flatten(annotation: Any) -> list[Any]:
    """The alternatives of a field's type: Annotated and unions unwrapped."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _flatten(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [alt for arg in typing.get_args(annotation) for alt in _flatten(arg)]
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


def _reorder(node: Any, annotations: list[Any], top: bool = False) -> None:
    """Put the keys of every mapping in model order, recursively, comments moving with keys."""
    alternatives = [alt for a in annotations for alt in _flatten(a)]
    if isinstance(node, CommentedSeq):
        items = [arg for alt in alternatives if typing.get_origin(alt) is list for arg in typing.get_args(alt)]
        for value in node:
            _reorder(value, items)
        return
    if not isinstance(node, CommentedMap):
        return
    models = [alt for alt in alternatives if isinstance(alt, type) and issubclass(alt, BaseModel)]
    keys = list(node)
    model = max(models, key=lambda m: sum(k in m.model_fields for k in keys), default=None)
    if model is None or not any(k in model.model_fields for k in keys):
        values = [arg for alt in alternatives if typing.get_origin(alt) is dict for arg in typing.get_args(alt)[1:]]
        for value in node.values():
            _reorder(value, values)
        return
    fields = model.model_fields
    for key, value in node.items():
        _reorder(value, [fields[key].annotation] if key in fields else [])
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


# --- formatting ----------------------------------------------------------------


def _plain(text: str, path: Path) -> Any:
    """What the plan's loader reads from `text`; raises PlanError or yaml.YAMLError."""
    source = SourceFile(path=path, data=None)
    problems: list[Diagnostic] = []
    _build(source, text, problems)
    if problems:
        raise PlanError(problems)
    return source.data


def dump(data: Any, rt: YAML | None = None) -> str:
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
    if model is not None:
        _reorder(data, [model], top=True)
    out = _with_schema(_indent_comments(dump(data, rt)), schema)
    trimmed = out.rstrip("\n") + "\n"  # blank lines at the end, unless a |+ block keeps them as text
    return trimmed if trimmed != out and _same(trimmed, out) else out


def _same(one: str, other: str) -> bool:
    try:
        return _plain(one, Path("-")) == _plain(other, Path("-"))
    except (yaml.YAMLError, PlanError):
        return False


@dataclass(frozen=True)
class Formatted:
    path: Path
    old: bytes
    new: bytes

    @property
    def changed(self) -> bool:
        return self.old != self.new


def format_file(path: Path, root: Path) -> Formatted:
    """Format one plan file (in memory). Raises PlanError when it cannot be read or formatted safely."""
    source = load_yaml(path)  # the plan's own errors first: syntax, tabs, encoding, anchors, tags
    old = path.read_bytes()
    model, schema = kind_of(path, root)
    try:
        new = format_text(old.decode("utf-8"), model, schema and schema_line(path, root, schema))
        same = _plain(new, path) == source.data
    except (YAMLError, yaml.YAMLError, PlanError):
        same = False
    if not same:  # a bug in apdoc or ruamel, never the editor's: say so and leave the file alone
        raise PlanError([Diagnostic(source.shown, 0, 0, "cannot format without changing a value; "
                                    "the file is left as it is (please report this)")])
    return Formatted(path, old, new.encode("utf-8"))


def plan_files(root: Path) -> list[Path]:
    shown = display_path(root)
    if not root.exists():
        raise PlanError([Diagnostic(shown, 0, 0, "plan folder not found")])
    if not root.is_dir():
        raise PlanError([Diagnostic(shown, 0, 0, "is a file, not a plan folder")])
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


def format_plan(root: Path, *, write: bool) -> tuple[list[Formatted], list[Diagnostic]]:
    """Format every *.yaml file under `root`; write the changed ones when `write`.

    Files that cannot be read are reported and skipped; the others are still formatted.
    """
    results: list[Formatted] = []
    problems: list[Diagnostic] = []
    for path in plan_files(root):
        try:
            result = format_file(path, root)
        except PlanError as exc:
            problems.extend(exc.diagnostics)
            continue
        if write and result.changed:
            write_atomic(path, result.new)
        results.append(result)
    return results, problems
