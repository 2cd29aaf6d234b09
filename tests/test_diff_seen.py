"""`apdoc diff` says what a reader of the TD sees changed: bullets typed in a chapter that a
generated list now writes in their place are no change of text; a table whose id changed (the
TD shows none) is one table, changed or not, not one removed and one added."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from apdoc.commands.diff import diff_plans
from apdoc.plan.load import load_plan

GENERATED = '      - "The measures or actions can be categorized into four pillars:"\n      - insert: pillar_list\n'
TYPED = """      - |
        The measures or actions can be categorized into four pillars:

        - Raising awareness, refers to action plan AP1.1 and AP5.
        - Adding value, refers to action plan AP1.2, AP1.3, and AP1.6.
        - Attracting potential new sector members, refers to action plan AP1.4.
        - Mapping of ITU strategic plan and indicators, refers to action plan AP1.5, AP1.7, AP3, and AP4.
"""
RATIONALE = "chapters/02-rationale.yaml"
ANNEX_A = "annexes/a-contributing-documents.yaml"


def test_bullets_moved_into_the_generated_pillar_list_are_no_change_of_text(
        edit: Callable[[Path, str, str], None], seed_pair: tuple[Path, Path]) -> None:
    earlier, now = seed_pair
    edit(earlier / RATIONALE, GENERATED, TYPED)
    changes = diff_plans(load_plan(earlier), load_plan(now), layout=True)
    assert [str(c) for c in changes] == ["Clause 2.2 · text: spacing or layout changed"]
    assert diff_plans(load_plan(earlier), load_plan(now)) == []


def test_a_pillar_renamed_in_the_figure_is_a_change_of_the_text_its_list_shows(
        edit: Callable[[Path, str, str], None], seed_pair: tuple[Path, Path]) -> None:
    earlier, now = seed_pair
    edit(earlier / RATIONALE, GENERATED, TYPED)
    edit(now / RATIONALE, "- name: Adding value", "- name: Adding real value")
    listed = [str(c) for c in diff_plans(load_plan(earlier), load_plan(now))]
    assert "Clause 2.2 · text: 1 word added" in listed


def test_a_table_whose_id_changed_is_one_table(edit: Callable[[Path, str, str], None],
                                                seed_pair: tuple[Path, Path]) -> None:
    earlier, now = seed_pair
    edit(now / ANNEX_A, "id: contributing-documents-list", "id: documents-list")
    assert diff_plans(load_plan(earlier), load_plan(now), layout=True) == []
    edit(now / ANNEX_A, "Deliverable (revised)", "Deliverable (final)")
    assert [str(c) for c in diff_plans(load_plan(earlier), load_plan(now))] == [
        "Table 13 (Identification of documents that contributed to this action plan): 1 word changed"]
