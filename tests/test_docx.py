"""The DOCX writer, on the small plan: real Word structures, valid, deterministic."""

from __future__ import annotations

import hashlib
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from apdoc.build import build
from ooxml import audit_problems, shared_validator_problems

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def docx(mini_plan: Path, tmp_path: Path) -> Path:
    return build(mini_plan, "docx", tmp_path / "td.docx")


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def styles_used(root: etree._Element) -> set[str]:
    return {e.get(f"{W}val") for e in root.iter(f"{W}pStyle", f"{W}rStyle", f"{W}tblStyle")}


def test_every_style_used_is_defined(docx: Path) -> None:
    defined = {s.get(f"{W}styleId") for s in part(docx, "word/styles.xml").iter(f"{W}style")}
    used = styles_used(part(docx, "word/document.xml")) | styles_used(part(docx, "word/footnotes.xml"))
    assert used - defined == set()
    assert {"Heading1", "Heading2", "TableNotitle", "Tablehead", "Tabletext", "enumlev1"} <= used


def test_named_word_styles(docx: Path) -> None:
    names = {s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val")
             for s in part(docx, "word/styles.xml").iter(f"{W}style")}
    assert names["Heading1"] == "heading 1"
    assert names["TableNotitle"] == "Table_No & title"
    assert names["Tablehead"] == "Table_head" and names["Tabletext"] == "Table_text"
    assert names["FootnoteText"] == "footnote text"


def test_real_footnote(docx: Path) -> None:
    body = part(docx, "word/document.xml")
    (ref,) = body.iter(f"{W}footnoteReference")
    notes = {n.get(f"{W}id"): n for n in part(docx, "word/footnotes.xml").iter(f"{W}footnote")}
    note = notes[ref.get(f"{W}id")]
    assert text(note).strip() == "Nothing else is covered."
    assert note.find(f".//{W}footnoteRef") is not None
    settings = part(docx, "word/settings.xml")
    assert [f.get(f"{W}id") for f in settings.iter(f"{W}footnote")] == ["-1", "0"]


def test_lists_have_their_own_numbering(docx: Path) -> None:
    body = part(docx, "word/document.xml")
    numbering = part(docx, "word/numbering.xml")
    formats = {a.get(f"{W}abstractNumId"): a.find(f"{W}lvl/{W}numFmt").get(f"{W}val")
               for a in numbering.iter(f"{W}abstractNum")}
    nums = {n.get(f"{W}numId"): formats[n.find(f"{W}abstractNumId").get(f"{W}val")]
            for n in numbering.iter(f"{W}num")}
    numbered = [(p.find(f".//{W}numId").get(f"{W}val"), p.find(f".//{W}ilvl").get(f"{W}val"), text(p))
                for p in body.iter(f"{W}p") if p.find(f".//{W}numPr") is not None]
    by_text = {t: (nums[n], lvl) for n, lvl, t in numbered}
    assert by_text["first"] == ("bullet", "0")
    assert by_text["nested"] == ("bullet", "1")  # the sub-bullet of AP1's learning and feedback
    assert by_text["Plan it"] == ("lowerRoman", "0") and by_text["Do it"] == ("lowerRoman", "0")
    lists = {n for n, _, t in numbered if t in ("first", "second")}
    assert len(lists) == 1 and {n for n, _, t in numbered if t in ("one", "two")}.isdisjoint(lists)


def test_matrix_header_is_merged_and_repeated(docx: Path) -> None:
    body = part(docx, "word/document.xml")
    matrix = next(t for t in body.iter(f"{W}tbl") if "Session Source" in text(t))
    rows = matrix.findall(f"{W}tr")
    assert [r.find(f"{W}trPr/{W}tblHeader") is not None for r in rows] == [True, True, False, False]
    first = rows[0].findall(f"{W}tc")
    spans = [(text(c), c.find(f"{W}tcPr/{W}gridSpan"), c.find(f"{W}tcPr/{W}vMerge")) for c in first]
    assert spans[2][0] == "Session Source" and spans[2][1].get(f"{W}val") == "2"
    assert spans[0][2].get(f"{W}val") == "restart"
    second = rows[1].findall(f"{W}tc")
    assert [text(c) for c in second] == ["", "", "A", "B", "", "", "", ""]
    assert second[0].find(f"{W}tcPr/{W}vMerge").get(f"{W}val") is None  # continues the merge
    assert len(matrix.find(f"{W}tblGrid")) == 8


def test_action_item_table(docx: Path) -> None:
    body = part(docx, "word/document.xml")
    captions = [text(p) for p in body.iter(f"{W}p")
                if p.find(f"{W}pPr/{W}pStyle") is not None
                and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "TableNotitle"]
    assert captions == ["Table 1 – Terms used here", "Table 2 – Action plan on “First”",
                        "Table 3 – Action plan on “Second”"]
    table = next(t for t in body.iter(f"{W}tbl") if "AP2, AP2.1 – AP2.2" in text(t))
    header = [text(c) for c in table.find(f"{W}tr").findall(f"{W}tc")]
    assert header == ["AP#", "AP2, AP2.1 – AP2.2", "AP Short Name", "“Second”"]
    labels = [text(r) for r in table.findall(f"{W}tr")[1::2]]
    # The file gives the objective and the enablers: rows it leaves out are not in the table.
    assert labels == ["Objective/Thematic Priority", "Enablers"]


def test_running_header_from_page_two(docx: Path) -> None:
    body = part(docx, "word/document.xml")
    sections = list(body.iter(f"{W}sectPr"))
    assert sections[0].find(f"{W}titlePg") is not None
    refs = {r.get(f"{W}type"): r.get(f"{{{'http://schemas.openxmlformats.org/officeDocument/2006/relationships'}}}id")
            for r in sections[0].iter(f"{W}headerReference")}
    assert set(refs) == {"default", "first"}
    header = part(docx, "word/header1.xml")
    assert [f.get(f"{W}instr").strip() for f in header.iter(f"{W}fldSimple")] == ["PAGE"]
    assert text(header).endswith("SG99-TD 7")
    assert text(part(docx, "word/header2.xml")) == ""
    size = sections[0].find(f"{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")  # A4


def test_matrix_on_landscape_pages(docx: Path) -> None:
    sizes = [(s.find(f"{W}pgSz").get(f"{W}orient"), s.find(f"{W}pgSz").get(f"{W}w"))
             for s in part(docx, "word/document.xml").iter(f"{W}sectPr")]
    assert sizes == [(None, "11906"), ("landscape", "16838"), (None, "11906")]


def test_internal_link_has_its_bookmark(docx: Path) -> None:
    body = part(docx, "word/document.xml")
    anchors = {h.get(f"{W}anchor") for h in body.iter(f"{W}hyperlink") if h.get(f"{W}anchor")}
    bookmarks = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert anchors and anchors <= bookmarks
    assert all(len(name) <= 40 and re.fullmatch(r"_[A-Za-z0-9_]+", name) for name in bookmarks)


def test_deterministic(mini_plan: Path, tmp_path: Path) -> None:
    one = build(mini_plan, "docx", tmp_path / "1.docx").read_bytes()
    two = build(mini_plan, "docx", tmp_path / "2.docx").read_bytes()
    assert hashlib.sha256(one).digest() == hashlib.sha256(two).digest()
    with zipfile.ZipFile(tmp_path / "1.docx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        # Dated when the plan last changed (its newest file, outside git), not by the clock.
        from apdoc.plan.versions import plan_date

        assert f">{plan_date(mini_plan)}</dcterms:created>".encode() in z.read("docProps/core.xml")


def test_opens_in_python_docx(docx: Path) -> None:
    import docx as python_docx

    document = python_docx.Document(str(docx))
    assert document.paragraphs[1].style.name == "Heading 1"  # recognised as the built-in heading
    assert len(document.tables) == 5  # cover, Table 1, two action items, the matrix


def test_schema_valid(docx: Path) -> None:
    assert shared_validator_problems(docx) == ""


def test_openxml_audit_finds_nothing(docx: Path) -> None:
    assert audit_problems(docx) == []


@pytest.mark.usefixtures("soffice")
def test_libreoffice_converts_it(docx: Path, tmp_path: Path) -> None:
    out = tmp_path / "pdf"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(out), str(docx)], capture_output=True, timeout=180, check=True)
    assert (out / "td.pdf").read_bytes().startswith(b"%PDF")
