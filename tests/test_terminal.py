"""Diagnostics at a terminal: the source line and a caret, colour only for people, --quiet."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from apdoc import terminal
from apdoc.cli import cli
from apdoc.diagnostics import Diagnostic
from conftest import run_cli


def _source(tmp_path: Path, text: str) -> str:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_text_shows_the_line_and_a_caret_under_the_column(tmp_path: Path) -> None:
    path = _source(tmp_path, "id: x\ntitel: Scope\n")
    shown = terminal.render(Diagnostic(path, 2, 1, "unknown field 'titel'"), terminal.SourceLines())
    assert shown.splitlines() == [
        f"{path}:2:1: error: unknown field 'titel'",
        "    2 | titel: Scope",
        "      | ^",
    ]
    shown = terminal.render(Diagnostic(path, 1, 5, "bad", "warning"), terminal.SourceLines())
    assert shown.splitlines()[1:] == ["    1 | id: x", "      |     ^"]


def test_no_snippet_without_a_line_or_a_readable_file(tmp_path: Path) -> None:
    path = _source(tmp_path, "id: x\n")
    lines = terminal.SourceLines()
    assert terminal.render(Diagnostic(path, 0, 0, "whole file"), lines) == f"{path}: error: whole file"
    missing = str(tmp_path / "gone.yaml")
    assert terminal.render(Diagnostic(missing, 3, 1, "x"), lines) == f"{missing}:3:1: error: x"
    assert terminal.render(Diagnostic(path, 9, 1, "past the end"), lines) == f"{path}:9:1: error: past the end"
    assert terminal.render(Diagnostic(str(tmp_path), 1, 1, "a folder"), lines) == f"{tmp_path}:1:1: error: a folder"


def test_lines_are_counted_as_editors_count_them(tmp_path: Path) -> None:
    """LF, CRLF and CR end a line; U+2028 (which YAML also counts) does not, as the loader's line numbers."""
    path = tmp_path / "f.yaml"
    path.write_bytes("\ufeffa: 1\r\nb: 2\rc: 3\u2028d: 4\n".encode())
    lines = terminal.SourceLines()
    assert [lines.line(str(path), n) for n in (1, 2, 3, 4)] == ["a: 1", "b: 2", "c: 3\u2028d: 4", ""]


def test_control_characters_and_tabs_are_never_printed_raw() -> None:
    text, pad = terminal.snippet("a:\t\x1b[31mred", 4)
    assert "\x1b" not in text and "\t" not in text
    assert text[len(pad)] == "\N{REPLACEMENT CHARACTER}"  # the caret still points at the character


def test_a_long_line_is_cut_around_the_caret() -> None:
    line = "x" * 500 + "HERE" + "y" * 500
    text, pad = terminal.snippet(line, 501)
    assert len(text) <= terminal._MAX_SNIPPET + 2
    assert text.startswith("…") and text.endswith("…")
    assert text[len(pad) :].startswith("HERE")


def test_colour_only_when_asked(tmp_path: Path) -> None:
    path = _source(tmp_path, "titel: Scope\n")
    lines = terminal.SourceLines()
    plain = terminal.render(Diagnostic(path, 1, 1, "m"), lines)
    assert "\x1b[" not in plain
    coloured = terminal.render(Diagnostic(path, 1, 1, "m"), lines, colour=True)
    assert "\x1b[31m" in coloured  # error: red
    assert "\x1b[33m" in terminal.render(Diagnostic(path, 1, 1, "m", "warning"), lines, colour=True)  # yellow
    assert "\x1b[1m" in coloured  # bold location


@pytest.mark.parametrize(("env", "tty", "expected"), [
    ({}, True, True),
    ({}, False, False),  # piped
    ({"NO_COLOR": "1"}, True, False),
    ({"CI": "true"}, True, False),
    ({"TERM": "dumb"}, True, False),
])
def test_use_colour(monkeypatch, env: dict[str, str], tty: bool, expected: bool) -> None:
    for name in ("NO_COLOR", "CI", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(terminal, "is_terminal", lambda stream=None: tty)
    assert terminal.use_colour() is expected


def test_validate_text_piped_is_plain_with_the_source_line(mini_plan: Path, edit) -> None:
    edit(mini_plan / "chapters/1-scope.yaml", "title: Scope", "titel: Scope")
    code, _, err = run_cli("validate", "--plan", str(mini_plan))
    assert code == 1
    assert err.splitlines() == [
        f"{mini_plan}/chapters/1-scope.yaml:2:1: error: unknown field 'titel' (did you mean 'title'?)",
        "    2 | titel: Scope",
        "      | ^",
        "1 error",
    ]


def test_coloured_on_a_terminal_unless_no_color(mini_plan: Path, edit, monkeypatch) -> None:
    edit(mini_plan / "chapters/1-scope.yaml", "title: Scope", "titel: Scope")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(terminal, "is_terminal", lambda stream=None: True)
    assert "\x1b[31m" in run_cli("validate", "--plan", str(mini_plan))[2]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run_cli("validate", "--plan", str(mini_plan))[2]


def test_build_errors_show_the_source_line(mini_plan: Path, edit, tmp_path: Path) -> None:
    edit(mini_plan / "document.yaml", "source: Rapporteur Q1/99", "sorce: Rapporteur Q1/99")
    code, _, err = run_cli("build", "--format", "html", "--plan", str(mini_plan), "-o", str(tmp_path / "td.html"))
    assert code == 1
    first, source, caret, *_ = err.splitlines()
    assert first.startswith(f"{mini_plan}/document.yaml:") and "error: unknown field 'sorce'" in first
    assert source.endswith("| sorce: Rapporteur Q1/99") or source.endswith("|   sorce: Rapporteur Q1/99")
    assert source.index("sorce") == len(caret) - 1  # the caret under the key


def test_quiet_prints_only_errors(mini_plan: Path, edit, tmp_path: Path) -> None:
    code, out, err = run_cli("-q", "validate", "--plan", str(mini_plan))
    assert (code, out, err) == (0, "", "")  # no summary, no warnings
    code, out, err = run_cli("--quiet", "build", "--format", "html", "--plan", str(mini_plan),
                          "-o", str(tmp_path / "td.html"))
    assert (code, out, err) == (0, "", "") and (tmp_path / "td.html").is_file()
    edit(mini_plan / "chapters/1-scope.yaml", "title: Scope", "titel: Scope")
    code, out, err = run_cli("-q", "validate", "--plan", str(mini_plan))
    assert code == 1 and out == ""
    assert err.splitlines()[0].endswith("error: unknown field 'titel' (did you mean 'title'?)")
    assert "1 error" not in err.splitlines()


def test_quiet_keeps_tool_formats_whole(mini_plan: Path) -> None:
    from apdoc.plan import load_plan

    warnings = len(load_plan(mini_plan).warnings)
    assert warnings
    code, out, _ = run_cli("-q", "validate", "--format", "github", "--plan", str(mini_plan))
    assert code == 0 and out.count("::warning ") == warnings


def test_build_progress_on_a_terminal_and_always_what_was_written(mini_plan: Path, tmp_path: Path,
                                                                  monkeypatch) -> None:
    args = ("build", "--format", "html", "--plan", str(mini_plan), "-o", str(tmp_path / "td.html"))
    code, out, err = run_cli(*args)
    assert code == 0 and err == ""  # piped: no progress
    size = (tmp_path / "td.html").stat().st_size
    assert out == f"wrote {tmp_path / 'td.html'} ({size:,} bytes)\n"
    monkeypatch.setattr(terminal, "is_terminal", lambda stream=None: True)
    code, out, err = run_cli(*args)
    assert code == 0 and err == "building html…\n" and out.startswith("wrote ")


def test_build_formats_reports_progress_in_order(mini_plan: Path, tmp_path: Path) -> None:
    from apdoc.build import BuildRequest, build_formats

    seen: list[tuple[str, Path | None]] = []
    targets: dict[str, Path | None] = {"html": tmp_path / "a.html", "md": tmp_path / "a.md"}
    build_formats(BuildRequest(mini_plan, targets), progress=lambda fmt, path: seen.append((fmt, path)))
    assert seen == [("html", None), ("html", tmp_path / "a.html"), ("md", None), ("md", tmp_path / "a.md")]


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


@pytest.mark.parametrize("path", _commands(cli), ids=lambda path: " ".join(path) or "apdoc")
def test_every_command_help_has_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^\s*Examples?:$", result.stdout, re.M), f"apdoc {' '.join(path)} --help shows no example"
