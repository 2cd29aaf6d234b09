"""How a problem names its file: relative to the working folder when inside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from apdoc.diagnostics import display_path


def test_a_path_is_shown_from_the_working_folder_of_the_moment(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    document = tmp_path / "plan" / "document.yaml"
    document.parent.mkdir()
    document.write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert display_path(document) == "plan/document.yaml"
    monkeypatch.chdir(tmp_path / "plan")  # the same path, asked again from elsewhere
    assert display_path(document) == "document.yaml"
    monkeypatch.chdir(tmp_path.parent)
    assert display_path(document) == f"{tmp_path.name}/plan/document.yaml"
