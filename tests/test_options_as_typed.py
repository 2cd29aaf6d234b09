"""Issue 24, options as people type them: any case, -V, a help that fits, no binary on a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_cli

APDOC = Path(sys.executable).with_name("apdoc")


@pytest.mark.parametrize("typed", ["DOCX", "Docx", "HTML"])
def test_a_format_in_any_case_is_the_format(mini_plan: Path, tmp_path: Path, typed: str) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--format", typed, "-o", f"{tmp_path}/")
    assert code == 0, stderr
    assert [path.suffix for path in tmp_path.glob("SG99-TD-7.*")] == [f".{typed.lower()}"]


@pytest.mark.parametrize(("command", "typed"), [("validate", "JSON"), ("stats", "MD"), ("validate", "GitHub")])
def test_a_report_style_in_any_case_is_the_style(mini_plan: Path, command: str, typed: str) -> None:
    code, _, stderr = run_cli(command, "--plan", str(mini_plan), "--format", typed)
    assert code == 0, stderr


def test_dash_v_is_the_version() -> None:
    from apdoc import __version__

    for flag in ("-V", "--version"):
        code, stdout, _ = run_cli(flag)
        assert code == 0 and stdout == f"apdoc, version {__version__}\n"


def test_the_command_list_is_whole_sentences() -> None:
    """`apdoc --help` at 80 columns: each command's summary is whole, not cut with `...`."""
    from apdoc.cli import cli

    done = subprocess.run([str(APDOC), "--help"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "80"}, check=True)
    listed = done.stdout.split("Commands:\n", 1)[1].splitlines()
    assert len(listed) == len(cli.commands)
    for line in listed:
        assert len(line) <= 80 and not line.endswith("...") and line.endswith("."), line


def test_unknown_suffix_lists_the_suffixes_in_the_writers_order(mini_plan: Path, tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(tmp_path / "td.txt"))
    assert code == 2
    assert "(.docx, .pdf, .html, .htm, .md)" in stderr


def _on_a_terminal(*args: str, cwd: Path) -> tuple[int, bytes]:
    """Run apdoc with its standard output on a pseudo-terminal: (exit code, what the terminal got)."""
    leader, follower = pty.openpty()
    try:
        done = subprocess.Popen([str(APDOC), *args], stdout=follower, stderr=subprocess.PIPE, cwd=cwd)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process is gone
                break
            if not chunk:
                break
            shown += chunk
        _, stderr = done.communicate(timeout=120)
        return done.returncode, shown + stderr
    finally:
        os.close(leader)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_binary_format_is_not_written_onto_a_terminal(mini_plan: Path, tmp_path: Path, fmt: str) -> None:
    code, shown = _on_a_terminal("build", "--plan", str(mini_plan), "--format", fmt, "-o", "-", cwd=tmp_path)
    assert code == 2
    assert f"would write the {fmt.upper()} file's bytes to the terminal" in shown.decode()
    assert b"PK\x03\x04" not in shown and b"%PDF" not in shown


def test_a_text_format_is_written_onto_a_terminal(mini_plan: Path, tmp_path: Path) -> None:
    code, shown = _on_a_terminal("build", "--plan", str(mini_plan), "--format", "md", "-o", "-", cwd=tmp_path)
    assert code == 0
    assert b"# Annex A" in shown


def test_a_binary_format_is_written_into_a_pipe(mini_plan: Path, tmp_path: Path) -> None:
    done = subprocess.run([str(APDOC), "build", "--plan", str(mini_plan), "--format", "docx", "-o", "-"],
                          capture_output=True, cwd=tmp_path, check=True)
    assert done.stdout.startswith(b"PK\x03\x04")


def test_shell_completion_as_the_readme_gives_it() -> None:
    script = subprocess.run([str(APDOC)], env={**os.environ, "_APDOC_COMPLETE": "bash_source"},
                            capture_output=True, text=True, check=True).stdout
    assert "complete " in script and "_APDOC_COMPLETE=bash_complete" in script
    env = {**os.environ, "_APDOC_COMPLETE": "bash_complete", "COMP_WORDS": "apdoc build --format D",
           "COMP_CWORD": "3"}
    offered = subprocess.run([str(APDOC)], env=env, capture_output=True, text=True, check=True).stdout
    assert offered.split() == ["plain,docx"]
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert 'eval "$(_APDOC_COMPLETE=bash_source apdoc)"' in readme
