"""`apdoc diff`: what changed between two versions of a plan, in the plan's own terms.

Each version is flattened into units with stable keys (a cover field, a chapter's text, a
table, an action item's field, a consideration's column, a footnote, a reference); units
are matched by key, so renumbered tables or moved files are not changes. A unit inside a
wholly added or removed one (a field of a new action item, a row of a new chapter's
matrix) is not listed again. A chapter whose id changed but whose title or text stayed is
renamed, not removed and added. A change of spacing or line breaks only (the same words) is
not listed unless asked for (`apdoc diff --all`).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from typing import Any

from ..plan.folder import Plan
from ..plan.models import ActionItemTarget, Chapter, OneOf
from ..plan.numbering import Numbering
from ..plan.walks import block_kind, table_rows, target_list
from .md_escape import md_inline

CONSIDERATION_COLUMNS = {
    "point": "Point for consideration", "editors_note": "Editor's note", "sources": "Session Source",
    "proposed_actions": "Proposed Action", "target_entities": "Target Entity",
    "target_documents": "Target Document", "comments": "Comments",
}
Key = tuple[str, ...]


@dataclass(frozen=True)
class Change:
    where: str  # "AP1.4 · Learning and Feedback"
    what: str  # "added" | "removed" | "changed" | "renamed"
    words_added: int = 0
    words_removed: int = 0
    was: str = ""  # of a renamed chapter: its id before
    emphasis: bool = False  # bold or italic (`**`, `*`) put on or taken off, words aside

    def __str__(self) -> str:
        if self.what == "renamed":
            return f"{self.where}: renamed (id {self.was} before)"
        if self.what != "changed":
            return f"{self.where}: {self.what}"
        if self.emphasis and not self.words_added and not self.words_removed:
            return f"{self.where}: bold or italic changed"
        return f"{self.where}: {_count_words(self.words_added, self.words_removed)}"

    @property
    def layout_only(self) -> bool:
        """Spacing or line breaks changed, not one word."""
        return self.what == "changed" and not self.words_added and not self.words_removed and not self.emphasis


def _count_words(added: int, removed: int) -> str:
    def words(n: int) -> str:
        return f"{n} word{'s' if n != 1 else ''}"

    changed = min(added, removed)
    parts = [f"{words(changed)} changed"] if changed else []
    if added > changed:
        parts.append(f"{words(added - changed)} added")
    if removed > changed:
        parts.append(f"{words(removed - changed)} removed")
    return ", ".join(parts) or "spacing or layout changed"


def _flat(value: Any) -> str:
    """Any plan value as text, for comparing words."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "\n".join(_flat(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{k}: {_flat(v)}" for k, v in value.items())
    if hasattr(value, "model_dump"):
        return _flat(value.model_dump(warnings=False))
    return str(value)


def _targets(value: Any) -> str:
    parts = []
    for target in target_list(value):
        if isinstance(target, ActionItemTarget):
            parts.append(f"{target.action_item} for points {', '.join(target.for_points)}")
        else:
            parts.append(str(target))
    return (" or " if isinstance(value, OneOf) else ", ").join(parts)


def units(plan: Plan) -> dict[Key, tuple[str, str]]:
    """Every unit of the plan: key → (label, text), in document order."""
    numbers = Numbering.of(plan)
    out: dict[Key, tuple[str, str]] = {}
    document = plan.document.model
    for name in type(document.cover).model_fields:
        label = f"Cover · {name.replace('_', ' ').capitalize()}"
        out[("cover", name)] = (label, _flat(getattr(document.cover, name)))
    out[("abstract",)] = ("Abstract", document.abstract)
    out[("action",)] = ("Action", document.action)
    generated = _generated_text(plan)
    for loaded in plan.chapters:
        _chapter_units(loaded.model, numbers, False, (), out, generated)
    for loaded in plan.annexes:
        _chapter_units(loaded.model, numbers, True, (), out, generated)
    for loaded in plan.action_items:
        item = loaded.model
        key = ("ap", item.id)
        # The id is what stays; the table number is what a reader of the TD looks for.
        name = f"{item.id} (Table {numbers.tables[item.id]})" if item.id in numbers.tables else item.id
        out[key] = (name, _flat(item))
        out[(*key, "statement")] = (f"{name} · statement", item.statement)
        out[(*key, "short_name")] = (f"{name} · short name", item.short_name)
        for sub in item.sub_items:
            out[(*key, "sub", sub.id)] = (sub.id, sub.statement)
        if item.table is not None:
            out[(*key, "table")] = (f"{name} · table", _flat(item.table))
            for field, label in table_rows(item):
                out[(*key, "table", field)] = (f"{name} · {label}", _flat(getattr(item.table, field)))
    return out


def _join_ids(ids: list[str]) -> str:
    """As the layout joins them (layout.render.Layout.join_ids): AP1.1 and AP5 / AP1.2, AP1.3, and AP1.6."""
    return " and ".join(ids) if len(ids) <= 2 else ", ".join(ids[:-1]) + ", and " + ids[-1]


def _generated_text(plan: Plan) -> dict[str, str]:
    """The text a reader of the TD sees where a chapter's content says `insert: pillar_list`: the
    bullets the layout writes from the figures' pillars (templates/blocks.html.j2), so that bullets
    typed in a chapter and the same bullets generated in their place are the same text."""
    lines = [f"- {pillar.name}, refers to action plan {_join_ids(list(pillar.action_items))}."
             for loaded in [*plan.chapters, *plan.annexes] for figure in _figures(loaded.model)
             for pillar in figure.pillars]
    return {"pillar_list": "\n".join(lines)}


def _figures(chapter: Chapter) -> list[Any]:
    found = [block.figure for block in chapter.content if block_kind(block) == "figure"]
    for section in chapter.sections:
        found += _figures(section)
    return found


def _shown(model: Any) -> str:
    """A table's or figure's text without its id, which the TD does not show."""
    return _flat({k: v for k, v in model.model_dump(warnings=False).items() if k != "id"})


def _chapter_units(
    chapter: Chapter, numbers: Numbering, annex: bool, parent: Key, out: dict[Key, tuple[str, str]],
    generated: dict[str, str] | None = None,
) -> None:
    """A chapter's units, nested under its key: a new chapter is one change, not one per row.
    `generated`: the text of the inserts that stand in a chapter's text (_generated_text)."""
    generated = generated or {}
    number = numbers.headings.get(chapter.id, "")
    name = f"Annex {number}" if annex else (f"Chapter {number}" if "." not in number else f"Clause {number}")
    key = (*parent, "chapter", chapter.id)
    # The whole chapter's label names its title: "Chapter 3 (Resolutions, …): added" says which.
    out[key] = (f"{name} ({chapter.title})", _flat(chapter))
    out[(*key, "title")] = (f"{name} · title", chapter.title)
    prose = [block if block_kind(block) == "text" else generated.get(getattr(block, "insert", ""), "")
             for block in chapter.content if block_kind(block) in ("text", "insert")]
    out[(*key, "text")] = (f"{name} · text", "\n".join(part for part in prose if part))
    for block in chapter.content:
        if block_kind(block) == "table":
            table = block.table
            label = f"Table {numbers.tables.get(table.id, '?')} ({table.title})"
            out[(*key, "table", table.id)] = (label, _shown(table))
        elif block_kind(block) == "figure":
            figure = block.figure
            label = f"Figure {numbers.figures.get(figure.id, '?')} ({figure.title})"
            out[(*key, "figure", figure.id)] = (label, _shown(figure))
    for note_id, text in chapter.footnotes.items():
        out[(*key, "footnote", note_id)] = (f"Footnote {note_id}", text)
    for ref in chapter.references:
        out[(*key, "reference", ref.key)] = (f"Reference [{ref.key}]", _flat(ref))
    for source in chapter.session_sources:
        out[(*key, "session-source", source.key)] = (f"Session source {source.key}", source.description)
    if chapter.target_entities:
        out[(*key, "target-entities")] = ("Target entities", ", ".join(chapter.target_entities))
    for consideration in chapter.considerations:
        ckey = (*key, "consideration", consideration.number)
        out[ckey] = (f"Consideration {consideration.number}", _flat(consideration))
        for column, label in CONSIDERATION_COLUMNS.items():
            value = getattr(consideration, column)
            text = _targets(value) if column == "target_documents" else _flat(value)
            out[(*ckey, column)] = (f"Consideration {consideration.number} · {label}", text)
    for section in chapter.sections:
        _chapter_units(section, numbers, False, key, out, generated)


def _tokens(text: str) -> list[str]:
    """The words and signs of a text; the `*` of bold and italic is formatting, not a word."""
    return re.findall(r"\w[\w'’.-]*|[^\w\s*]", text)


def diff_plans(before: Plan, after: Plan, *, layout: bool = False) -> list[Change]:
    """The changes from `before` to `after`, in the order of the current document; changes of
    spacing only are left out unless `layout`."""
    old, new = units(before), units(after)
    old, renamed = _follow_renames(old, new)
    old = _follow_new_ids(old, new)
    changes: list[Change] = []
    whole: list[Key] = []  # wholly added or removed units: their parts are not listed again
    for key in _merged_order(list(old), list(new)):
        if any(key[: len(w)] == w for w in whole):
            continue
        if key in renamed:
            changes.append(Change(new[key][0], "renamed", was=renamed[key]))
        if key not in old:
            changes.append(Change(new[key][0], "added"))
            whole.append(key)
        elif key not in new:
            changes.append(Change(old[key][0], "removed"))
            whole.append(key)
        elif old[key][1] != new[key][1] and not _has_parts(key, new):
            a, b = _tokens(old[key][1]), _tokens(new[key][1])
            added = removed = 0
            for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
                if op != "equal":
                    removed += i2 - i1
                    added += j2 - j1
            emphasis = old[key][1].count("*") != new[key][1].count("*")
            changes.append(Change(new[key][0], "changed", added, removed, emphasis=emphasis))
    return [change for change in changes if layout or not change.layout_only]


def _follow_renames(
    old: dict[Key, tuple[str, str]], new: dict[Key, tuple[str, str]]
) -> tuple[dict[Key, tuple[str, str]], dict[Key, str]]:
    """Chapters whose id changed: the old units re-keyed under the new id, and each renamed
    chapter's key → its id before. A removed and an added chapter under the same parent are one
    renamed chapter when their titles are the same or most of their text is."""
    came = [k for k in new if k[-2:-1] == ("chapter",) and k not in old]
    renamed: dict[Key, str] = {}
    tried: set[Key] = set()
    while True:  # parents first (document order): a section of a renamed chapter is re-keyed with it
        before = next((k for k in old if k[-2:-1] == ("chapter",) and k not in new and k not in tried), None)
        if before is None:
            break
        tried.add(before)
        title = old.get((*before, "title"), ("", ""))[1]
        text = old[before][1].replace(f"id: {before[-1]}", "", 1)

        def likeness(candidate: Key, title: str = title, text: str = text) -> float:
            if new.get((*candidate, "title"), ("", ""))[1] == title:
                return 1.0
            return SequenceMatcher(None, text, new[candidate][1].replace(f"id: {candidate[-1]}", "", 1),
                                   autojunk=False).ratio()

        candidates = [k for k in came if k[:-1] == before[:-1] and k not in renamed]
        best = max(candidates, key=likeness, default=None)
        if best is None or likeness(best) < 0.6:
            continue
        renamed[best] = before[-1]
        old = {(best + k[len(before):] if k[: len(before)] == before else k): v for k, v in old.items()}
    return old, renamed


def _follow_new_ids(old: dict[Key, tuple[str, str]], new: dict[Key, tuple[str, str]]) -> dict[Key, tuple[str, str]]:
    """Tables and figures whose id changed (the TD shows no id): the old unit re-keyed under the
    new id when, in the same chapter, the title is the same or most of the text is; so one table
    is one change, not `removed` then `added`."""
    came = [k for k in new if k[-2:-1] in (("table",), ("figure",)) and k not in old]
    gone = [k for k in old if k[-2:-1] in (("table",), ("figure",)) and k not in new]
    taken: set[Key] = set()
    for before in gone:
        label, text = old[before]

        def likeness(candidate: Key, label: str = label, text: str = text) -> float:
            if new[candidate][0].partition(" (")[2] == label.partition(" (")[2]:  # the same title
                return 1.0
            return SequenceMatcher(None, text, new[candidate][1], autojunk=False).ratio()

        candidates = [k for k in came if k[:-1] == before[:-1] and k not in taken]
        best = max(candidates, key=likeness, default=None)
        if best is not None and likeness(best) >= 0.6:
            taken.add(best)
            old = {(best if k == before else k): v for k, v in old.items()}
    return old


def _has_parts(key: Key, all_units: dict[Key, tuple[str, str]]) -> bool:
    """Whole-item units (an action item, a chapter) are reported through their parts."""
    return any(len(other) > len(key) and other[: len(key)] == key for other in all_units)


def _merged_order(old: list[Key], new: list[Key]) -> list[Key]:
    """Keys of both versions: the current order, removed keys where they used to be."""
    order: list[Key] = []
    new_keys = set(new)
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            order.extend(k for k in old[i1:i2] if k not in new_keys)
        if op != "delete":
            order.extend(new[j1:j2])
    seen: set[Key] = set()
    unique = []
    for key in order:
        if key not in seen:
            seen.add(key)
            unique.append(key)
    return unique


def render(changes: list[Change], style: str, before: str, after: str, hidden: int = 0) -> str:
    """text: one line per change; md: a list for a PR comment; json: for tools. `hidden`: how many
    changes of spacing only were left out, said in text and md."""
    if style == "json":
        listed = [{k: v for k, v in asdict(c).items() if k not in ("was", "emphasis") or v}  # was: renames only,
                  for c in changes]  # emphasis: bold or italic changes only
        return json.dumps(listed, ensure_ascii=False, indent=1) + "\n"
    if style == "md":
        lines = [f"### Changes to the plan since `{before}`", ""]
        if not changes:
            lines.append("No changes.")
        for change in changes:
            where, _, what = str(change).rpartition(": ")
            lines.append(f"- **{md_inline(where)}**: {md_inline(what)}")
        if hidden:
            lines += ["", f"{_spacing_only(hidden)} not listed."]
        return "\n".join(lines) + "\n"
    tail = f"({_spacing_only(hidden)} not listed: --all lists them)\n" if hidden else ""
    if not changes:
        return f"no changes between {before} and {after}\n{tail}"
    return "".join(f"{change}\n" for change in changes) + tail


def _spacing_only(count: int) -> str:
    return f"{count} change{'s' if count != 1 else ''} of spacing or line breaks only"
