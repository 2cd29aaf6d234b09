"""Edits that must land, and `apply`'s report of them: a short name edited in its table's caption
only, the line of each change the same as its `wrote` line (one per value written), an empty
list item a word processor leaves in a new matrix row left out with a note."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from apply_edits import Docx, W, insert_row_after, paragraph_with, replace_words, set_cell_text
from conftest import run_cli


def edited(td: bytes, *steps: Callable[[Docx], object]) -> bytes:
    doc = Docx(td)
    for step in steps:
        step(doc)
    return doc.data()


def apply(tmp_path: Path, data: bytes, plan: Path, *options: str) -> tuple[int, str, str]:
    document = tmp_path / "edited.docx"
    document.write_bytes(data)
    return run_cli("apply", str(document), "--plan", str(plan), *options)


def caption_edit(doc: Docx) -> None:
    replace_words(doc.xml(), "Action plan on “Lack of awareness”", "Lack of awareness", "Unawareness of standards")


def test_a_short_name_edited_in_the_caption_only_lands_in_the_plan(td: bytes, seed: Path, tmp_path: Path) -> None:
    code, out, err = apply(tmp_path, edited(td, caption_edit), seed)
    assert (code, err) == (0, ""), out + err
    assert "no place in the plan" not in out + err
    text = (seed / "action-items/AP1.1.yaml").read_text()
    assert "short_name: Unawareness of standards\n" in text


def test_a_short_name_edited_in_the_cell_still_wins_over_an_unedited_caption(td: bytes, seed: Path,
                                                                             tmp_path: Path) -> None:
    def cell_edit(doc: Docx) -> None:
        cell = next(p for p in doc.xml().iter(W + "p") if "".join(p.itertext()) == "“Common vision and roles”")
        t = next(t for t in cell.iter(W + "t") if "Common vision" in (t.text or ""))
        t.text = t.text.replace("Common vision", "Shared vision")

    code, out, err = apply(tmp_path, edited(td, cell_edit), seed)
    assert (code, err) == (0, ""), out + err
    assert "short_name: Shared vision and roles\n" in (seed / "action-items/AP1.2.yaml").read_text()


# --- the lines printed ---------------------------------------------------------------------------


def two_values(doc: Docx) -> None:
    replace_words(doc.xml(), "Identified list of value propositions", "enhance", "raise")
    replace_words(doc.xml(), "an increase in participation in the work of the SGs", "increase", "rise")


def new_row(doc: Docx) -> None:
    row = insert_row_after(doc.xml(), "Better define the role of ITU-T in AI", "32")
    set_cell_text(row, 1, "in AI", "in quantum computing")


def list_item(doc: Docx) -> None:
    replace_words(doc.xml(), "More recommendations that prove valuable", "valuable", "useful")


def located(out: str) -> list[tuple[str, int]]:
    return [(m.group(1), int(m.group(2))) for m in re.finditer(r"^  .* \((\S+):(\d+)\)$", out, re.M)]


def wrote(out: str) -> list[tuple[str, int]]:
    return [(m.group(1), int(m.group(2))) for m in re.finditer(r"^wrote (\S+):(\d+)$", out, re.M)]


@pytest.mark.parametrize("make", [two_values, new_row, list_item], ids=["two-values-one-file", "new-row", "list-item"])
def test_each_change_and_its_wrote_line_name_the_same_line_which_holds_the_new_value(
        td: bytes, seed: Path, tmp_path: Path, make: Callable[[Docx], None]) -> None:
    before = {p: p.read_text().split("\n") for p in seed.rglob("*.yaml")}
    code, out, err = apply(tmp_path, edited(td, make), seed)
    assert (code, err) == (0, ""), out + err
    changes, written = located(out), wrote(out)
    assert changes and sorted(set(changes)) == written, out
    for path, line in written:
        new = Path(path).read_text().split("\n")
        assert new[line - 1].strip() and new[line - 1] not in before[Path(path)], (path, line, new[line - 1])


def test_two_values_changed_in_one_file_print_a_wrote_line_each(td: bytes, seed: Path, tmp_path: Path) -> None:
    code, out, _err = apply(tmp_path, edited(td, two_values), seed)
    assert code == 0
    assert [Path(path).name for path, _ in wrote(out)] == ["AP1.3.yaml", "AP1.3.yaml"]


# --- an empty list item ---------------------------------------------------------------------------


def row_with_an_empty_numbered_action(doc: Docx) -> None:
    """A row added as LibreOffice adds one under a numbered cell: the numbering copied into the new
    row's Proposed Action cell, with no text."""
    row = insert_row_after(doc.xml(), "Better define the role of ITU-T in AI", "32", tracked=False)
    set_cell_text(row, 1, "in AI", "in quantum computing")
    numbered = copy.deepcopy(paragraph_with(doc.xml(), "(CSP-market restricted) Research the best ways"))
    for child in [c for c in numbered if c.tag != W + "pPr"]:
        numbered.remove(child)
    actions = row.findall(W + "tc")[-4]
    for paragraph in actions.findall(W + "p"):
        actions.remove(paragraph)
    actions.append(numbered)


def test_an_empty_numbered_item_in_a_new_row_is_left_out_with_a_note(td: bytes, seed: Path, tmp_path: Path) -> None:
    code, out, err = apply(tmp_path, edited(td, row_with_an_empty_numbered_action), seed)
    assert code == 0, out + err
    text = (seed / "chapters/08-considerations.yaml").read_text()
    assert "point: Better define the role of ITU-T in quantum computing" in text
    assert 'proposed_actions: [""]' not in text and '- ""' not in text
    row = text.split('number: "32"', 1)[1].split("- number:", 1)[0]
    assert "proposed_actions" not in row
    assert "1 empty list item (a number or bullet with no text): left out" in out + err
