"""JSON Schema of each kind of plan file, generated from the models."""

from __future__ import annotations

import json
from pathlib import Path

from .models import FILE_KINDS


def schemas() -> dict[str, str]:
    out = {}
    for kind, model in FILE_KINDS.items():
        schema = model.model_json_schema()
        # Draft 7: what VS Code's YAML extension implements (it warns on 2020-12). pydantic's
        # output uses no later keyword; its "$defs" are reached by plain JSON-pointer $refs.
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        schema["title"] = f"apdoc {kind} file"
        out[f"{kind}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return out


def write_schemas(folder: Path) -> list[Path]:
    from ..output import Inputs, refuse_inputs, write_atomic

    texts = schemas()
    refuse_inputs([folder / name for name in texts], Inputs(whole_plan=True))  # never into a plan
    written = []
    for name, text in texts.items():
        path = folder / name
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written
