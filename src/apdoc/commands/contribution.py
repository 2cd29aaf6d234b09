"""A contribution holding part of a TD: the edited values of what it holds, base's for the rest.

`apdoc apply` merges three trees of plan values (commands/merge3.py). A document that holds one
action item's table reads back as a plan without chapters, with a placeholder cover; merged
as it is, it would remove everything else. So *theirs* is first made whole: base's values
wherever the document holds nothing (unlayout.held says what it holds), the document's where it
does. What it does not hold is then neither removed nor reported as an edit, and what it holds
and removes (a chapter deleted between two it holds, a row deleted inside the matrix's chapter)
stays a removal, which `apply` reports and leaves to the editor.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from ..plan.models import ap_sort_key
from ..unlayout import Held

Tree = dict[str, Any]
CHAPTER_FOLDERS = ("chapters", "annexes")


def union(*helds: Held | None) -> Held:
    """What any of the readings of one document holds (the edited and the marks-rejected one:
    a chapter deleted with Track Changes is held by the second)."""
    out = Held()
    for held in (h for h in helds if h is not None):
        out.cover = out.cover or held.cover
        out.action = out.action or held.action
        out.chapters += [c for c in held.chapters if c not in out.chapters]
        out.sections = {**held.sections, **out.sections}
        out.statements += [s for s in held.statements if s not in out.statements]
        out.tables += [t for t in held.tables if t not in out.tables]
        numbers = {str(r.get("number")) for r in out.rows}
        out.rows += [r for r in held.rows if str(r.get("number")) not in numbers]
        out.matrix_keys = out.matrix_keys or held.matrix_keys
    return out


def is_whole(held: Held, base: Tree) -> bool:
    """Whether the document holds every part of the TD (the cover and every chapter)."""
    chapters = {str(c.get("id")) for folder in CHAPTER_FOLDERS for c in base[folder]}
    return held.cover and chapters <= set(held.chapters)


def held_values(base: Tree, theirs: Tree, held: Held, rows: list[dict[str, Any]],
                sections: dict[str, dict[str, Any]] | None = None) -> Tree:
    """*theirs* made whole: the document's values for what it holds, base's for the rest;
    `rows`: the matrix rows it holds outside their chapter (its own: `held` may be a union).
    `sections`: the clauses it holds without their chapter (its own, as `rows`).
    `held` is updated in place with what is held by extent (a chapter between two held ones)."""
    theirs = deepcopy(theirs)
    _match_chapters_by_title(base, theirs, held)
    _fill_spans(base, held)
    out = deepcopy(base)  # base itself stays as it is: it is merged against
    if held.cover:
        out["document"]["cover"] = _shown_values(base["document"].get("cover", {}), theirs["document"].get("cover", {}))
        out["document"]["abstract"] = _shown_values({"a": base["document"].get("abstract")},
                                                    {"a": theirs["document"].get("abstract", "")})["a"]
    if held.action:
        out["document"].pop("action", None)
        if "action" in theirs["document"]:
            out["document"]["action"] = theirs["document"]["action"]
    for folder in CHAPTER_FOLDERS:
        out[folder] = _held_items(out[folder], theirs[folder], set(held.chapters))
    out["action-items"] = _held_action_items(out["action-items"], theirs["action-items"], held)
    if rows:
        _held_rows(out, rows)
    for values in (sections or {}).values():
        _held_section(out, values)
    return out


PLACEHOLDER = "[to be written]"  # what the reader puts for a required value the document lacks


def _shown_values(base: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """The document's values, but base's where the reader put a placeholder for a value the
    document does not show (a cover without its Meeting row keeps the plan's meeting)."""
    return {name: base[name] if value == PLACEHOLDER and base.get(name) not in (None, PLACEHOLDER) else value
            for name, value in theirs.items()}


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [str(item.get("id")) for item in items]


def _match_chapters_by_title(base: Tree, theirs: Tree, held: Held) -> None:
    """A chapter pasted without its bookmarks gets an id made from its title: the chapter of base
    with the same title is the one it is (its id back)."""
    for folder in CHAPTER_FOLDERS:
        known = _ids(base[folder])
        present = set(_ids(theirs[folder]))
        for chapter in theirs[folder]:
            ident = str(chapter.get("id"))
            if ident in known:
                continue
            same = [b for b in base[folder]
                    if b.get("title") == chapter.get("title") and str(b.get("id")) not in present]
            if len(same) == 1:
                chapter["id"] = same[0]["id"]
                held.chapters = [str(same[0]["id"]) if c == ident else c for c in held.chapters]


def _fill_spans(base: Tree, held: Held) -> None:
    """Chapters between the first and last one held are held (one the document lacks there was
    removed from it); so are action item tables, and every statement or table when the chapter
    that lists them is held."""
    order = [str(c.get("id")) for folder in CHAPTER_FOLDERS for c in base[folder]]
    held.chapters = _span_of(order, held.chapters)
    items = _ids(base["action-items"])
    for chapter in (c for folder in CHAPTER_FOLDERS for c in base[folder] if str(c.get("id")) in held.chapters):
        inserts = _inserts(chapter)
        if "action_item_list" in inserts:
            held.statements += [i for i in items if i not in held.statements]
        if "action_item_tables" in inserts:
            held.tables += [i for i in items if i not in held.tables]
    held.tables = _span_of(items, held.tables)


def _span_of(order: list[str], held: list[str]) -> list[str]:
    """`held`, and every name of `order` between the first and the last of them held."""
    at = [n for n, name in enumerate(order) if name in held]
    spanned = order[at[0] : at[-1] + 1] if at else []
    return [*spanned, *(name for name in held if name not in spanned)]


def _inserts(chapter: dict[str, Any]) -> set[str]:
    found = {block["insert"] for block in chapter.get("content", []) if isinstance(block, dict) and "insert" in block}
    for section in chapter.get("sections", []):
        found |= _inserts(section)
    return found


def _held_items(base: list[dict[str, Any]], theirs: list[dict[str, Any]], held: set[str]) -> list[dict[str, Any]]:
    """Base's items with the held ones as the document has them (gone when it removed them),
    then the document's new ones."""
    by_id = {str(item.get("id")): item for item in theirs}
    out = [_with_sections_after(item, by_id[ident]) if ident in held and ident in by_id else item
           for item, ident in zip(base, _ids(base), strict=True) if ident not in held or ident in by_id]
    known = set(_ids(base))
    return out + [item for ident, item in by_id.items() if ident not in known and ident in held]


def _with_sections_after(base: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """A chapter as the document has it, and base's sections after the last one it has: a
    contribution cut at the end of section 3.1 does not hold 3.2 (one removed between two it
    has is removed)."""
    had, has = base.get("sections", []), theirs.get("sections", [])
    if not had:
        return theirs
    present = set(_ids(has))
    last = max((n for n, ident in enumerate(_ids(had)) if ident in present), default=-1)
    sections = list(has)
    if last >= 0:
        at = next(n for n, section in enumerate(sections) if str(section.get("id")) == _ids(had)[last])
        sections[at] = _with_sections_after(had[last], sections[at])
    sections += [section for section in had[last + 1 :] if str(section.get("id")) not in present]
    return {**theirs, "sections": sections} if sections else theirs


ITEM_STATEMENT = ("statement", "sub_items")
ITEM_TABLE = ("short_name", "table")


def _held_action_items(base: list[dict[str, Any]], theirs: list[dict[str, Any]], held: Held) -> list[dict[str, Any]]:
    """Each action item with the values of it the document holds: its statement (and sub-items)
    from the chapter 4 list, its short name and fields from its table."""
    by_id = {str(item.get("id")): item for item in theirs}
    statements, tables = set(held.statements), set(held.tables)
    out = []
    for item in base:
        ident = str(item.get("id"))
        if ident in statements and ident not in by_id:
            continue  # listed in what the document holds, and not there: it removed the item
        merged = dict(item)
        edited = by_id.get(ident)
        for names, holds in ((ITEM_STATEMENT, ident in statements), (ITEM_TABLE, ident in tables)):
            if holds and edited is not None:
                for name in names:
                    merged.pop(name, None)
                    if name in edited:
                        merged[name] = edited[name]
        if ident in tables and ident not in statements and edited is not None:
            _objective_from_table(item, edited, merged)
        out.append(merged)
    known = set(_ids(base))
    new = [item for ident, item in by_id.items() if ident not in known and (ident in statements or ident in tables)]
    return sorted(out + new, key=lambda item: ap_sort_key(str(item.get("id"))))


def _objective_from_table(base: dict[str, Any], edited: dict[str, Any], merged: dict[str, Any]) -> None:
    """A table held without the chapter 4 list: its objective cell was read as the item's statement
    (the reader had no other). It is the table's objective when base's table has one, or when it
    is not what the table shows by default (base's statement and sub-items): an edited objective."""
    shown = str(edited.get("statement", ""))
    table = dict(merged.get("table") or {})
    if "objective" in (base.get("table") or {}) or _words(shown) != _words(_default_objective(base)):
        table["objective"] = shown
        merged["table"] = table


def _default_objective(item: dict[str, Any]) -> str:
    subs = [f"- {sub.get('statement', '')}" for sub in item.get("sub_items", [])]
    return str(item.get("statement", "")) + ("\n\n" + "\n".join(subs) if subs else "")


def _words(text: str) -> list[str]:
    return text.split()


def _held_rows(tree: Tree, held_rows: list[dict[str, Any]]) -> None:
    """Matrix rows read without their chapter: each replaces base's row of its number (a new
    number is a new row, in its place); the others stay."""
    chapter = next((c for folder in CHAPTER_FOLDERS for c in tree[folder] if "considerations" in c), None)
    if chapter is None:
        return
    rows: list[dict[str, Any]] = list(chapter["considerations"])
    for row in held_rows:
        number = str(row.get("number"))
        at = next((n for n, old in enumerate(rows) if str(old.get("number")) == number), None)
        if at is not None:
            rows[at] = row
        else:  # a new row: before the first of a higher number
            at = next((n for n, old in enumerate(rows) if _number(old) > _number(row)), len(rows))
            rows.insert(at, row)
    chapter["considerations"] = rows
    entities = list(chapter.get("target_entities", []))
    for row in held_rows:
        entities += [e for e in row.get("target_entities", []) if e not in entities]
    if entities:
        chapter["target_entities"] = entities


def _number(row: dict[str, Any]) -> tuple[int, str]:
    number = str(row.get("number"))
    return (int(number), number) if number.isdigit() else (1 << 30, number)


def captioned(base: Tree, theirs: Tree, captions: dict[str, str]) -> Tree:
    """An action item's short name is shown twice, in its table's caption and its "AP Short Name"
    cell: an edit to either is an edit to the name (the cell's wins when both changed)."""
    had = {str(item.get("id")): item.get("short_name") for item in base["action-items"]}
    for item in theirs["action-items"]:
        ident = str(item.get("id"))
        name = captions.get(ident)
        if name and name != item.get("short_name") and item.get("short_name") == had.get(ident) and ident in had:
            item["short_name"] = name
    return theirs


def _held_section(tree: Tree, values: dict[str, Any]) -> None:
    """A clause held without its chapter replaces the section of its id (or, pasted without
    bookmarks, of its title) wherever it stands; one the plan does not have is left out (the
    edit is reported as not applied: a new section's place is the chapter's)."""
    found = [s for c in (c for folder in CHAPTER_FOLDERS for c in tree[folder]) for s in _all_sections(c)
             if s.get("id") == values.get("id")]
    if not found:
        found = [s for c in (c for folder in CHAPTER_FOLDERS for c in tree[folder]) for s in _all_sections(c)
                 if s.get("title") == values.get("title")]
    if len(found) != 1:
        return
    section = found[0]
    replaced = _with_sections_after(section, {**values, "id": section.get("id")})
    section.clear()
    section.update(replaced)


def _all_sections(chapter: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for section in chapter.get("sections", []):
        found += [section, *_all_sections(section)]
    return found
