"""Three-way merge of plan values (apply's core): one side's change taken, both sides' changes
kept apart, a clash reported and ours kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from apdoc.commands.merge3 import merge3


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
