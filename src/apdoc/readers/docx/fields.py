"""Tracked edits inside the shown result of a field: a table's or figure's number (SEQ), a clause
number typed over. The reader keeps no field results, since apdoc makes them (noise.py), so such
an edit is looked for in the document part itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...ooxml import MAIN_PART, W
from .package import open_package, parse_xml
from .revisions import Revision

TRACKED = {W + "ins", W + "del", W + "moveFrom", W + "moveTo"}
# A start tag of one of TRACKED's names, whatever its prefix: a part with none has no tracked
# edit, and is not parsed again (a large TD's document part: a second or more, tens of MB).
_TRACKED_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:ins|del|moveFrom|moveTo)[\s/>]")


@dataclass(frozen=True)
class FieldEdit:
    """A paragraph (its number, counted from 1 in the document part) with a tracked edit in a
    field's shown result, and the field's instruction's first word (`SEQ`, or `a field`)."""

    paragraph: int
    instruction: str


def edits_in_field_results(data: bytes, source: str, is_build_mark: Callable[[Revision], bool]) -> list[FieldEdit]:
    """Each paragraph with a tracked edit (not one the build made: `is_build_mark`) in the shown
    result of a complex field (between its `separate` and `end`) or of a simple one, once. (The
    reader has read the document part already: a part it refuses never comes here.)"""
    package = open_package(data, source)
    part = package.read(MAIN_PART) if package.has(MAIN_PART) else b""
    if not _may_track(part):
        return []
    return edits_in(parse_xml(part, f"{source}: {MAIN_PART}"), is_build_mark)


def edits_in(root: Any, is_build_mark: Callable[[Revision], bool]) -> list[FieldEdit]:
    """edits_in_field_results of a document part parsed. Only a paragraph holding a tracked edit
    (itself, or a paragraph inside it: a text box's) can have one: only those are looked through."""
    found = (edit_in(number, paragraph, is_build_mark) for number, paragraph in _holding_tracked(root))
    return [edit for edit in found if edit is not None]


def edit_in(number: int, paragraph: Any, is_build_mark: Callable[[Revision], bool]) -> FieldEdit | None:
    """The first tracked edit (not the build's) in a field's shown result in one paragraph (its
    `number` in the part), if there is one."""
    fields: list[list[Any]] = []  # open complex fields: [instruction, showing its result]
    for el in paragraph.iter():
        if el.tag == W + "fldChar":
            kind = el.get(W + "fldCharType")
            if kind == "begin":
                fields.append(["", False])
            elif kind == "separate" and fields:
                fields[-1][1] = True
            elif kind == "end" and fields:
                fields.pop()
        elif el.tag == W + "instrText" and fields:
            fields[-1][0] += el.text or ""
        elif el.tag in TRACKED and (any(showing for _, showing in fields)
                                    or any(a.tag == W + "fldSimple" for a in el.iterancestors())):
            mark = Revision(el.tag.removeprefix(W), el.get(W + "id", ""), el.get(W + "author", ""),
                            el.get(W + "date", ""), "document", number, "", "")
            if is_build_mark(mark):
                continue
            instruction = next((i for i, showing in reversed(fields) if showing), "").split() or ["a field"]
            return FieldEdit(number, instruction[0])
    return None


def _holding_tracked(root: Any) -> list[tuple[int, Any]]:
    """(number, paragraph) of each paragraph holding a tracked edit, in order; numbers count every
    paragraph of the part from 1."""
    holding = {paragraph: 0 for el in root.iter(*TRACKED) for paragraph in el.iterancestors(W + "p")}
    if not holding:
        return []
    for number, paragraph in enumerate(root.iter(W + "p"), 1):
        if paragraph in holding:
            holding[paragraph] = number
    return sorted(((number, paragraph) for paragraph, number in holding.items()), key=lambda pair: pair[0])


def _may_track(part: bytes) -> bool:
    """Whether an XML part may hold a tracked edit: any part whose tags are not in ASCII
    bytes (UTF-16) may; one in UTF-8 (or another encoding of ASCII) only with such a tag."""
    head = part[:4]
    if b"\x00" in head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return _TRACKED_TAG.search(part) is not None
