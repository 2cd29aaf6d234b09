"""apdoc stats: table completeness and where the consideration matrix points."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from markdown_it import MarkdownIt

from apdoc.cli import cli
from apdoc.commands.stats import plan_stats, to_markdown
from apdoc.plan import load_plan
from apdoc.plan.models import TABLE_FIELDS
from conftest import SEED_PLAN


def _stats(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["stats", *args])
    return result.exit_code, result.stdout + result.stderr


def test_table_completeness(mini_plan: Path, edit) -> None:
    stats = plan_stats(load_plan(mini_plan))
    ap1, ap2 = stats.action_items
    assert (ap1.id, ap1.objective_from_statement) == ("AP1", True)  # left out: the statement is printed there
    assert ap1.filled == ["objective", "key_outcomes", "learning_and_feedback"] and ap1.missing == []
    assert ap1.left_out == ["key_outcome_indicators", "implementation_strategies", "enablers", "itu_services"]
    assert ap2.filled == ["objective", "enablers"] and not ap2.objective_from_statement
    edit(mini_plan / "action-items/AP1.yaml", "table:\n", "table:\n  enablers:\n  itu_services: []\n")
    code, out = _stats("--plan", str(mini_plan))
    assert code == 0
    assert ("  AP1   3/5  missing: Enablers, ITU Services  "
            "(no row: Key Outcome Indicator(s), Implementation Strategies)") in out.splitlines()
    assert out.startswith("Action item tables: 1 of 2 complete\n")


def test_matrix_mapping_sub_items_one_of_and_new_ap(mini_plan: Path, edit) -> None:
    edit(mini_plan / "chapters/2-matrix.yaml", "    target_documents: [AP1]\n",
         "    target_documents:\n      - action_item: AP2.2\n        for_points: [ii]\n")
    stats = plan_stats(load_plan(mini_plan))
    ap1, ap2 = stats.action_items
    assert ap1.considerations == []
    assert [t.label("AP2") for t in ap2.considerations] == ["3 (AP2.2; points ii)", "9 (AP2.1; one of)"]
    assert stats.untargeted == ["AP1"] and stats.new_ap == ["9"] and stats.no_target == []
    code, out = _stats("--plan", str(mini_plan))
    assert code == 0
    lines = out.splitlines()
    assert "  AP2   ← 3 (AP2.2; points ii), 9 (AP2.1; one of)" in lines
    assert "  action items no consideration maps to: AP1" in lines
    assert "     9  AP2.1 or New AP" in lines


def test_no_target(mini_plan: Path, edit) -> None:
    edit(mini_plan / "chapters/2-matrix.yaml", "    target_documents: [AP1]\n", "")
    stats = plan_stats(load_plan(mini_plan))
    assert stats.no_target == ["3"] and stats.untargeted == ["AP1"]
    assert [c.status for c in stats.considerations] == ["no target", "New AP"]


def test_seed_figures() -> None:
    stats = plan_stats(load_plan(SEED_PLAN))
    by_id = {item.id: item for item in stats.action_items}
    assert not by_id["AP1"].has_table and len(stats.tables) == 11
    assert len(by_id["AP1.6"].filled) == 2 and len(by_id["AP1.6"].missing) == 5
    # Every empty row is one of validate's warnings, and the other way round.
    warned = {w.message for w in load_plan(SEED_PLAN).warnings if " is empty" in w.message}
    assert warned == {f"{i.id}: {TABLE_FIELDS[name]} is empty" for i in stats.action_items for name in i.missing}
    assert stats.no_target == ["30", "31"] and stats.new_ap == ["16", "29"]
    assert stats.untargeted == ["AP1", "AP1.6", "AP4", "AP5"]
    assert [t.label("AP1.1") for t in by_id["AP1.1"].considerations][:2] == ["06 (AP1.1.3)", "09 (AP1.1.2; one of)"]


def test_json_for_tools(mini_plan: Path) -> None:
    code, out = _stats("--format", "json", "--plan", str(mini_plan))
    assert code == 0
    data = json.loads(out)
    assert data["new_ap"] == ["9"] and data["no_target"] == [] and data["untargeted_action_items"] == []
    assert data["considerations"][1] == {
        "number": "9", "point": "Do the other thing", "one_of": True, "status": "New AP",
        "targets": [{"action_item": "AP2.1", "for_points": []}, {"action_item": "New AP", "for_points": []}],
    }
    assert data["action_items"][1]["considerations"] == [
        {"number": "9", "target": "AP2.1", "for_points": [], "one_of": True}
    ]


def test_markdown_tables_parse_and_plan_text_adds_no_markup(mini_plan: Path, edit) -> None:
    edit(mini_plan / "action-items/AP1.yaml", "short_name: First", "short_name: \"a | b <img src=x> **c**\"")
    edit(mini_plan / "chapters/2-matrix.yaml", "point: Do the first thing", "point: \"<script>x</script> | [l](u)\"")
    markdown = to_markdown(plan_stats(load_plan(mini_plan)))
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert html.count("<table>") == 3
    assert "<img" not in html and "<script>" not in html and "<strong>c" not in html and "<a href" not in html
    assert "a | b &lt;img src=x&gt; **c**" in html  # shown as typed
    code, out = _stats("--format", "md", "--plan", str(mini_plan))
    assert code == 0 and out == markdown


def test_invalid_plan_is_reported(mini_plan: Path, edit) -> None:
    edit(mini_plan / "chapters/2-matrix.yaml", "target_documents: [AP1]", "target_documents: [AP7]")
    code, out = _stats("--plan", str(mini_plan))
    assert code == 1 and "error: AP7 is not an action item" in out


def test_plan_text_in_a_pr_comment_adds_no_markup_and_mentions_no_one() -> None:
    from markdown_it import MarkdownIt

    from apdoc.commands.md_escape import md_inline

    text = "Ask @octocat | *now* <b>[x](y)</b> #12"
    html = MarkdownIt("commonmark").enable("table").render(f"| a |\n|---|\n| {md_inline(text)} |\n")
    assert "<em>" not in html and "<b>" not in html and "<a " not in html
    assert "@\u2060octocat" in html and "*now*" in html and html.count("<td>") == 1
