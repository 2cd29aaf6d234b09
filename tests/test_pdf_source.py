"""A TD's PDF carries the plan it was built from (`plan.zip`), and `apdoc import TD.pdf` reads it back."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from apdoc.build import BuildRequest, build, build_formats
from apdoc.plan.archive import ArchiveError, read_plan_archive
from apdoc.plan.load import load_plan
from apdoc.plan.versions import plan_facts
from conftest import run_cli

COMMENTS = """\
threads:
  - anchor: ch-introduction
    quote: Introduction
    author: Ann
    date: "2026-12-01T10:00:00Z"
    text: Which review?
"""


def _attachments(pdf: Path) -> dict[str, list[bytes]]:
    from pypdf import PdfReader

    return PdfReader(pdf).attachments


def _plan_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


def test_the_pdf_carries_the_plan_and_import_gives_it_back_byte_for_byte(seed: Path, tmp_path: Path) -> None:
    chapter = sorted((seed / "chapters").glob("*.yaml"))[0]
    chapter.write_bytes(chapter.read_bytes() + b"# an editor's comment stays\n")
    (seed / "comments.yaml").write_text(COMMENTS, encoding="utf-8")  # the Word comment threads too
    pdf = build(seed, "pdf", tmp_path / "td.pdf")
    carried = _attachments(pdf)["plan.zip"][0]
    with zipfile.ZipFile(io.BytesIO(carried)) as archive:
        facts = json.loads(archive.read("apdoc.json"))
    assert facts["plan-digest"] == plan_facts(load_plan(seed))["plan-digest"]
    code, _, err = run_cli("import", str(pdf), "-o", str(tmp_path / "back"))
    assert code == 0, err
    assert _plan_files(tmp_path / "back") == _plan_files(seed)


def test_the_plan_a_pdf_carries_is_the_same_bytes_on_every_build(seed: Path, tmp_path: Path) -> None:
    first, second = (build(seed, "pdf", tmp_path / f"{n}.pdf") for n in (1, 2))
    assert first.read_bytes() == second.read_bytes()
    assert _attachments(first)["plan.zip"] == _attachments(second)["plan.zip"]


def test_the_html_of_a_build_with_a_pdf_does_not_carry_the_plan(seed: Path, tmp_path: Path) -> None:
    alone = build(seed, "html", tmp_path / "alone.html")
    together = build_formats(BuildRequest(seed, {"pdf": tmp_path / "td.pdf", "html": tmp_path / "td.html"}))[1]
    assert together.read_bytes() == alone.read_bytes()
    assert b"apdoc-plan-source" not in alone.read_bytes()


def test_a_pdf_that_carries_no_plan_is_refused_with_one_message(tmp_path: Path) -> None:
    from weasyprint import HTML

    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(HTML(string="<p>A TD printed from Word</p>").write_pdf())
    code, _, err = run_cli("import", str(pdf), "-o", str(tmp_path / "out"))
    assert code == 1 and "carries no plan" in err and not (tmp_path / "out").exists()
    (tmp_path / "fake.pdf").write_bytes(b"PK\x03\x04 not a pdf")
    code, _, err = run_cli("import", str(tmp_path / "fake.pdf"), "-o", str(tmp_path / "out"))
    assert code == 1 and "not a PDF" in err and not (tmp_path / "out").exists()


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize(("members", "message"), [
    ([("document.yaml", b"x"), ("../escape.yaml", b"x")], "no plan file"),
    ([("document.yaml", b"x"), ("/etc/cron.d/x.yaml", b"x")], "no plan file"),
    ([("document.yaml", b"x"), ("chapters/run.sh", b"x")], "no plan file"),
    ([("chapters/1-a.yaml", b"x")], "no document.yaml"),
    ([("document.yaml", b"x"), ("apdoc.json", b"[1]")], "not a map"),
    ([("document.yaml", b"x"), ("document.yaml", b"y")], "twice"),
])
def test_a_carried_plan_that_is_not_a_plan_is_refused(members: list[tuple[str, bytes]], message: str) -> None:
    with pytest.raises(ArchiveError, match=message):
        read_plan_archive(_zip(members))


def test_a_carried_plan_whose_header_lies_about_its_size_is_refused() -> None:
    data = bytearray(_zip([("document.yaml", b"a" * 1000)]))
    # the central directory's uncompressed size (offset 24 in its record) said smaller than it is
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    with pytest.raises(ArchiveError):
        read_plan_archive(bytes(data))


def test_a_hostile_plan_in_a_pdf_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    from weasyprint import HTML, Attachment

    pdf = tmp_path / "hostile.pdf"
    hostile = _zip([("document.yaml", b"x"), ("../../outside.yaml", b"x")])
    pdf.write_bytes(HTML(string="<p>x</p>").write_pdf(
        attachments=[Attachment(file_obj=io.BytesIO(hostile), name="plan.zip")]))
    code, _, err = run_cli("import", str(pdf), "-o", str(tmp_path / "out" / "plan"))
    assert code == 1 and "no plan file" in err
    assert not (tmp_path / "out").exists() and not (tmp_path / "outside.yaml").exists()
