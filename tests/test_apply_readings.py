"""apply reads the plan's own TD (and an earlier version's) without the paragraph numbers a
document from outside is read with (commands/readings.plan_reading): what apply takes of such a
reading — its values, its blocks of text, the ids it made from titles and numbers, the URLs it
shows — is the same as with them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from apdoc.commands.not_applied import blocks_of
from apdoc.commands.readings import Reading, docx_reading, plan_reading
from apdoc.layout import render_html
from apdoc.plan import load_plan
from apdoc.plan.folder import Plan
from apdoc.writers.docx import write_docx
from conftest import SEED_PLAN
from test_properties import MINI, SENTENCE, write_plan


def what_apply_takes(reading: Reading) -> dict[str, Any]:
    return {"tree": reading.tree, "blocks": blocks_of(reading.xhtml, where=False), "titled": reading.titled,
            "numbered footnotes": reading.numbered_footnotes, "shown urls": reading.shown_urls}


def with_positions(plan: Plan) -> Reading:
    """The plan's TD read as a document from outside is: with its paragraph numbers."""
    reading = docx_reading(write_docx(render_html(plan)), "TD.docx", positions=True)
    reading.held = None
    return reading


def numbered(reading: Reading) -> int:
    return sum(1 for el in reading.xhtml.iter() if el.get("data-paragraph") is not None)


def assert_same_as_with_positions(plan: Plan) -> None:
    without, with_them = plan_reading(plan, None, "TD.docx"), with_positions(plan)
    assert numbered(without) == 0 < numbered(with_them)  # the readings do differ: in the numbers alone
    assert what_apply_takes(without) == what_apply_takes(with_them)


def test_the_seed_plans_reading_is_the_same_without_paragraph_numbers() -> None:
    assert_same_as_with_positions(load_plan(SEED_PLAN))


def test_a_small_plans_reading_is_the_same_without_paragraph_numbers() -> None:
    assert_same_as_with_positions(load_plan(MINI))


@settings(max_examples=10)
@given(data=st.data())
def test_random_plans_read_the_same_without_paragraph_numbers(tmp_path_factory, data) -> None:
    count = data.draw(st.integers(min_value=1, max_value=6), label="items")
    names = data.draw(st.lists(SENTENCE, min_size=count, max_size=count), label="names")
    statements = data.draw(st.lists(SENTENCE, min_size=count, max_size=count), label="statements")
    root: Path = tmp_path_factory.mktemp("plan") / "plan"
    write_plan(root, names, statements, data.draw(SENTENCE, label="note"))
    assert_same_as_with_positions(load_plan(root))
