"""What every check shares: the text values of a file, a registry of ids defined once, and what
the files that failed to load may declare (so their failure does not cascade)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ...diagnostics import Diagnostic
from ..folder import Failed, Loaded
from ..models import AP_ID_PATTERN
from ..source import SourceFile
from ..walks import Loc

AP_ID = re.compile(AP_ID_PATTERN)


# Every loaded file (as Plan.files lists them) with its text values (strings_of).
FileTexts = list[tuple[Loaded, list[tuple[Loc, str]]]]


def strings_of(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every text value of a file with its location (keys excluded)."""
    stack: list[tuple[Loc, Any]] = [(loc, data)]
    while stack:
        here, value = stack.pop()
        if isinstance(value, str):
            yield here, value
        elif isinstance(value, dict):
            stack.extend(((*here, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*here, i), v) for i, v in reversed(list(enumerate(value))))


class Registry:
    """First definition of each id, to name both places when one is defined twice."""

    def __init__(self, what: str, problems: list[Diagnostic]):
        self.what = what
        self.problems = problems
        self.first: dict[str, tuple[SourceFile, Loc]] = {}

    def add(self, key: str, source: SourceFile, loc: Loc) -> None:
        if key in self.first:
            other, other_loc = self.first[key]
            line, _ = other.position(other_loc)
            self.problems.append(
                source.diagnostic(loc, f"duplicate {self.what} '{key}' (also defined at {other.shown}:{line})")
            )
        else:
            self.first[key] = (source, loc)


def raw_items(data: Any) -> Iterator[tuple[Any, Any]]:
    """Every (key, value) pair, at any depth, of a file's raw YAML data."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            yield from value.items()
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


@dataclass
class Recovered:
    """What the files that failed to load (their errors reported already) may declare, so that no
    check reports an error that is only an echo of their failure: a reference into a broken file
    is not dangling. Checks still run over every file that loaded, so nothing else is hidden.

    A file that parsed as YAML but failed its model is read raw and loosely, since the failure may
    be in the very key that declares (`referenes:`, `sub_item:`): any key of a failed chapter may
    be a footnote, any `b-…` value a reference key; a failed action item declares its file's id, its
    `id:` values and any id under it that it names. Erring towards declaring too much costs an
    error that shows once the file is fixed; too little, a false error now. A file that could not
    be read at all (YAML syntax, encoding, not a mapping, a refused link) is opaque: everything
    under its action item id may exist, and the checks it could satisfy are skipped.
    """

    ap_ids: set[str] = field(default_factory=set)
    ap_trees: set[str] = field(default_factory=set)  # opaque action item files: these ids and all below
    footnotes: set[str] = field(default_factory=set)
    references: set[str] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)  # raw text, for how often footnotes are cited
    chapter_failed: bool = False  # a figure, a matrix or an insert may be in it
    opaque_chapter: bool = False  # a chapter or annex whose footnotes and references are unknown
    opaque_text: bool = False  # a file whose text (and so its footnote citations) is unknown

    @classmethod
    def of(cls, failed: list[Failed]) -> Recovered:
        found = cls()
        for bad in failed:
            chapter = bad.folder in ("chapters", "annexes")
            found.chapter_failed |= chapter
            if not isinstance(bad.data, dict):
                found.opaque_text = True
                found.opaque_chapter |= chapter
                if bad.folder == "action-items":
                    found.ap_trees.add(bad.path.stem)
                continue
            strings = [text for _, text in strings_of(bad.data)]
            found.texts += strings
            if bad.folder == "action-items":
                stem = bad.path.stem
                found.ap_ids.add(stem)
                found.ap_ids |= {v for k, v in raw_items(bad.data) if k == "id" and isinstance(v, str)}
                found.ap_ids |= {v for v in strings if v.startswith(stem + ".") and AP_ID.fullmatch(v)}
            elif chapter:
                found.footnotes |= {k for k, _ in raw_items(bad.data) if isinstance(k, str)}
                found.references |= {text for text in strings if text.startswith("b-")}
        return found

    def may_be_action_item(self, ap_id: str) -> bool:
        return ap_id in self.ap_ids or any(ap_id == t or ap_id.startswith(t + ".") for t in self.ap_trees)


def nearest(word: str, known: Any) -> str:
    import difflib  # for an error's hint only: a valid plan does not load it

    hint = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {hint[0]}?)" if hint else ""
