"""Three-way merge of plan values (apply's core): one side's change taken, both sides' changes
kept apart, a clash reported and ours kept."""

from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st

from apdoc.plan.merge3 import ABSENT, merge3
from conftest import SEED_PLAN


def test_change_on_one_side_is_taken() -> None:
    base = {"title": "Intro", "content": ["a", "b"]}
    assert merge3(base, base, {"title": "Introduction", "content": ["a", "b"]}).value["title"] == "Introduction"
    assert merge3(base, {"title": "Ours", "content": ["a", "b"]}, base).value["title"] == "Ours"


def test_words_edited_apart_in_one_text_merge() -> None:
    base = {"p": "one two three four five"}
    merged = merge3(base, {"p": "ONE two three four five"}, {"p": "one two three four FIVE"})
    assert merged.value == {"p": "ONE two three four FIVE"}
    assert merged.conflicts == []
    assert merged.applied == [("p",)]


def test_same_words_edited_differently_is_a_conflict_and_ours_stays() -> None:
    base = {"p": "one two three", "q": "x"}
    merged = merge3(base, {"p": "one TOO three", "q": "x"}, {"p": "one TWO three", "q": "y"})
    assert merged.value == {"p": "one TOO three", "q": "y"}
    [conflict] = merged.conflicts
    assert (conflict.path, conflict.ours, conflict.theirs) == (("p",), "one TOO three", "one TWO three")


def test_rows_with_numbers_merge_by_number() -> None:
    rows = [{"number": "01", "point": "a"}, {"number": "02", "point": "b"}]
    ours = [{"number": "01", "point": "a"}, {"number": "02", "point": "b"}, {"number": "03", "point": "pr"}]
    theirs = [{"number": "01", "point": "A"}, {"number": "04", "point": "meeting"}, {"number": "02", "point": "b"}]
    merged = merge3({"rows": rows}, {"rows": ours}, {"rows": theirs})
    assert [r["number"] for r in merged.value["rows"]] == ["01", "04", "02", "03"]
    assert merged.value["rows"][0]["point"] == "A"
    assert merged.conflicts == []


def test_row_deleted_in_document_and_edited_on_disk_is_a_conflict() -> None:
    base = [{"number": "01", "point": "a"}, {"number": "02", "point": "b"}]
    ours = [{"number": "01", "point": "a"}, {"number": "02", "point": "b edited"}]
    theirs = [{"number": "01", "point": "a"}]
    merged = merge3(base, ours, theirs)
    assert merged.value == ours
    assert [c.path for c in merged.conflicts] == [("02",)]


def test_paragraphs_inserted_and_edited_apart() -> None:
    base = ["p1", "p2", "p3"]
    merged = merge3(base, ["p1", "p2 ours", "p3"], ["p0", "p1", "p2", "p3", "p4"])
    assert merged.value == ["p0", "p1", "p2 ours", "p3", "p4"]


def test_key_removed_in_document_is_removed() -> None:
    merged = merge3({"a": "1", "b": "2"}, {"a": "ours", "b": "2"}, {"a": "1"})
    assert merged.value == {"a": "ours"}
    assert merged.applied == [("b",)]


texts = st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=6)


@given(texts, texts)
def test_one_sided_changes_always_win(base: list[str], theirs: list[str]) -> None:
    assert merge3(base, base, theirs).value == theirs
    assert merge3(base, theirs, base).value == theirs
    assert merge3(base, theirs, theirs).conflicts == []


def test_one_side_deleting_an_item_and_the_other_editing_the_next_both_apply() -> None:
    """Adjacent changes to a list (a chapter's paragraphs) are matched item by item by their words:
    two changes, not one clash on the whole list."""
    base = ["first paragraph here", "second paragraph goes", "third one stays on"]
    ours = ["first paragraph here", "third one stays on"]
    theirs = ["first paragraph here now", "second paragraph goes", "third one stays on, edited", "a new fourth"]
    merged = merge3({"c": base}, {"c": ours}, {"c": theirs})
    assert merged.conflicts == []
    assert merged.value == {"c": ["first paragraph here now", "third one stays on, edited", "a new fourth"]}


def test_an_item_one_side_removed_and_the_other_edited_is_a_conflict() -> None:
    base = ["alpha beta gamma", "delta epsilon zeta"]
    merged = merge3({"c": base}, {"c": [base[1]]}, {"c": ["alpha beta gamma delta", base[1] + " eta"]})
    assert [(c.ours, c.theirs) for c in merged.conflicts] == [(ABSENT, "alpha beta gamma delta")]
    assert merged.value == {"c": [base[1] + " eta"]}  # the rest of theirs is taken


def test_a_row_one_side_removed_and_the_other_edited_is_a_conflict() -> None:
    rows = [{"number": "01", "point": "a"}, {"number": "02", "point": "b"}]
    merged = merge3({"rows": rows}, {"rows": rows[1:]}, {"rows": [{"number": "01", "point": "A"}, rows[1]]})
    assert [c.path for c in merged.conflicts] == [("rows", "01")]
    assert merged.value == {"rows": rows[1:]}


def test_a_bullet_deleted_and_the_next_edited_in_one_text_both_apply() -> None:
    """Chapter 1's first block: word by word, the deleted bullet's words and the edited one's meet
    (both start `To`); line by line they are two changes."""
    base = yaml.safe_load((SEED_PLAN / "chapters/01-introduction.yaml").read_text())["content"][0]
    ours = "".join(line for line in base.splitlines(keepends=True) if "To consider the issue" not in line)
    theirs = base.replace("To perform", "To carry out")
    merged = merge3({"p": base}, {"p": ours}, {"p": theirs})
    assert merged.conflicts == []
    assert merged.value == {"p": ours.replace("To perform", "To carry out")}
