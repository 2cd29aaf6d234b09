"""Rules across files: ids, the action item hierarchy, references, vocabularies."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic
from ..links import markdown_links, url_problem
from .folder import Failed, Plan
from .models import AP_ID_PATTERN, NEW_AP, PLACEHOLDER, TABLE_FIELDS, Chapter
from .refs import AP_MENTION, CITATION, FOOTNOTE_REF
from .source import SourceFile
from .walks import Loc, block_kind, chapter_tree, target_id, target_list

AP_ID = re.compile(AP_ID_PATTERN)


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


def _raw_items(data: Any) -> Iterator[tuple[Any, Any]]:
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
class _Recovered:
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
    def of(cls, failed: list[Failed]) -> _Recovered:
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
            strings = [text for _, text in _strings(bad.data)]
            found.texts += strings
            if bad.folder == "action-items":
                stem = bad.path.stem
                found.ap_ids.add(stem)
                found.ap_ids |= {v for k, v in _raw_items(bad.data) if k == "id" and isinstance(v, str)}
                found.ap_ids |= {v for v in strings if v.startswith(stem + ".") and AP_ID.fullmatch(v)}
            elif chapter:
                found.footnotes |= {k for k, _ in _raw_items(bad.data) if isinstance(k, str)}
                found.references |= {text for text in strings if text.startswith("b-")}
        return found

    def may_be_action_item(self, ap_id: str) -> bool:
        return ap_id in self.ap_ids or any(ap_id == t or ap_id.startswith(t + ".") for t in self.ap_trees)


def check_plan(plan: Plan) -> list[Diagnostic]:
    """Cross-file rules over the files that loaded; `plan.failed` only keeps errors from cascading."""
    problems: list[Diagnostic] = []
    recovered = _Recovered.of(plan.failed)
    _check_action_items(plan, recovered, problems)
    _check_chapters(plan, recovered, problems)
    _check_mentions(plan, recovered, problems)
    _warn_unfinished(plan, problems)
    return problems


def _warn_unfinished(plan: Plan, problems: list[Diagnostic]) -> None:
    """Allowed but unfinished: empty table rows, open editor's notes, considerations without a home,
    and the placeholder `apdoc new` writes, which would otherwise print in the TD as if it were text."""
    documents = [plan.document] if plan.document is not None else []  # None: it failed, and was reported
    for loaded in [*documents, *plan.all_chapters, *plan.action_items]:
        for loc, text in _strings(loaded.source.data):
            if PLACEHOLDER in text:
                field_name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "text")
                problems.append(loaded.source.diagnostic(
                    loc, f"{field_name.replace('_', ' ')} is still {PLACEHOLDER}", severity="warning"))
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
        for chapter, loc in chapter_tree(loaded.model):
            for n, row in enumerate(chapter.considerations):
                rloc = (*loc, "considerations", n)
                if row.editors_note:
                    problems.append(loaded.source.diagnostic(
                        (*rloc, "editors_note"), f"consideration {row.number} has an open editor's note",
                        severity="warning"))
                ids = [target_id(t) for t in target_list(row.target_documents)]
                if not ids:
                    problems.append(loaded.source.diagnostic(
                        rloc, f"consideration {row.number} has no target document", severity="warning"))
                elif NEW_AP in ids:
                    problems.append(loaded.source.diagnostic(
                        (*rloc, "target_documents"), f"consideration {row.number} points at a New AP",
                        severity="warning"))


def _check_action_items(plan: Plan, recovered: _Recovered, problems: list[Diagnostic]) -> None:
    ids = _Registry("action item id", problems)
    for item in plan.action_items:
        model, source = item.model, item.source
        ids.add(model.id, source, ("id",))
        if source.path.stem != model.id:
            problems.append(source.diagnostic(("id",), f"file is named {source.path.name} but holds "
                                                       f"{model.id}: name it {model.id}.yaml"))
        for n, sub in enumerate(model.sub_items):
            ids.add(sub.id, source, ("sub_items", n, "id"))
            if _parent(sub.id) != model.id:
                problems.append(source.diagnostic(("sub_items", n, "id"), _misplaced(sub.id, model.id)))
        if model.table is not None and not model.short_name:
            problems.append(source.diagnostic(("id",), f"{model.id} has a table, so it needs a short_name"))
    for item in plan.action_items:
        model = item.model
        parent = _parent(model.id)
        if parent is not None and parent not in ids.first and not recovered.may_be_action_item(parent):
            problems.append(item.source.diagnostic(
                ("id",), f"{model.id} needs its parent action item {parent}, which does not exist"
            ))


def _parent(ap_id: str) -> str | None:
    """The parent an id's number gives it (AP1.4 → AP1), None for a top-level item."""
    return ap_id.rsplit(".", 1)[0] if "." in ap_id else None


def _misplaced(sub_id: str, item_id: str) -> str:
    """Why `sub_id` cannot be a sub-item of `item_id`: its parent follows from its number alone."""
    parent = _parent(sub_id)
    where = f"its parent is {parent}" if parent else "it is a top-level action item, with no parent"
    if sub_id == item_id:
        return f"{sub_id} is listed under itself; its sub-items are numbered {item_id}.1, {item_id}.2, …"
    if item_id.startswith(sub_id + "."):
        return f"{sub_id} is listed under {item_id}, which is itself under {sub_id} (a cycle): {where}"
    return f"{sub_id} is listed under {item_id}, but {where}"


def _check_chapters(plan: Plan, recovered: _Recovered, problems: list[Diagnostic]) -> None:
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
        for chapter, loc in chapter_tree(loaded.model):
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
                kind = block_kind(block)
                if kind == "text":
                    continue
                if kind == "insert":
                    inserts.add(block.insert, source, (*bloc, "insert"))
                    continue
                if kind == "figure":
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
    for text in recovered.texts:
        for label in FOOTNOTE_REF.findall(text):
            cited_footnotes[label] = cited_footnotes.get(label, 0) + 1
    opaque = recovered.opaque_chapter  # a chapter that could not be read may define any footnote
    for loaded in plan.files:
        for loc, text in _strings(loaded.source.data):
            for label in FOOTNOTE_REF.findall(text):
                cited_footnotes[label] = cited_footnotes.get(label, 0) + 1
                if label not in footnote_ids.first and label not in recovered.footnotes and not opaque:
                    problems.append(loaded.source.diagnostic(loc, f"footnote [^{label}] is not defined "
                                                                  "(add it under footnotes: in the chapter)"))
            for key in CITATION.findall(text):
                if key not in reference_keys.first and key not in recovered.references and not opaque:
                    problems.append(loaded.source.diagnostic(
                        loc, f"[{key}] is cited but not in the references annex{_nearest(key, reference_keys.first)}"
                    ))
    for label, source, loc in defined_footnotes:
        if label not in cited_footnotes:
            if not recovered.opaque_text:
                problems.append(source.diagnostic(loc, f"footnote '{label}' is never referenced ([^{label}])",
                                                  key=True))
        elif cited_footnotes[label] > 1:
            problems.append(source.diagnostic(loc, f"footnote '{label}' is referenced {cited_footnotes[label]} "
                                                   "times; a footnote is referenced once", key=True))
    unsure = recovered.chapter_failed  # the figure, matrix or insert wanted may be in a failed chapter
    if "pillar_list" in inserts.first and not figure_ids.first and not unsure:
        source, loc = inserts.first["pillar_list"]
        problems.append(source.diagnostic(loc, "insert: pillar_list, but no figure has pillars"))
    if "considerations" in inserts.first and "considerations" not in matrices.first and not unsure:
        source, loc = inserts.first["considerations"]
        problems.append(source.diagnostic(loc, "insert: considerations, but no chapter has considerations"))
    if "considerations" in matrices.first and "considerations" not in inserts.first and not unsure:
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
        numbers.add(row.number.lstrip("0") or "0", source, (*rloc, "number"))
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


def _check_mentions(plan: Plan, recovered: _Recovered, problems: list[Diagnostic]) -> None:
    """Every action item named in the text or the matrix exists (or may, in a file that failed);
    every link in the text goes where a TD may link (links.py)."""
    known = {item.model.id for item in plan.action_items}
    known |= {sub.id for item in plan.action_items for sub in item.model.sub_items}
    for loaded in plan.files:
        for loc, text in _strings(loaded.source.data):
            for target in dict.fromkeys(markdown_links(text)):
                if (why := url_problem(target)) is not None:
                    shown = target if len(target) <= 60 else target[:57] + "…"
                    problems.append(loaded.source.diagnostic(loc, f"link to '{shown}': {why}"))
            for ap_id in dict.fromkeys(AP_MENTION.findall(text)):
                if ap_id not in known and text != NEW_AP and not recovered.may_be_action_item(ap_id):
                    problems.append(loaded.source.diagnostic(
                        loc, f"{ap_id} is not an action item{_nearest(ap_id, known)}"
                    ))
