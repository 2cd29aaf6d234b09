"""`apdoc apply`: a meeting's edits to a TD written back into the plan's YAML in place.

Golden edits are made at the XML level as Word writes them (tests/apply_edits.py) on a TD built
once per module from a copy of plan/; each is checked by the exact patch of the plan files it
gives (every other file byte for byte the same, comments kept). The real-editor tests let
LibreOffice make the edits (tests/lo_edit.py, over python3-uno)."""

from __future__ import annotations

import difflib
import io
import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from apply_edits import (
    Docx,
    add_comment,
    delete_paragraph_mark,
    insert_row_after,
    move_paragraph_before,
    replace_words,
    set_cell_text,
    set_field_result,
)
from conftest import SEED_PLAN, require_libreoffice, run_cli

KEY_OUTCOMES = "Identified list of value propositions"
FOOTNOTE_SIO = "Annex to Convention 1004"
OLD_KEY_OUTCOMES = "  key_outcomes: Identified list of value propositions to enhance value in the work of ITU-T."
NEW_KEY_OUTCOMES = "  key_outcomes: Identified list of value propositions to raise value in the work of ITU-T."
SIO_START = ("        Annex to Convention 1004: SIO - Any organization, other than a governmental establishment or "
             "agency, ")
SIO_END = ("the design or manufacture of equipment intended for telecommunication services. Other entities and "
           "organizations in accordance with Article 19 include financial or development institutions (No. 229), "
           "other entities dealing with telecommunication matters which are approved by the Member State concerned "
           "(No. 230).")
INDICATORS = [
    "    - the retention of industry representatives in the activities of ITU-T,",
    "    - an increase in participation in the work of the SGs, FGs, JCAs, etc.,",
]

Patch = dict[str, list[str]]


# --- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture(scope="module")
def td(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The seed TD, built once from a copy of plan/ (outside any git repository: it records the
    plan's digest and no commit)."""
    where = tmp_path_factory.mktemp("td")
    shutil.copytree(SEED_PLAN, where / "plan")
    code, _out, err = run_cli("build", "--plan", str(where / "plan"), "-o", str(where / "TD.docx"))
    assert code == 0, err
    return (where / "TD.docx").read_bytes()


def edited(td: bytes, *edits: Callable[[Docx], object]) -> bytes:
    doc = Docx(td)
    for make in edits:
        make(doc)
    return doc.data()


def without_carried_plan(doc: Docx) -> None:
    """The TD's custom properties without the plan it carries (apdoc-plan-base-NNN)."""
    root = doc.xml("docProps/custom.xml")
    for prop in [p for p in root if p.get("name", "").startswith("apdoc-plan-base-")]:
        root.remove(prop)


def snapshot(plan: Path) -> dict[str, bytes]:
    return {p.relative_to(plan).as_posix(): p.read_bytes() for p in sorted(plan.rglob("*")) if p.is_file()}


def patch(before: dict[str, bytes], plan: Path) -> Patch:
    """The unified diff (no context) of every plan file that changed, without its --- +++ lines."""
    after = snapshot(plan)
    assert sorted(after) == sorted(before), "apply added or removed a file"
    found: Patch = {}
    for name, old in before.items():
        if after[name] != old:
            lines = difflib.unified_diff(old.decode().splitlines(), after[name].decode().splitlines(), n=0,
                                         lineterm="")
            found[name] = list(lines)[2:]
    return found


def apply(tmp_path: Path, data: bytes, plan: Path, *options: str) -> tuple[int, str, str]:
    document = tmp_path / "edited.docx"
    document.write_bytes(data)
    return run_cli("apply", str(document), "--plan", str(plan), *options)


# Each golden edit: the edit made in the TD, and the patch it must give the plan.

def word_edit(doc: Docx) -> None:
    replace_words(doc.xml(), KEY_OUTCOMES, "enhance", "raise")


WORD_EDIT: Patch = {"action-items/AP1.3.yaml": ["@@ -9 +9 @@", "-" + OLD_KEY_OUTCOMES, "+" + NEW_KEY_OUTCOMES]}


def merged_bullets(doc: Docx) -> None:
    delete_paragraph_mark(doc.xml(), "the retention of industry representatives")


MERGED_BULLETS: Patch = {"action-items/AP1.3.yaml": [
    "@@ -11,2 +11 @@", "-" + INDICATORS[0], "-" + INDICATORS[1],
    "+" + INDICATORS[0] + INDICATORS[1].removeprefix("    - "),  # the mark is gone, no space added: as Word shows it
]}


def inserted_row(doc: Docx) -> None:
    row = insert_row_after(doc.xml(), "Better define the role of ITU-T in AI", "32")
    set_cell_text(row, 1, "in AI", "in quantum computing")


INSERTED_ROW: Patch = {"chapters/08-considerations.yaml": [  # a blank line apart, as the rows around it
    "@@ -249,0 +250,7 @@",
    '+  - number: "32"',
    "+    point: Better define the role of ITU-T in quantum computing",
    '+    sources: [K, "2", "3", R]',
    "+    proposed_actions: Investigate the best ways to clearly define the role of ITU-T in AI",
    "+    target_entities: [RG-IEM]",
    "+    target_documents: [AP1.5]",
    "+",
]}


def footnote_edit(doc: Docx) -> None:
    replace_words(doc.xml("word/footnotes.xml"), FOOTNOTE_SIO, "telecommunication problems", "ICT problems")


FOOTNOTE_EDIT: Patch = {"chapters/03-resolutions-and-articles.yaml": [
    "@@ -25 +25 @@",
    f"-{SIO_START}which is engaged in the study of telecommunication problems or in {SIO_END}",
    f"+{SIO_START}which is engaged in the study of ICT problems or in {SIO_END}",
]}


def moved_bullet(doc: Docx) -> None:
    move_paragraph_before(doc.xml(), "an increase in participation in the work", "the retention of industry")


MOVED_BULLET: Patch = {"action-items/AP1.3.yaml": [  # the two first bullets swap places
    "@@ -10,0 +11 @@", "+" + INDICATORS[1], "@@ -12 +12,0 @@", "-" + INDICATORS[1],
]}


# --- 1. golden edits, XML level ---------------------------------------------------------------


@pytest.mark.parametrize(("make", "golden", "summary"), [
    (word_edit, WORD_EDIT, "AP1.3 (Table 4) · Key Outcome(s): 1 word changed"),
    (inserted_row, INSERTED_ROW, "Consideration 32: added"),
    (footnote_edit, FOOTNOTE_EDIT, "Footnote sio: 1 word changed"),
    (moved_bullet, MOVED_BULLET, "AP1.3 (Table 4) · Key Outcome Indicator(s)"),
    (merged_bullets, MERGED_BULLETS, ""),
], ids=["word-in-field", "matrix-row", "footnote", "moved-bullet", "merged-bullets"])
def test_a_tracked_edit_gives_exactly_its_golden_patch(td: bytes, seed: Path, tmp_path: Path,
                                                     make: Callable[[Docx], None], golden: Patch,
                                                     summary: str) -> None:
    before = snapshot(seed)
    code, out, err = apply(tmp_path, edited(td, make), seed)
    assert (code, err) == (0, "")
    assert patch(before, seed) == golden
    assert "the edits since the plan as it is, which the TD was built from" in out
    assert summary in out
    (name,) = golden
    assert f"wrote {seed.name}/{name}:" in out.replace(str(seed.parent) + "/", "")


@pytest.mark.parametrize(("make", "golden"), [
    (word_edit, WORD_EDIT), (inserted_row, INSERTED_ROW), (footnote_edit, FOOTNOTE_EDIT),
], ids=["word-in-field", "matrix-row", "footnote"])
def test_each_change_is_printed_with_the_file_and_line_it_wrote(td: bytes, seed: Path, tmp_path: Path,
                                                                make: Callable[[Docx], None], golden: Patch) -> None:
    code, out, _err = apply(tmp_path, edited(td, make), seed)
    assert code == 0
    (name,) = golden
    (line,) = [line for line in out.splitlines() if line.startswith("  ")]
    where = line.rpartition(" (")[2].removesuffix(")")
    path, _, number = where.rpartition(":")
    assert Path(path).resolve() == (seed / name).resolve()
    written = (seed / name).read_text(encoding="utf-8").splitlines()[int(number) - 1]
    assert "+" + written in golden[name] and written.strip()  # the first line the change wrote


def test_the_blocks_compared_are_only_those_between_the_common_start_and_end(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A TD repeats texts (each action item table's labels): SequenceMatcher's time on them grows
    with the square of the repeats, so it is given only what lies between the equal ends."""
    from apdoc.commands import not_applied

    seen: list[tuple[int, int]] = []

    class Recording(difflib.SequenceMatcher):  # type: ignore[type-arg]
        def __init__(self, junk: object, a: list[str], b: list[str], autojunk: bool) -> None:
            seen.append((len(a), len(b)))
            super().__init__(junk, a, b, autojunk=autojunk)

    monkeypatch.setattr(not_applied.difflib, "SequenceMatcher", Recording)
    texts = ["Key Outcome(s)", "Enablers", "AP#"] * 3000
    edited_texts = [*texts[:4000], "a new paragraph", *texts[4000:]]
    assert not_applied._changed(edited_texts, texts) == {4000: None}  # added: nothing stands in its place
    assert not_applied._changed(texts, texts) == {}
    assert seen == [(1, 0)]


def test_merged_bullets_are_reported_as_a_change(td: bytes, seed: Path, tmp_path: Path) -> None:
    code, out, _err = apply(tmp_path, edited(td, merged_bullets), seed)
    assert code == 0
    assert "AP1.3 (Table 4) · Key Outcome Indicator(s)" in out


def test_all_golden_edits_at_once_give_the_union_of_their_patches(td: bytes, seed: Path, tmp_path: Path) -> None:
    before = snapshot(seed)
    data = edited(td, word_edit, inserted_row, footnote_edit, moved_bullet)
    code, _out, err = apply(tmp_path, data, seed)
    assert (code, err) == (0, "")
    both_ap13 = [*WORD_EDIT["action-items/AP1.3.yaml"], *MOVED_BULLET["action-items/AP1.3.yaml"]]
    assert patch(before, seed) == {**INSERTED_ROW, **FOOTNOTE_EDIT, "action-items/AP1.3.yaml": both_ap13}


def test_comments_in_an_edited_file_are_kept(td: bytes, seed: Path, tmp_path: Path) -> None:
    path = seed / "action-items/AP1.3.yaml"
    comments = [line for line in path.read_text().splitlines() if line.lstrip().startswith("#")]
    assert len(comments) >= 3  # the modeline and the comment on the table's objective
    apply(tmp_path, edited(td, word_edit, moved_bullet), seed)
    assert [line for line in path.read_text().splitlines() if line.lstrip().startswith("#")] == comments


def commented(doc: Docx) -> None:
    add_comment(doc, KEY_OUTCOMES, "Check the wording with TSB")


def test_a_word_comment_is_kept_in_comments_yaml_not_in_the_plans_values(td: bytes, seed: Path,
                                                                         tmp_path: Path) -> None:
    """A comment is no plan value: the edit is applied as without it, and the thread is recorded in
    plan/comments.yaml (tests/test_comments.py), the plan's other files untouched by it."""
    before = snapshot(seed)
    code, out, err = apply(tmp_path, edited(td, commented, word_edit), seed)
    assert (code, err) == (0, "")
    assert "comment added: ap-AP1.3-key_outcomes-p0 “Identified list of value propositions to raise …” " \
           "by Meeting" in out
    comments = (seed / "comments.yaml").read_text()
    (seed / "comments.yaml").unlink()
    assert patch(before, seed) == WORD_EDIT
    assert "text: Check the wording with TSB" in comments
    assert "Check the wording" not in "".join(p.read_text() for p in seed.rglob("*.yaml"))


def test_a_moved_bullet_is_read_once(td: bytes, seed: Path, tmp_path: Path) -> None:
    apply(tmp_path, edited(td, moved_bullet), seed)
    text = (seed / "action-items/AP1.3.yaml").read_text()
    for line in INDICATORS:
        assert text.count(line) == 1
    assert '- ""' not in text


def test_an_untracked_edit_takes_its_base_from_the_recorded_digest(td: bytes, seed: Path, tmp_path: Path) -> None:
    before = snapshot(seed)
    data = edited(td, lambda doc: replace_words(doc.xml(), KEY_OUTCOMES, "enhance", "raise", tracked=False))
    code, out, err = apply(tmp_path, data, seed)
    assert (code, err) == (0, "")
    assert "the edits since the plan as it is, which the TD was built from" in out
    assert patch(before, seed) == WORD_EDIT


def test_an_untracked_edit_onto_a_plan_with_new_comments_applies_and_keeps_them(td: bytes, seed: Path,
                                                                             tmp_path: Path) -> None:
    """The recorded digest is of the plan's values: a comment added since the build changes none."""
    path = seed / "action-items/AP1.3.yaml"
    path.write_text(path.read_text().replace("  key_outcomes:", "  # reviewed at the meeting\n  key_outcomes:"))
    before = snapshot(seed)
    data = edited(td, lambda doc: replace_words(doc.xml(), KEY_OUTCOMES, "enhance", "raise", tracked=False))
    code, out, err = apply(tmp_path, data, seed)
    assert (code, err) == (0, "")
    assert "the plan as it is, which the TD was built from" in out
    assert patch(before, seed) == {"action-items/AP1.3.yaml": ["@@ -10 +10 @@", "-" + OLD_KEY_OUTCOMES,
                                                               "+" + NEW_KEY_OUTCOMES]}
    assert "  # reviewed at the meeting\n" + NEW_KEY_OUTCOMES in path.read_text()


def test_an_untracked_edit_with_no_base_to_find_is_an_error_and_writes_nothing(td: bytes, seed: Path,
                                                                               tmp_path: Path) -> None:
    """The plan changed since the build and is not in git: no digest, no commit, no marks to reject,
    and the plan the TD carries taken out of it (tests/test_carried_base.py: with it, it applies)."""
    path = seed / "action-items/AP1.yaml"  # a value, not a comment: the digest is of the plan's values
    path.write_text(path.read_text().replace("a full range of measures", "a wide range of measures"))
    before = snapshot(seed)
    data = edited(td, lambda doc: replace_words(doc.xml(), KEY_OUTCOMES, "enhance", "raise", tracked=False),
                  without_carried_plan)
    code, _out, err = apply(tmp_path, data, seed)
    assert code == 1
    assert "edited.docx: error: cannot tell what the TD said before it was edited" in err
    assert "--base REF" in err
    assert patch(before, seed) == {}


# --- 2. conflicts --------------------------------------------------------------------------


def test_a_field_changed_in_both_is_a_conflict_at_its_line_and_is_not_written(td: bytes, seed: Path,
                                                                             tmp_path: Path) -> None:
    path = seed / "action-items/AP1.3.yaml"
    path.write_text(path.read_text().replace("to enhance value in", "to increase value in"))
    before = snapshot(seed)
    code, out, err = apply(tmp_path, edited(td, word_edit, footnote_edit, without_carried_plan), seed)
    assert code == 1
    assert "the TD with the meeting's tracked changes rejected" in out
    assert f"{seed.name}/action-items/AP1.3.yaml:9:17: error: conflict: action-items · AP1.3 · table · " \
           "key_outcomes: the document has “…of value propositions to raise value in the work…”" in err
    assert "the plan now has “…of value propositions to increase value in the work…”" in err
    assert "(both changed “…of value propositions to enhance value in the work…”)" in err
    assert patch(before, seed) == FOOTNOTE_EDIT  # the other edit is applied, the conflicting field kept


def test_a_change_elsewhere_in_the_plan_merges_cleanly(td: bytes, seed: Path, tmp_path: Path) -> None:
    path = seed / "action-items/AP1.3.yaml"
    old_objective = "  objective: Identify the value propositions to enhance"
    path.write_text(path.read_text().replace(old_objective, old_objective.replace("Identify", "Find")))
    before = snapshot(seed)
    code, _out, err = apply(tmp_path, edited(td, word_edit), seed)
    assert (code, err) == (0, "")
    assert patch(before, seed) == WORD_EDIT
    assert "  objective: Find the value propositions" in path.read_text()


def test_a_build_with_compare_to_keeps_its_own_marks_as_base(tmp_path: Path) -> None:
    """A TD built with --compare-to holds the build's marks (by the author and date it records)
    and the meeting's: only the meeting's are applied, the build's are part of the base."""
    earlier, now = tmp_path / "earlier", tmp_path / "now"
    shutil.copytree(SEED_PLAN, earlier)
    shutil.copytree(SEED_PLAN, now)
    statement = now / "action-items/AP1.3.yaml"
    statement.write_text(statement.read_text().replace("propositions to enhance participation",
                                                       "propositions to strengthen participation", 1))
    code, _out, err = run_cli("build", "--plan", str(now), "--compare-to", str(earlier), "--author", "Builder",
                              "--date", "2026-11-01", "-o", str(tmp_path / "marked.docx"))
    assert code == 0, err
    marked = (tmp_path / "marked.docx").read_bytes()
    assert b'w:author="Builder"' in Docx(marked).parts["word/document.xml"]  # the build's own marks are there
    root_item = now / "action-items/AP1.yaml"  # the plan moved on: its digest is not the TD's, no git
    root_item.write_text(root_item.read_text().replace("a full range of measures", "a wide range of measures"))
    before = snapshot(now)
    code, out, err = apply(tmp_path, edited(marked, word_edit, without_carried_plan), now)
    assert (code, err) == (0, "")
    assert "the TD with the meeting's tracked changes rejected" in out
    assert patch(before, now) == WORD_EDIT


def test_files_are_written_all_or_none(td: bytes, seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from apdoc.commands import apply as command

    document = tmp_path / "edited.docx"
    document.write_bytes(edited(td, word_edit, footnote_edit, inserted_row))
    applied = command.apply_document(document, seed)
    assert len(applied.files) == 3
    before = snapshot(seed)
    order = list(applied.files)
    written: list[Path] = []
    real_write = command.write_atomic

    def failing_on_the_last(path: Path, data: bytes, **options: object) -> None:
        if path == order[-1]:
            raise OSError(28, "No space left on device")
        written.append(path)
        real_write(path, data, **options)

    monkeypatch.setattr(command, "write_atomic", failing_on_the_last)
    with pytest.raises(OSError):
        command.write_applied(applied)
    assert order[0] in written and order[1] in written  # two files were written before the failure
    assert patch(before, seed) == {}  # the two files written first are put back


def duplicate_row_number(doc: Docx) -> None:
    insert_row_after(doc.xml(), "Better define the role of ITU-T in AI", "24")


def test_an_edit_that_breaks_the_plan_is_an_error_and_nothing_is_written(td: bytes, seed: Path,
                                                                         tmp_path: Path) -> None:
    before = snapshot(seed)
    code, out, err = apply(tmp_path, edited(td, word_edit, duplicate_row_number), seed)
    assert code == 1
    assert "chapters/08-considerations.yaml: error: duplicate consideration number '24'" in err
    assert "(at line 250 as the document's edits would make the file; nothing written)" in err
    assert "wrote" not in out
    assert patch(before, seed) == {}


def test_an_edit_that_breaks_the_plan_names_the_plans_own_files(td: bytes, seed: Path, tmp_path: Path) -> None:
    code, _out, err = apply(tmp_path, edited(td, duplicate_row_number), seed)
    assert code == 1
    assert "apdoc-apply-" not in err
    assert f"also defined at {seed}/chapters/08-considerations.yaml:212" in err or \
           "also defined at plan/chapters/08-considerations.yaml:212" in err


# --- 3. a stale DOCX: built two commits ago -----------------------------------------------


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def stale(tmp_path: Path) -> tuple[Path, bytes, str]:
    """A git repository whose plan has moved on two commits since its TD was built: (plan, TD, the
    commit the TD was built from)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(SEED_PLAN, repo / "plan")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "plan")
    git(repo, "commit", "-q", "-m", "the plan at the build")
    built_from = git(repo, "rev-parse", "HEAD").strip()
    code, _out, err = run_cli("build", "--plan", str(repo / "plan"), "-o", str(tmp_path / "TD.docx"))
    assert code == 0, err
    ap13 = repo / "plan/action-items/AP1.3.yaml"
    ap13.write_text(ap13.read_text().replace("to enhance value in", "to increase value in"))
    git(repo, "commit", "-q", "-am", "after the build: AP1.3's key outcomes")
    ap15 = repo / "plan/action-items/AP1.5.yaml"
    ap15.write_text(ap15.read_text() + "# a second commit after the build\n")
    git(repo, "commit", "-q", "-am", "after the build: a comment in AP1.5")
    return repo / "plan", (tmp_path / "TD.docx").read_bytes(), built_from


def words_replaced(needle: str, old: str, new: str, part: str = "word/document.xml",
              tracked: bool = False) -> Callable[[Docx], None]:
    return lambda doc: replace_words(doc.xml(part), needle, old, new, tracked=tracked)


def test_a_stale_td_records_the_commit_it_was_built_from(stale: tuple[Path, bytes, str]) -> None:
    _plan, data, built_from = stale
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        custom = z.read("docProps/custom.xml").decode()
    assert f"<vt:lpwstr>{built_from}</vt:lpwstr>" in custom


def test_untracked_edits_on_a_stale_td_apply_where_they_do_not_overlap(stale: tuple[Path, bytes, str],
                                                                       tmp_path: Path) -> None:
    plan, data, built_from = stale
    before = snapshot(plan)
    data = edited(data, words_replaced(FOOTNOTE_SIO, "telecommunication problems", "ICT problems",
                                       "word/footnotes.xml"))
    code, out, err = apply(tmp_path, data, plan)
    assert (code, err) == (0, "")
    assert f"the plan at {built_from[:12]}, which the TD was built from" in out
    assert patch(before, plan) == FOOTNOTE_EDIT


@pytest.mark.parametrize("tracked", [False, True], ids=["untracked", "tracked"])
def test_edits_on_a_stale_td_conflict_where_they_overlap(stale: tuple[Path, bytes, str], tmp_path: Path,
                                                         tracked: bool) -> None:
    """The base is the plan at the recorded commit, whether or not the edits were tracked."""
    plan, data, built_from = stale
    before = snapshot(plan)
    data = edited(data, words_replaced(KEY_OUTCOMES, "enhance", "raise", tracked=tracked),
                  words_replaced(FOOTNOTE_SIO, "telecommunication problems", "ICT problems", "word/footnotes.xml",
                            tracked=tracked))
    code, out, err = apply(tmp_path, data, plan)
    assert code == 1
    assert f"the plan at {built_from[:12]}" in out
    assert "action-items/AP1.3.yaml:9:17: error: conflict: action-items · AP1.3 · table · key_outcomes" in err
    assert patch(before, plan) == FOOTNOTE_EDIT


def test_base_ref_names_the_plan_the_td_was_built_from(stale: tuple[Path, bytes, str], tmp_path: Path) -> None:
    plan, data, _built_from = stale
    before = snapshot(plan)
    code, out, err = apply(tmp_path, edited(data, words_replaced(KEY_OUTCOMES, "enhance", "raise")), plan,
                           "--base", "HEAD~2")
    assert code == 1
    assert "the plan at HEAD~2 (--base)" in out
    assert "conflict: action-items · AP1.3 · table · key_outcomes" in err
    assert patch(before, plan) == {}


# --- 4. options, exit codes, generated text ---------------------------------------------------


def test_dry_run_writes_nothing_and_says_what_it_would_change(td: bytes, seed: Path, tmp_path: Path) -> None:
    before = snapshot(seed)
    code, out, err = apply(tmp_path, edited(td, word_edit, footnote_edit), seed, "--dry-run")
    assert (code, err) == (0, "")
    assert patch(before, seed) == {}
    assert f"would change {seed.name}/action-items/AP1.3.yaml:9" in out.replace(str(seed.parent) + "/", "")
    assert "wrote" not in out


def test_an_unedited_td_has_nothing_to_apply(td: bytes, seed: Path, tmp_path: Path) -> None:
    before = snapshot(seed)
    code, out, err = apply(tmp_path, td, seed)
    assert (code, err) == (0, "")
    assert "nothing to apply" in out
    assert patch(before, seed) == {}


def test_an_unknown_option_is_a_usage_error(td: bytes, seed: Path, tmp_path: Path) -> None:
    before = snapshot(seed)
    code, _out, err = apply(tmp_path, edited(td, word_edit), seed, "--bogus")
    assert code == 2
    assert "No such option" in err
    assert patch(before, seed) == {}


def test_format_json_gives_parseable_output(td: bytes, seed: Path, tmp_path: Path) -> None:
    path = seed / "action-items/AP1.3.yaml"
    path.write_text(path.read_text().replace("to enhance value in", "to increase value in"))
    code, out, _err = apply(tmp_path, edited(td, word_edit), seed, "--format", "json")
    assert code == 1
    found = json.loads(out)
    assert "conflict" in json.dumps(found)


def test_format_json_reports_the_conflict_as_a_json_problem(td: bytes, seed: Path, tmp_path: Path) -> None:
    """What the JSON does hold today: the conflict, with its file, line and column."""
    path = seed / "action-items/AP1.3.yaml"
    path.write_text(path.read_text().replace("to enhance value in", "to increase value in"))
    code, out, _err = apply(tmp_path, edited(td, word_edit), seed, "--format", "json")
    assert code == 1
    (problem,) = json.loads(out)
    assert (problem["path"].endswith("plan/action-items/AP1.3.yaml"), problem["line"], problem["col"]) == (True, 9, 17)
    assert problem["severity"] == "error" and problem["message"].startswith("conflict: ")


def test_format_github_gives_an_annotation_per_conflict(td: bytes, seed: Path, tmp_path: Path) -> None:
    path = seed / "action-items/AP1.3.yaml"
    path.write_text(path.read_text().replace("to enhance value in", "to increase value in"))
    code, out, err = apply(tmp_path, edited(td, word_edit), seed, "--format", "github")
    assert code == 1
    assert "action-items/AP1.3.yaml,line=9,col=17::conflict: " in out + err


def test_an_edit_to_the_figure_number_is_reported_as_not_applied(td: bytes, seed: Path, tmp_path: Path) -> None:
    before = snapshot(seed)
    code, _out, err = apply(tmp_path, edited(td, lambda doc: set_field_result(doc.xml(), "SEQ Figure", 0, "7")), seed)
    assert code == 1
    assert "paragraph " in err and "not applied" in err
    assert patch(before, seed) == {}


def test_an_edit_to_a_table_number_is_reported_as_not_applied(td: bytes, seed: Path, tmp_path: Path) -> None:
    before = snapshot(seed)
    code, _out, err = apply(tmp_path, edited(td, lambda doc: set_field_result(doc.xml(), "SEQ Table", 3, "9")), seed)
    assert code == 1
    assert "paragraph " in err and "not applied" in err
    assert patch(before, seed) == {}


def tab_for_table(doc: Docx) -> None:
    replace_words(doc.xml(), "Definitions of the Principal components", "Table ", "Tab. ")


def test_an_edit_to_the_word_table_in_a_caption_is_reported_with_its_paragraph(td: bytes, seed: Path,
                                                                               tmp_path: Path) -> None:
    code, _out, err = apply(tmp_path, edited(td, tab_for_table), seed, "--dry-run")
    assert code == 1
    assert "edited.docx: warning: clause 2.3.1 “Structure of Strategic Plan for the Union 2024-2027”: “Tab. – " \
           "Definitions of the Principal components of strategic plan”: not applied" in err  # as Word shows it


def test_an_edit_to_the_word_table_in_a_caption_leaves_the_title_alone(td: bytes, seed: Path,
                                                                       tmp_path: Path) -> None:
    before = snapshot(seed)
    code, _out, _err = apply(tmp_path, edited(td, tab_for_table), seed)
    assert code == 1
    assert patch(before, seed) == {}


def test_an_edit_to_a_caption_that_is_the_image_of_one_field_goes_to_that_field(td: bytes, seed: Path,
                                                                               tmp_path: Path) -> None:
    before = snapshot(seed)
    data = edited(td, lambda doc: replace_words(doc.xml(), "The four pillars of the action plan and their",
                                                "four pillars", "4 pillars"))
    code, _out, err = apply(tmp_path, data, seed)
    assert (code, err) == (0, "")
    assert patch(before, seed) == {"chapters/02-rationale.yaml": [
        "@@ -21 +21 @@", "-          title: The four pillars of the action plan and their action items",
        "+          title: The 4 pillars of the action plan and their action items"]}


# --- 5. untrusted input ------------------------------------------------------------------------


def zip_without_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/styles.xml", "<styles/>")
    return out.getvalue()


@pytest.mark.parametrize(("data", "name", "why"), [
    (b"not a zip at all, just text\n", "edited.docx", "not a zip archive"),
    (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504, "edited.doc", "binary Word .doc file"),
    (zip_without_document(), "edited.docx", "word/document.xml"),
], ids=["not-a-zip", "binary-word-doc", "zip-without-document-xml"])
def test_a_document_that_is_not_a_docx_is_refused_and_nothing_is_written(seed: Path, tmp_path: Path, data: bytes,
                                                                          name: str, why: str) -> None:
    before = snapshot(seed)
    document = tmp_path / name
    document.write_bytes(data)
    code, out, err = run_cli("apply", str(document), "--plan", str(seed))
    assert code == 1
    assert f"{name}: error: " in err and why in err
    assert "wrote" not in out
    assert patch(before, seed) == {}


# --- 6. a real editor: LibreOffice with Record Changes on ------------------------------------


@pytest.fixture(scope="module")
def lo_edited(td: bytes, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The seed TD edited in LibreOffice (tests/lo_edit.py's `apply` edits) and saved as Word 2007 XML."""
    return edited_in_libreoffice(td, tmp_path_factory.mktemp("lo"), "apply")


def edited_in_libreoffice(td: bytes, where: Path, edits: str) -> bytes:
    """`td` after lo_edit.py's `edits`, made in LibreOffice with Record Changes on. These tests must
    run in CI: there a missing LibreOffice fails them instead of skipping."""
    require_libreoffice()
    (where / "TD.docx").write_bytes(td)
    subprocess.run(["/usr/bin/python3", str(Path(__file__).with_name("lo_edit.py")), str(where / "TD.docx"),
                    str(where / "edited.docx"), edits],
                   check=True, capture_output=True, timeout=300, cwd=Path(__file__).parent)
    return (where / "edited.docx").read_bytes()


CH3 = "chapters/03-resolutions-and-articles.yaml"
LO_CH3_REMOVED = [
    "-    - both developed and developing countries are in the focus of this action plan.",
    f"-{SIO_START}which is engaged in the study of telecommunication problems or in {SIO_END}",
]
LO_CH3_ADDED = [
    "+      - A paragraph typed at the meeting in chapter 3.",
    f"+{SIO_START}which is engaged in the study of ICT problems or in {SIO_END}",
]


def test_libreoffice_edits_come_into_the_yaml(lo_edited: bytes, seed: Path, tmp_path: Path) -> None:
    """Each of the four edits is in the plan: the word in AP1.3's field exactly as the golden
    patch, the footnote's two words, chapter 3's new paragraph and its deleted list item."""
    before = snapshot(seed)
    code, out, err = apply(tmp_path, lo_edited, seed)
    assert (code, err) == (0, ""), out + err
    found = patch(before, seed)
    assert found["action-items/AP1.3.yaml"] == WORD_EDIT["action-items/AP1.3.yaml"]
    for line in LO_CH3_REMOVED + LO_CH3_ADDED:
        assert line in found[CH3]


def test_libreoffice_edits_come_into_the_yaml_and_nothing_else(lo_edited: bytes, seed: Path,
                                                                tmp_path: Path) -> None:
    before = snapshot(seed)
    code, out, err = apply(tmp_path, lo_edited, seed)
    assert (code, err) == (0, ""), out + err
    found = patch(before, seed)
    assert sorted(found) == ["action-items/AP1.3.yaml", CH3]
    assert sorted(line for line in found[CH3] if line[:1] in "+-") == sorted(LO_CH3_REMOVED + LO_CH3_ADDED)


@pytest.fixture(scope="module")
def lo_resaved(td: bytes, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The seed TD opened in LibreOffice and saved again as Word 2007 XML, with no edit."""
    require_libreoffice(uno=False)
    where = tmp_path_factory.mktemp("lo-resaved")
    (where / "in").mkdir()
    (where / "in/TD.docx").write_bytes(td)
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{where / 'profile'}",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(where), str(where / "in/TD.docx")],
                   check=True, capture_output=True, timeout=300)
    return (where / "TD.docx").read_bytes()


def test_a_td_resaved_by_libreoffice_without_edits_has_nothing_to_apply(lo_resaved: bytes, seed: Path,
                                                                        tmp_path: Path) -> None:
    before = snapshot(seed)
    code, out, err = apply(tmp_path, lo_resaved, seed)
    assert (code, err) == (0, ""), out + err
    assert "nothing to apply" in out
    assert patch(before, seed) == {}


@pytest.fixture(scope="module")
def lo_row_added(td: bytes, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The seed TD with a matrix row added in LibreOffice, Record Changes on (lo_edit.py's `row`)."""
    return edited_in_libreoffice(td, tmp_path_factory.mktemp("lo-row"), "row")


def test_a_matrix_row_added_in_libreoffice_comes_into_the_yaml(lo_row_added: bytes, seed: Path,
                                                               tmp_path: Path) -> None:
    before = snapshot(seed)
    code, out, err = apply(tmp_path, lo_row_added, seed)
    assert (code, err) == (0, ""), out + err
    assert "Consideration 32: added" in out
    assert patch(before, seed) == {"chapters/08-considerations.yaml": [
        "@@ -249,0 +250,7 @@",
        '+  - number: "32"',
        "+    point: Better define the role of ITU-T in quantum computing",
        '+    sources: ["1"]',
        "+    proposed_actions: Investigate quantum computing",
        "+    target_entities: [RG-IEM]",
        "+    comments: A row added at the meeting",
        "+",
    ]}
