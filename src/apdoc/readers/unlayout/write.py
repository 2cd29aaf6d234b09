"""Plan values → the files of a plan folder, in `apdoc fmt`'s canonical layout, all or none."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import PlainScalarString

from ...diagnostics import Diagnostic, PlanError, display_path
from ...plan.folder import kind_of
from ...plan.models import FILE_KINDS
from ...plan.yaml_layout import format_tree, loaded_data, new_yaml, schema_line


def _commented(value: Any) -> Any:
    """Plain values → ruamel's containers, which fmt's layout works on."""
    if isinstance(value, dict):
        return CommentedMap((k, _commented(v)) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_commented(v) for v in value)
    if isinstance(value, int):  # a number field (a table's widths): written plain, as fmt writes it
        return PlainScalarString(str(value))
    return value


def _as_loaded(value: Any) -> Any:
    """The values as the plan's loader reads them back: every scalar is text."""
    if isinstance(value, dict):
        return {k: _as_loaded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_loaded(v) for v in value]
    return str(value) if isinstance(value, int | float) else value


def file_text(relative: str, values: dict[str, Any]) -> str:
    """One plan file's text: the schema line, then the values in the canonical layout."""
    root = Path("/plan")
    path = root / relative
    schema = kind_of(path, root)
    model = FILE_KINDS[schema] if schema is not None else None
    line = schema_line(path, root, schema) if schema else None
    # Laid out straight from the values: fmt chooses every style from the text alone, so writing
    # them, reading that back and laying it out again (format_text) gave these same bytes, in twice
    # the time of the whole import (tests/test_import.py compares the files with fmt's output).
    text = format_tree(_commented(values), new_yaml(), model, line)
    if loaded_data(text, path) != _as_loaded(values):  # pragma: no cover - a bug in apdoc, not the document's
        raise PlanError([Diagnostic(relative, 0, 0, "cannot write the values read without changing them "
                                                    "(please report this)")])
    return text


def write_plan(result: Any, out_dir: Path) -> list[Path]:
    """Write every file of `result` (an ImportResult) under `out_dir`, which must not hold anything yet.

    The files are written into a new folder beside it, which is then renamed to `out_dir`: an
    error or an interruption part-way leaves no plan folder at all. Returns the paths written.
    """
    texts = {relative: file_text(relative, values) for relative, values in result.files.items()}
    return write_files({relative: text.encode("utf-8") for relative, text in texts.items()}, out_dir)


def write_files(files: dict[str, bytes], out_dir: Path) -> list[Path]:
    """Write `files` (path in the plan folder → bytes) as a new plan folder `out_dir`, all or none."""
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        what = "a folder that is not empty" if out_dir.is_dir() else "a file"
        raise PlanError([Diagnostic(display_path(out_dir), 0, 0, f"is {what}: import writes a new plan folder "
                                    "(choose another -o, or remove it)")])
    parent = out_dir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=parent))
    try:
        for relative, data in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        staging.chmod(0o777 & ~_umask())
        if out_dir.exists():
            out_dir.rmdir()
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out_dir / relative for relative in files]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
