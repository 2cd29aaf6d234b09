"""apply turns the cycle collector off while it works and runs it by hand once after each DOCX it
reads (commands/readings.collected_after_readings): no automatic pass goes over the plan and the
readings again and again, the reader's cyclic garbage goes at once, and the collector's setting
is put back as it was found."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apdoc.commands.apply import apply_document


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of each collection while the test runs."""
    found: list[int] = []

    def heard(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            found.append(info["generation"])

    gc.callbacks.append(heard)
    try:
        yield found
    finally:
        gc.callbacks.remove(heard)


@pytest.mark.parametrize("collecting", [True, False])
def test_the_collector_runs_once_after_each_reading_and_is_put_back(td: bytes, seed: Path, tmp_path: Path,
                                                                     collections: list[int], collecting: bool) -> None:
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
    assert collections == [2, 2]  # after reading the TD, and the plan's own TD: whole passes, by hand
    assert gc.get_freeze_count() == 0  # what was set aside while it worked is the collector's again
