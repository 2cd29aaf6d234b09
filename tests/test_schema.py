"""schema/ is generated from the models and must not drift from them."""

from __future__ import annotations

import json

from apdoc.schema import schemas
from conftest import ROOT


def test_committed_schema_matches_the_models() -> None:
    for name, text in schemas().items():
        committed = (ROOT / "schema" / name).read_text(encoding="utf-8")
        assert committed == text, f"schema/{name} is stale: run `make schema`"


def test_schema_carries_editor_descriptions() -> None:
    action_item = json.loads(schemas()["action-item.schema.json"])
    assert action_item["additionalProperties"] is False
    assert "chapter 4" in action_item["properties"]["statement"]["description"]
