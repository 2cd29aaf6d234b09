"""Load a plan folder (plan/folder.py says what it holds): every file read, modelled and checked;
every problem reported at once."""

from __future__ import annotations

import re
import stat
import types
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..diagnostics import Diagnostic, PlanError, display_path, forget_resolved_paths, resolved, resolved_folder
from .folder import COMMENTS_FILE, DOCUMENT_FILE, FOLDERS, Failed, Loaded, Plan, require_folder
from .models import FILE_KINDS, PATTERN_MEANINGS, Comments, Document, PlanModel, ap_sort_key, number_key
from .source import SourceFile, load_yaml, not_a_file

# apdoc watch loads the plan at every save: a file unchanged since the last load (the same size,
# times and inode, as watch's own snapshot compares them) is taken as it was modelled then, not
# parsed and validated again. None (off) for the one-shot commands. By path: (identity, Loaded).
_UNCHANGED: dict[str, tuple[tuple[Any, ...], Loaded]] | None = None


@contextmanager
def unchanged_files_remembered() -> Iterator[None]:
    """Within, a file unchanged since it was last loaded is not read again (apdoc watch's session)."""
    global _UNCHANGED
    _UNCHANGED = {}
    try:
        yield
    finally:
        _UNCHANGED = None


def natural_key(path: Path) -> list[Any]:
    """File-name order with numbers by value (2-x before 10-x). Only ASCII digits are numbers:
    a superscript ² or another script's digit is text, so every name sorts. The parts alternate
    text, number, text…, so two keys only ever compare text with text and number with number."""
    return [number_key(part) if n % 2 else part for n, part in enumerate(re.split(r"([0-9]+)", path.name))]


def load_plan(root: Path, *, check: bool = True, strict: bool = False) -> Plan:
    """Read, model and (by default) check the plan in `root`. Raises PlanError.

    Warnings (allowed but unfinished) are kept in `plan.warnings`; `strict` makes them errors.
    """
    forget_resolved_paths()
    require_folder(root)
    loading = _Loading(root)
    problems, failed = loading.problems, loading.failed
    document = _load(loading, root / DOCUMENT_FILE, Document, "document", required=True)
    comments = _load(loading, root / COMMENTS_FILE, Comments, "comments")
    for extra in sorted(root.glob("*.y*ml")):
        if extra.name not in (DOCUMENT_FILE, COMMENTS_FILE):
            problems.append(
                Diagnostic(display_path(extra), 0, 0, "unknown plan file: expected document.yaml, "
                           "comments.yaml, chapters/, annexes/ or action-items/")
            )
    problems += shape_problems(root)
    loaded: dict[str, list[Loaded]] = {}
    for folder, kind in FOLDERS.items():
        model = FILE_KINDS[kind]
        files = sorted((root / folder).glob("*"), key=natural_key) if (root / folder).is_dir() else []
        loaded[folder] = []
        for path in files:
            if path.suffix == ".yml":
                problems.append(Diagnostic(display_path(path), 0, 0, "name plan files *.yaml, not *.yml"))
            if path.suffix != ".yaml":
                continue
            item = _load(loading, path, model, folder)
            if item is not None:
                loaded[folder].append(item)
    plan = Plan(
        root=root,
        document=document,  # type: ignore[arg-type]  # None only if it failed: then the plan is not returned
        chapters=loaded["chapters"],
        annexes=loaded["annexes"],
        action_items=sorted(loaded["action-items"], key=lambda a: ap_sort_key(a.model.id)),
        failed=failed,
        comments=comments,
    )
    if check:
        # The cross-file checks run over the files that did load, so a schema error in one file
        # does not hide the broken references of another; all of them are reported together.
        from .checks import check_plan

        found = check_plan(plan)
        if strict:
            found = [Diagnostic(d.path, d.line, d.col, d.message) for d in found]
        problems += [d for d in found if d.severity == "error"]
        if not problems:
            plan.warnings = sorted(d for d in found if d.severity == "warning")
    if problems or document is None:
        raise PlanError(problems)  # warnings would drown the errors; they show once the plan is valid
    return plan


# The sub-folders a plan must have: a TD without chapters is no action plan. The others may be
# absent (no annexes; action items not yet written).
REQUIRED_FOLDERS = ("chapters",)


def shape_problems(root: Path) -> list[Diagnostic]:
    """The plan's sub-folders that are something else than a folder, or missing while required.

    Without this, a `chapters` that is a file (or a pipe) read as a plan with no chapters, and
    the TD built without them.
    """
    found = []
    for folder in FOLDERS:
        path = root / folder
        shown = str(Path(display_path(root)) / folder)  # as found in the plan, not where a link points
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            if path.is_symlink():
                found.append(Diagnostic(shown, 0, 0, "broken link: it points at no folder"))
            elif folder in REQUIRED_FOLDERS:
                found.append(Diagnostic(shown, 0, 0, f"missing: every plan needs a {folder}/ folder"))
            continue
        except OSError as exc:
            found.append(Diagnostic(shown, 0, 0, f"cannot read: {exc.strerror or exc}"))
            continue
        if not stat.S_ISDIR(mode):
            found.append(Diagnostic(shown, 0, 0, f"is {not_a_file(mode) or 'a file'}, not a folder: "
                                                 f"the plan's {folder} go in a folder {folder}/"))
    return found


def link_problem(path: Path, root: Path, folders: dict[Path, Path] | None = None) -> Diagnostic | None:
    """Why a plan file may not be read through its symbolic link(s), or None when it may.

    Plan files come from pull requests that CI builds: a link to ~/.ssh/id_rsa or /etc/passwd
    must never be read, since its content would show in error messages and in the TD. Any link
    on the way counts (a linked chapters/ folder too). `folders`: the folders resolved so far in
    this load (see `resolved`).
    """
    folders = {} if folders is None else folders
    try:
        real = resolved(path, folders, strict=True)
    except (OSError, RuntimeError):  # dangling, or a loop (RuntimeError before Python 3.13)
        problem = "broken link: it points at no file (or at itself, in a loop)"
    else:
        if real.is_relative_to(resolved_folder(root, folders)):
            return None
        problem = "is a link to a file outside the plan folder: refused, not read"
    # Named as found in the plan: display_path() resolves links, so it would name the target.
    return Diagnostic(str(Path(display_path(root)) / path.relative_to(root)), 0, 0, problem)


@dataclass
class _Loading:
    """One load of a plan: its folder, the problems and the files that failed so far, and the
    folders resolved once for all the files in them (link_problem)."""

    root: Path
    problems: list[Diagnostic] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    folders: dict[Path, Path] = field(default_factory=dict)


def _load(loading: _Loading, path: Path, model: type[PlanModel], folder: str, required: bool = False) -> Loaded | None:
    root, problems, failed, folders = loading.root, loading.problems, loading.failed, loading.folders
    # Not exists() alone, which is False for a broken link: that is an error, not a missing file.
    present = path.is_symlink() or path.exists()
    problem = link_problem(path, root, folders) if present else None
    if problem is not None:
        problems.append(problem)
        failed.append(Failed(path, folder))
        return None
    if not present:
        if required:
            problems.append(Diagnostic(display_path(path), 0, 0, "missing: every plan needs this file"))
        return None
    identity = _identity(path, model) if _UNCHANGED is not None else None
    if identity is not None and _UNCHANGED is not None:
        remembered = _UNCHANGED.get(str(path))
        if remembered is not None and remembered[0] == identity:
            return remembered[1]
    try:
        source = load_yaml(path)
    except PlanError as exc:
        problems.extend(exc.diagnostics)
        failed.append(Failed(path, folder))
        return None
    if not isinstance(source.data, dict):
        problems.append(source.diagnostic((), "expected a mapping of fields (key: value) at the top of the file"))
        failed.append(Failed(path, folder, source.data))
        return None
    try:
        loaded = Loaded(model.model_validate(source.data), source)
        if identity is not None and _UNCHANGED is not None:
            _UNCHANGED[str(path)] = (identity, loaded)
        return loaded
    except ValidationError as exc:
        problems.extend(explain(exc, source, model))
        failed.append(Failed(path, folder, source.data))
        return None


# --- pydantic errors in the editor's terms ------------------------------------


_BOUNDS = {"greater_than_equal": "the least is", "less_than_equal": "the most is", "greater_than": "must be over",
           "less_than": "must be under"}


def _identity(path: Path, model: type[PlanModel]) -> tuple[Any, ...] | None:
    """What tells a regular file's content unchanged without reading it, or None (not a regular file)."""
    try:
        info = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return (model, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "text"


def _strip_loc(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """Drop pydantic's union tags from an error location, keeping the real path in the data."""
    out: list[Any] = []
    current = data
    for part in loc:
        in_dict = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and part < len(current)
        if in_dict or in_list:
            current = current[part]
            out.append(part)
        elif isinstance(current, dict) and part == loc[-1]:
            out.append(part)  # a missing or unknown key
            current = None
    return tuple(out)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    found: list[type[BaseModel]] = []
    if origin in (list, dict, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found += _models_in(arg)
    return found


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    candidates = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        nxt: list[type[BaseModel]] = []
        for cand in candidates:
            if part in cand.model_fields:
                nxt += _models_in(cand.model_fields[part].annotation)
        candidates = nxt
    return sorted({name for cand in candidates for name in cand.model_fields})


def _value_at(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def explain(exc: ValidationError, source: SourceFile, model: type[BaseModel]) -> list[Diagnostic]:
    import difflib  # for the hints of errors only: a valid plan does not load it

    by_loc: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for error in exc.errors(include_url=False):
        by_loc.setdefault(_strip_loc(error["loc"], source.data), []).append(error)
    # An unknown key close to a missing one is a typo: report the typo, not the missing field too.
    typo_targets = set()
    for loc, errors in by_loc.items():
        if any(e["type"] == "extra_forbidden" for e in errors):
            for hint in difflib.get_close_matches(str(loc[-1]), _fields_at(model, loc[:-1]), n=1):
                typo_targets.add((*loc[:-1], hint))
    out: list[Diagnostic] = []
    for loc, errors in by_loc.items():
        if loc in typo_targets and all(e["type"] == "missing" for e in errors):
            continue
        kinds = {e["type"] for e in errors}
        error = errors[0]
        name = ".".join(str(p) for p in loc) or "file"
        if "extra_forbidden" in kinds:
            allowed = _fields_at(model, loc[:-1])
            hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else f" (expected one of: {', '.join(allowed)})"
            out.append(source.diagnostic(loc, f"unknown field '{loc[-1]}'{suggestion}", key=True))
        elif "missing" in kinds:
            out.append(source.diagnostic(loc[:-1], f"missing required field '{loc[-1]}'"))
        elif len(errors) > 1 or error["type"].endswith("_type"):
            expected = []
            for e in errors:
                t = e["type"]
                expected.append(
                    {"string_type": "text", "list_type": "a list", "model_type": "a mapping",
                     "dict_type": "a mapping", "model_attributes_type": "a mapping"}.get(t, t)
                )
            wanted = " or ".join(dict.fromkeys(expected))
            value = _value_at(source.data, loc)
            out.append(source.diagnostic(loc, f"{name}: expected {wanted}, got {_kind(value)}"))
        elif error["type"] == "string_pattern_mismatch":
            pattern = error.get("ctx", {}).get("pattern", "")
            described = PATTERN_MEANINGS.get(pattern, f"text matching {pattern}")
            out.append(source.diagnostic(loc, f"{name}: '{error['input']}' is not {described}"))
        elif error["type"] in ("too_short", "string_too_short"):
            out.append(source.diagnostic(loc, f"{name}: must not be empty"))
        elif error["type"] in _BOUNDS:
            bound = next(iter(error.get("ctx", {}).values()), "")
            out.append(source.diagnostic(loc, f"{name}: {error['input']} is out of range: "
                                              f"{_BOUNDS[error['type']]} {bound}"))
        elif error["type"] in ("int_parsing", "int_from_float"):
            out.append(source.diagnostic(loc, f"{name}: '{error['input']}' is not a whole number (digits 0-9)"))
        elif error["type"] == "literal_error":
            out.append(source.diagnostic(loc, f"{name}: '{error['input']}' is not allowed; "
                                              f"{error['msg'].replace('Input should be', 'expected')}"))
        else:
            out.append(source.diagnostic(loc, f"{name}: {error['msg']}"))
    return out
