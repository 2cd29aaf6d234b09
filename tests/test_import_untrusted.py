"""Untrusted Word files (issue 20): import's output folder, concurrent writers of a plan, text
that must stay literal on the way in, and what import writes validating.

Every DOCX is built here, from the seed's TD edited with lxml; every case ends in one clear
message and exit 1, or in a plan that validates.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.layout import render_html
from apdoc.plan import load_plan
from apply_edits import XML_SPACE, Docx, W, move_paragraph_before, paragraph_with, replace_words
from conftest import MINI_PLAN, SEED_PLAN, run_cli


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


# --- 4. one writer of a plan at a time: nothing another writer wrote is lost --------------------


KEY_OUTCOMES = "Identified list of value propositions"
RAISED = "value propositions to raise value"
INDICATOR = "an increase in participation in the work"


@pytest.fixture(scope="module")
def td_bytes(seed_docx: Path) -> bytes:
    return seed_docx.read_bytes()


def _edited(td: bytes, edit: Callable[[Docx], object]) -> bytes:
    doc = Docx(td)
    edit(doc)
    return doc.data()


def _raise_value(doc: Docx) -> None:
    replace_words(doc.xml(), KEY_OUTCOMES, "enhance", "raise")


def _move_indicator(doc: Docx) -> None:
    move_paragraph_before(doc.xml(), INDICATOR, "the retention of industry")


def test_a_plan_file_saved_while_apply_works_is_not_replaced(td_bytes: bytes, seed: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor saves AP1.3.yaml between apply's read and its write: apply refuses, the save stays."""
    import apdoc.commands.apply as apply_module

    target = seed / "action-items" / "AP1.3.yaml"
    saved = target.read_text(encoding="utf-8") + "# saved by an editor meanwhile\n"
    worked_out = apply_module.apply_document

    def and_an_editor_saves(*args: Any, **kwargs: Any) -> Any:
        applied = worked_out(*args, **kwargs)
        target.write_text(saved, encoding="utf-8")
        return applied

    monkeypatch.setattr(apply_module, "apply_document", and_an_editor_saves)
    (tmp_path / "edited.docx").write_bytes(_edited(td_bytes, _raise_value))
    code, _, err = run_cli("apply", str(tmp_path / "edited.docx"), "--plan", str(seed))
    assert code == 1
    assert "AP1.3.yaml: error: cannot write: it changed" in err, err
    assert target.read_text(encoding="utf-8") == saved


APPLY_AFTER_ITS_READ = """
import sys, time
from pathlib import Path
import apdoc.commands.apply as apply_module
from apdoc.cli import main

read_marker, go = Path(sys.argv[1]), Path(sys.argv[2])
worked_out = apply_module.apply_document

def then_pause(*args, **kwargs):
    applied = worked_out(*args, **kwargs)
    read_marker.touch()
    deadline = time.monotonic() + 120
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return applied

apply_module.apply_document = then_pause
sys.argv = ["apdoc", *sys.argv[3:]]
main()
"""


def _wait_for(path: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the first apply never read the plan"
        time.sleep(0.02)


def test_two_applies_at_once_both_land(td_bytes: bytes, seed: Path, tmp_path: Path) -> None:
    """Two real processes: the first has read the plan and not yet written when the second starts.
    The second waits for the first (saying so) and then merges onto what the first wrote."""
    first_td, second_td = tmp_path / "first.docx", tmp_path / "second.docx"
    first_td.write_bytes(_edited(td_bytes, _raise_value))
    second_td.write_bytes(_edited(td_bytes, _move_indicator))
    read_marker, go = tmp_path / "first-has-read", tmp_path / "go"
    first = subprocess.Popen([sys.executable, "-c", APPLY_AFTER_ITS_READ, str(read_marker), str(go),
                              "apply", str(first_td), "--plan", str(seed)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = None
    try:
        _wait_for(read_marker, first)
        second = subprocess.Popen([sys.executable, "-m", "apdoc", "apply", str(second_td), "--plan", str(seed)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert second.stderr is not None
        first_line = second.stderr.readline()  # the line saying it waits, or nothing once it has finished
        go.touch()
        _, first_err = first.communicate(timeout=120)
        _, second_err = second.communicate(timeout=120)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    assert first.returncode == 0, first_err
    assert second.returncode == 0, first_line + second_err
    text = (seed / "action-items" / "AP1.3.yaml").read_text(encoding="utf-8")
    assert RAISED in text  # the first's edit
    assert text.index(INDICATOR) < text.index("the retention of industry")  # and the second's
    assert "waiting for another apdoc command" in first_line
    assert load_plan(seed)


def test_a_lock_held_too_long_is_refused_with_a_message(seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    import apdoc.commands.lock as lock

    (seed / "chapters" / "01-introduction.yaml").write_text(
        (seed / "chapters" / "01-introduction.yaml").read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    before = _tree(seed)
    monkeypatch.setattr(lock, "WAIT", 0.3)
    holder = os.open(seed, os.O_RDONLY)  # another open of the folder: flock sees two holders
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        started = time.monotonic()
        code, _, err = run_cli("fmt", "--plan", str(seed))
        assert time.monotonic() - started < 10
    finally:
        os.close(holder)
    assert code == 1
    assert "waiting for another apdoc command" in err
    assert "has been writing this plan for 0.3 s or more; nothing was written" in err, err
    assert _tree(seed) == before
    code, _, err = run_cli("fmt", "--plan", str(seed))  # released with its holder
    assert code == 0, err
    assert _tree(seed) != before


def test_fmt_does_not_replace_a_file_saved_while_it_worked(seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import apdoc.commands.fmt as fmt

    target = seed / "chapters" / "01-introduction.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    saved = target.read_text(encoding="utf-8") + "# saved by an editor meanwhile\n"
    laid_out = fmt.format_file

    def and_an_editor_saves(path: Path, root: Path) -> Any:
        result = laid_out(path, root)
        if path == target:
            target.write_text(saved, encoding="utf-8")
        return result

    monkeypatch.setattr(fmt, "format_file", and_an_editor_saves)
    code, _, err = run_cli("fmt", "--plan", str(seed))
    assert code == 1
    assert "01-introduction.yaml: error: cannot write: it changed" in err, err
    assert target.read_text(encoding="utf-8") == saved


def test_new_does_not_replace_a_file_made_while_it_worked(seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import apdoc.commands.new as new

    target = seed / "action-items" / "AP1.8.yaml"
    made = "# made by someone else meanwhile\n"
    scaffold = new.action_item_text

    def and_someone_makes_it(*args: Any) -> str:
        target.write_text(made, encoding="utf-8")
        return scaffold(*args)

    monkeypatch.setattr(new, "action_item_text", and_someone_makes_it)
    code, _, err = run_cli("new", "action", "AP1.8", "--name", "Interlock", "--plan", str(seed))
    assert code == 1
    assert "AP1.8.yaml: error: cannot write: it changed" in err, err
    assert target.read_text(encoding="utf-8") == made


def test_the_lock_leaves_nothing_in_or_beside_the_plan(seed: Path) -> None:
    from apdoc.commands.lock import plan_lock

    names = sorted(p.name for p in seed.parent.rglob("*"))
    with plan_lock(seed):
        assert sorted(p.name for p in seed.parent.rglob("*")) == names
    assert sorted(p.name for p in seed.parent.rglob("*")) == names


# --- 5. text is literal on the way in: body, footnote, caption, cell and cover ------------------


@functools.cache
def mini_td() -> bytes:
    """The small plan's TD, built once (not a fixture: hypothesis would show its bytes)."""
    from apdoc.writers.docx import write_docx

    return write_docx(render_html(load_plan(MINI_PLAN)))


# Where the text goes: the part, and the words it is put in front of (their paragraph's own text).
PLACES = {
    "body": ("word/document.xml", "This plan covers AP1"),
    "footnote": ("word/footnotes.xml", "Nothing else is covered."),
    "caption": ("word/document.xml", "Terms used here"),
    "cell": ("word/document.xml", "The whole of it"),
    "cover": ("word/document.xml", "A small plan with other items"),
}
MARKDOWN_SYNTAX = [*list("[]()`*_\\<>!&#-+=~|.:^{}%$\"' "), "javascript:", "](", "[^", "__", "**", "1. ", "\n"]
HOSTILE = st.lists(st.one_of(st.sampled_from(MARKDOWN_SYNTAX), st.sampled_from(list("abxyz09é日")),
                             st.sampled_from(["\x7f", "\x85", "\u2028", "\x9f"])), min_size=1, max_size=12).map("".join)


def _with_text_before(td: bytes, place: str, text: str) -> bytes:
    part, words = PLACES[place]
    doc = Docx(td)
    holder = next(t for t in paragraph_with(doc.xml(part), words).iter(W + "t") if words.split()[0] in (t.text or ""))
    holder.text = holder.text.replace(words.split()[0], text + words.split()[0], 1)
    holder.set(XML_SPACE, "preserve")
    return doc.data()


def _shown(text: str) -> str:
    return " ".join(text.split())


def _may_refuse(text: str) -> bool:
    """Text a plan cannot hold: a character YAML cannot read, a link to another scheme, a citation
    of a reference the plan does not have, or (in a title, which the plan reads as it stands) `[^x]`."""
    from apdoc.links import markdown_links, url_problem
    from apdoc.plan.refs import CITATION
    from apdoc.plan.source import unreadable_character

    return (unreadable_character(text) is not None or "javascript:" in text or "[^" in text
            or CITATION.search(text) is not None or any(url_problem(url) for url in markdown_links(text)))


def _round_trips(td: bytes, place: str, text: str, tmp_path: Path) -> None:
    from apdoc.commands.import_td import import_plan
    from apdoc.diagnostics import PlanError

    docx = tmp_path / "TD.docx"
    docx.write_bytes(_with_text_before(td, place, text))
    out = tmp_path / "plan"
    shutil.rmtree(out, ignore_errors=True)
    try:
        import_plan(docx, out)
    except PlanError as exc:
        assert _may_refuse(text), exc.diagnostics
        for diagnostic in exc.diagnostics:  # named at the TD's paragraph, never at a plan that is not there
            assert diagnostic.path == str(docx) or diagnostic.path.endswith("TD.docx"), diagnostic
            assert "paragraph " in diagnostic.message, diagnostic
        assert not out.exists()
        return
    rendered = etree.fromstring(render_html(load_plan(out)).encode("utf-8"))
    assert _shown(text + PLACES[place][1]) in _shown("".join(rendered.itertext())), (place, text)


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("text", ["[link](javascript:alert(3))", "`", "__class__.__mro__[1]", "\x7f", "\x85",
                                  "<javascript:x>", "*a* ", "[^only]", "1. ", "\\", "&amp;"])
def test_hostile_text_at_the_start_of_each_place_is_literal(tmp_path: Path, place: str, text: str) -> None:
    _round_trips(mini_td(), place, text, tmp_path)


@pytest.mark.parametrize("place", PLACES)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE)
def test_any_text_in_each_place_is_literal_or_refused_at_its_paragraph(tmp_path: Path, place: str,
                                                                       text: str) -> None:
    _round_trips(mini_td(), place, text, tmp_path)


# --- 7. what import writes validates: nested tables, a matrix that lost a column -----------------


def _table_holding(root: etree._Element, words: str) -> etree._Element:
    return next(t for t in root.iter(W + "tbl") if words in "".join(t.itertext()) and not any(
        words in "".join(inner.itertext()) for inner in t.iter(W + "tbl") if inner is not t))


def _nested(depth: int) -> etree._Element:
    """A table of one cell holding a table of one cell… `depth` deep, as Word nests them."""
    inner = etree.Element(W + "p")
    etree.SubElement(etree.SubElement(inner, W + "r"), W + "t").text = "deepest"
    for _ in range(depth):
        table = etree.Element(W + "tbl")
        etree.SubElement(etree.SubElement(table, W + "tblGrid"), W + "gridCol", {W + "w": "2000"})
        cell = etree.SubElement(etree.SubElement(table, W + "tr"), W + "tc")
        cell.append(inner)
        etree.SubElement(cell, W + "p")  # a cell ends in a paragraph
        inner = table
    return inner


@pytest.mark.parametrize("depth", [1, 2, 80])
def test_tables_nested_in_a_cell_give_a_table_that_validates(tmp_path: Path, depth: int) -> None:
    doc = Docx(mini_td())
    cell = paragraph_with(doc.xml(), "The whole of it").getparent()
    cell.insert(cell.index(paragraph_with(doc.xml(), "The whole of it")) + 1, _nested(depth))
    (tmp_path / "TD.docx").write_bytes(doc.data())
    code, _, err = run_cli("import", str(tmp_path / "TD.docx"), "-o", str(tmp_path / "plan"))
    assert code == 0, err
    table = load_plan(tmp_path / "plan").chapters[0].model.content[1].table
    assert table.columns == ["Term", "Meaning", "Source"] and table.widths == [20, 50, 30]
    assert [row[0] for row in table.rows] == ["Plan", "Item"]  # the nested tables' rows are not the table's
    assert "deepest" in table.rows[0][1]  # their text is kept in the cell


def test_a_matrix_that_lost_its_last_column_keeps_its_rows_with_that_cell_empty(tmp_path: Path) -> None:
    doc = Docx(mini_td())
    matrix = _table_holding(doc.xml(), "Do the other thing")
    grid = matrix.find(W + "tblGrid")
    grid.remove(grid[-1])
    for row in matrix.iter(W + "tr"):
        row.remove(row.findall(W + "tc")[-1])
    (tmp_path / "TD.docx").write_bytes(doc.data())
    code, _, err = run_cli("import", str(tmp_path / "TD.docx"), "-o", str(tmp_path / "plan"))
    assert code == 0, err
    assert err.count("warning: a matrix row of") == 2, err
    rows = load_plan(tmp_path / "plan").chapters[1].model.considerations
    assert [(row.number, row.point, row.comments) for row in rows] == [
        ("3", "Do the first thing", ""), ("9", "Do the other thing", "")]
    assert rows[0].target_documents == ["AP1"]


def test_what_the_plan_cannot_hold_is_named_at_the_tds_paragraph_and_nothing_is_written(tmp_path: Path) -> None:
    """A caption citing a reference the TD does not have: the plan would not validate, so the
    import refuses at the caption's paragraph and writes nothing."""
    doc = _with_text_before(mini_td(), "caption", "[b-Nowhere] ")
    (tmp_path / "TD.docx").write_bytes(doc)
    code, _, err = run_cli("import", str(tmp_path / "TD.docx"), "-o", str(tmp_path / "plan"))
    assert code == 1
    assert "TD.docx: error: paragraph " in err and "[b-Nowhere]" in err and "nothing was written" in err, err
    assert not (tmp_path / "plan").exists()


def test_a_matrix_without_rows_is_left_out_with_a_warning(tmp_path: Path) -> None:
    doc = Docx(mini_td())
    matrix = _table_holding(doc.xml(), "Do the other thing")
    for row in matrix.findall(W + "tr")[2:]:
        matrix.remove(row)
    (tmp_path / "TD.docx").write_bytes(doc.data())
    code, _, err = run_cli("import", str(tmp_path / "TD.docx"), "-o", str(tmp_path / "plan"))
    assert code == 0, err
    assert "warning: a consideration matrix without rows: left out" in err
    assert {"insert": "considerations"} not in load_plan(tmp_path / "plan").chapters[1].source.data["content"]
