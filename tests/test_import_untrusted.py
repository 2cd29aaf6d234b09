"""Untrusted Word files (issue 20): import's output folder, concurrent writers of a plan, text
that must stay literal on the way in, and what import writes validating.

Every DOCX is built here, from the seed's TD edited with lxml; every case ends in one clear
message and exit 1, or in a plan that validates.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from apdoc.layout import render_html
from apdoc.plan import load_plan
from conftest import SEED_PLAN, run_cli


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed's TD, built once for the module."""
    from apdoc.writers.docx import write_docx

    path = tmp_path_factory.mktemp("td") / "TD.docx"
    path.write_bytes(write_docx(render_html(load_plan(SEED_PLAN))))
    return path


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- 3. import's output folder: the same rules as build -o --------------------------------------


@pytest.mark.parametrize("inside", ["action-items/AP9.yaml", "sub", "chapters/new", "document.yaml"])
def test_an_output_inside_a_plan_folder_is_refused_before_anything_is_written(
        seed: Path, seed_docx: Path, inside: str) -> None:
    before = _tree(seed)
    code, _, err = run_cli("import", str(seed_docx), "-o", str(seed / inside))
    assert code == 1
    assert f"{inside}: error: cannot write: it is inside the plan folder" in err, err
    assert _tree(seed) == before
    assert sorted(p.name for p in seed.parent.iterdir()) == ["plan"]  # no staging folder left either


def test_a_link_into_a_plan_folder_is_refused(seed: Path, seed_docx: Path, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(seed / "chapters" / "new")
    before = _tree(seed)
    code, _, err = run_cli("import", str(seed_docx), "-o", str(tmp_path / "link"))
    assert code == 1 and "cannot write: it is inside the plan folder" in err, err
    assert _tree(seed) == before


def test_an_output_that_is_the_document_itself_is_refused(seed_docx: Path, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(seed_docx)
    before = seed_docx.read_bytes()
    code, _, err = run_cli("import", str(seed_docx), "-o", str(tmp_path / "link"))
    assert code == 1 and "the document imported" in err, err
    assert seed_docx.read_bytes() == before


def test_an_output_below_a_file_is_refused_naming_the_file(seed_docx: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    code, _, err = run_cli("import", str(seed_docx), "-o", str(tmp_path / "afile" / "out"))
    assert code == 1, err
    assert "afile/out: error: cannot write:" in err and "afile is a file, not a folder" in err, err
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "x"


def test_a_dangling_link_is_written_through_as_build_does(seed_docx: Path, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(tmp_path / "target")
    code, _, err = run_cli("import", str(seed_docx), "-o", str(tmp_path / "link"))
    assert code == 0, err
    assert (tmp_path / "link").is_symlink() and (tmp_path / "target" / "document.yaml").is_file()
    load_plan(tmp_path / "link")


def test_an_output_that_cannot_be_created_is_one_message(seed_docx: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root writes anyway: then a folder whose parent is gone is tried
            shutil.rmtree(locked)
            (tmp_path / "gone").symlink_to(tmp_path / "afile" / "x")
            (tmp_path / "afile").write_text("x", encoding="utf-8")
            target = tmp_path / "gone"
        else:
            target = locked / "plan"
        code, _, err = run_cli("import", str(seed_docx), "-o", str(target))
    finally:
        if locked.exists():
            locked.chmod(0o700)
    assert code == 1 and "error: cannot write:" in err, err
