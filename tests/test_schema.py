"""schema/ is generated from the models and must not drift from them."""

from __future__ import annotations

import json
import re

import pytest

from apdoc.plan.schema import schemas
from conftest import ROOT, SEED_PLAN


def editor_view(path) -> object:
    """The data as an editor's YAML 1.2 tooling reads it (13 is a number there; apdoc reads text)."""
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


SCHEMA_LINE = re.compile(r"# yaml-language-server: \$schema=(\S+)")


def test_committed_schema_matches_the_models() -> None:
    for name, text in schemas().items():
        committed = (ROOT / "schema" / name).read_text(encoding="utf-8")
        assert committed == text, f"schema/{name} is stale: run `make schema`"


def test_schema_carries_editor_descriptions() -> None:
    action_item = json.loads(schemas()["action-item.schema.json"])
    assert action_item["additionalProperties"] is False
    assert "chapter 4" in action_item["properties"]["statement"]["description"]


def test_schemas_are_draft_7_schemas() -> None:
    from jsonschema import Draft7Validator

    for text in schemas().values():
        schema = json.loads(text)
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        Draft7Validator.check_schema(schema)


def schema_for(path) -> dict:
    match = SCHEMA_LINE.match(path.read_text(encoding="utf-8"))
    assert match, f"{path} does not start with its schema line"
    return json.loads((path.parent / match.group(1)).read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted(SEED_PLAN.rglob("*.yaml")), ids=lambda p: p.name)
def test_every_plan_file_passes_its_schema(path) -> None:
    """What an editor's YAML extension checks while typing: no false errors on a valid plan."""
    from jsonschema import Draft7Validator

    errors = [e.message for e in Draft7Validator(schema_for(path)).iter_errors(editor_view(path))]
    assert errors == []


def test_the_schema_flags_what_apdoc_refuses() -> None:
    from jsonschema import Draft7Validator

    path = SEED_PLAN / "action-items" / "AP1.3.yaml"
    data = editor_view(path)
    data["enabler"] = "typo"
    del data["id"]
    messages = [e.message for e in Draft7Validator(schema_for(path)).iter_errors(data)]
    assert any("'enabler' was unexpected" in m for m in messages) and any("'id' is a required" in m for m in messages)


def test_target_documents_dump_as_they_were_given_without_pydantic_guessing() -> None:
    """The discriminators see a dict when validating and the model when dumping: both ways pick
    the right kind (a wrong pick made pydantic warn and fall back to guessing)."""
    import warnings

    from apdoc.plan.models import Consideration

    given = [
        {"number": "01", "point": "A point.",
         "target_documents": ["AP1.1", {"action_item": "New AP", "for_points": ["i"]}]},
        {"number": "02", "point": "A point.", "target_documents": {"one_of": ["AP1.2", {"action_item": "AP1.4"}]}},
    ]
    for row in given:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            dumped = Consideration.model_validate(row).model_dump(mode="json", exclude_defaults=True)
        assert dumped["target_documents"] == row["target_documents"]
