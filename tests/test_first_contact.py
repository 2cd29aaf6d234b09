"""Issue 11, first contact: what a new user tried that did the wrong thing without a word."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from conftest import run_cli

# --- -o and --format -----------------------------------------------------------------------


def test_the_format_comes_from_the_suffix_of_o(mini_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "td.pdf"
    code, stdout, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(out))
    assert code == 0, stderr
    assert out.read_bytes().startswith(b"%PDF-")  # was a DOCX (a zip) named td.pdf
    assert f"wrote {out}" in stdout


@pytest.mark.parametrize("name", ["td.pdf", "td.md", "td.docx"])
def test_a_suffix_that_contradicts_format_is_a_usage_error(mini_plan: Path, tmp_path: Path, name: str) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--format", "html", "-o", str(tmp_path / name))
    assert code == 2
    assert "--format is html" in stderr
    assert not (tmp_path / name).exists()


def test_a_name_without_a_known_suffix_needs_format(mini_plan: Path, tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(tmp_path / "td"))
    assert code == 2 and "give --format" in stderr
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--format", "md", "-o", str(tmp_path / "td"))
    assert code == 0, stderr
    assert "# Annex A – References" in (tmp_path / "td").read_text(encoding="utf-8")


def test_a_trailing_slash_is_a_folder(mini_plan: Path, tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--format", "html", "-o", f"{tmp_path}/outdir/")
    assert code == 0, stderr
    assert (tmp_path / "outdir").is_dir()
    assert [p.name for p in (tmp_path / "outdir").iterdir()] == ["SG99-TD-7.html"]


def test_a_file_name_for_format_all_is_a_usage_error(mini_plan: Path, tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--format", "all", "-o", str(tmp_path / "x/td.docx"))
    assert code == 2 and "a folder (ending in /)" in stderr
    assert not (tmp_path / "x").exists()


def test_dash_is_standard_output(mini_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = run_cli("build", "--plan", str(mini_plan), "--format", "html", "-o", "-")
    assert code == 0, stderr
    assert stdout.startswith("<!DOCTYPE html>") and "wrote" not in stdout
    assert not (tmp_path / "-").exists() and not (tmp_path / "build").exists()


def test_dash_is_refused_for_all_and_for_watch(mini_plan: Path) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--format", "all", "-o", "-")
    assert code == 2 and "standard output" in stderr
    code, _, stderr = run_cli("watch", "--plan", str(mini_plan), "-o", "-")
    assert code == 2 and "standard output" in stderr


# --- --templates ---------------------------------------------------------------------------


def test_a_missing_templates_folder_is_an_error(mini_plan: Path, tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--templates", str(tmp_path / "nosuch"),
                              "-o", str(tmp_path / "td.html"))
    assert code == 2 and "nosuch" in stderr and "does not exist" in stderr
    assert not (tmp_path / "td.html").exists()


def test_an_unknown_template_name_is_reported(mini_plan: Path, tmp_path: Path) -> None:
    templates = tmp_path / "mine"
    templates.mkdir()
    (templates / "cover.htm.j2").write_text("misspelt", encoding="utf-8")
    (templates / "td.css").write_text("body { color: black }", encoding="utf-8")
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--templates", str(templates),
                              "-o", str(tmp_path / "td.html"))
    assert code == 0, stderr
    assert f"{templates}/cover.htm.j2: warning: unknown template name" in stderr
    assert "td.css" not in stderr.split("(the templates are")[0]


def test_a_template_included_by_another_is_not_unknown(mini_plan: Path, tmp_path: Path) -> None:
    templates = tmp_path / "mine"
    templates.mkdir()
    packaged = (Path(__file__).resolve().parent.parent / "src/apdoc/templates/cover.html.j2").read_text()
    (templates / "cover.html.j2").write_text('{% include "note.html.j2" %}' + packaged, encoding="utf-8")
    (templates / "note.html.j2").write_text("<p>note</p>", encoding="utf-8")
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--templates", str(templates),
                              "-o", str(tmp_path / "td.html"))
    assert code == 0, stderr
    assert "warning" not in stderr
    assert "<p>note</p>" in (tmp_path / "td.html").read_text(encoding="utf-8")


# --- replacing an output -------------------------------------------------------------------


def test_a_replaced_output_keeps_its_mode(mini_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "td.html"
    out.write_text("old")
    out.chmod(0o600)
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(out))
    assert code == 0, stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_read_only_output_is_refused_unless_forced(mini_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "td.html"
    out.write_text("keep me")
    out.chmod(0o444)
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(out))
    assert code == 1
    assert f"{out}: error: cannot write: it is read-only; use --force to replace it" in stderr
    assert out.read_text() == "keep me"
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(out), "--force")
    assert code == 0, stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(out.stat().st_mode) == 0o444
    assert os.access(out, os.R_OK)
