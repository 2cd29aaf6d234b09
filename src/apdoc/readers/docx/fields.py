"""Tracked edits inside the shown result of a field: a table's or figure's number (SEQ), a clause
number typed over. The reader keeps no field results, since apdoc makes them (noise.py), so such
an edit is looked for in the document part itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...ooxml import MAIN_PART, W
from .package import open_package
from .revisions import Revision

TRACKED = {W + "ins", W + "del", W + "moveFrom", W + "moveTo"}


@dataclass(frozen=True)
class FieldEdit:
    """A paragraph (its number, counted from 1 in the document part) with a tracked edit in a
    field's shown result, and the field's instruction's first word (`SEQ`, or `a field`)."""

    paragraph: int
    instruction: str


def edits_in_field_results(data: bytes, source: str, is_build_mark: Callable[[Revision], bool]) -> list[FieldEdit]:
    """Each paragraph with a tracked edit (not one the build made: `is_build_mark`) in the shown
    result of a complex field (between its `separate` and `end`) or of a simple one, once."""
    root = open_package(data, source).xml(MAIN_PART)
    found: list[FieldEdit] = []
    for number, paragraph in enumerate(root.iter(W + "p") if root is not None else [], 1):
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
                found.append(FieldEdit(number, instruction[0]))
                break
    return found
