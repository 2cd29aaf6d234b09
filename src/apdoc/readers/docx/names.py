"""Which bookmark names are anchors, and what each names, learnt as the body is read.

A bookmark is an anchor when the caller's map (an apdoc-built TD's custom properties) knows its
name, or a name an editor made of it (anchors.AnchorNames: LibreOffice's `_Copy_1`, cut at 40
characters), or when a link in the TD points to it. The body comes a chunk at a time
(readers/docx/body.py), and a link may come after the bookmark it points to: what was decided
before the whole part was seen is noted, and checked at the end (`guessed_wrong`); the reader
reads the DOCX again, knowing, in the rare case a guess was wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ...anchors import AnchorNames

# Word's limit on a bookmark's name: a longer link target names no bookmark, and is no anchor.
NAME_LIMIT = 40


@dataclass
class Known:
    """What a first reading learnt of the whole DOCX, for a second: every link target and every
    bookmark name in it, and whether each section is landscape."""

    targets: set[str] = field(default_factory=set)
    starts: set[str] = field(default_factory=set)
    landscape: list[bool] = field(default_factory=list)


class Anchors(dict[str, str]):
    """bookmark name → the element id it anchors (its own name, for a link target the map does
    not know), for every bookmark `keep` was asked of and every link target added: a plain dict
    to the structure's reader, which looks up every bookmark of every paragraph."""

    def __init__(self, ids: Mapping[str, str], known: Known | None) -> None:
        super().__init__(ids)
        self.ids = ids
        self.names = AnchorNames(ids)
        self.targets: set[str] = set()
        self.starts: set[str] = set(known.starts) if known is not None else set()
        self.dropped: set[str] = set()  # bookmarks removed as no anchor
        self.unsure: set[str] = set()  # links read as their own name: a renamed bookmark not seen yet
        self._renamed: dict[str, str | None] = {}  # bookmark_id's answers for names not in the map
        if known is not None:
            self.add_targets(known.targets)

    def bookmark_id(self, name: str) -> str | None:
        """The id a bookmark names by the map alone (links aside): its own entry, or the entry of
        the name it was made from."""
        if name in self.ids:
            return self.ids[name]
        if name not in self._renamed:
            original = self.names.original(name)
            self._renamed[name] = self.ids[original] if original is not None else None
        return self._renamed[name]

    def add_targets(self, names: set[str]) -> None:
        for name in names - self.targets:
            if len(name) <= NAME_LIMIT and name not in self:
                self[name] = self.bookmark_id(name) or name
        self.targets |= names

    def keep(self, name: str) -> bool:
        """Whether a bookmark is an anchor (and then it is in this dict)."""
        if name in self:
            return True
        found = self.bookmark_id(name)
        if found is None:
            return False
        self[name] = found
        return True

    def link(self, name: str) -> str:
        """The id an internal link `#name` goes to. A name the map knows only as made from one of
        its names is renamed only if such a bookmark is in the TD (or a link names it)."""
        if name in self.ids:
            return self.ids[name]
        if name in self.starts or name in self.targets:
            return self.bookmark_id(name) or name
        if self.bookmark_id(name) is not None:
            self.unsure.add(name)
        return name

    def guessed_wrong(self) -> bool:
        """Whether a decision made before the whole DOCX was read differs from the one the whole
        would give: a bookmark dropped that a later link points to, a link read as its own name
        to a renamed bookmark found later."""
        return any(name in self.targets and len(name) <= NAME_LIMIT for name in self.dropped) or \
            any(name in self.starts for name in self.unsure)
