"""The plan folder: which files it holds, and the plan as loaded from them.

    document.yaml            cover, abstract, action
    comments.yaml            Word comment threads (optional; `apdoc apply` writes it)
    chapters/*.yaml          chapters, numbered 1, 2, … in file-name order
    annexes/*.yaml           annexes, lettered A, B, … in file-name order
    action-items/<id>.yaml   one file per action item, e.g. AP1.4.yaml
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, PlanError, display_path
from .source import SourceFile

DOCUMENT_FILE = "document.yaml"
COMMENTS_FILE = "comments.yaml"
# The one table of the plan's folders: each holds files of one kind (a key of models.FILE_KINDS,
# also the name of its JSON Schema).
FOLDERS: dict[str, str] = {"chapters": "chapter", "annexes": "chapter", "action-items": "action-item"}


def plan_folder_problem(root: Path) -> Diagnostic | None:
    """Why `root` is not a plan folder, in words that say where we looked and what to type instead."""
    shown = display_path(root)
    if not root.exists():
        where = "" if root.is_absolute() else f" (looked in the current folder, {Path.cwd()})"
        if not root.is_absolute() and Path(DOCUMENT_FILE).is_file():
            # Suggested, not taken: build/ and templates/ are found beside the plan folder, from
            # where apdoc runs; taken from inside it, a build would write build/ into the plan.
            return Diagnostic(shown, 0, 0, f"plan folder not found{where}, but the current folder holds "
                                           f"{DOCUMENT_FILE}: it is a plan folder. Run apdoc from the folder "
                                           "above it (cd ..), or type --plan . to use it from here")
        return Diagnostic(shown, 0, 0, f"plan folder not found{where}: run apdoc from the folder that holds "
                                       "the plan folder, or give its path with --plan DIR")
    if not root.is_dir():
        return Diagnostic(shown, 0, 0, "is a file, not a plan folder")
    if not (root / "document.yaml").exists() and (root / "plan" / "document.yaml").is_file():
        return Diagnostic(shown, 0, 0, f"not a plan folder (no document.yaml), but it holds one: "
                                       f"did you mean --plan {display_path(root / 'plan')}?")
    return None


def require_folder(root: Path) -> None:
    """Raise PlanError unless `root` is a plan folder: the first thing every command checks."""
    problem = plan_folder_problem(root)
    if problem is not None:
        raise PlanError([problem])


def kind_of(path: Path, root: Path) -> str | None:
    """The kind of plan file at `path` (a key of models.FILE_KINDS), or None for a file the plan does not read."""
    rel = path.relative_to(root)
    if rel == Path(DOCUMENT_FILE):
        return "document"
    if rel == Path(COMMENTS_FILE):
        return "comments"
    if len(rel.parts) == 2 and rel.parts[0] in FOLDERS and rel.suffix == ".yaml":
        return FOLDERS[rel.parts[0]]
    return None


@dataclass
class Loaded:
    """A plan file after modelling: the model and the source it came from."""

    model: Any
    source: SourceFile


@dataclass
class Failed:
    """A plan file that did not load or model. Checks still run without it, and read its raw
    data (when it parsed) for what it declares, so no error is only an echo of its failure."""

    path: Path
    folder: str  # "document", "chapters", "annexes" or "action-items"
    data: Any = None  # the raw YAML data; None when unreadable, so what it declares is unknown


@dataclass
class Plan:
    root: Path
    document: Loaded  # only while checking a plan that has failed files can it be None
    chapters: list[Loaded] = field(default_factory=list)
    annexes: list[Loaded] = field(default_factory=list)
    action_items: list[Loaded] = field(default_factory=list)  # sorted by id
    warnings: list[Diagnostic] = field(default_factory=list)  # allowed, but unfinished
    failed: list[Failed] = field(default_factory=list)  # files with errors of their own; never in a valid plan
    # comments.yaml, when there is one. Not among `files`: comments are no value of the TD, so
    # they change neither its digest nor its checks.
    comments: Loaded | None = None

    @property
    def all_chapters(self) -> list[Loaded]:
        return self.chapters + self.annexes

    @property
    def files(self) -> list[Loaded]:
        """Every modelled file: the document (when it loaded), chapters, annexes, action items."""
        head = [self.document] if self.document is not None else []
        return [*head, *self.all_chapters, *self.action_items]

    def summary(self) -> str:
        rows = sum(len(c.model.considerations) for c in self.chapters)
        tables = sum(1 for a in self.action_items if a.model.table is not None)
        return (
            f"{_count(len(self.chapters), 'chapter')}, {_count(len(self.annexes), 'annex', 'annexes')}, "
            f"{_count(len(self.action_items), 'action item')} ({_count(tables, 'table')}), "
            f"{_count(rows, 'consideration')}"
        )


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
