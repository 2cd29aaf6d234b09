"""The command line: exit codes, messages, and no traceback for any input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def apdoc(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apdoc", *args], capture_output=True, text=True, cwd=cwd, timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def test_validate_valid_plan_prints_one_line_summary(mini_plan: Path) -> None:
    result = apdoc("validate", "--plan", str(mini_plan))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("valid: 2 chapters, 1 annex, 2 action items (2 tables), 2 considerations")
    assert result.stdout.count("\n") == 1


def test_validate_reports_every_problem_and_exits_1(mini_plan: Path, edit) -> None:
    edit(mini_plan / "chapters/1-scope.yaml", "title: Scope", "titel: Scope")
    edit(mini_plan / "action-items/AP1.yaml", "id: AP1\n", "id: AP1\nid: AP1\n")
    result = apdoc("validate", "--plan", str(mini_plan))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert f"{mini_plan}/action-items/AP1.yaml:2:1: error: duplicate key 'id' (first defined at line 1)" in lines
    assert f"{mini_plan}/chapters/1-scope.yaml:2:1: error: unknown field 'titel' (did you mean 'title'?)" in lines
    assert lines[-1] == "2 errors"  # the typo is reported once, not also as a missing title
    assert "Traceback" not in result.stderr


def test_missing_plan_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = apdoc("validate", "--plan", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{tmp_path}/nowhere: error: plan folder not found")


def test_wrong_usage_exits_2(mini_plan: Path) -> None:
    result = apdoc("build", "--format", "odt", "--plan", str(mini_plan))
    assert result.returncode == 2
    assert "Invalid value for '--format'" in result.stderr


def test_build_html_writes_the_file(mini_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "td.html"
    result = apdoc("build", "--format", "html", "--plan", str(mini_plan), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"wrote {out}" in result.stdout


def test_default_output_is_named_after_the_document_number(mini_plan: Path, tmp_path: Path) -> None:
    result = apdoc("build", "--format", "html", "--plan", str(mini_plan), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "build" / "SG99-TD-7.html").is_file()


def test_failed_build_keeps_the_previous_output(mini_plan: Path, tmp_path: Path, edit) -> None:
    out = tmp_path / "td.html"
    out.write_text("previous good output", encoding="utf-8")
    edit(mini_plan / "document.yaml", "source: Rapporteur Q1/99", "source: [broken")
    result = apdoc("build", "--format", "html", "--plan", str(mini_plan), "-o", str(out))
    assert result.returncode == 1
    assert out.read_text(encoding="utf-8") == "previous good output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan", "td.html"]


def test_unwritable_output_is_a_clear_error(mini_plan: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = apdoc("build", "--format", "html", "--plan", str(mini_plan), "-o", str(blocker / "td.html"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{blocker}/td.html: error: cannot write")
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = apdoc("--version")
    assert result.returncode == 0 and result.stdout.startswith("apdoc, version ")


@pytest.mark.parametrize("command", ["validate", "build", "schema"])
def test_help_has_an_example(command: str) -> None:
    result = apdoc(command, "--help")
    assert result.returncode == 0 and "Example" in result.stdout
