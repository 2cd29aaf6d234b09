"""apdoc new action / new consideration: scaffolds the plan accepts, comments kept, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from apdoc.commands.fmt import format_plan
from apdoc.commands.new import PLACEHOLDER
from apdoc.plan import load_plan
from apdoc.plan.models import ActionItem, ActionItemTable, Consideration
from apdoc.plan.source import load_yaml
from conftest import run_cli as run

MATRIX = Path("chapters") / "08-considerations.yaml"
NAME = "Interlock with other groups"



def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def rows(root: Path) -> list[dict]:
    return load_yaml(root / MATRIX).data["considerations"]


def comments(text: str) -> list[str]:
    return sorted(line.strip() for line in text.splitlines() if line.lstrip().startswith("#"))


def find_pillars(data: object) -> list[dict]:
    if isinstance(data, dict):
        if isinstance(data.get("figure"), dict):
            return data["figure"]["pillars"]
        data = list(data.values())
    if isinstance(data, list):
        return next((found for item in data if (found := find_pillars(item))), [])
    return []


def assert_valid_and_formatted(root: Path) -> None:
    code, _, err = run("validate", "--plan", str(root))
    assert code == 0, err
    assert "error" not in err
    results, problems = format_plan(root, write=False)
    assert problems == []
    assert [r.path for r in results if r.changed] == []


# --- new action ------------------------------------------------------------------


def test_new_action_validates_and_appears_in_the_built_html(seed: Path, tmp_path: Path) -> None:
    before = snapshot(seed)
    code, out, err = run("new", "action", "AP1.8", "--name", NAME, "--plan", str(seed))
    assert code == 0, err
    created = seed / "action-items" / "AP1.8.yaml"
    assert f"created {created}" in out
    assert PLACEHOLDER in out
    assert set(snapshot(seed)) - set(before) == {"action-items/AP1.8.yaml"}
    assert {k: v for k, v in snapshot(seed).items() if k in before} == before  # nothing else touched
    assert_valid_and_formatted(seed)
    html = tmp_path / "td.html"
    assert run("build", "--format", "html", "--plan", str(seed), "-o", str(html))[0] == 0
    text = html.read_text(encoding="utf-8")
    assert 'id="ap-AP1.8"' in text
    assert NAME in text


def test_new_action_file_has_every_field_and_the_schema_line(seed: Path) -> None:
    assert run("new", "action", "AP1.8", "--name", NAME, "--plan", str(seed))[0] == 0
    path = seed / "action-items" / "AP1.8.yaml"
    assert path.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../schema/action-item.schema.json\n"
    )
    data = load_yaml(path).data
    assert list(data) == list(ActionItem.model_fields)
    assert list(data["table"]) == list(ActionItemTable.model_fields)
    assert data["id"] == "AP1.8" and data["short_name"] == NAME and data["statement"] == PLACEHOLDER
    assert data["sub_items"] == [] and set(data["table"].values()) == {None}


def test_new_sub_level_action_under_an_item_file(seed: Path) -> None:
    code, _, err = run("new", "action", "AP1.1.4", "--name", "Courses", "--plan", str(seed))
    assert code == 0, err
    assert_valid_and_formatted(seed)
    assert "AP1.1.4" in [item.model.id for item in load_plan(seed).action_items]


def test_after_puts_the_item_in_the_same_pillar(seed: Path) -> None:
    code, out, err = run("new", "action", "AP1.8", "--name", NAME, "--after", "AP1.7", "--plan", str(seed))
    assert code == 0, err
    pillars = {p["name"]: p["action_items"] for p in find_pillars(load_yaml(seed / "chapters/02-rationale.yaml").data)}
    holding = [name for name, items in pillars.items() if "AP1.8" in items]
    assert len(holding) == 1
    items = pillars[holding[0]]
    assert items[items.index("AP1.7") + 1] == "AP1.8"
    assert holding[0] in out
    assert_valid_and_formatted(seed)


@pytest.mark.parametrize(
    ("ap_id", "after", "message"),
    [
        ("AP1.3", None, "AP1.3 exists already"),
        ("AP1.1.2", None, "AP1.1.2 exists already (a sub-item of AP1.1)"),
        ("AP9.1", None, "needs its parent action item AP9"),
        ("AP1.7.1.1", None, "needs its parent action item AP1.7.1"),
        ("AP1.08", None, "'AP1.08' is not an action item id"),
        ("ap1.8", None, "'ap1.8' is not an action item id"),
        ("AP1.8", "AP7", "--after AP7: no such action item"),
    ],
)
def test_new_action_refuses_and_changes_nothing(seed: Path, ap_id: str, after: str | None, message: str) -> None:
    before = snapshot(seed)
    extra = ["--after", after] if after else []
    code, _, err = run("new", "action", ap_id, "--name", NAME, *extra, "--plan", str(seed))
    assert code == 1
    assert message in err
    assert snapshot(seed) == before


def test_new_action_refuses_a_file_that_exists_under_the_name(seed: Path) -> None:
    (seed / "action-items" / "AP1.8.yaml").write_text("id: AP1.9\n", encoding="utf-8")
    code, _, err = run("new", "action", "AP1.8", "--name", NAME, "--plan", str(seed))
    assert code == 1
    assert "error" in err


# --- new consideration -----------------------------------------------------------


def test_new_consideration_takes_the_next_free_number_and_validates(seed: Path) -> None:
    highest = max(int(row["number"]) for row in rows(seed))
    count = len(rows(seed))
    code, out, err = run("new", "consideration", "--plan", str(seed))
    assert code == 0, err
    new = rows(seed)[-1]
    assert new["number"] == f"{highest + 1:02d}"
    assert len(rows(seed)) == count + 1
    assert list(new) == list(Consideration.model_fields)
    assert new["point"] == PLACEHOLDER
    assert f"added consideration {highest + 1:02d} to {seed / MATRIX}:" in out
    assert_valid_and_formatted(seed)
    assert run("new", "consideration", "--plan", str(seed))[0] == 0
    assert [row["number"] for row in rows(seed)[-2:]] == [f"{highest + 1:02d}", f"{highest + 2:02d}"]
    assert_valid_and_formatted(seed)


def test_new_consideration_after_a_row_keeps_the_comments(seed: Path) -> None:
    path = seed / MATRIX
    original = path.read_text(encoding="utf-8")
    numbers = [row["number"] for row in rows(seed)]
    code, _, err = run("new", "consideration", "--after", "08", "--plan", str(seed))
    assert code == 0, err
    now = [row["number"] for row in rows(seed)]
    new = f"{max(int(n) for n in numbers) + 1:02d}"
    at = numbers.index("08") + 1
    assert now == [*numbers[:at], new, *numbers[at:]]
    text = path.read_text(encoding="utf-8")
    assert comments(text) == comments(original)
    # The comment about the gap before row 09 still stands right before row 09.
    lines = [line for line in text.splitlines() if line.strip()]
    gap = lines.index("  # The seed has one completely empty row here; it is left out.")
    assert lines[gap + 1] == '  - number: "09"'
    assert lines[gap - 1].strip() == 'comments: ""'  # the end of the new row
    assert_valid_and_formatted(seed)


def test_new_last_consideration_leaves_the_last_rows_comment_with_it(seed: Path) -> None:
    assert run("new", "consideration", "--plan", str(seed))[0] == 0
    text = (seed / MATRIX).read_text(encoding="utf-8")
    last_row_comment = "    # No target document and no comment in the seed."
    assert text.index('  - number: "31"') < text.index(last_row_comment) < text.index('  - number: "32"')


def test_new_consideration_in_a_plan_with_an_empty_matrix(seed: Path, edit) -> None:
    path = seed / MATRIX
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("considerations:")] + "considerations: []\n", encoding="utf-8")
    code, _, err = run("new", "consideration", "--plan", str(seed))
    assert code == 0, err
    assert [row["number"] for row in rows(seed)] == ["01"]
    assert run("validate", "--plan", str(seed))[0] == 0


def test_new_consideration_refuses_an_unknown_after(seed: Path) -> None:
    before = snapshot(seed)
    code, _, err = run("new", "consideration", "--after", "99", "--plan", str(seed))
    assert code == 1
    assert "--after 99: no consideration has that number" in err
    assert snapshot(seed) == before
