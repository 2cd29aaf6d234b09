"""`apdoc apply` of a contribution: a DOCX holding part of the TD, cut from the built TD.

Members send one action item's table, a few rows of the matrix, one chapter — with the TD's
bookmarks, or pasted into a new document without them. Each is made here by cutting the built
TD's document.xml (lxml): what the contribution holds is applied; what it does not hold is
neither removed nor reported; the plan files it does not touch stay byte for byte."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from apply_edits import Docx, W, replace_words
from conftest import require_libreoffice, run_cli

EMPTY_PROPERTIES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.'
                    b'openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.'
                    b'openxmlformats.org/officeDocument/2006/docPropsVTypes"/>')


def _text(element: etree._Element) -> str:
    return "".join(element.itertext())


def body_between(first: str, last: str, *more: str) -> Callable[[Docx], None]:
    """Keep the body's blocks from the one whose text starts with `first` to the one whose text
    starts with `last`, both included (and more such pairs; and the section properties): the
    rest is cut away."""
    bounds = [first, last, *more]

    def cut(doc: Docx) -> None:
        body = doc.xml().find(W + "body")
        blocks = [b for b in body if b.tag != W + "sectPr"]
        kept: set[int] = set()
        for start_text, end_text in zip(bounds[::2], bounds[1::2], strict=True):
            start = next(n for n, b in enumerate(blocks) if _text(b).startswith(start_text))
            end = next(n for n, b in enumerate(blocks) if n >= start and _text(b).startswith(end_text))
            kept |= set(range(start, end + 1))
        for n, block in enumerate(blocks):
            if n not in kept:
                body.remove(block)
    return cut


def matrix_rows(*numbers: str) -> Callable[[Docx], None]:
    """Only the consideration matrix, with its two header rows and the rows numbered `numbers`."""
    def cut(doc: Docx) -> None:
        body = doc.xml().find(W + "body")
        for block in [b for b in body if b.tag != W + "sectPr"]:
            if not (block.tag == W + "tbl" and _text(block).startswith("#Point for consideration")):
                body.remove(block)
        table = body.find(W + "tbl")
        for row in table.findall(W + "tr")[2:]:
            first = row.find(W + "tc")
            if _text(first).strip() not in numbers:
                table.remove(row)
    return cut


def pasted(doc: Docx) -> None:
    """Pasted into a new document: no bookmarks, no custom properties of the TD's."""
    for mark in list(doc.xml().iter(W + "bookmarkStart", W + "bookmarkEnd")):
        mark.getparent().remove(mark)
    doc.parts["docProps/custom.xml"] = EMPTY_PROPERTIES


def word(needle: str, old: str, new: str, tracked: bool = False) -> Callable[[Docx], None]:
    return lambda doc: replace_words(doc.xml(), needle, old, new, tracked=tracked)


def contribution(td: bytes, *steps: Callable[[Docx], None]) -> bytes:
    doc = Docx(td)
    for step in steps:
        step(doc)
    return doc.data()


def snapshot(plan: Path) -> dict[str, bytes]:
    return {p.relative_to(plan).as_posix(): p.read_bytes() for p in sorted(plan.rglob("*")) if p.is_file()}


def changed(before: dict[str, bytes], plan: Path) -> dict[str, list[tuple[str, str]]]:
    """file → its (old line, new line) pairs that differ, for every file that changed."""
    after = snapshot(plan)
    assert sorted(after) == sorted(before), "apply added or removed a file"
    out = {}
    for name, old in before.items():
        if after[name] != old:
            old_lines, new_lines = old.decode().split("\n"), after[name].decode().split("\n")
            out[name] = [(a, b) for a, b in zip(old_lines, new_lines, strict=False) if a != b]
    return out


def apply(tmp_path: Path, data: bytes, plan: Path, *options: str) -> tuple[int, str, str]:
    document = tmp_path / "contribution.docx"
    document.write_bytes(data)
    return run_cli("apply", str(document), "--plan", str(plan), *options)


TABLE_3 = body_between("Table  SEQ Table \\* ARABIC 3 ", "AP#AP1.2")
KEY_OUTCOME = ("The ITU-T is equipped with a clearly spellable", "common vision", "shared vision")
INTRODUCTION = body_between("Introduction", "This action plan was developed")
MANDATE = ("To perform a review of the CxO/CTO coordination process", "review", "revision")


# --- what it holds is applied, nothing else ------------------------------------------------------


@pytest.mark.parametrize("tracked", [False, True])
def test_one_action_item_table_applies_its_edit_and_nothing_else(td: bytes, seed: Path, tmp_path: Path,
                                                                 tracked: bool) -> None:
    before = snapshot(seed)
    code, out, err = apply(tmp_path, contribution(td, TABLE_3, word(*KEY_OUTCOME, tracked=tracked)), seed)
    assert code == 0, out + err
    assert "it holds AP1.2 table" in out
    assert "removes it" not in out + err and "Cover" not in out
    found = changed(before, seed)
    assert list(found) == ["action-items/AP1.2.yaml"]  # document.yaml above all: never rewritten
    [(old, new)] = found["action-items/AP1.2.yaml"]
    assert "common vision" in old and new == old.replace("common vision", "shared vision")


def test_an_edited_objective_in_a_table_alone_becomes_the_tables_objective(td: bytes, seed: Path,
                                                                          tmp_path: Path) -> None:
    """The objective cell shows the statement by default; edited, it is the table's own objective
    (what the same edit in the whole TD gives), and the statement stays."""
    before = snapshot(seed)
    edit = word("Identify how ITU-T can achieve a common vision", "common vision", "shared vision")
    code, out, err = apply(tmp_path, contribution(td, TABLE_3, edit), seed)
    assert code == 0, out + err
    text = (seed / "action-items/AP1.2.yaml").read_text()
    assert "  objective: Identify how ITU-T can achieve a shared vision" in text
    assert "statement: Identify how ITU-T can achieve a common vision" in text
    assert list(changed(before, seed)) == ["action-items/AP1.2.yaml"]


def test_an_unedited_table_of_an_item_with_sub_items_has_nothing_to_apply(td: bytes, seed: Path,
                                                                         tmp_path: Path) -> None:
    before = snapshot(seed)
    table_2 = body_between("Table  SEQ Table \\* ARABIC 2 ", "AP#AP1.1")
    code, out, err = apply(tmp_path, contribution(td, table_2), seed)
    assert code == 0, out + err
    assert "nothing to apply" in out and "it holds AP1.1 table" in out
    assert snapshot(seed) == before


def test_some_matrix_rows_apply_their_edit_and_leave_the_other_rows(td: bytes, seed: Path, tmp_path: Path) -> None:
    before = snapshot(seed)
    edit = word("It is often too easy to start new work items", "too easy", "far too easy")
    code, out, err = apply(tmp_path, contribution(td, matrix_rows("03", "04", "05"), edit), seed)
    assert code == 0, out + err
    assert "it holds matrix rows 03–05" in out
    assert changed(before, seed) == {"chapters/08-considerations.yaml": [
        ("    point: It is often too easy to start new work items",
         "    point: It is often far too easy to start new work items")]}


def test_one_chapter_applies_its_edit_and_leaves_the_others(td: bytes, seed: Path, tmp_path: Path) -> None:
    before = snapshot(seed)
    code, out, err = apply(tmp_path, contribution(td, INTRODUCTION, word(*MANDATE)), seed)
    assert code == 0, out + err
    assert "it holds chapter introduction" in out
    found = changed(before, seed)
    assert list(found) == ["chapters/01-introduction.yaml"]
    assert all(new == old.replace("review", "revision", 1) for old, new in found["chapters/01-introduction.yaml"])


@pytest.mark.parametrize(("cut", "edit", "file"), [
    (TABLE_3, KEY_OUTCOME, "action-items/AP1.2.yaml"),
    (INTRODUCTION, MANDATE, "chapters/01-introduction.yaml"),
    (matrix_rows("04", "05"), ("It is often too easy", "too easy", "far too easy"), "chapters/08-considerations.yaml"),
])
def test_a_contribution_pasted_without_bookmarks_applies_its_tracked_edit(td: bytes, seed: Path, tmp_path: Path,
                                                                         cut: Callable[[Docx], None],
                                                                         edit: tuple[str, str, str],
                                                                         file: str) -> None:
    """No bookmarks, no properties: parts are known by their shape (a chapter by its title), the
    base is the contribution with its tracked changes rejected."""
    before = snapshot(seed)
    code, out, err = apply(tmp_path, contribution(td, cut, pasted, word(*edit, tracked=True)), seed)
    assert code == 0, out + err
    assert "removes it" not in out + err
    found = changed(before, seed)
    assert list(found) == [file]
    assert len(found[file]) == 1 and edit[2] in found[file][0][1]


def test_a_pasted_contribution_without_tracked_changes_applies_with_base(td: bytes, seed: Path,
                                                                        tmp_path: Path) -> None:
    before = snapshot(seed)
    pristine = tmp_path / "pristine"
    shutil.copytree(seed, pristine)
    code, out, err = apply(tmp_path, contribution(td, TABLE_3, pasted, word(*KEY_OUTCOME)), seed,
                           "--base", str(pristine))
    assert code == 0, out + err
    assert list(changed(before, seed)) == ["action-items/AP1.2.yaml"]


# --- removal stays explicit; a failure writes nothing ------------------------------------------


def test_a_chapter_removed_between_two_held_ones_is_reported_not_removed(td: bytes, seed: Path,
                                                                        tmp_path: Path) -> None:
    before = snapshot(seed)

    def drop_rationale(doc: Docx) -> None:
        body = doc.xml().find(W + "body")
        blocks = list(body)
        start = next(n for n, b in enumerate(blocks) if _text(b) == "Rationale")
        end = next(n for n, b in enumerate(blocks) if _text(b).startswith("Resolutions, articles"))
        for block in blocks[start:end]:
            body.remove(block)

    cut = body_between("Introduction", "both developed and developing countries")
    code, out, err = apply(tmp_path, contribution(td, cut, drop_rationale), seed)
    assert code == 1
    assert "chapters/rationale: error: not applied: the document removes it" in out + err
    assert "introduction: error" not in out + err and "action-plan" not in out + err
    assert snapshot(seed) == before


def test_a_failed_apply_of_a_contribution_writes_nothing(td: bytes, seed: Path, tmp_path: Path) -> None:
    """Two edits, one of which breaks the plan (a row's target an action item that does not
    exist): an error, and not even the good edit is written."""
    before = snapshot(seed)
    good = word("It is often too easy", "too easy", "far too easy")
    bad = word("Improve clarity for where industry can identify solutions", "Improve", "Improve")

    def unknown_target(doc: Docx) -> None:
        bad(doc)
        table = doc.xml().find(W + "body").find(W + "tbl")
        row = next(r for r in table.findall(W + "tr")[2:] if _text(r.find(W + "tc")).strip() == "03")
        target = row.findall(W + "tc")[-2]
        next(t for t in target.iter(W + "t") if "AP1.3" in (t.text or "")).text = "AP9.9"

    code, out, err = apply(tmp_path, contribution(td, matrix_rows("03", "05"), good, unknown_target), seed)
    assert code == 1
    assert "nothing written" in out + err
    assert snapshot(seed) == before


def test_a_table_that_is_not_the_cover_is_not_read_as_the_cover(td: bytes, seed: Path, tmp_path: Path) -> None:
    """A contribution opening with a plain table (Table 1, the principal components)."""
    before = snapshot(seed)
    cut = body_between("Table  SEQ Table \\* ARABIC 1 ", "Components of strategic plan",
                       "Table  SEQ Table \\* ARABIC 3 ", "AP#AP1.2")
    _code, out, err = apply(tmp_path, contribution(td, cut, word(*KEY_OUTCOME)), seed)
    assert "Cover" not in out and "document.yaml" not in out + err
    assert list(changed(before, seed)) == ["action-items/AP1.2.yaml"]


# --- made in LibreOffice -------------------------------------------------------------------------


def in_libreoffice(data: bytes, where: Path, edits: str) -> bytes:
    """`data` edited in LibreOffice (tests/lo_edit.py's `edits`, Record Changes on), saved as Word
    2007 XML. These tests run in CI: there a missing LibreOffice fails them."""
    require_libreoffice()
    system_python = Path("/usr/bin/python3")
    (where / "in.docx").write_bytes(data)
    subprocess.run([str(system_python), str(Path(__file__).with_name("lo_edit.py")), str(where / "in.docx"),
                    str(where / "out.docx"), edits], check=True, capture_output=True, timeout=300,
                   cwd=Path(__file__).parent)
    return (where / "out.docx").read_bytes()


@pytest.mark.parametrize("how", ["with-bookmarks", "pasted"])
def test_a_table_contribution_edited_in_libreoffice_applies_its_edit_only(td: bytes, seed: Path, tmp_path: Path,
                                                                          how: str) -> None:
    cut = contribution(td, TABLE_3) if how == "with-bookmarks" else contribution(td, TABLE_3, pasted)
    data = in_libreoffice(cut, tmp_path, "contribution")
    before = snapshot(seed)
    code, out, err = apply(tmp_path, data, seed)
    assert code == 0, out + err
    assert "it holds AP1.2 table" in out
    found = changed(before, seed)
    assert list(found) == ["action-items/AP1.2.yaml"]
    [(old, new)] = found["action-items/AP1.2.yaml"]
    assert new == old.replace("common vision", "shared vision")


def test_a_row_added_in_libreoffice_under_numbered_actions_has_no_empty_action(td: bytes, seed: Path,
                                                                              tmp_path: Path) -> None:
    data = in_libreoffice(td, tmp_path, "row-empty-action")
    code, out, err = apply(tmp_path, data, seed)
    assert code == 0, out + err
    text = (seed / "chapters/08-considerations.yaml").read_text()
    row = text.split('number: "32"', 1)[1].split("- number:", 1)[0]
    assert "point: Better define the role of ITU-T in quantum computing" in row
    assert "proposed_actions" not in row and '""' not in row
    assert "1 empty list item (a number or bullet with no text): left out" in out + err
    added = next(line for line in out.splitlines() if "Consideration 32: added" in line)
    assert added.rpartition(":")[2].rstrip(")") == out.rpartition("wrote ")[2].strip().rpartition(":")[2]


def test_a_cover_lacking_a_row_keeps_the_plans_value_for_it(td: bytes, seed: Path, tmp_path: Path) -> None:
    """The cover and chapter 1, the cover's Title row deleted: the title is not shown, so not
    replaced by a placeholder; the rest of the cover is the same, so document.yaml stays as it is."""
    def without_title_row(doc: Docx) -> None:
        cover = doc.xml().find(W + "body").find(W + "tbl")
        row = next(r for r in cover.iter(W + "tr") if _text(r).startswith("Title:"))
        row.getparent().remove(row)

    before = snapshot(seed)
    cut = body_between("INTERNATIONAL TELECOMMUNICATION UNION", "INTERNATIONAL TELECOMMUNICATION UNION",
                       "Introduction", "This action plan was developed")
    code, out, err = apply(tmp_path, contribution(td, cut, without_title_row, word(*MANDATE)), seed)
    assert code == 0, out + err
    assert "it holds the cover, chapter introduction" in out
    assert list(changed(before, seed)) == ["chapters/01-introduction.yaml"]


@pytest.mark.parametrize("how", ["with-bookmarks", "pasted"])
def test_one_clause_applies_its_edit_and_leaves_its_chapter(td: bytes, seed: Path, tmp_path: Path, how: str) -> None:
    """Clause 2.2 alone (its heading numbered, no chapter heading before it): its edit lands in its
    section of chapter 2; the other sections and the figure stay."""
    before = snapshot(seed)
    clause = body_between("Visualisation of the components", "These non-exhaustive")
    edit = word("These non-exhaustive and non-exclusive pillars", "main elements", "principal elements",
                tracked=how == "pasted")
    steps = [clause, edit] if how == "with-bookmarks" else [clause, pasted, edit]
    code, out, err = apply(tmp_path, contribution(td, *steps), seed)
    assert code == 0, out + err
    assert "it holds clause " in out
    found = changed(before, seed)
    assert list(found) == ["chapters/02-rationale.yaml"]
    assert [new for _old, new in found["chapters/02-rationale.yaml"]] == [
        "        These non-exhaustive and non-exclusive pillars will form the principal elements in RG-IEM’s "
        "deliverable(s), then for implementation and assessment."]
