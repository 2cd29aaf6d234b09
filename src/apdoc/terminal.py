"""Diagnostics for people and for tools: text with the source line and a caret, GitHub annotations, JSON.

Text output is coloured only for a person at a terminal: never when stderr is piped or
redirected, never in CI, never when NO_COLOR is set (https://no-color.org).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import IO

import click

from .diagnostics import Diagnostic

SEVERITY_COLOURS = {"error": "red", "warning": "yellow"}
# Line breaks as editors count them, as the loader's line numbers do (not YAML's U+0085, U+2028, U+2029).
_LINE_BREAK = re.compile("\r\n|[\r\n]")
# A plan line may hold an escape sequence; printed raw it would drive the terminal.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # and separators some viewers break at
_MAX_SNIPPET = 160  # characters of a long line shown around the caret
_MAX_READ = 10 * 1024 * 1024  # the loader refuses larger files; no line to show from them


def use_colour(stream: IO[str] | None = None) -> bool:
    """Whether to colour what goes to `stream` (stderr by default)."""
    if os.environ.get("NO_COLOR") or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.color is not None:  # click's own override (cli.main(color=…))
        return ctx.color
    return is_terminal(stream)


def is_terminal(stream: IO[str] | None = None) -> bool:
    """Whether `stream` (stderr by default) is a terminal, i.e. a person is watching."""
    stream = stream or sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


class SourceLines:
    """Lines of the files diagnostics point at, each file read once."""

    def __init__(self) -> None:
        self._files: dict[str, list[str] | None] = {}

    def line(self, path: str, number: int) -> str | None:
        if path not in self._files:
            self._files[path] = self._read(Path(path))
        lines = self._files[path]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]

    @staticmethod
    def _read(path: Path) -> list[str] | None:
        try:
            if not path.is_file() or path.stat().st_size > _MAX_READ:
                return None
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return None
        return _LINE_BREAK.split(text.removeprefix("\ufeff"))


def snippet(line: str, col: int) -> tuple[str, str]:
    """The source line made safe to print, and the padding that puts a caret under `col` (1-based)."""
    # One character for one: a tab as a space and a control character as U+FFFD keep the columns.
    line = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", line.replace("\t", " "))
    col = max(1, min(col, len(line) + 1))
    if len(line) > _MAX_SNIPPET:  # a window around the column, so the caret stays on screen
        start = max(0, min(col - 1 - _MAX_SNIPPET // 2, len(line) - _MAX_SNIPPET))
        window = line[start : start + _MAX_SNIPPET]
        head = "…" if start else ""
        tail = "…" if start + _MAX_SNIPPET < len(line) else ""
        return head + window + tail, " " * (len(head) + col - 1 - start)
    return line, " " * (col - 1)


def render(diagnostic: Diagnostic, lines: SourceLines | None = None, *, colour: bool = False) -> str:
    """`path:line:col: severity: message`, then the source line and a caret under the column."""
    tint = SEVERITY_COLOURS.get(diagnostic.severity)
    where = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.col}:" if diagnostic.line else f"{diagnostic.path}:"
    severity = f"{diagnostic.severity}:"
    if colour:
        where = click.style(where, bold=True)
        severity = click.style(severity, fg=tint, bold=True)
    out = f"{where} {severity} {diagnostic.message}"
    source = lines.line(diagnostic.path, diagnostic.line) if lines is not None and diagnostic.line else None
    if source is None:
        return out
    text, pad = snippet(source, diagnostic.col)
    gutter = f"{diagnostic.line:>5} | "
    blank = " " * (len(gutter) - 2) + "| "
    caret = click.style("^", fg=tint, bold=True) if colour else "^"
    if colour:
        gutter, blank = click.style(gutter, dim=True), click.style(blank, dim=True)
    return f"{out}\n{gutter}{text}\n{blank}{pad}{caret}"


def github(diagnostic: Diagnostic) -> str:
    """A GitHub workflow command: the message shows on the pull request's line."""
    where = f"file={diagnostic.path}"
    if diagnostic.line:
        where += f",line={diagnostic.line},col={diagnostic.col}"
    message = diagnostic.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{diagnostic.severity} {where}::{message}"


def report(diagnostics: Iterable[Diagnostic], style: str = "text", *, quiet: bool = False) -> None:
    """Print diagnostics: json and github on stdout, text on stderr.

    `quiet` concerns people only: text output keeps the errors and drops warnings and the
    count; github and json output is for tools and stays complete.
    """
    diagnostics = list(diagnostics)
    if style == "json":
        import json  # only tools ask for it

        click.echo(json.dumps([asdict(d) for d in diagnostics], ensure_ascii=False, indent=1))
        return
    if style == "github":  # the command's output, as json's is: people pipe it
        for diagnostic in diagnostics:
            click.echo(github(diagnostic))
        return
    colour = use_colour()
    lines = SourceLines()
    for diagnostic in diagnostics:
        if quiet and diagnostic.severity != "error":
            continue
        click.echo(render(diagnostic, lines, colour=colour), err=True, color=colour)
    errors = sum(1 for d in diagnostics if d.severity == "error")
    if errors and not quiet:
        click.echo(f"{errors} error{'s' if errors != 1 else ''}", err=True)


def status(message: str, *, quiet: bool = False) -> None:
    """A progress line (`building pdf…`) for a person watching; nothing when piped or quiet."""
    if not quiet and is_terminal():
        click.echo(message, err=True)
