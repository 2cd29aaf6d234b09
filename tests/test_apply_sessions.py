"""`apdoc apply` after real editing sessions (issue 25, points 4–7): a name typed in a Target
Entity cell, a reference's link, two contributions applied one after the other, and messages an
editor can act on. Each case is a TD built here and edited at the XML level as Word and
LibreOffice write it; judged by the plan files apply leaves."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from apply_edits import Docx, W, _mark, _run, delete_paragraph_mark, paragraph_with, replace_words
from conftest import SEED_PLAN, run_cli
from test_apply import apply, patch, snapshot

MATRIX = "chapters/08-considerations.yaml"
CH1 = "chapters/01-introduction.yaml"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def cell_paragraph(doc: Docx, text: str) -> etree._Element:
    """The first paragraph whose whole text is `text` (a table cell's)."""
    found = [p for p in doc.xml().iter(W + "p") if "".join(p.itertext()) == text]
    assert found, f"no paragraph reads {text!r}"
    return found[0]


# --- 4. a name typed in a Target Entity cell ----------------------------------------------


def entity_typed(td: bytes) -> bytes:
    """", RG-WN" typed at the end of consideration 01's Target Entity cell, Track Changes on."""
    doc = Docx(td)
    insertion = _mark("ins")
    insertion.append(_run(", RG-WN", None))
    cell_paragraph(doc, "RG-IEM, RG-WM, TSB").append(insertion)
    return doc.data()


def test_an_entity_the_plan_does_not_declare_is_refused_with_the_nearest_known_one(td: bytes, seed: Path,
                                                                                   tmp_path: Path) -> None:
    before = snapshot(seed)
    code, _out, err = apply(tmp_path, entity_typed(td), seed)
    assert code == 1
    assert f"{seed.name}/{MATRIX}:43:18: error: not applied: consideration 01's Target Entity cell " \
           "(“RG-IEM, RG-WM, TSB, RG-WN”) names 'RG-WN' (did you mean RG-WM?)" in err
    assert "has no place in the plan" not in err  # said once, not again as an unmapped paragraph
    assert patch(before, seed) == {}  # neither the vocabulary nor the row took it


def test_an_entity_declared_in_the_plan_first_is_applied(td: bytes, seed: Path, tmp_path: Path,
                                                        edit: Callable[[Path, str, str], None]) -> None:
    """Following the refusal's advice: declare it, apply again; the vocabulary keeps its order."""
    edit(seed / MATRIX, "RG-WTSA, TSB, Membership]", "RG-WTSA, TSB, Membership, RG-WN]")
    before = snapshot(seed)
    code, out, err = apply(tmp_path, entity_typed(td), seed)
    assert (code, err) == (0, ""), out + err
    assert patch(before, seed) == {MATRIX: ["@@ -52 +52 @@", "-    target_entities: [RG-IEM, RG-WM, TSB]",
                                            "+    target_entities: [RG-IEM, RG-WM, TSB, RG-WN]"]}


# --- 6. a mark typed as X, two edits in one paragraph, two contributions in a row -------------


def test_an_x_typed_in_a_session_source_cell_marks_it_and_is_not_reported(td: bytes, seed: Path,
                                                                          tmp_path: Path) -> None:
    doc = Docx(td)
    point = paragraph_with(doc.xml(), "Subject matter experts and competence are being drawn")
    k_cell = next(point.iterancestors(W + "tc")).getnext()  # consideration 02's K column, empty
    k_cell.find(W + "p").append(_run("X", None))
    before = snapshot(seed)
    code, out, err = apply(tmp_path, doc.data(), seed)
    assert (code, err) == (0, ""), out + err
    assert patch(before, seed) == {MATRIX: ["@@ -58 +58 @@", '-    sources: ["3", R]', '+    sources: [K, "3", R]']}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture
def committed(tmp_path: Path) -> tuple[Path, bytes]:
    """The seed plan in a git repository, and the TD built from its first commit."""
    repo = tmp_path / "repo"
    shutil.copytree(SEED_PLAN, repo / "plan")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "seed")
    code, _out, err = run_cli("build", "--plan", str(repo / "plan"), "-o", str(tmp_path / "TD.docx"))
    assert code == 0, err
    return repo, (tmp_path / "TD.docx").read_bytes()


def contribution(td: bytes, *edits: Callable[[etree._Element], object]) -> bytes:
    doc = Docx(td)
    for make in edits:
        make(doc.xml())
    return doc.data()


def delete_paragraph(needle: str) -> Callable[[etree._Element], None]:
    """Delete a whole paragraph as Word tracks it: its runs in w:del, its mark deleted."""
    def make(root: etree._Element) -> None:
        paragraph = paragraph_with(root, needle)
        for run in list(paragraph.iter(W + "r")):
            for t in run.iter(W + "t"):
                t.tag = W + "delText"
            deletion = etree.Element(W + "del", {W + "id": str(id(run) % 100000), W + "author": "A",
                                                 W + "date": "2026-11-27T10:00:00Z"})
            run.addprevious(deletion)
            deletion.append(run)
        delete_paragraph_mark(root, needle)
    return make


def in_turn(repo: Path, tmp_path: Path, *documents: bytes) -> list[tuple[int, str, str]]:
    """Apply each document and commit what it wrote before the next, as a secretariat would."""
    results = []
    for n, data in enumerate(documents):
        (tmp_path / f"c{n}").mkdir()
        results.append(apply(tmp_path / f"c{n}", data, repo / "plan"))
        git(repo, "commit", "-qam", f"contribution {n}", "--allow-empty")
    return results


def test_contributions_touching_different_paragraphs_of_a_chapter_both_apply(committed: tuple[Path, bytes],
                                                                             tmp_path: Path) -> None:
    """One deletes chapter 1's second paragraph, the other edits a bullet of the first: both land."""
    repo, td = committed
    first = contribution(td, delete_paragraph("This action plan was developed in the purview"))
    second = contribution(td, lambda root: replace_words(root, "To perform a review", "perform", "carry out"))
    results = in_turn(repo, tmp_path, first, second)
    assert [code for code, _out, _err in results] == [0, 0], results
    text = (repo / "plan" / CH1).read_text()
    assert "This action plan was developed" not in text
    assert "    - To carry out a review of the CxO/CTO coordination process.\n" in text
    assert git(repo, "diff", "--stat", "HEAD~2", "--", "plan").count("|") == 1  # chapter 1's file only


def test_a_bullet_deleted_and_the_next_one_edited_both_apply(committed: tuple[Path, bytes], tmp_path: Path) -> None:
    """The two edits are in one value (a paragraph and its bullets): merged line by line."""
    repo, td = committed
    first = contribution(td, delete_paragraph("To consider the issue of industry engagement"))
    second = contribution(td, lambda root: replace_words(root, "To perform a review", "perform", "carry out"))
    results = in_turn(repo, tmp_path, first, second)
    assert [code for code, _out, _err in results] == [0, 0], results
    text = (repo / "plan" / CH1).read_text()
    assert "To consider the issue of industry engagement" not in text
    assert "    - To carry out a review of the CxO/CTO coordination process.\n" in text


def test_two_edits_in_one_paragraph_merge_and_nothing_is_reported(committed: tuple[Path, bytes],
                                                                  tmp_path: Path) -> None:
    repo, td = committed
    first = contribution(td, lambda root: replace_words(root, "As a starting point", "starting", "first"))
    second = contribution(td, lambda root: replace_words(root, "As a starting point", "considers", "lists"))
    results = in_turn(repo, tmp_path, first, second)
    assert results[1][0] == 0 and results[1][2] == "", results[1]
    assert "    As a first point, this document lists the following items" in (repo / "plan" / CH1).read_text()
    again = apply(tmp_path / "c1", second, repo / "plan")  # and on a re-run: nothing left to do, exit 0
    assert again[0] == 0 and "nothing to apply" in again[1], again


def test_a_paragraph_one_removed_and_the_other_edited_is_a_conflict_that_says_where(
        committed: tuple[Path, bytes], tmp_path: Path) -> None:
    repo, td = committed
    first = contribution(td, delete_paragraph("This action plan was developed in the purview"))
    second = contribution(td, lambda root: replace_words(root, "This action plan was developed", "developed",
                                                         "written"))
    code, _out, err = in_turn(repo, tmp_path, first, second)[1]
    assert code == 1
    assert "error: conflict: clause 1 “Introduction” · its text, block 2: the document has “This action plan " \
           "was written in the purview of…”, the plan now has nothing (both changed “This action plan was " \
           "developed in the purview of…”); the plan's is kept" in err
    assert "[" not in err.split("conflict:")[1].split("\n")[0]  # no Python list text


# --- sessions in LibreOffice (tests/lo_link_sessions.py) ------------------------------------------


def in_libreoffice(td: bytes, where: Path, scenario: str, tracking: str = "tracked") -> bytes:
    """`td` after one of lo_link_sessions.py's scenarios, saved by LibreOffice as Word 2007 XML. No skip:
    without LibreOffice and python3-uno these fail (`make test` installs them)."""
    (where / "TD.docx").write_bytes(td)
    subprocess.run(["/usr/bin/python3", str(Path(__file__).with_name("lo_link_sessions.py")), str(where / "TD.docx"),
                    str(where / "edited.docx"), scenario, tracking],
                   check=True, capture_output=True, timeout=300, cwd=Path(__file__).parent)
    return (where / "edited.docx").read_bytes()


REFERENCES = "annexes/b-references.yaml"
NEW_URL = "https://www.itu.int/en/council/planning/Documents/Res71-PP22-final.pdf"


@pytest.mark.parametrize("tracking", ["tracked", "untracked"])
@pytest.mark.parametrize("scenario", ["link-target", "link-retyped"])
def test_a_references_url_edited_in_libreoffice_lands_in_url(td: bytes, seed: Path, tmp_path: Path, scenario: str,
                                                              tracking: str) -> None:
    """Edit Hyperlink (only the target changes) or the shown URL typed over, Track Changes on or
    off: the new URL is the reference's `url:`, its text and shape as they were."""
    before = snapshot(seed)
    code, out, err = apply(tmp_path, in_libreoffice(td, tmp_path, scenario, tracking), seed)
    assert (code, err) == (0, ""), out + err
    assert patch(before, seed) == {REFERENCES: [
        "@@ -7 +7 @@",
        "-    url: https://www.itu.int/en/council/planning/Documents/Res71-PP2-final.pdf",
        f"+    url: {NEW_URL}",
    ]}


def test_an_entity_typed_in_libreoffice_is_refused(td: bytes, seed: Path, tmp_path: Path) -> None:
    before = snapshot(seed)
    code, _out, err = apply(tmp_path, in_libreoffice(td, tmp_path, "entity"), seed)
    assert code == 1
    assert "names 'RG-WN' (did you mean RG-WM?), which is not one of the plan's target entities" in err
    assert patch(before, seed) == {}


def test_a_word_made_bold_in_libreoffice_is_markdown_and_said_to_be_formatting(td: bytes, seed: Path,
                                                                               tmp_path: Path) -> None:
    """Bold and italic are the plan's Markdown (README, `apdoc apply`): the word is written `**…**`
    and the change is reported as formatting, not as words added."""
    before = snapshot(seed)
    code, out, err = apply(tmp_path, in_libreoffice(td, tmp_path, "bold"), seed)
    assert (code, err) == (0, ""), out + err
    assert "Chapter 1 · text: bold or italic changed" in out
    [removed, added] = [line for line in patch(before, seed)[CH1] if line[:1] in "+-"]
    assert added == removed.replace("-", "+", 1).replace("and collaborative work", "and **collaborative** work")


# --- 7. the advice after a new action item, followed ----------------------------------------


def test_the_advice_after_a_new_action_item_works_when_followed(committed: tuple[Path, bytes],
                                                               tmp_path: Path) -> None:
    """A TD whose chapter 4 and tables have an AP1.8 the plan has not: apply names the command;
    run as named, the next apply fills the file it made with the document's values."""
    repo, _td = committed
    meeting = tmp_path / "meeting"
    shutil.copytree(repo / "plan", meeting)
    code, _out, err = run_cli("new", "action", "AP1.8", "--name", "Interlock", "--plan", str(meeting))
    assert code == 0, err
    item = meeting / "action-items/AP1.8.yaml"
    item.write_text(item.read_text().replace('statement: "[to be written]"', "statement: Interlock with other groups.")
                    .replace("  key_outcomes:\n", "  key_outcomes: Fewer overlaps.\n"))
    assert "Fewer overlaps." in item.read_text() and "Interlock with other groups." in item.read_text()
    code, _out, err = run_cli("build", "--plan", str(meeting), "-o", str(tmp_path / "TD.docx"))
    assert code == 0, err
    base = git(repo, "rev-parse", "HEAD").strip()
    document = str(tmp_path / "TD.docx")

    code, _out, err = run_cli("apply", document, "--plan", str(repo / "plan"), "--base", base)
    assert code == 1
    assert 'action-items/AP1.8: error: not applied: the document adds it; create its file with ' \
           '`apdoc new action AP1.8 --name "Interlock"` and apply again' in err
    assert "has no place in the plan" not in err  # the item is named once, not its table cell by cell
    code, _out, err = run_cli("new", "action", "AP1.8", "--name", "Interlock", "--plan", str(repo / "plan"))
    assert code == 0, err
    code, out, err = run_cli("apply", document, "--plan", str(repo / "plan"), "--base", base)
    assert (code, err) == (0, ""), out + err
    assert (repo / "plan/action-items/AP1.8.yaml").read_text() == item.read_text()


def test_a_conflict_shows_where_the_values_part_and_nothing_for_a_removed_one() -> None:
    from apdoc.commands.not_applied import differing
    from apdoc.plan.merge3 import ABSENT

    table = {"key_outcomes": "Identified list of value propositions", "enablers": "a b"}
    shown = differing(table, ABSENT, {**table, "enablers": "a c"})
    assert shown == ["“…value propositions; enablers: a b”", "nothing", "“…value propositions; enablers: a c”"]
    long = ["As a starting point, this document considers the following items of the Terms", "one two"]
    assert differing(long, [long[0], "one three"], [long[0], "one four"]) == [
        "“…the Terms ¶ one two”", "“…the Terms ¶ one three”", "“…the Terms ¶ one four”"]
