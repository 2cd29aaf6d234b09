"""Once the plan is loaded, apply turns the cycle collector off and runs it by hand once after
each DOCX it reads (commands/readings.collected_after_readings): no automatic pass goes over the
plan and the readings again and again, the reader's cyclic garbage goes at once, and the
collector's setting is put back as it was found."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apdoc.commands.apply import apply_document


@pytest.fixture
def collections() -> Iterator[list[tuple[int, bool]]]:
    """Each collection while the test runs: its generation, and whether the collector was on."""
    found: list[tuple[int, bool]] = []

    def heard(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            found.append((info["generation"], gc.isenabled()))

    gc.callbacks.append(heard)
    try:
        yield found
    finally:
        gc.callbacks.remove(heard)


@pytest.mark.parametrize("collecting", [True, False])
def test_the_collector_runs_once_after_each_reading_and_is_put_back(td: bytes, seed: Path, tmp_path: Path,
                                                                     collections: list[tuple[int, bool]],
                                                                     collecting: bool) -> None:
    document = tmp_path / "TD.docx"
    document.write_bytes(td)
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        applied = apply_document(document, seed)
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()
    assert not applied.problems and not applied.files
    # Once the plan is loaded (as any command loads it), only by hand: after reading the TD, and
    # after reading the plan's own TD, each a whole pass.
    assert [generation for generation, on in collections if not on] == [2, 2]
    assert collections[-2:] == [(2, False), (2, False)]
    assert gc.get_freeze_count() == 0  # what was set aside while it worked is the collector's again
