"""Rules across files: ids, the action item hierarchy, references, vocabularies."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from .diagnostics import Diagnostic
from .loader import SourceFile
from .models import NEW_AP, TABLE_FIELDS, ActionItemTarget, Chapter, OneOf
from .plan import Loaded, Plan
from .refs import AP_MENTION, CITATION, FOOTNOTE_REF

Loc = tuple[Any, ...]


def _strings(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
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


class _Registry:
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


def _walk_chapters(chapter: Chapter, loc: Loc = ()) -> Iterator[tuple[Chapter, Loc]]:
    yield chapter, loc
    for n, section in enumerate(chapter.sections):
        yield from _walk_chapters(section, (*loc, "sections", n))


def check_plan(plan: Plan) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    _check_action_items(plan, problems)
    _check_chapters(plan, problems)
    _check_mentions(plan, problems)
    _warn_unfinished(plan, problems)
    return problems


def _warn_unfinished(plan: Plan, problems: list[Diagnostic]) -> None:
    """Allowed but unfinished: empty table rows, open editor's notes, considerations without a home."""
    for item in plan.action_items:
        table = item.model.table
        if table is None:
            continue
        for name, label in TABLE_FIELDS.items():
            if name == "objective" or name not in table.model_fields_set:
                continue  # a row left out of the file is not in the table at all
            if not getattr(table, name):
                loc = ("table", name)
                problems.append(item.source.diagnostic(loc, f"{item.model.id}: {label} is empty", severity="warning"))
    for loaded in plan.all_chapters:
        for chapter, loc in _walk_chapters(loaded.model):
            for n, row in enumerate(chapter.considerations):
                rloc = (*loc, "considerations", n)
                if row.editors_note:
                    problems.append(loaded.source.diagnostic(
                        (*rloc, "editors_note"), f"consideration {row.number} has an open editor's note",
                        severity="warning"))
                targets = row.target_documents
                if isinstance(targets, OneOf):
                    targets = targets.one_of
                ids = [t.action_item if isinstance(t, ActionItemTarget) else t for t in targets]
                if not ids:
                    problems.append(loaded.source.diagnostic(
                        rloc, f"consideration {row.number} has no target document", severity="warning"))
                elif NEW_AP in ids:
                    problems.append(loaded.source.diagnostic(
                        (*rloc, "target_documents"), f"consideration {row.number} points at a New AP",
                        severity="warning"))


def _check_action_items(plan: Plan, problems: list[Diagnostic]) -> None:
    ids = _Registry("action item id", problems)
    for item in plan.action_items:
        model, source = item.model, item.source
        ids.add(model.id, source, ("id",))
        if source.path.stem != model.id:
            problems.append(source.diagnostic(("id",), f"file is named {source.path.name} but holds "
                                                       f"{model.id}: name it {model.id}.yaml"))
        for n, sub in enumerate(model.sub_items):
            ids.add(sub.id, source, ("sub_items", n, "id"))
            if sub.id.rsplit(".", 1)[0] != model.id:
                problems.append(source.diagnostic(
                    ("sub_items", n, "id"),
                    f"{sub.id} is listed under {model.id}, but its parent is {sub.id.rsplit('.', 1)[0]}",
                ))
        if model.table is not None and not model.short_name:
            problems.append(source.diagnostic(("id",), f"{model.id} has a table, so it needs a short_name"))
    for item in plan.action_items:
        model = item.model
        if "." in model.id:
            parent = model.id.rsplit(".", 1)[0]
            if parent not in ids.first:
                problems.append(item.source.diagnostic(
                    ("id",), f"{model.id} needs its parent action item {parent}, which does not exist"
                ))


def _check_chapters(plan: Plan, problems: list[Diagnostic]) -> None:
    chapter_ids = _Registry("chapter or section id", problems)
    table_ids = _Registry("table id", problems)
    figure_ids = _Registry("figure id", problems)
    footnote_ids = _Registry("footnote id", problems)
    reference_keys = _Registry("reference", problems)
    inserts = _Registry("insert", problems)
    matrices = _Registry("consideration matrix", problems)
    cited_footnotes: dict[str, int] = {}
    defined_footnotes: list[tuple[str, SourceFile, Loc]] = []
    for loaded in plan.all_chapters:
        source = loaded.source
        for chapter, loc in _walk_chapters(loaded.model):
            chapter_ids.add(chapter.id, source, (*loc, "id"))
            for label in chapter.footnotes:
                footnote_ids.add(label, source, (*loc, "footnotes", label))
                defined_footnotes.append((label, source, (*loc, "footnotes", label)))
            for n, ref in enumerate(chapter.references):
                reference_keys.add(ref.key, source, (*loc, "references", n, "key"))
            if chapter.considerations:
                matrices.add("considerations", source, (*loc, "considerations"))
                _check_considerations(chapter, source, loc, problems)
            for n, block in enumerate(chapter.content):
                bloc = (*loc, "content", n)
                if isinstance(block, str):
                    continue
                if hasattr(block, "insert"):
                    inserts.add(block.insert, source, (*bloc, "insert"))
                    continue
                if hasattr(block, "figure"):
                    figure_ids.add(block.figure.id, source, (*bloc, "figure", "id"))
                    continue
                table = block.table
                table_ids.add(table.id, source, (*bloc, "table", "id"))
                width = len(table.columns)
                if table.widths is not None and len(table.widths) != width:
                    problems.append(source.diagnostic((*bloc, "table", "widths"),
                                                      f"{len(table.widths)} widths for {width} columns"))
                for r, row in enumerate(table.rows):
                    if len(row) != width:
                        problems.append(source.diagnostic(
                            (*bloc, "table", "rows", r), f"row has {len(row)} cells; the table has {width} columns"
                        ))
    for loaded in [plan.document, *plan.all_chapters, *plan.action_items]:
        for loc, text in _strings(loaded.source.data):
            for label in FOOTNOTE_REF.findall(text):
                cited_footnotes[label] = cited_footnotes.get(label, 0) + 1
                if label not in footnote_ids.first:
                    problems.append(loaded.source.diagnostic(loc, f"footnote [^{label}] is not defined "
                                                                  "(add it under footnotes: in the chapter)"))
            for key in CITATION.findall(text):
                if key not in reference_keys.first:
                    problems.append(loaded.source.diagnostic(
                        loc, f"[{key}] is cited but not in the references annex{_nearest(key, reference_keys.first)}"
                    ))
    for label, source, loc in defined_footnotes:
        if label not in cited_footnotes:
            problems.append(source.diagnostic(loc, f"footnote '{label}' is never referenced ([^{label}])", key=True))
        elif cited_footnotes[label] > 1:
            problems.append(source.diagnostic(loc, f"footnote '{label}' is referenced {cited_footnotes[label]} "
                                                   "times; a footnote is referenced once", key=True))
    if "pillar_list" in inserts.first and not figure_ids.first:
        source, loc = inserts.first["pillar_list"]
        problems.append(source.diagnostic(loc, "insert: pillar_list, but no figure has pillars"))
    if "considerations" in inserts.first and "considerations" not in matrices.first:
        source, loc = inserts.first["considerations"]
        problems.append(source.diagnostic(loc, "insert: considerations, but no chapter has considerations"))
    if "considerations" in matrices.first and "considerations" not in inserts.first:
        source, loc = matrices.first["considerations"]
        problems.append(source.diagnostic(loc, "considerations are never shown: add '- insert: considerations' "
                                               "to the chapter's content"))


def _nearest(word: str, known: Any) -> str:
    hint = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {hint[0]}?)" if hint else ""


def _check_considerations(chapter: Chapter, source: SourceFile, loc: Loc, problems: list[Diagnostic]) -> None:
    numbers = _Registry("consideration number", problems)
    sources = {s.key for s in chapter.session_sources}
    entities = set(chapter.target_entities)
    for n, row in enumerate(chapter.considerations):
        rloc = (*loc, "considerations", n)
        numbers.add(str(int(row.number)), source, (*rloc, "number"))
        for k, key in enumerate(row.sources):
            if key not in sources:
                problems.append(source.diagnostic(
                    (*rloc, "sources", k),
                    f"session source '{key}' is not declared in session_sources "
                    f"({', '.join(sorted(sources)) or 'none declared'})",
                ))
        for k, entity in enumerate(row.target_entities):
            if entity not in entities:
                problems.append(source.diagnostic(
                    (*rloc, "target_entities", k),
                    f"target entity '{entity}' is not declared in target_entities{_nearest(entity, entities)}",
                ))


def _check_mentions(plan: Plan, problems: list[Diagnostic]) -> None:
    """Every action item named in the text or the matrix exists."""
    known = {item.model.id for item in plan.action_items}
    known |= {sub.id for item in plan.action_items for sub in item.model.sub_items}
    files: list[Loaded] = [plan.document, *plan.all_chapters, *plan.action_items]
    for loaded in files:
        for loc, text in _strings(loaded.source.data):
            for ap_id in dict.fromkeys(AP_MENTION.findall(text)):
                if ap_id not in known and text != NEW_AP:
                    problems.append(loaded.source.diagnostic(
                        loc, f"{ap_id} is not an action item{_nearest(ap_id, known)}"
                    ))
