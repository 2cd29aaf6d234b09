"""What `apdoc apply` does not apply, each with where it stands: a conflict (the plan's value is
kept), a Target Entity the plan does not declare, a chapter or action item added or removed whole,
an edit with no place in the plan (generated text: a number, a caption's label), an edit to a
generated number's field result. Told, never lost in silence.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from lxml import etree

from ..diagnostics import Diagnostic
from ..intermediate import CELLS, HEADINGS, LISTS, NUMBER, PARAGRAPHS, classes
from ..plan.checks.recovered import nearest
from ..plan.folder import Plan
from ..plan.locate import label, located, quote, readable
from ..plan.merge3 import ABSENT, Conflict, merge3
from ..readers.docx import Revision
from ..readers.docx.fields import edits_in_field_results
from ..unlayout.places import TablePlace, cell_place, heading_name, mark_cells
from .readings import FOLDERS, Tree, by_id


def conflict_problem(conflict: Conflict, plan: Plan) -> Diagnostic:
    where, line, col = located(conflict.path, plan)
    base, ours, theirs = differing(conflict.base, conflict.ours, conflict.theirs)
    return Diagnostic(where, line, col, f"conflict: {label(conflict.path, plan)}: the document has {theirs}, the plan "
                      f"now has {ours} (both changed {base}); the plan's is kept")


CONTEXT_WORDS = 4


def differing(*values: Any) -> list[str]:
    """Each value quoted around the words where the values part (a few words either side), so two
    long texts that differ in one word show that word; a value that is not there reads `nothing`."""
    words = [" ".join(readable(v).split()).split(" ") if readable(v).strip() else [] for v in values]
    present = [w for w, v in zip(words, values, strict=True) if w]
    start = 0
    while present and all(len(w) > start for w in present) and len({w[start] for w in present}) == 1:
        start += 1
    end = 0
    while present and all(len(w) - end > start for w in present) and len({w[-1 - end] for w in present}) == 1:
        end += 1
    start, end = max(0, start - CONTEXT_WORDS), max(0, end - CONTEXT_WORDS)
    shown = []
    for w, value in zip(words, values, strict=True):
        if value is ABSENT or value is None or not w:
            shown.append("nothing" if value is ABSENT else "“”")
            continue
        middle = " ".join(w[start: len(w) - end])
        middle = middle if len(middle) <= 160 else middle[:157] + "…"
        shown.append(f"“{'…' if start else ''}{middle}{'…' if end else ''}”")
    return shown


def unknown_entities(plan: Plan, ours: Tree, merged: Tree) -> tuple[list[Diagnostic], list[Any]]:
    """A Target Entity cell naming an entity the plan does not declare is not applied: the plan's
    list of target entities is its own (no TD shows it), so a name typed in Word — a new group or a
    slip of the keyboard alike — would otherwise join it unseen and make every later slip valid.
    The cell keeps the plan's value; the problem names the nearest entity and where to declare a
    new one. Returns the problems and the cells' texts (reported here, not again as unmapped)."""
    declared: dict[str, list[str]] = {}
    stack: list[Any] = [*plan.chapters, *plan.annexes]
    while stack:
        item = stack.pop()
        model = getattr(item, "model", item)
        declared[model.id] = list(model.target_entities)
        stack += model.sections
    problems: list[Diagnostic] = []
    explained: list[Any] = []

    def visit(new: dict[str, Any], old: dict[str, Any], path: tuple[Any, ...]) -> None:
        old_sections = by_id(old.get("sections", []))
        for section in new.get("sections", []):
            if str(section.get("id")) in old_sections:
                visit(section, old_sections[str(section.get("id"))], (*path, "sections", section.get("id")))
        if "considerations" not in new:
            return
        if "target_entities" in old:  # the vocabulary: what the document's rows name is no edit of it
            new["target_entities"] = old["target_entities"]
        else:
            new.pop("target_entities", None)
        known = declared.get(str(new.get("id")), [])
        old_rows = {row.get("number"): row for row in old.get("considerations", [])}
        for row in new["considerations"]:
            typed = row.get("target_entities", [])
            unknown = [entity for entity in typed if entity not in known]
            if not unknown:
                continue
            kept = old_rows.get(row.get("number"), {}).get("target_entities") if row.get("number") in old_rows \
                else [entity for entity in typed if entity in known]
            if kept:
                row["target_entities"] = kept
            else:
                row.pop("target_entities", None)
            where, line, col = located((*path, "target_entities"), plan)
            names = ", ".join(f"'{entity}'{nearest(entity, known)}" for entity in unknown)
            problems.append(Diagnostic(where, line, col, f"not applied: consideration {row.get('number')}'s Target "
                                       f"Entity cell ({quote(', '.join(typed))}) names {names}, which is not one of "
                                       "the plan's target entities; if it is a new entity, add it to target_entities "
                                       "here and apply again"))
            explained.append(", ".join(typed))

    for folder in ("chapters", "annexes"):
        old_items = by_id(ours[folder])
        for item in merged[folder]:
            if str(item.get("id")) in old_items:
                visit(item, old_items[str(item.get("id"))], (folder, item.get("id")))
    return problems, explained


def whole_items(base: Tree, ours: Tree, merged: Tree) -> list[Diagnostic]:
    """A chapter or action item added or removed in the document is reported, not written: a new
    file's name and place are the editor's to choose (`apdoc new action`)."""
    found = []
    for folder in FOLDERS:
        had, has = set(by_id(ours[folder])), set(by_id(merged[folder]))
        for ident in sorted(has - had):
            if folder == "action-items":
                name = str(by_id(merged[folder])[ident].get("short_name") or "its short name")
                advice = (f"create its file with `apdoc new action {ident} --name \"{name}\"` and apply again: "
                          "the document's values then fill it")
            else:
                advice = "create its file (a new chapter file, in the order it stands) and apply again"
            found.append(Diagnostic(f"{folder}/{ident}", 0, 0, f"not applied: the document adds it; {advice}"))
        for ident in sorted(had - has):
            found.append(Diagnostic(f"{folder}/{ident}", 0, 0, "not applied: the document removes it; remove its "
                                    "file if that was meant"))
    return found


class Block(NamedTuple):
    """A block of text of a reading, where it stands (its clause, table and row, as Word shows
    them; "" when not asked for), and the ids of the elements it stands in (itself included)."""

    text: str
    where: str
    within: tuple[str, ...]  # (a tuple, not a set: a large TD has tens of thousands of blocks)


def blocks_of(xhtml: Any, where: bool = True) -> list[Block]:
    """Each block of text in a reading (numbers aside, the cover's aside), kept so that the
    reading's tree can go (a large TD's is hundreds of MB) before the next reading is made."""
    found = []
    marks = mark_cells(xhtml)
    clause = "the cover"
    tables: dict[Any, TablePlace] = {}  # each table looked at once: a block per cell asks again
    # One walk of the tree, each element passing on to those in it what a block asks of its
    # ancestors (not a look up from each of 80k blocks): the ids of the element and of those
    # around it, outermost first; the nearest cell and the nearest table around that cell; the
    # nearest table. What stands around the tree itself (a body in its html) counts too.
    outer = list(xhtml.iterancestors())[::-1]
    ids: tuple[str, ...] = tuple(i for i in (node.get("id") for node in outer) if i)
    cell = next((node for node in reversed(outer) if node.tag in CELLS), None)
    table = next((node for node in reversed(outer) if node.tag == "table"), None)
    cell_table = next(cell.iterancestors("table"), None) if cell is not None else None
    stack = [(ids, cell, cell_table, table)]  # what the next element's parent passes on
    # One string for each place: a cell's blocks have the same (the 100× TD's 63,600 blocks
    # stand in 21,100 places; 14 MB less held through apply's next reading).
    places: dict[str, str] = {}
    for event, el in etree.iterwalk(xhtml, events=("start", "end")):
        if event == "end":
            stack.pop()
            continue
        outside = stack[-1]
        ids, cell, cell_table, table = outside
        own = el.get("id")
        within = (*ids, own) if own else ids
        tag = el.tag
        if tag in CELLS:
            stack.append((within, el, table, table))
        elif tag == "table":
            stack.append((within, cell, cell_table, el))
        else:
            stack.append((within, cell, cell_table, table) if own else outside)
        if tag not in PARAGRAPHS:
            continue
        if tag in HEADINGS:
            clause = heading_name(el)
        # (in the cover: its note on revision marks is the build's)
        if (tag == "li" and el.find("p") is not None) or "cover" in ids:
            continue
        text = " ".join(_block_text(el).split())
        if text and el.getparent() in marks:
            text = "x"  # any mark in a Session Source cell is the source's: "X" and "✓" read as "x"
        if text:
            place = "" if not where else clause if cell is None else cell_place(cell, cell_table, clause, tables)
            found.append(Block(text, places.setdefault(place, place), within))
    return found


def _block_text(el: Any) -> str:
    """The text of a block as _texts gives it, from lxml itself for one without children."""
    if len(el):
        return "".join(_texts(el))
    return el.text or "" if NUMBER not in classes(el) else ""


def _left_out(blocks: list[Block], left_out: set[str] | None) -> list[Block]:
    """The blocks but those inside an element whose id is in `left_out` (or its `-statement`)."""
    if not left_out:
        return blocks
    out = left_out | {f"{ident}-statement" for ident in left_out}
    return [block for block in blocks if out.isdisjoint(block.within)]


def _blocks(xhtml: Any, left_out: set[str] | None = None, where: bool = True) -> list[tuple[str, str]]:
    """(text, where it stands) of each block of text in a reading (blocks_of), none inside an
    element whose id is in `left_out` (nor its `-statement`). `where=False`: where is ""."""
    return [(block.text, block.where) for block in _left_out(blocks_of(xhtml, where), left_out)]


def _texts(el: Any) -> list[str]:
    out = [el.text or ""] if NUMBER not in classes(el) else []
    for child in el:
        if isinstance(child.tag, str) and child.tag not in (*LISTS, "p"):
            out += _texts(child)
        out.append(child.tail or "")
    return out


def unmapped(shown: str, base: list[Block], theirs: list[Block], merged: list[Block],
             explained: list[Any] | None = None, left_out: set[str] | None = None) -> list[Diagnostic]:
    """Blocks the document changed that the plan, after the merge, still does not say (but for
    those a problem above already names: a conflict's, a refused cell's: `explained`). Each
    reading's blocks as blocks_of gives them."""
    theirs_blocks = _left_out(theirs, left_out)
    texts = [block.text for block in theirs_blocks]
    base_texts = [block.text for block in _left_out(base, left_out)]
    merged_texts = base_texts if merged is base else \
        [block.text for block in _left_out(merged, left_out)]  # (no edit: both are ours)
    edited = _changed(texts, base_texts)
    missing = _changed(texts, merged_texts)
    # A block the merge made of the document's edit and the plan's own (two edits in one
    # paragraph) differs from the document's text and still holds its edit: that edit is applied.
    missing = {i: now for i, now in missing.items()
               if i not in edited or not _holds_edit(edited[i], now, texts[i])}
    said = [_letters(readable(value)) for value in explained or []]
    return [Diagnostic(shown, 0, 0, f"{theirs_blocks[i].where}: {quote(texts[i])}: not applied: "
                       "this edit has no place in the plan (generated text, such as a number or Figure 1); "
                       "make it in the plan's YAML", severity="warning")
            for i in sorted(set(edited) & set(missing)) if not any(_letters(texts[i]) in text for text in said)]


def _letters(text: str) -> str:
    """Text without its Markdown and spacing: the words of a plan value and of a paragraph compare."""
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def field_edit_problems(data: bytes, shown: str, build_mark: Callable[[Revision], bool]) -> list[Diagnostic]:
    """Tracked edits inside the shown result of a field (a table's or figure's number, a clause
    number typed over): apdoc makes those numbers, so such an edit is reported, never lost in silence."""
    return [Diagnostic(shown, 0, 0, f"paragraph {edit.paragraph}: not applied: an edit to a generated "
                       f"number ({edit.instruction} field): apdoc numbers tables, figures and "
                       "clauses itself; change the plan instead", severity="warning")
            for edit in edits_in_field_results(data, shown, build_mark)]


def _holds_edit(before: str | None, now: str | None, edited: str) -> bool:
    """Whether `now` (a block of the merged plan) already holds what changed `before` into `edited`."""
    if before is None or now is None:
        return False
    merged = merge3(before, now, edited)
    return not merged.conflicts and merged.value == now


def _changed(texts: list[str], other: list[str]) -> dict[int, str | None]:
    """The indexes of `texts` that `other` does not have in the same order, each with the text of
    `other` that stands in its place (None where there is none: an added block). The common start and
    end are set aside first: a TD repeats many texts (each action item table's labels), on which
    SequenceMatcher's time grows with the square of the repeats, and edits are few."""
    start, shortest = 0, min(len(texts), len(other))
    while start < shortest and texts[start] == other[start]:
        start += 1
    end = 0
    while end < shortest - start and texts[-1 - end] == other[-1 - end]:
        end += 1
    middle, rest = texts[start : len(texts) - end], other[start : len(other) - end]
    if not middle:
        return {}
    matcher = difflib.SequenceMatcher(None, middle, rest, autojunk=False)
    found: dict[int, str | None] = {}
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for i in range(i1, i2):
            found[start + i] = rest[j1 + i - i1] if op == "replace" and i2 - i1 == j2 - j1 else None
    return found
