"""Plan values → the files of a plan folder, in `apdoc fmt`'s canonical layout, all or none."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import PlainScalarString

from ..diagnostics import Diagnostic, PlanError, display_path
from ..plan.folder import Plan, kind_of
from ..plan.models import FILE_KINDS
from ..plan.yaml_emit import Unsupported, dump_values
from ..plan.yaml_layout import finish_text, format_tree, loaded_data, new_yaml, schema_line


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


def file_text(relative: str, values: dict[str, Any], *, verify: bool = True) -> str:
    """One plan file's text: the schema line, then the values in the canonical layout. `verify`:
    read it back and raise PlanError unless it holds the values (write_plan verifies on its own)."""
    root = Path("/plan")
    path = root / relative
    schema = kind_of(path, root)
    model = FILE_KINDS[schema] if schema is not None else None
    line = schema_line(path, root, schema) if schema else None
    # Laid out straight from the values: fmt chooses every style from the text alone, so writing
    # them, reading that back and laying it out again (format_text) gave these same bytes, in twice
    # the time of the whole import (tests/test_import.py compares the files with fmt's output).
    text = canonical_text(values, model, line)
    if schema == "chapter":
        text = _spaced(text)
    if verify:
        _verify(relative, loaded_data(text, path), values)
    return text


def _verify(relative: str, read_back: Any, values: dict[str, Any]) -> None:
    if read_back != _as_loaded(values):  # pragma: no cover - a bug in apdoc, not the document's
        raise PlanError([Diagnostic(relative, 0, 0, "cannot write the values read without changing them "
                                                    "(please report this)")])


def canonical_text(values: dict[str, Any], model: Any, line: str | None) -> str:
    """What format_tree gives the values: written by yaml_emit, ruamel's dump for what it does not cover."""
    try:
        return finish_text(dump_values(values, model), line)
    except Unsupported:
        return ruamel_text(values, model, line)


def ruamel_text(values: dict[str, Any], model: Any, line: str | None) -> str:
    """The values through ruamel's round-trip writer, as `apdoc fmt` lays a file out."""
    return format_tree(_commented(values), new_yaml(), model, line)


# The matrix's parts, each after a blank line (as plan/chapters/08-considerations.yaml has them).
_SPACED_KEYS = ("session_sources:", "target_entities:", "considerations:")
# Lists whose items are blocks of many lines: a blank line between items, as the seed plan has them.
_SPACED_LISTS = ("sections:", "considerations:")


def _spaced(text: str) -> str:
    """A chapter's text with the blank lines an editor leaves, which `apdoc fmt` keeps: between
    sections, between the matrix's rows, and before each part of the matrix. fmt writes list items
    under their key, two spaces in, so an item's first line is found by its indentation alone (a
    block scalar's lines are indented further)."""
    out: list[str] = []
    items_at: int | None = None  # the indentation of the items of the spaced list we are in
    seen_item = False
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        stripped = line.strip()
        if items_at is not None and stripped and indent < items_at:
            items_at = None
        if indent == 0 and stripped.startswith(_SPACED_KEYS) and out and out[-1] != "":
            out.append("")
        if items_at is not None and indent == items_at and stripped.startswith("- "):
            if seen_item and out[-1] != "":
                out.append("")
            seen_item = True
        if stripped.startswith(_SPACED_LISTS) and stripped.endswith(":") and not stripped.startswith("- "):
            items_at, seen_item = indent + 2, False
        out.append(line)
    return "\n".join(out)


def write_plan(result: Any, out_dir: Path, check: Callable[[Path], Plan | None] | None = None) -> list[Path]:
    """Write every file of `result` (an ImportResult) under `out_dir`, which must not hold anything yet.

    The files are written into a new folder beside it, which is then renamed to `out_dir`: an
    error or an interruption part-way leaves no plan folder at all. `check` is called with that
    folder before the rename (it raises PlanError to write nothing); when it returns the plan it
    loaded from there, each file is verified against what that load read, instead of read twice.
    Every file must read back as its values, or nothing is written. Returns the paths written.
    """
    texts = {relative: file_text(relative, values, verify=False) for relative, values in result.files.items()}

    def verified(staging: Path) -> None:
        plan = check(staging) if check is not None else None
        read = {} if plan is None else {str(loaded.source.path): loaded.source.data for loaded in
                                        [*plan.files, *([plan.comments] if plan.comments else [])]}
        for relative, values in result.files.items():
            where = str(staging / relative)
            _verify(relative, read[where] if where in read else loaded_data(texts[relative], Path(where)), values)

    return write_files({relative: text.encode("utf-8") for relative, text in texts.items()}, out_dir, verified)


def write_files(files: dict[str, bytes], out_dir: Path, check: Callable[[Path], None] | None = None) -> list[Path]:
    """Write `files` (path in the plan folder → bytes) as a new plan folder `out_dir`, all or none;
    `check` as for write_plan."""
    shown = display_path(out_dir)
    # A symbolic link is written through, as `build -o` does: the folder it names is the plan.
    folder = Path(os.path.realpath(out_dir)) if out_dir.is_symlink() else out_dir.absolute()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        what = "a folder that is not empty" if folder.is_dir() else "a file"
        raise PlanError([Diagnostic(shown, 0, 0, f"is {what}: import writes a new plan folder "
                                    "(choose another -o, or remove it)")])
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError as exc:
        raise PlanError([Diagnostic(shown, 0, 0, f"cannot write: {exc.strerror or exc}")]) from None
    try:
        made = {staging}
        for relative, data in files.items():
            target = staging / relative
            if target.parent not in made:  # a plan's thousands of files are in three folders
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
        if check is not None:
            check(staging)
        staging.chmod(0o777 & ~_umask())
        if folder.exists():
            folder.rmdir()
        os.replace(staging, folder)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise PlanError([Diagnostic(shown, 0, 0, f"cannot write: {exc.strerror or exc}")]) from None
        raise
    return [out_dir / relative for relative in files]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
