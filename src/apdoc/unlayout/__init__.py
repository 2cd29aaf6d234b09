"""The intermediate XHTML → plan values → a plan folder: the layout run backwards (`apdoc import`).

Works on the XHTML the layout makes (ids and classes give each element's place in the plan)
and on XHTML read from a Word file that apdoc never saw, where only tags, the Word style
names of paragraphs, captions and footnotes remain: there each generated part (the chapter 4
list, the action item tables, the pillar list, the legend, the matrix) is recognised by its
shape. What cannot be placed in the plan is a warning naming the paragraph it stands in.

    result = plan_from_xhtml(root, source="TD.docx")   # .files, .warnings
    write_plan(result, Path("plan"))                     # every file, or none
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from ..intermediate import WRAPPERS
from .assemble import action_item_values, chapter_values, document_values
from .chapters import NotCarried, Reading, Section, read_chapters
from .context import Context, local
from .cover import is_cover, read_action, read_cover
from .held import Held
from .normalise import normalise
from .write import write_plan

# Wrappers the layout or a reader may put around blocks: their content is read in their place.
_TRANSPARENT = (*WRAPPERS, "article", "main")


@dataclass
class ImportResult:
    """The plan read from a document: relative path → the file's values; what could not be read."""

    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    not_carried: list[NotCarried] = field(default_factory=list)  # values the document had no carrier for
    titled: set[str] = field(default_factory=set)  # chapter and section ids made from titles (no anchor)
    numbered_footnotes: set[str] = field(default_factory=set)  # footnote ids made from their number (no anchor)
    held: Held = field(default_factory=Held)  # what of a TD the document holds (with `loose`)
    # reference key → the URL its link shows, where that is not the URL it opens (one of the two
    # was edited; which one, only an earlier reading can tell: `apdoc apply` decides)
    shown_urls: dict[str, str] = field(default_factory=dict)


def _flatten(parent: Any) -> list[Any]:
    out: list[Any] = []
    for child in parent:
        if not isinstance(child.tag, str):
            continue
        if local(child) in _TRANSPARENT:
            out += _flatten(child)
        else:
            out.append(child)
    return out


def plan_from_xhtml(root: Any, *, source: str, loose: bool = False, in_place: bool = False) -> ImportResult:
    """The plan's files from an intermediate XHTML document (an lxml element: <html> or <body>).

    `loose`: read what stands before the first heading too (action item tables, matrix rows: a
    contribution holding part of a TD); `held` then says which parts the document holds.
    `in_place`: `root` itself is rewritten (Word's captions and figures, revisions accepted), not a
    copy of it: for a caller that has no more use for the tree as it was (a copy of the 100x TD's
    is some 60 MB)."""
    ctx = Context(source)
    if not in_place:
        root = deepcopy(root)  # rewritten by normalise; the caller's tree stays as it is
    ctx.number_paragraphs(root)
    normalise(root)
    body = next((e for e in root.iter() if isinstance(e.tag, str) and local(e) == "body"), root)
    elements = _flatten(body)
    reading = Reading(ctx)
    cover: dict[str, Any] = {}
    abstract, action = "", None
    if elements and local(elements[0]) == "table" and is_cover(elements[0]):
        cover, abstract = read_cover(ctx, elements.pop(0))
    else:
        ctx.warnings.append(f"{source}: warning: no cover table first: the cover's fields are placeholders")
    if elements and local(elements[0]) == "p" and (action := read_action(ctx, elements[0])) is not None:
        elements.pop(0)
    reading.cover_title = cover.get("title", "")
    outside = Section(0, "", {}) if loose else None
    read_chapters(reading, elements, outside)
    result = ImportResult(warnings=ctx.warnings, not_carried=reading.not_carried,
                          titled=ctx.titled.get("chapter", set()),
                          numbered_footnotes=ctx.titled.get("footnote", set()),
                          held=_held(reading, bool(cover), action is not None, outside),
                          shown_urls=ctx.shown_urls)
    for lost in reading.not_carried:
        ctx.warnings.append(f"{source}: {lost.where}: warning: {NOT_CARRIED_WHY[lost.field]}: "
                            f"the {lost.field} is left out")
    result.files["document.yaml"] = document_values(_complete(cover, ctx), abstract or "[to be written]", action)
    for n, section in enumerate(reading.chapters, 1):
        values = chapter_values(section, reading)
        result.files[f"chapters/{n:02d}-{values['id']}.yaml"] = values
    for n, section in enumerate(reading.annexes):
        values = chapter_values(section, reading)
        result.files[f"annexes/{_annex_prefix(n, len(reading.annexes))}-{values['id']}.yaml"] = values
    for ap_id, values in action_item_values(reading).items():
        result.files[f"action-items/{ap_id}.yaml"] = values
    return result


# What a document that lost the carrier of a value lacks, said to its editor.
NOT_CARRIED_WHY = {"heading": "the picture has no alt text, which carries the figure's heading (a save as "
                              "Word 97 .doc drops it)"}


def _held(reading: Reading, cover: bool, action: bool, outside: Section | None) -> Held:
    held = Held(cover=cover, action=action)
    held.chapters = [str(section.data.get("id")) for section in [*reading.chapters, *reading.annexes]]
    held.sections = {str(section.data.get("id")): chapter_values(section, reading) for section in reading.sections}
    held.statements = list(dict.fromkeys(ap_id for ap_id, _text, _element in reading.statements))
    held.tables = list(dict.fromkeys(table["id"] for table in reading.ap_tables if table["id"]))
    held.captions = {table["id"]: table["caption_name"] for table in reading.ap_tables
                     if table["id"] and table.get("caption_name") is not None}
    held.notes = list(reading.ctx.notes)
    if outside is not None and reading.matrix is not None and reading.matrix[0] is outside:
        held.matrix_keys, held.rows = reading.matrix[1], reading.matrix[2]
    return held


def _annex_prefix(n: int, count: int) -> str:
    """The letters that put the nth annex file (0-based) in its place: a, b, … z; past 26
    annexes, the same number of letters for all (aa, ab, … zz, then aaa…), since the plan
    loads files in name order and `a-x` sorts after `a1-x` and `aa-x`, not before."""
    width = 1
    while 26**width < count:
        width += 1
    letters = ""
    for _ in range(width):
        n, digit = divmod(n, 26)
        letters = chr(ord("a") + digit) + letters
    return letters


def _complete(cover: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """The required cover fields, as placeholders where the document has none."""
    for name in ("document_number", "study_period", "meeting", "source", "title"):
        if not cover.get(name):
            ctx.warnings.append(f"{ctx.source}: warning: the cover has no {name.replace('_', ' ')}: "
                                "it reads [to be written]")
            cover[name] = "[to be written]"
    return cover


__all__ = ["NOT_CARRIED_WHY", "Held", "ImportResult", "NotCarried", "plan_from_xhtml", "write_plan"]
