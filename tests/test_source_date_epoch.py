"""Issue 24, reproducible dates: outside git a TD is dated by its files' times; SOURCE_DATE_EPOCH
(reproducible-builds.org) dates every date a build writes instead, so two checkouts of one plan
with different file times give the same bytes."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import MINI_PLAN, run_cli

APDOC = Path(sys.executable).with_name("apdoc")
FORMATS = ("docx", "pdf", "html", "md")


def _checkout(where: Path, mtime: int) -> Path:
    """A copy of the mini plan outside any git repository, every file with the given time."""
    plan = where / "plan"
    shutil.copytree(MINI_PLAN, plan)
    for path in plan.rglob("*"):
        os.utime(path, (mtime, mtime))
    return plan


def _build(plan: Path, out: Path, epoch: str | None) -> dict[str, bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    done = subprocess.run([str(APDOC), "build", "--plan", str(plan), "--format", "all", "-o", f"{out}/"],
                          env=env, capture_output=True, text=True, cwd=plan.parent, timeout=300)
    assert done.returncode == 0, done.stderr
    return {fmt: next(out.glob(f"*.{fmt}")).read_bytes() for fmt in FORMATS}


@pytest.fixture(scope="module")
def two_checkouts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    one = _checkout(tmp_path_factory.mktemp("one"), 1_600_000_000)
    two = _checkout(tmp_path_factory.mktemp("two"), 1_700_000_000)
    return one, two


def test_same_plan_different_file_times_same_bytes_under_source_date_epoch(two_checkouts: tuple[Path, Path]) -> None:
    one, two = two_checkouts
    first = _build(one, one.parent / "out-epoch", "1713520800")  # 2024-04-19T10:00:00Z
    second = _build(two, two.parent / "out-epoch", "1713520800")
    for fmt in FORMATS:
        assert first[fmt] == second[fmt], fmt
    core = zipfile.ZipFile(one.parent / "out-epoch" / "SG99-TD-7.docx").read("docProps/core.xml").decode()
    assert "2024-04-19T10:00:00Z" in core
    assert '<meta name="dcterms.modified" content="2024-04-19T10:00:00Z">' in first["html"].decode()
    info = PdfReader(io.BytesIO(first["pdf"])).metadata
    assert info is not None and str(info["/CreationDate"]).startswith("D:20240419100000")
    assert str(info["/ModDate"]).startswith("D:20240419100000")


def test_without_it_the_file_times_date_the_td(two_checkouts: tuple[Path, Path]) -> None:
    """What the variable is for: unset, the two checkouts' DOCX, PDF and HTML differ by their dates."""
    one, two = two_checkouts
    first = _build(one, one.parent / "out-mtime", None)
    second = _build(two, two.parent / "out-mtime", None)
    assert [fmt for fmt in FORMATS if first[fmt] != second[fmt]] == ["docx", "pdf", "html"]
    assert "2020-09-13T12:26:40Z" in first["html"].decode()  # 1_600_000_000


def test_revision_marks_are_dated_by_it(mini_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    earlier = tmp_path / "earlier"
    shutil.copytree(mini_plan, earlier)
    scope = mini_plan / "chapters/1-scope.yaml"
    scope.write_text(scope.read_text(encoding="utf-8").replace("title: Scope", "title: Scope and aims"),
                     encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1713520800")
    out = tmp_path / "marked.docx"
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--compare-to", str(earlier), "-o", str(out))
    assert code == 0, stderr
    document = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert 'w:date="2024-04-19T10:00:00Z"' in document and "w:ins " in document


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5", "99999999999999999999"])
def test_a_malformed_value_is_an_error(mini_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(tmp_path / "td.md"))
    assert code == 1
    assert stderr.startswith(f"SOURCE_DATE_EPOCH: error: {value!r} is not a number of seconds since 1970-01-01 UTC")
    assert not (tmp_path / "td.md").exists()
