"""Editing a plan file in place: only the lines of changed values change; comments stay."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest

from apdoc.plan.folder import kind_of
from apdoc.plan.models import FILE_KINDS
from apdoc.plan.yaml_layout import format_tree, new_yaml, schema_line
from apdoc.plan.yamledit import plain, update

PLAN = Path(__file__).parent.parent / "plan"


def _edited(path: Path, change: Any) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    rt = new_yaml()
    data = rt.load(text)
    values = plain(data)
    change(values)
    update(data, values)
    kind = kind_of(path, PLAN)
    return text, format_tree(data, rt, FILE_KINDS[kind], schema_line(path, PLAN, kind))


def _changed_lines(old: str, new: str) -> list[str]:
    return [line for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def _matrix(values: dict[str, Any]) -> list[dict[str, Any]]:
    return values["considerations"]


def test_a_changed_value_changes_its_line_only() -> None:
    path = PLAN / "chapters" / "08-considerations.yaml"

    def change(values: dict[str, Any]) -> None:
        row = _matrix(values)[0]
        row["point"] = row["point"] + " (edited)"

    old, new = _edited(path, change)
    changed = _changed_lines(old, new)
    assert len(changed) == 2 and changed[1].endswith(" (edited)")


def test_nothing_changed_gives_the_file_back_byte_for_byte() -> None:
    for path in sorted(PLAN.rglob("*.yaml")):
        old, new = _edited(path, lambda values: None)
        assert new == old, path


def test_a_removed_row_takes_its_lines_and_keeps_the_comments_of_others() -> None:
    path = PLAN / "chapters" / "08-considerations.yaml"
    old, new = _edited(path, lambda values: _matrix(values).pop(1))
    removed = [line for line in _changed_lines(old, new) if line.startswith("-")]
    assert removed and not any(line.startswith("+") for line in _changed_lines(old, new))
    comments = [line for line in old.splitlines() if line.lstrip().startswith("#")]
    kept = [line for line in new.splitlines() if line.lstrip().startswith("#")]
    assert kept == [line for line in comments if "-" + line not in removed]


def _with_lines(text: str, change: Any) -> str:
    rt = new_yaml()
    data = rt.load(text)
    values = plain(data)
    change(values)
    update(data, values, lines=text.split("\n"))
    return format_tree(data, rt)


def test_a_new_row_among_rows_apart_stands_apart_by_a_blank_line() -> None:
    text = "rows:\n  - a: one\n    b: p\n\n  - a: two\n    b: q\n"
    new = _with_lines(text, lambda v: v["rows"].insert(1, {"a": "new", "b": "r"}))
    assert new == "rows:\n  - a: one\n    b: p\n\n  - a: new\n    b: r\n\n  - a: two\n    b: q\n"
    at_end = _with_lines(text, lambda v: v["rows"].append({"a": "new", "b": "r"}))
    assert at_end == "rows:\n  - a: one\n    b: p\n\n  - a: two\n    b: q\n\n  - a: new\n    b: r\n"


def test_a_new_row_among_rows_side_by_side_stays_side_by_side() -> None:
    text = "rows:\n  - a: one\n    b: p\n  - a: two\n    b: q\n"
    new = _with_lines(text, lambda v: v["rows"].insert(1, {"a": "new", "b": "r"}))
    assert new == "rows:\n  - a: one\n    b: p\n  - a: new\n    b: r\n  - a: two\n    b: q\n"


@pytest.mark.parametrize("text", [
    "rows:\n  - a: one\n    b: |\n      line one\n      line two\n\n  - a: two\n    b: q\n",  # after a | block
    "rows:\n  - a: one\n    b: [p, q]\n\n  - a: two\n    b: [r]\n\n  - a: three\n    b: s\n",  # after [ ]
    "rows:\n  - a: one\n    b:\n      - p\n      - q\n\n  - a: two\n    b: r\n",  # after a block list
])
@pytest.mark.parametrize("where", [0, 1, 2])
@pytest.mark.parametrize("count", [1, 2])
def test_new_rows_anywhere_stand_one_blank_line_apart(text: str, where: int, count: int) -> None:
    """ruamel keeps a blank line between rows with the row before or the row after, by how the
    row before ends: wherever the new rows go, every row stands one blank line from the next."""
    def insert(values: dict[str, Any]) -> None:
        for n in range(count):
            values["rows"].insert(where, {"a": f"new{n}", "b": "r"})

    new = _with_lines(text, insert)
    assert "\n\n\n" not in new
    assert new.count("\n\n") == text.count("\n\n") + count


@pytest.mark.parametrize("widths", [[3, 27, 70], [50, 50], [31, 69]])
def test_new_table_widths_are_written_as_plain_numbers(widths: list[int]) -> None:
    """apply reads a table's widths as numbers; written into the file they stay plain numbers
    (not `!!int '3'`, a tag the plan's loader refuses), whether the list grew, shrank or changed."""
    path = PLAN / "chapters/02-rationale.yaml"

    def change(values: Any) -> None:
        table = values["sections"][2]["sections"][0]["content"][1]["table"]
        assert table["widths"] == ["30", "70"]
        table["widths"] = widths

    old, new = _edited(path, change)
    assert "!!" not in new
    assert _changed_lines(old, new) == ["-              widths: [30, 70]", f"+              widths: {widths}"]
