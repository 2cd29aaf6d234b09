"""Issue 14: revision marks as a careful editor makes them, scenario by scenario
(tests/revision_scenarios.py edits the seed plan as an editor would).

For every scenario: Accept All / Reject All on the XML give the two plain builds word for word,
the marks cover at most 1.5 × the words that really changed + 10, the marked DOCX is valid
ECMA-376, and the marks have the shape Word itself writes for that edit. Through LibreOffice
(python3-uno), Accept All and Reject All give the plain builds paragraph for paragraph: the
same styles, list labels and text."""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from ooxml import audit_problems, shared_validator_problems
from revision_scenarios import (
    SCENARIOS,
    Builds,
    W,
    build_scenario,
    libreoffice_differences,
    libreoffice_limits,
    libreoffice_paragraphs,
    measure,
)
from test_revisions import docx_words

NS = {"w": W[1:-1]}
ZWJ = "\u200d"  # LibreOffice's mark of a tracked row without text
EMPTY_CAPTION = ["Table_No & title", "", ""]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Builds]:
    return {name: build_scenario(name, tmp_path_factory.mktemp(name)) for name in SCENARIOS}


def part(docx: bytes, name: str = "document") -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read(f"word/{name}.xml"))


def run_changes(root: etree._Element) -> list[etree._Element]:
    """Tracked changes around content (not a paragraph mark's or a row's)."""
    return root.xpath("//w:ins[not(parent::w:rPr or parent::w:trPr)]|//w:del[not(parent::w:rPr or parent::w:trPr)]"
                      "|//w:moveFrom[not(parent::w:rPr)]|//w:moveTo[not(parent::w:rPr)]", namespaces=NS)


def text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t", f"{W}delText"))


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_accept_and_reject_give_the_plain_builds_and_the_marks_are_small(built: dict[str, Builds], name: str,
                                                                         tmp_path: Path) -> None:
    builds = built[name]
    assert docx_words(builds.marked, keep="ins") == docx_words(builds.current)
    assert docx_words(builds.marked, keep="del") == docx_words(builds.earlier)
    result = measure(name, builds)
    assert result.within_target, str(result)
    path = tmp_path / "marked.docx"
    path.write_bytes(builds.marked)
    assert audit_problems(path) == []
    assert shared_validator_problems(path) == ""


def test_a_split_paragraph_marks_only_the_new_paragraph_mark(built: dict[str, Builds]) -> None:
    document = part(built["split"].marked)
    assert [text(c) for c in run_changes(document)] == [" "]  # the space between the two sentences
    (mark,) = document.xpath("//w:pPr/w:rPr/w:ins", namespaces=NS)
    paragraph = mark.getparent().getparent().getparent()
    assert text(paragraph).endswith("2022-2024 study period. ")  # the space goes with it on Reject
    assert text(paragraph.getnext()).startswith("These entities in turn")


def test_joined_paragraphs_mark_only_the_removed_paragraph_mark(built: dict[str, Builds]) -> None:
    document = part(built["merge"].marked)
    assert [text(c) for c in run_changes(document)] == [" "]
    (mark,) = document.xpath("//w:pPr/w:rPr/w:del", namespaces=NS)
    paragraph = mark.getparent().getparent().getparent()
    assert text(paragraph).endswith("Sector Member. ")
    assert text(paragraph.getnext()).startswith("Also included")


def test_changed_words_of_a_footnote_are_marked_inside_it(built: dict[str, Builds]) -> None:
    marked = built["footnote-words"].marked
    assert run_changes(part(marked)) == []  # the reference stays
    changes = run_changes(part(marked, "footnotes"))
    assert sorted(text(c) for c in changes) == ["issues", "problems", "telecommunication", "telecommunications"]


def test_an_added_footnote_marks_only_its_reference(built: dict[str, Builds]) -> None:
    (change,) = run_changes(part(built["footnote-added"].marked))
    assert change.tag == f"{W}ins" and text(change) == ""
    assert change.find(f"{W}r/{W}footnoteReference") is not None


def test_a_moved_row_is_that_row_deleted_and_inserted(built: dict[str, Builds]) -> None:
    document = part(built["row-moved"].marked)
    deleted = document.xpath("//w:tr[w:trPr/w:del]", namespaces=NS)
    inserted = document.xpath("//w:tr[w:trPr/w:ins]", namespaces=NS)
    assert [text(r)[:8] for r in deleted] == [text(r)[:8] for r in inserted] == ["Outcomes"]


def test_a_moved_paragraph_is_a_move(built: dict[str, Builds]) -> None:
    document = part(built["paragraph-moved"].marked)
    changes = run_changes(document)
    assert {c.tag for c in changes} == {f"{W}moveFrom", f"{W}moveTo"}
    (start_from,) = document.iter(f"{W}moveFromRangeStart")
    (start_to,) = document.iter(f"{W}moveToRangeStart")
    assert start_from.get(f"{W}name") == start_to.get(f"{W}name")
    moved = [text(c) for c in changes]
    assert moved[0] == moved[1] and moved[0].startswith("For purposes of the Action Plan")


def test_a_changed_figure_marks_only_its_drawing(built: dict[str, Builds]) -> None:
    document = part(built["figure-changed"].marked)
    caption = next(p for p in document.iter(f"{W}p") if "The four pillars" in text(p))
    assert not caption.xpath(".//w:ins|.//w:del", namespaces=NS)
    drawings = [d.xpath("ancestor::w:ins|ancestor::w:del", namespaces=NS)[0].tag for d in document.iter(f"{W}drawing")]
    assert drawings == [f"{W}del", f"{W}ins"]


def test_an_added_action_item_leaves_no_empty_paragraph_change_in_empty_cells(built: dict[str, Builds]) -> None:
    document = part(built["action-item-added"].marked)
    for row in document.xpath("//w:tr[w:trPr/w:ins]", namespaces=NS):
        for paragraph in row.iter(f"{W}p"):
            if not text(paragraph):
                assert paragraph.find(f"{W}pPr/{W}rPr") is None


def _has_uno() -> bool:
    system_python = shutil.which("python3", path="/usr/bin:/bin")
    if shutil.which("soffice") is None or system_python is None:
        return False
    return subprocess.run([system_python, "-c", "import uno"], capture_output=True).returncode == 0


@functools.cache
def libreoffice_own_debris() -> dict[str, bool]:
    return libreoffice_limits()


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_libreoffice_accept_all_and_reject_all_give_the_plain_builds(built: dict[str, Builds], name: str,
                                                                     tmp_path: Path) -> None:
    """Exactly the plain builds, but for two kinds of debris in "action-item-added" that
    LibreOffice 7.4 leaves after changes it made itself, which no file shape avoids (tried: an
    empty cell's paragraph mark tracked or not, w:cellIns, an inserted or deleted character or
    paragraph mark in the cell, the rows untracked, the caption's mark untracked):

    - Accept All leaves U+200D in each empty cell of the inserted table (six): LibreOffice
      tracks a row by a tracked character in it and gives a row without text an invisible one
      (makeTableRowRedline, sw/source/core/unocore/unocrsrhelper.cxx); accepting keeps it as
      inserted text, and the other ways to have text in the row either stay on Accept or make
      Accept delete the row (lcl_DeleteTrackedTableRow, sw/source/core/doc/DocumentRedlineManager.cxx).
    - Reject All leaves the inserted table's caption as an empty paragraph: it stands between
      two tables, and on import LibreOffice splits every change at a table's bounds
      (SwDoc::TextToTable, sw/source/core/docnode/ndtbl.cxx), so no paragraph mark next to it
      keeps its change (whichever of the two captions between the tables is the new one).

    Each is tolerated only while tests/lo_limits.py finds LibreOffice's own change showing the
    same (an empty row it inserted itself; a caption and table it inserted itself, saved as
    DOCX and opened again): with a LibreOffice that fixes it, the result must be exact."""
    if not _has_uno():
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice with python3-uno is missing; CI must resolve the marks in LibreOffice")
        pytest.skip("LibreOffice with its Python bridge (python3-uno) is not installed")
    if name != "action-item-added":
        assert libreoffice_differences(built[name], tmp_path) == []
        return
    own = libreoffice_own_debris()
    builds = built[name]
    for action, plain in (("Accept", builds.current), ("Reject", builds.earlier)):
        resolved = libreoffice_paragraphs(builds.marked, action, tmp_path)
        expected = libreoffice_paragraphs(plain, "None", tmp_path)
        assert resolved["left"] == 0 and resolved["footnotes"] == expected["footnotes"]
        body = resolved["body"]
        if action == "Accept" and own["empty_row_keeps_u200d"]:
            filled = [n for n, p in enumerate(body) if p[2] == ZWJ]
            assert len(filled) == 6  # the inserted table's six empty cells, and nothing else
            body = [[p[0], p[1], ""] if n in filled else p for n, p in enumerate(body)]
        if action == "Reject" and own["paragraph_between_tables_stays"]:
            left = [n for n, p in enumerate(body) if p == EMPTY_CAPTION]
            assert len(left) == 1 and EMPTY_CAPTION not in expected["body"]  # the rejected caption
            body = body[: left[0]] + body[left[0] + 1 :]
        assert body == expected["body"]
