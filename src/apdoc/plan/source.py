"""Read one YAML plan file into plain Python data, keeping where every value stands.

We drive PyYAML's parser event by event (libyaml when available) instead of using a
constructor, because that lets us:

- keep `line:col` for every key and value (pydantic's errors are mapped back to them);
- read every scalar as the text the editor typed: YAML 1.1 would turn `NO`, `on`, `1.10`
  or `2024-04-19` into booleans, numbers or dates; a plan has no use for those;
- refuse what a plan never needs and an attacker would use: aliases (and so alias bombs),
  anchors, tags such as `!!python/object/apply`, several documents in one file;
- build with an explicit stack, so deep nesting is a clean error, not a RecursionError.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Diagnostic, PlanError, display_path

try:  # libyaml is about ten times faster; the pure-Python parser gives the same events
    from yaml._yaml import CParser as _Parser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = None

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
_STR_TAGS = {None, "!", "tag:yaml.org,2002:str"}
_MAP_TAGS = {None, "tag:yaml.org,2002:map"}
_SEQ_TAGS = {None, "tag:yaml.org,2002:seq"}
_NULLS = {"", "~", "null", "Null", "NULL"}
# Characters XML 1.0 cannot carry: they would corrupt a DOCX. YAML's escapes ("\v") can produce them.
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

# What YAML itself refuses to read: everything outside its printable set (\t \n \r, U+0020-007E,
# U+0085, U+00A0-D7FF, U+E000-FFFD, U+10000-10FFFF). PyYAML's reader would stop at the first one
# with no line number, so we find them all first and say where each is. Written as the set itself,
# not as "not printable": that negated class, with its astral range, takes ~6 ms to compile at
# every start of apdoc (3% of a validate).
_UNREADABLE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_CHAR_NAMES = {"\x00": "NUL", "\x0b": "vertical tab", "\x0c": "form feed (page break)", "\x7f": "DEL"}
MAX_REPORTED_CHARS = 20

Path_ = tuple[str | int, ...]


@dataclass
class SourceFile:
    """A loaded file: its data and the 1-based (line, col) of each value and key."""

    path: Path
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        return display_path(self.path)

    def position(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of the value at `loc` (or of its key), else of the nearest enclosing value."""
        loc = tuple(loc)
        if key and loc in self.keys:
            return self.keys[loc]
        while loc:
            if loc in self.values:
                return self.values[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))

    def diagnostic(self, loc: Path_, message: str, *, key: bool = False, severity: str = "error") -> Diagnostic:
        line, col = self.position(loc, key=key)
        return Diagnostic(self.shown, line, col, message, severity)


# Line ends as editors count them. YAML also breaks lines at U+0085, U+2028 and U+2029, which
# editors, GitHub and terminals show within a line; their line numbers are the ones to report.
_EDITOR_BREAK = re.compile(r"\r\n|\r|\n")
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")


class EditorLines:
    """Converts character offsets (and YAML's marks) into 1-based (line, col) as an editor counts."""

    def __init__(self, text: str):
        self.text = text
        # Without YAML-only breaks YAML counts lines as editors do: its marks are used as they are.
        self.same_as_yaml = _YAML_ONLY_BREAKS.search(text) is None

    @functools.cached_property
    def starts(self) -> list[int]:
        """Where each line starts: found when first asked, since a file without YAML-only breaks
        and without errors never asks (~0.06 s of the 100x plan's load)."""
        return [0] + [m.end() for m in _EDITOR_BREAK.finditer(self.text)]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def of(self, mark: Any) -> tuple[int, int]:
        if self.same_as_yaml or getattr(mark, "index", None) is None:
            return mark.line + 1, mark.column + 1
        return self.at(mark.index)  # a mark's index counts characters, in libyaml and in PyYAML


def editor_lines(text: str) -> list[str]:
    """The lines of `text` with their ends, split as an editor splits them (str.splitlines also
    splits at U+2028 and others)."""
    lines = re.split(r"(?<=\n)|(?<=\r)(?!\n)", text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _describe_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _decode(path: Path, raw: bytes) -> str:
    shown = display_path(path)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanError([Diagnostic(shown, 1, 1, "file is UTF-16; save it as UTF-8")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a byte-order mark is harmless: some Windows editors add one
    head = raw[:4096]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):  # every other byte NUL: UTF-16 with no mark
        raise PlanError([Diagnostic(shown, 1, 1, "file looks like UTF-16 (no byte-order mark); save it as UTF-8")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = EditorLines(before).at(len(before))
        raise PlanError(
            [Diagnostic(shown, line, col, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
        ) from None


def not_a_file(mode: int) -> str | None:
    """What a file-system entry is when it is not a regular file (None when it is one)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _refuse_unless_file(shown: str, mode: int) -> None:
    kind = not_a_file(mode)
    if kind is not None:
        raise PlanError([Diagnostic(shown, 0, 0, f"is {kind}, not a file: refused, not read")])


def read_plan_file(path: Path) -> bytes:
    """The bytes of one plan file, which must be a regular file of at most MAX_FILE_BYTES.

    A pipe, socket or device is refused before it is opened: reading a pipe waits for a writer
    forever, and opening a device may act on it. The file is opened without blocking and checked
    again once open, so one swapped in between is refused too.
    """
    shown = display_path(path)
    try:
        _refuse_unless_file(shown, path.stat().st_mode)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            _refuse_unless_file(shown, info.st_mode)
            if info.st_size > MAX_FILE_BYTES:
                raise PlanError(
                    [Diagnostic(shown, 0, 0, f"file is too large ({info.st_size / 1048576:.1f} MB; the limit is "
                                f"{MAX_FILE_BYTES // 1048576} MB)")]
                )
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise PlanError([Diagnostic(shown, 0, 0, f"cannot read file: {exc.strerror or exc}")]) from None


def load_yaml(path: Path) -> SourceFile:
    """Load one plan file. Raises PlanError with every problem found in it."""
    shown = display_path(path)
    raw = read_plan_file(path)
    text = _decode(path, raw)
    source = SourceFile(path=path, data=None)
    problems = _unreadable_characters(shown, text)
    if problems:
        raise PlanError(problems)
    lines = EditorLines(text)
    try:
        parse_into(source, text, problems, lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = lines.of(mark) if mark else (0, 0)
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem and exc.context_mark is not None and exc.context_mark is not mark:
            problem += f" ({exc.context} that starts at line {lines.of(exc.context_mark)[0]})"
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            problem = "tab character: indent with spaces, not tabs"
        elif mark is not None:
            from .yaml_hints import syntax_hint  # only when a file does not parse

            hint = syntax_hint([one.rstrip("\r\n") for one in editor_lines(text)], exc.problem or "", (line, col),
                               exc.context, lines.of(exc.context_mark) if exc.context_mark is not None else None)
            if hint is not None:  # the message goes where the fix goes; YAML's own words stay
                stopped = f", at line {line}" if hint.line != line else ""
                problem = f"{hint.cause} (YAML{stopped}: {exc.problem or problem})"
                line, col = hint.line, hint.col
        problems.append(Diagnostic(shown, line, col, f"YAML syntax: {problem}"))
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors are found by _unreadable_characters
        problems.append(Diagnostic(shown, 1, 1, f"YAML: {exc}"))
    if problems:
        raise PlanError(problems)
    if source.data is None:
        raise PlanError([Diagnostic(shown, 1, 1, "file is empty (or only comments)")])
    return source


def unreadable_character(text: str) -> str | None:
    """The first character in `text` that a plan file cannot hold, named (`DEL U+007F`), or None."""
    match = _UNREADABLE_CHARS.search(text)
    if match is None:
        return None
    char = match.group()
    return f"{_CHAR_NAMES.get(char, 'control character' if ord(char) < 0xA0 else 'non-character')} U+{ord(char):04X}"


def _unreadable_characters(shown: str, text: str) -> list[Diagnostic]:
    """Each character YAML cannot read (control characters pasted from Word, mostly), with its place."""
    found: list[Diagnostic] = []
    lines: EditorLines | None = None
    for match in _UNREADABLE_CHARS.finditer(text):
        if len(found) == MAX_REPORTED_CHARS:
            last = found[-1]
            found.append(Diagnostic(shown, last.line, last.col, "more such characters follow; the first "
                                    f"{MAX_REPORTED_CHARS} are listed"))
            break
        lines = lines or EditorLines(text)
        line, col = lines.at(match.start())
        char = match.group()
        name = _CHAR_NAMES.get(char, "control character" if ord(char) < 0xA0 else "non-character")
        found.append(Diagnostic(shown, line, col, f"{name} U+{ord(char):04X} is not allowed in a plan file "
                                "(often pasted from Word: delete it, or use a line break)"))
    return found


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    return lines[line][column : column + 1] if line < len(lines) else ""


class _Frame:
    __slots__ = ("container", "key", "key_mark", "path")

    def __init__(self, container: dict[str, Any] | list[Any], path: Path_):
        self.container = container
        self.path = path
        self.key: str | None = None
        self.key_mark: tuple[int, int] = (0, 0)


def _events(text: str) -> Iterator[Any]:
    if _Parser is not None:  # iterated in C: libyaml's parser gives None once past the stream's end
        return iter(_Parser(text).get_event, None)
    return yaml.parse(text, Loader=yaml.SafeLoader)  # pragma: no cover


def read_text(text: str, path: Path) -> SourceFile:
    """`text` read as the plan's loader reads the file at `path` (apdoc fmt and new check their
    output with it). Raises PlanError, or yaml.YAMLError on a syntax error."""
    source = SourceFile(path=path, data=None)
    problems: list[Diagnostic] = []
    parse_into(source, text, problems)
    if problems:
        raise PlanError(problems)
    return source


def parse_into(source: SourceFile, text: str, problems: list[Diagnostic], lines: EditorLines | None = None) -> None:
    """Parse `text` into `source.data` and its positions, adding what a plan may not hold to `problems`."""
    shown = source.shown
    stack: list[_Frame] = []
    documents = 0
    lines = lines or EditorLines(text)
    marks_as_they_are = lines.same_as_yaml  # (what lines.of checks first, once a file, not once a value)

    def problem(mark: Any, message: str) -> None:
        problems.append(Diagnostic(shown, *lines.of(mark), message))

    def attach(value: Any, mark: Any, is_scalar: bool) -> bool:
        """Put a finished value into its parent. False when it was a mapping key."""
        pos = (mark.line + 1, mark.column + 1) if marks_as_they_are else lines.of(mark)
        if not stack:
            source.data = value
            source.values[()] = pos
            return True
        frame = stack[-1]
        container = frame.container
        if isinstance(container, list):
            path = (*frame.path, len(container))
            container.append(value)
            source.values[path] = pos
            return True
        if frame.key is None:
            if not is_scalar or value is None:
                problem(mark, "a key must be plain text")
                value = f"<invalid key at {pos[0]}:{pos[1]}>"
            if value in container:
                first = source.keys[(*frame.path, value)]
                problem(mark, f"duplicate key '{value}' (first defined at line {first[0]})")
                value = f"<duplicate {value} at {pos[0]}:{pos[1]}>"
            frame.key = value
            frame.key_mark = pos
            return False
        path = (*frame.path, frame.key)
        container[frame.key] = value
        source.values[path] = pos
        source.keys[path] = frame.key_mark
        frame.key = None
        return True

    for event in _events(text):
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor is not None:
                problem(event.start_mark, f"anchors (&{event.anchor}) are not allowed in a plan")
            if event.tag not in _STR_TAGS:
                problem(event.start_mark, f"tags ({_describe_tag(event.tag)}) are not allowed in a plan")
            value: Any = event.value
            if event.style in ("", None) and value in _NULLS and event.tag is None:
                value = None
            # Only a double-quoted scalar's escapes ("\v") can make a control character: the file
            # itself has passed YAML's reader, which refuses them.
            elif event.style == '"' and (bad := _FORBIDDEN_CHARS.search(value)) is not None:
                problem(
                    event.start_mark,
                    f"control character U+{ord(bad.group()):04X} is not allowed in text "
                    "(often pasted from Word: delete it or use a line break)",
                )
            attach(value, event.start_mark, True)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            is_map = kind is yaml.MappingStartEvent
            if event.anchor is not None:
                problem(event.start_mark, f"anchors (&{event.anchor}) are not allowed in a plan")
            if event.tag not in (_MAP_TAGS if is_map else _SEQ_TAGS):
                problem(event.start_mark, f"tags ({_describe_tag(event.tag)}) are not allowed in a plan")
            if len(stack) >= MAX_DEPTH:
                problem(event.start_mark, f"nesting is deeper than {MAX_DEPTH} levels")
                return
            container: dict[str, Any] | list[Any] = {} if is_map else []
            if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None:
                problem(event.start_mark, "a key must be plain text")
                return
            if stack:
                parent = stack[-1]
                path = (*parent.path, parent.key if isinstance(parent.container, dict) else len(parent.container))
            else:
                path = ()
            attach(container, event.start_mark, False)
            stack.append(_Frame(container, path))  # type: ignore[arg-type]
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
        elif kind is yaml.AliasEvent:
            problem(event.start_mark, f"aliases (*{event.anchor}) are not allowed in a plan: write the text out")
            return
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                problem(event.start_mark, "more than one YAML document in the file (a second '---')")
                return
