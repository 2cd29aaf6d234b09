"""Every model and cross-reference rule, each with a plan that breaks it.

Each case edits one file of the small test plan and expects one message at one line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apdoc.diagnostics import PlanError
from apdoc.plan import load_plan

M = "chapters/2-matrix.yaml"
S = "chapters/1-scope.yaml"

CASES = [
    # model rules
    ("unknown-field", S, "title: Scope", "title: Scope\ntitel: x", S, 3,
     "unknown field 'titel' (did you mean 'title'?)"),
    ("unknown-block", S, "  - insert: action_item_list", "  - insrt: action_item_list", S, 13,
     "unknown field 'insrt' (did you mean 'insert'?)"),
    ("wrong-type-list", "document.yaml", "keywords: [testing, small]", "keywords: testing", "document.yaml", 16,
     "cover.keywords: expected a list, got text"),
    ("wrong-type-text", S, "title: Scope", "title: [Scope]", S, 2, "title: expected text, got a list"),
    ("missing-field", "action-items/AP2.yaml", "statement: \"Do the second thing, in parts:\"\n", "",
     "action-items/AP2.yaml", 1, "missing required field 'statement'"),
    ("bad-ap-id", "action-items/AP2.yaml", "  - id: AP2.1\n", "  - id: AP2.01\n", "action-items/AP2.yaml", 5,
     "sub_items.0.id: 'AP2.01' is not an action item id such as AP1.4"),
    ("number-for-text-id", S, "id: scope\n", "id: 12.5\n", S, 1, "'12.5' is not an id of lower-case letters"),
    ("bad-insert", S, "insert: action_item_list", "insert: action_items", S, 13, "'action_items' is not allowed"),
    ("bad-target", M, "target_documents: [AP1]", "target_documents: [AP-1]", M, 20,
     "'AP-1' is not an action item id such as AP1.4, or New AP"),
    ("one-of-needs-two", M, "one_of: [AP2.1, New AP]", "one_of: [AP2.1]", M, 28, "must not be empty"),
    # cross-reference rules
    ("duplicate-chapter-id", M, "id: matrix", "id: scope", M, 1,
     "duplicate chapter or section id 'scope' (also defined at {plan}/chapters/1-scope.yaml:1)"),
    ("duplicate-ap-id", "action-items/AP2.yaml", "  - id: AP2.2\n", "  - id: AP2.1\n", "action-items/AP2.yaml", 7,
     "duplicate action item id 'AP2.1' (also defined at {plan}/action-items/AP2.yaml:5)"),
    ("file-name-and-id", "action-items/AP1.yaml", "id: AP1\n", "id: AP3\n", "action-items/AP1.yaml", 1,
     "file is named AP1.yaml but holds AP3: name it AP3.yaml"),
    ("wrong-parent", "action-items/AP2.yaml", "  - id: AP2.2\n", "  - id: AP1.2\n", "action-items/AP2.yaml", 7,
     "AP1.2 is listed under AP2, but its parent is AP1"),
    ("grandchild-as-sub-item", "action-items/AP2.yaml", "  - id: AP2.2\n", "  - id: AP2.1.1\n",
     "action-items/AP2.yaml", 7, "AP2.1.1 is listed under AP2, but its parent is AP2.1"),
    ("top-level-as-sub-item", "action-items/AP2.yaml", "  - id: AP2.2\n", "  - id: AP3\n", "action-items/AP2.yaml", 7,
     "AP3 is listed under AP2, but it is a top-level action item, with no parent"),
    ("listed-under-itself", "action-items/AP2.yaml", "  - id: AP2.2\n", "  - id: AP2\n", "action-items/AP2.yaml", 7,
     "AP2 is listed under itself; its sub-items are numbered AP2.1, AP2.2, …"),
    ("short-name-for-table", "action-items/AP1.yaml", "short_name: First\n", "", "action-items/AP1.yaml", 1,
     "AP1 has a table, so it needs a short_name"),
    ("row-cells", S, "- [Item, One action, here]", "- [Item, One action]", S, 12,
     "row has 2 cells; the table has 3 columns"),
    ("widths", S, "widths: [20, 50, 30]", "widths: [20, 80]", S, 9, "2 widths for 3 columns"),
    ("footnote-undefined", S, "only[^only]", "only[^onyl]", S, 4, "footnote [^onyl] is not defined"),
    ("footnote-unused", S, "only[^only]", "only", S, 15, "footnote 'only' is never referenced"),
    ("footnote-twice", S, "title: Scope", "title: Scope[^only]", S, 15, "footnote 'only' is referenced 2 times"),
    ("citation", S, "as [b-Other] explains", "as [b-Othr] explains", S, 4,
     "[b-Othr] is cited but not in the references annex (did you mean b-Other?)"),
    ("dangling-ap-in-text", S, "covers AP1 and AP2", "covers AP1 and AP7", S, 4, "AP7 is not an action item"),
    ("dangling-ap-in-matrix", M, "one_of: [AP2.1, New AP]", "one_of: [AP2.3, New AP]", M, 28,
     "AP2.3 is not an action item"),
    ("unknown-session-source", M, "sources: [A, B]", "sources: [A, C]", M, 24,
     "session source 'C' is not declared in session_sources (A, B)"),
    ("unknown-entity", M, "target_entities: [Q1, TSB]\n    target", "target_entities: [Q1, TBS]\n    target", M, 26,
     "target entity 'TBS' is not declared in target_entities (did you mean TSB?)"),
    ("duplicate-row-number", M, 'number: "9"', 'number: "03"', M, 21,
     "duplicate consideration number '3' (also defined at {plan}/chapters/2-matrix.yaml:15)"),
    ("matrix-not-shown", M, "  - insert: considerations\n", "", M, 14, "considerations are never shown"),
    ("insert-twice", M, "  - insert: session_sources\n", "  - insert: action_item_tables\n", M, 6,
     "duplicate insert 'action_item_tables'"),
    ("pillar-list-without-figure", S, "  - insert: action_item_list",
     "  - insert: action_item_list\n  - insert: pillar_list", S, 14, "insert: pillar_list, but no figure has pillars"),
    ("dangling-ap-in-figure", S, "  - insert: action_item_list",
     "  - insert: action_item_list\n  - figure:\n      id: f\n      title: F\n      pillars:\n"
     "        - {name: P, action_items: [AP1, AP9]}", S, 18, "AP9 is not an action item"),
    ("unknown-table-field", S, "id: terms", "id: terms\n      titel: x", S, 7, "unknown field 'titel'"),
]


@pytest.mark.parametrize(("case", "file", "old", "new", "where", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_rule(mini_plan: Path, edit, case: str, file: str, old: str, new: str, where: str, line: int,
              message: str) -> None:
    edit(mini_plan / file, old, new)
    with pytest.raises(PlanError) as caught:
        load_plan(mini_plan)
    shown = str(mini_plan)
    expected = message.format(plan=shown)
    found = [(d.path, d.line, d.message) for d in caught.value.diagnostics]
    assert any(path.endswith(where) and ln == line and expected in msg for path, ln, msg in found), found


def test_the_unbroken_plan_is_valid(mini_plan: Path) -> None:
    plan = load_plan(mini_plan)
    assert [a.model.id for a in plan.action_items] == ["AP1", "AP2"]


def test_every_problem_is_reported_at_once(mini_plan: Path, edit) -> None:
    edit(mini_plan / S, "title: Scope", "titel: Scope")
    edit(mini_plan / M, "sources: [A, B]", "sources: [A, C]")
    edit(mini_plan / "action-items/AP1.yaml", "id: AP1\n", "id: [AP1]\n")
    with pytest.raises(PlanError) as caught:
        load_plan(mini_plan)
    # Model errors and cross-reference errors together, sorted by place; the matrix's AP1 target is
    # not "dangling" (AP1.yaml failed), nor the scope's footnote and citation (1-scope.yaml failed).
    assert [(Path(d.path).name, d.line, d.col, d.message) for d in caught.value.diagnostics] == [
        ("AP1.yaml", 1, 5, "id: expected text, got a list"),
        ("1-scope.yaml", 2, 1, "unknown field 'titel' (did you mean 'title'?)"),
        ("2-matrix.yaml", 24, 18, "session source 'C' is not declared in session_sources (A, B)"),
    ]


def test_an_item_listed_under_its_own_child(mini_plan: Path) -> None:
    # AP1.1 lists AP1, its parent, as a sub-item: a cycle.
    fixture = Path(__file__).parent / "fixtures" / "hierarchy" / "AP1.1.yaml"
    (mini_plan / "action-items" / "AP1.1.yaml").write_bytes(fixture.read_bytes())
    with pytest.raises(PlanError) as caught:
        load_plan(mini_plan)
    assert [(Path(d.path).name, d.line, d.col, d.message) for d in caught.value.diagnostics] == [
        ("AP1.1.yaml", 6, 9, "AP1 is listed under AP1.1, which is itself under AP1 (a cycle): "
                             "it is a top-level action item, with no parent"),
        ("AP1.1.yaml", 6, 9, f"duplicate action item id 'AP1' (also defined at {mini_plan}/action-items/AP1.yaml:1)"),
    ]


def test_missing_parent(mini_plan: Path) -> None:
    (mini_plan / "action-items" / "AP3.1.yaml").write_text(
        "id: AP3.1\nstatement: orphan\n", encoding="utf-8"
    )
    with pytest.raises(PlanError) as caught:
        load_plan(mini_plan)
    assert [(Path(d.path).name, d.line, d.message) for d in caught.value.diagnostics] == [
        ("AP3.1.yaml", 1, "AP3.1 needs its parent action item AP3, which does not exist")
    ]


def test_duplicate_table_id_across_files(mini_plan: Path) -> None:
    (mini_plan / "annexes" / "b-more.yaml").write_text(
        "id: more\ntitle: More\ncontent:\n  - table:\n      id: terms\n      title: Again\n"
        "      columns: [A]\n      rows: [[x]]\n",
        encoding="utf-8",
    )
    with pytest.raises(PlanError) as caught:
        load_plan(mini_plan)
    (d,) = caught.value.diagnostics
    assert d.path.endswith("b-more.yaml") and d.line == 5
    assert d.message == f"duplicate table id 'terms' (also defined at {mini_plan}/chapters/1-scope.yaml:6)"


def test_duplicate_reference_key(mini_plan: Path, edit) -> None:
    edit(mini_plan / "annexes/a-references.yaml", "    text: Another document\n",
         "    text: Another document\n  - key: b-Other\n    text: Again\n")
    with pytest.raises(PlanError) as caught:
        load_plan(mini_plan)
    assert [(d.line, d.message.split(" (")[0]) for d in caught.value.diagnostics] == [
        (6, "duplicate reference 'b-Other'")
    ]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "plan folder not found"),
        ("file", "is a file, not a plan folder"),
        ("no-document", "missing: every plan needs this file"),
        ("stray-yaml", "unknown plan file: expected document.yaml"),
        ("yml", "name plan files *.yaml, not *.yml"),
    ],
)
def test_plan_folder_problems(mini_plan: Path, setup: str, message: str) -> None:
    target = mini_plan
    if setup == "missing":
        target = mini_plan / "nope"
    elif setup == "file":
        target = mini_plan / "document.yaml"
    elif setup == "no-document":
        (mini_plan / "document.yaml").unlink()
    elif setup == "stray-yaml":
        (mini_plan / "notes.yaml").write_text("a: b\n", encoding="utf-8")
    elif setup == "yml":
        (mini_plan / "chapters" / "3-x.yml").write_text("a: b\n", encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(target)
    assert any(message in d.message for d in caught.value.diagnostics), caught.value.diagnostics


def test_file_that_is_not_a_mapping(mini_plan: Path) -> None:
    (mini_plan / "annexes" / "a-references.yaml").write_text("- id: references\n- title: x\n", encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(mini_plan)
    assert [(d.line, d.col, d.message) for d in caught.value.diagnostics] == [
        (1, 1, "expected a mapping of fields (key: value) at the top of the file")
    ]


def test_consideration_without_target_is_a_warning(mini_plan: Path, edit) -> None:
    edit(mini_plan / M, "    target_documents: [AP1]\n", "")
    plan = load_plan(mini_plan)
    assert [(d.line, d.message) for d in plan.warnings if "editor" not in d.message and "AP" not in d.message[:4]] == [
        (15, "consideration 3 has no target document"),
        (27, "consideration 9 points at a New AP"),
    ]


def test_empty_rows_are_warned_filled_and_left_out_rows_are_not(mini_plan: Path, edit) -> None:
    edit(mini_plan / "action-items/AP2.yaml", "  enablers: Everyone.",
         "  enablers: Everyone.\n  itu_services: TSB\n  key_outcomes:")
    plan = load_plan(mini_plan)
    messages = [d.message for d in plan.warnings]
    assert "AP2: Key Outcome(s) is empty" in messages  # given empty: an empty row, unfinished
    assert "AP2: ITU Services is empty" not in messages  # filled
    assert "AP2: Learning and Feedback is empty" not in messages  # left out: no row at all
    warning = next(d for d in plan.warnings if d.message == "AP2: Key Outcome(s) is empty")
    assert warning.line == 13


def test_the_checks_walk_the_text_of_each_file_once(seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Three checks (footnotes and citations, mentions and links, placeholders) read every text
    # value of every file: they share one walk (a tenth of a second of the 100x plan's load).
    import apdoc.plan.checks as checks

    walked: list[int] = []
    real = checks.strings_of

    def counted(data: object) -> object:
        walked.append(id(data))
        return real(data)

    monkeypatch.setattr(checks, "strings_of", counted)
    plan = load_plan(seed)
    assert sorted(walked) == sorted(id(loaded.source.data) for loaded in plan.files)
