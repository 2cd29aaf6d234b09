"""A file that fails to load hides nothing else, and causes no error of its own making elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from apdoc.diagnostics import PlanError
from apdoc.plan import load_plan
from conftest import run_cli


def _found(plan: Path) -> list[tuple[str, int, int, str]]:
    with pytest.raises(PlanError) as caught:
        load_plan(plan)
    return [(Path(d.path).name, d.line, d.col, d.message) for d in caught.value.diagnostics]


def test_a_model_error_does_not_hide_cross_reference_errors(seed: Path, edit) -> None:
    # The example of the issue: an unknown field in one file, two broken references in another.
    edit(seed / "action-items/AP1.6.yaml", "  enablers:\n", "  enabler:\n")
    edit(seed / "chapters/08-considerations.yaml", "target_documents: [AP1.4]", "target_documents: [AP1.9]")
    edit(seed / "chapters/08-considerations.yaml", 'sources: ["3", R]', 'sources: ["3", Q]')
    assert _found(seed) == [
        ("AP1.6.yaml", 12, 3, "unknown field 'enabler' (did you mean 'enablers'?)"),
        ("08-considerations.yaml", 53, 24, "AP1.9 is not an action item (did you mean AP1.7?)"),
        ("08-considerations.yaml", 58, 20,
         "session source 'Q' is not declared in session_sources (1, 2, 3, 4, E, K, R)"),
    ]
    code, out, err = run_cli("validate", "--plan", str(seed))
    assert code == 1
    assert "3 errors" in out + err
    assert f"{seed}/action-items/AP1.6.yaml:12:3: error:" in out + err
    assert f"{seed}/chapters/08-considerations.yaml:53:24: error:" in out + err
    assert f"{seed}/chapters/08-considerations.yaml:58:20: error:" in out + err


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        # modelled: its ids are read from its raw data (and a sub-item under it from its file name)
        ("sub_items:", "sub_item:", (4, 1, "unknown field 'sub_item' (did you mean 'sub_items'?)")),
        ("id: AP2\n", "id: [AP2]\n", (1, 5, "id: expected text, got a list")),
        # not even YAML: nothing can be read, so nothing under AP2 is judged
        ("  - id: AP2.1\n", "  - id: AP2.1\n\t", None),
    ],
    ids=["unknown-field", "wrong-type-id", "yaml-syntax"],
)
def test_a_failed_action_item_is_not_dangling(mini_plan: Path, edit, old: str, new: str,
                                              error: tuple[int, int, str] | None) -> None:
    # The scope names AP2, the matrix targets AP2.1, and AP2.3 needs AP2 as its parent.
    (mini_plan / "action-items" / "AP2.3.yaml").write_text("id: AP2.3\nstatement: more\n", encoding="utf-8")
    edit(mini_plan / "action-items/AP2.yaml", old, new)
    found = _found(mini_plan)
    assert [f[0] for f in found] == ["AP2.yaml"], found  # its own error, and nothing else
    if error is not None:
        assert found == [("AP2.yaml", *error)]


def test_a_dangling_reference_is_still_reported_beside_a_failed_item(mini_plan: Path, edit) -> None:
    edit(mini_plan / "action-items/AP2.yaml", "sub_items:", "sub_item:")
    edit(mini_plan / "chapters/2-matrix.yaml", "target_documents: [AP1]", "target_documents: [AP3]")
    assert [(name, line, message) for name, line, _, message in _found(mini_plan)] == [
        ("AP2.yaml", 4, "unknown field 'sub_item' (did you mean 'sub_items'?)"),
        ("2-matrix.yaml", 20, "AP3 is not an action item (did you mean AP1?)"),
    ]


def test_a_failed_annex_keeps_its_references_and_footnotes(mini_plan: Path, edit) -> None:
    # The bibliography's key misspelled: [b-Other] is cited elsewhere, but the annex failed, so no echo.
    edit(mini_plan / "annexes/a-references.yaml", "references:", "referenes:")
    assert _found(mini_plan) == [
        ("a-references.yaml", 3, 1, "unknown field 'referenes' (did you mean 'references'?)"),
    ]


def test_a_failed_chapter_defining_a_footnote(mini_plan: Path, edit) -> None:
    # The footnote is defined in the scope chapter, which fails: its citation elsewhere is no error.
    edit(mini_plan / "chapters/1-scope.yaml", "footnotes:", "footnote:")
    edit(mini_plan / "chapters/2-matrix.yaml", '  - "Sources:"', '  - "Sources[^only]:"')
    edit(mini_plan / "chapters/1-scope.yaml", "only[^only]", "only")
    found = _found(mini_plan)
    assert [(name, message.split(" (")[0]) for name, _, _, message in found] == [
        ("1-scope.yaml", "unknown field 'footnote'"),
    ]
