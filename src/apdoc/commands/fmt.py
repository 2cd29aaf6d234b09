"""`apdoc fmt`: one canonical layout for every plan file, comments kept.

The layout itself is the plan's (plan/yaml_layout.py), shared with the commands and the import
that write plan files; this is the command around it. A file that does not validate is not laid
out (its error would hide). As a last guard, the formatted text is read back with the plan's own
loader and must give exactly the data the original gave; otherwise the file is left alone and
the difference reported.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from pydantic import ValidationError
from ruamel.yaml.error import YAMLError

from ..diagnostics import Diagnostic, PlanError
from ..output import FileStamp, write_atomic
from ..plan.folder import kind_of, require_folder
from ..plan.load import explain, link_problem
from ..plan.models import FILE_KINDS
from ..plan.source import load_yaml, read_plan_file
from ..plan.yaml_layout import format_text, loaded_data, schema_line


@dataclass(frozen=True)
class Formatted:
    path: Path
    old: bytes
    new: bytes

    @property
    def changed(self) -> bool:
        return self.old != self.new


def format_file(path: Path, root: Path) -> Formatted:
    """Format one plan file (in memory). Raises PlanError when it cannot be read or formatted safely."""
    source = load_yaml(path)  # the plan's own errors first: syntax, tabs, encoding, anchors, tags
    old = read_plan_file(path)
    schema = kind_of(path, root)
    model = FILE_KINDS[schema] if schema is not None else None
    try:
        new = format_text(old.decode("utf-8"), model, schema and schema_line(path, root, schema))
        same = loaded_data(new, path) == source.data
    except (YAMLError, yaml.YAMLError, PlanError):
        same = False
    if not same:  # a bug in apdoc or ruamel, never the editor's: say so and leave the file alone
        raise PlanError([Diagnostic(source.shown, 0, 0, "cannot format without changing a value; "
                                    "the file is left as it is (please report this)")])
    return Formatted(path, old, new.encode("utf-8"))


def refuse_invalid(path: Path, root: Path) -> None:
    """Raise PlanError naming the errors of a plan file that does not validate: laid out, its error
    would hide (a misspelt key moved to the end, as if fmt had understood it). Fix it first."""
    source = load_yaml(path)
    kind = kind_of(path, root)
    if kind is None:
        return
    model = FILE_KINDS[kind]
    if not isinstance(source.data, dict):
        raise PlanError([source.diagnostic((), "expected a mapping of fields (key: value) at the top of the file; "
                                           "not formatted")])
    try:
        model.model_validate(source.data)
    except ValidationError as exc:
        raise PlanError([replace(d, message=f"{d.message}; not formatted") for d in explain(exc, source, model)]
                        ) from None


def plan_files(root: Path) -> list[Path]:
    require_folder(root)
    # Pipes, sockets and devices too: load_yaml refuses them by name rather than fmt skipping them silently.
    return sorted(p for p in root.rglob("*.yaml") if not p.is_dir() or p.is_symlink())


def format_plan(root: Path, *, write: bool) -> tuple[list[Formatted], list[Diagnostic]]:
    """Format every *.yaml file under `root`; write the changed ones when `write`.

    Files that cannot be read are reported and skipped; the others are still formatted.
    """
    results: list[Formatted] = []
    problems: list[Diagnostic] = []
    for path in plan_files(root):
        # The same refusal as validate and build: fmt would read, and write, through the link.
        problem = link_problem(path, root)
        if problem is not None:
            problems.append(problem)
            continue
        read_as = FileStamp.of(path)  # before it is read: an editor's save after this is never replaced
        try:
            refuse_invalid(path, root)
            result = format_file(path, root)
            if write and result.changed:
                write_atomic(path, result.new, read_as=read_as)
        except PlanError as exc:
            problems.extend(exc.diagnostics)
            continue
        results.append(result)
    return results, problems
