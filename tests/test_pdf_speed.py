"""What the PDF writer spares weasyprint, with the same PDF: no cycle collection while it
typesets, and no second parse of the layout by weasyprint's (pure-Python) HTML5 parser."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apdoc.layout.render import render_html
from apdoc.plan.load import load_plan
from apdoc.writers.pdf import PDF_VARIANT, for_weasyprint, write_pdf

SEED_PLAN = Path(__file__).resolve().parent.parent / "plan"


@pytest.fixture(scope="module")
def seed_layout() -> str:
    return render_html(load_plan(SEED_PLAN))


@pytest.fixture
def html5_parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The length of each document weasyprint's HTML5 parser is given."""
    import tinyhtml5

    lengths: list[int] = []
    stock = tinyhtml5.parse

    def parse(document: Any, **options: Any) -> Any:
        text = document.read() if hasattr(document, "read") else document
        lengths.append(len(text))
        return stock(text, **options)

    monkeypatch.setattr(tinyhtml5, "parse", parse)
    yield lengths


def _as_weasyprint_parses_it(html: str) -> bytes:
    """The PDF of the layout written back as HTML and parsed by weasyprint itself (as before)."""
    from weasyprint import HTML

    return HTML(string=for_weasyprint(html)).render().write_pdf(pdf_variant=PDF_VARIANT)


def _without_attachment(html: str) -> str:
    from apdoc.writers.pdf import SOURCE_ID

    assert SOURCE_ID not in html  # render_html alone carries no plan: the two PDFs compare whole
    return html


def test_the_seed_pdf_is_typeset_from_the_layout_tree_with_the_same_bytes(
        seed_layout: str, html5_parses: list[int]) -> None:
    html = _without_attachment(seed_layout)
    ours = write_pdf(html)
    assert max(html5_parses) < 100  # only weasyprint's empty placeholder document went through it
    assert ours == _as_weasyprint_parses_it(html)


@pytest.mark.parametrize("change", [
    ("<body>", "<body><!-- a template's comment -->"),
    ("<html ", '<html xmlns="http://www.w3.org/1999/xhtml" '),
    ('<html lang="en"', '<html xml:lang="en" lang="en"'),
    ("<head>", '<head><base href="https://www.itu.int/"/>'),
])
def test_a_layout_html5_would_read_otherwise_goes_through_weasyprints_parser(
        seed_layout: str, html5_parses: list[int], change: tuple[str, str]) -> None:
    html = _without_attachment(seed_layout).replace(*change, 1)
    assert html != seed_layout
    ours = write_pdf(html)
    assert max(html5_parses) > len(html) // 2
    assert ours == _as_weasyprint_parses_it(html)


def test_the_cycle_collector_does_not_run_while_the_pdf_is_typeset(seed_layout: str) -> None:
    collections: list[str] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(phase)

    gc.callbacks.append(count)
    try:
        assert gc.isenabled()
        write_pdf(seed_layout)
        assert gc.isenabled()  # on again for whatever the process does next (apdoc watch)
        during = len(collections)
        gc.collect()
        assert len(collections) == during + 1  # the callback heard the collector
    finally:
        gc.callbacks.remove(count)
    # At most the one pass that runs as it is switched on again (the objects made meanwhile
    # count); hundreds when it stays on.
    assert during <= 1


def test_a_collector_switched_off_before_stays_off(seed_layout: str) -> None:
    gc.disable()
    try:
        write_pdf(seed_layout)
        assert not gc.isenabled()
    finally:
        gc.enable()
