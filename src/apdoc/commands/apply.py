"""`apdoc apply`: a meeting's edits to a TD, written back into the plan's YAML in place.

Three readings of the plan are compared, field by field (commands/merge3.py):

- *theirs*: the edited TD with every tracked change accepted;
- *base*: what the TD said before the meeting — the plan it was built from (recorded in the
  TD's custom properties: its digest and git commit, and the plan's values it carries; or
  `--base REF`), else the TD with the meeting's tracked changes rejected (the build's own marks,
  by the author and date it records, stay accepted);
- *ours*: the plan on disk now.

Each is read the same way, as a DOCX through the reader and the layout run backwards
(readers/), so that the three differ only where the text does. A document that holds only part
of the TD (a contribution: one table, some matrix rows, a chapter) changes only what it holds
(commands/contribution.py). A value changed only in the
document is written; changed in both differently, it is a conflict and the plan keeps its value.
The files are then edited in place (commands/yamledit.py: untouched values keep their lines,
comments and quoting), the result is validated, and written all or none. Whatever the document
changed that the new plan does not show (an edit to a generated number, say) is reported as
not applied, with the paragraph it stands in.
"""

from __future__ import annotations

import difflib
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..defaults import templates_beside
from ..diagnostics import Diagnostic, PlanError, display_path
from ..layout.render import render_html
from ..output import FileStamp, file_stamps, refuse_if_changed, stamp_in, write_atomic
from ..plan.checks.recovered import nearest
from ..plan.folder import Plan
from ..plan.load import load_plan
from ..plan.merge3 import ABSENT, IDENTITY_KEYS, Conflict, merge3
from ..plan.models import FILE_KINDS, PLACEHOLDER
from ..plan.versions import carried_text, carried_version, earlier_version, plan_digest
from ..plan.yaml_layout import format_tree, new_yaml, schema_line
from ..plan.yamledit import update
from ..readers.docx import DocxError, ReadResult, Revision, read_docx
from ..readers.docx.package import open_package, read_file
from ..unlayout import NOT_CARRIED_WHY, Held, NotCarried, plan_from_xhtml
from ..unlayout.shapes import cells, is_matrix, matrix_keys, rows
from ..writers.docx import write_docx
from .contribution import captioned, held_values, is_whole, union
from .diff import Change, Key, diff_plans, units

FOLDERS = ("chapters", "annexes", "action-items")
MAX_DOCX_BYTES = 256 * 1024 * 1024
BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "caption", "figcaption")
Tree = dict[str, Any]
BLOCK_INDICATOR = re.compile(r"(?:^|[:-]\s)[|>][+-]?[0-9]?\s*$")


@dataclass(frozen=True)
class Located:
    """A change in the plan's terms and the file:line of the value it wrote (the new text's)."""

    change: Change
    path: str = ""
    line: int = 0

    def __str__(self) -> str:
        return f"{self.change} ({self.path}:{self.line})" if self.path else str(self.change)


@dataclass
class Applied:
    """What `apply` found and did: changes in the plan's terms, the files and lines written, the
    edits not applied (conflicts, unmapped), and how the base was chosen."""

    changes: list[Located] = field(default_factory=list)
    written: list[tuple[str, int]] = field(default_factory=list)  # file, first changed line
    problems: list[Diagnostic] = field(default_factory=list)
    notes: list[Diagnostic] = field(default_factory=list)  # read, worth a look: comments whose words are gone
    comments: list[str] = field(default_factory=list)  # what changed in plan/comments.yaml, one line each
    base: str = ""
    files: dict[Path, bytes] = field(default_factory=dict)
    read: dict[Path, FileStamp] = field(default_factory=dict)  # the plan's files as read: none replaced if changed
    held: str = ""  # what of the TD the document holds, when not all of it ("AP1.2 table")


@dataclass
class Reading:
    tree: Tree
    xhtml: Any
    result: ReadResult | None = None
    not_carried: list[NotCarried] = field(default_factory=list)
    titled: set[str] = field(default_factory=set)  # chapter and section ids made from titles (no anchor)
    numbered_footnotes: set[str] = field(default_factory=set)  # footnote ids made from numbers (no anchor)
    held: Held | None = None  # a document's reading: which parts of a TD it holds
    shown_urls: dict[str, str] = field(default_factory=dict)  # readers/unlayout ImportResult's


def apply_document(document: Path, plan_dir: Path, base_ref: str | None = None,
                   template_dir: Path | None = None) -> Applied:
    """Work out the edits of `document` to the plan in `plan_dir`; nothing is written here."""
    shown = display_path(document)
    data = _read_bytes(document, shown)
    read = file_stamps(plan_dir)  # before the plan is read: a file written after this is never replaced
    ours_plan = load_plan(plan_dir)
    theirs = _read(data, shown)
    ours = _reading_of(ours_plan, template_dir, shown)
    base_refused: list[Diagnostic] = []
    base, how = _base(data, shown, theirs, ours, ours_plan, base_ref, template_dir, base_refused)
    kept = _keep_not_carried(shown, theirs, base)
    if theirs.held is None or theirs.held.cover:  # a whole TD, not a part of one a contribution holds
        _ids_from_base(theirs, base)
    _retyped_urls(theirs, base.tree)
    base_tree, theirs_tree, held = _held_trees(base, theirs, ours)
    merged = merge3(_with_new_skeletons(base_tree, ours.tree, theirs_tree), ours.tree, theirs_tree)
    out = Applied(base=how, read=read, held="" if is_whole(held, base_tree) else held.describe())
    out.problems += [_conflict(c, ours_plan) for c in merged.conflicts]
    refused, explained = _unknown_entities(ours_plan, ours.tree, merged.value)
    out.problems += refused
    out.problems += _whole_items(base.tree, ours.tree, merged.value)
    ours_items = _by_id(ours.tree["action-items"])
    added_items = {ident: item for ident, item in _by_id(merged.value["action-items"]).items()
                   if ident not in ours_items}  # reported whole above: their paragraphs not one by one
    texts = _edited_files(ours_plan, ours.tree, merged.value)
    if texts:
        new_plan = _validated(plan_dir, texts)
        changes = diff_plans(ours_plan, new_plan, layout=True)  # a merge of two bullets may be spacing
        out.changes = _on_changed_lines(_located_changes(changes, ours_plan, new_plan, texts), texts)
        out.files = {path: text.encode("utf-8") for path, text in texts.items()}
        out.written = _written_lines(out.changes, texts)
        merged_reading = _reading_of(new_plan, template_dir, shown, values=False)  # its text only
    else:
        merged_reading = ours
    _apply_comments(out, ours_plan, theirs, shown)
    out.notes += kept
    out.notes += base_refused
    read_otherwise = theirs.held.notes if theirs.held else []  # an empty list item left out, say
    out.notes += [Diagnostic(shown, 0, 0, note, severity="warning") for note in read_otherwise]
    explained += [c.theirs for c in merged.conflicts] + list(added_items.values())
    out.problems += _unmapped(shown, base, theirs, merged_reading, explained, {f"ap-{i}" for i in added_items})
    out.problems += _field_edits(data, shown, _is_build_mark(theirs.result.properties if theirs.result else {}))
    return out


def _held_trees(base: Reading, theirs: Reading, ours: Reading) -> tuple[Tree, Tree, Held]:
    """(base, theirs) made whole where the document holds nothing (commands/contribution.py): a
    contribution holding one table changes that table, and removes nothing else. Base read from
    this document (its tracked changes rejected) holds as little: it is made whole from ours."""
    held = union(theirs.held, base.held)
    empty: list[dict[str, Any]] = []
    base_tree = base.tree if base.held is None else held_values(ours.tree, base.tree, held, base.held.rows,
                                                                 base.held.sections)
    theirs_rows = theirs.held.rows if theirs.held is not None else empty
    theirs_tree = held_values(base_tree, theirs.tree, held, theirs_rows, theirs.held.sections if theirs.held else {})
    return base_tree, captioned(base_tree, theirs_tree, theirs.held.captions if theirs.held else {}), held


def write_applied(applied: Applied) -> None:
    """Write every edited file, or none: a failure part-way puts back the ones already written
    (and removes a file it created: comments.yaml, the first time). A file changed since the plan
    was read (another editor's save) is not replaced: none is."""
    for path in applied.files:
        refuse_if_changed(path, stamp_in(applied.read, path))
    done: list[tuple[Path, bytes | None]] = []
    try:
        for path, data in applied.files.items():
            old = path.read_bytes() if path.exists() else None
            write_atomic(path, data, read_as=stamp_in(applied.read, path))
            done.append((path, old))
    except BaseException:
        for path, old in done:
            if old is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, old)
        raise


def _apply_comments(out: Applied, plan: Plan, theirs: Reading, shown: str) -> None:
    """The TD's Word comment threads merged into plan/comments.yaml (commands/comments.py)."""
    from .comments import comment_update

    found = comment_update(plan, theirs.result.comments if theirs.result else [], shown)
    out.comments = found.said
    out.notes += found.notes
    if found.text is not None:
        out.files[found.path] = found.text.encode("utf-8")
        line = _first_changed_line(found.path, found.text) if found.path.exists() else 1
        out.written.append((display_path(found.path), line))


# --- readings -------------------------------------------------------------------------------


def _read_bytes(document: Path, shown: str) -> bytes:
    try:
        return read_file(document, shown)  # a pipe or a device is refused before it is opened
    except DocxError as exc:
        raise PlanError([Diagnostic(shown, 0, 0, str(exc).removeprefix(f"{shown}: "))]) from None
    except OSError as exc:
        raise PlanError([Diagnostic(shown, 0, 0, f"cannot read: {exc.strerror or exc}")]) from None


def _read(data: bytes, shown: str, accept: Callable[[Revision], bool] | None = None, values: bool = True) -> Reading:
    """A DOCX read, and (when `values`) the plan values it holds."""
    try:
        result = read_docx(data, source=shown, accept=accept)
    except DocxError as exc:
        raise PlanError([Diagnostic(shown, 0, 0, str(exc).removeprefix(f"{shown}: "))]) from None
    if not values:
        return Reading(_tree({}), result.xhtml, result)
    imported = plan_from_xhtml(result.xhtml, source=shown, loose=True)
    return Reading(_tree(imported.files), result.xhtml, result, imported.not_carried, imported.titled,
                   imported.numbered_footnotes, imported.held, imported.shown_urls)



def _keep_not_carried(shown: str, theirs: Reading, base: Reading) -> list[Diagnostic]:
    """A value whose carrier the document lost (a figure's heading after a `.doc` detour) is no
    edit: the document's reading takes the base's value, and the editor is told what was kept."""
    notes = []
    for lost in theirs.not_carried:
        before = next(_blocks_of(base.tree, lost.kind, lost.id), None)
        value = before.get(lost.field) if before is not None else None
        if value is not None:
            for block in _blocks_of(theirs.tree, lost.kind, lost.id):
                block[lost.field] = value
        notes.append(Diagnostic(shown, 0, 0, f"{lost.where}: {NOT_CARRIED_WHY[lost.field]}: not an edit: "
                                f"the {lost.field} is kept as the plan has it"
                                + (f" ({_quote(value)})" if value is not None else ""), severity="warning"))
    return notes


def _ids_from_base(theirs: Reading, base: Reading) -> None:
    """Ids change only when the YAML says so: a chapter, section or footnote whose anchor is gone
    (its id made from its title or number) takes the id of the base's one in its place, unless
    that id is still in the document elsewhere (then it is a new one, and its id is its own)."""
    if theirs.titled or theirs.numbered_footnotes:
        for folder in ("chapters", "annexes"):
            _adopt_ids(theirs.tree[folder], base.tree[folder], theirs)


def _adopt_ids(items: Any, before: Any, theirs: Reading) -> None:
    if not isinstance(items, list) or not isinstance(before, list):
        return
    present = {item.get("id") for item in items if isinstance(item, dict)}
    known = {old.get("id") for old in before if isinstance(old, dict)}
    for item, old in zip(items, before, strict=False):  # the same place
        if not (isinstance(item, dict) and isinstance(old, dict)):
            continue
        made = item.get("id")
        # An id made from a title that the base has is that chapter's, wherever it stands.
        if made in theirs.titled and made not in known and old.get("id") is not None and old["id"] not in present:
            present.add(old["id"])
            item["id"] = old["id"]
            if theirs.held is not None:  # what the document holds, under the id it now has
                theirs.held.chapters = [old["id"] if c == made else c for c in theirs.held.chapters]
                if made in theirs.held.sections:
                    theirs.held.sections[old["id"]] = theirs.held.sections.pop(made)
        _adopt_footnote_ids(item, old, theirs.numbered_footnotes)
        _adopt_ids(item.get("sections"), old.get("sections"), theirs)


def _adopt_footnote_ids(item: dict[str, Any], old: dict[str, Any], numbered: set[str]) -> None:
    """The footnotes of one chapter or section, in their order: one whose id was made from its
    number takes the base's id in its place, in `footnotes:` and in the `[^id]` that cite it."""
    notes, old_notes = item.get("footnotes"), old.get("footnotes")
    if not (isinstance(notes, dict) and isinstance(old_notes, dict)) or not numbered & set(notes):
        return
    renames = {key: was for key, was in zip(notes, old_notes, strict=False)
               if key in numbered and was not in notes}
    if renames:
        item["footnotes"] = {renames.get(key, key): text for key, text in notes.items()}
        for key, was in renames.items():
            _replace_in_texts(item, f"[^{key}]", f"[^{was}]")


def _replace_in_texts(tree: Any, old: str, new: str) -> None:
    if isinstance(tree, dict):
        for key, value in tree.items():
            if isinstance(value, str):
                tree[key] = value.replace(old, new)
            else:
                _replace_in_texts(value, old, new)
    elif isinstance(tree, list):
        for n, value in enumerate(tree):
            if isinstance(value, str):
                tree[n] = value.replace(old, new)
            else:
                _replace_in_texts(value, old, new)


def _blocks_of(tree: Any, kind: str, block_id: str) -> Any:
    """Every `{kind: {id: block_id, …}}` block's values in a tree of plan values."""
    if isinstance(tree, dict):
        inner = tree.get(kind)
        if isinstance(inner, dict) and inner.get("id") == block_id:
            yield inner
        for value in tree.values():
            yield from _blocks_of(value, kind, block_id)
    elif isinstance(tree, list):
        for value in tree:
            yield from _blocks_of(value, kind, block_id)

def _reading_of(plan: Plan, template_dir: Path | None, shown: str, values: bool = True) -> Reading:
    """The plan as the TD built from it reads back: the same road as the edited document's."""
    reading = _read(write_docx(render_html(plan, template_dir)), shown, values=values)
    reading.held = None  # the whole plan: what a document holds is asked of documents only
    return reading


def _tree(files: dict[str, dict[str, Any]]) -> Tree:
    """An import's files → one tree keyed by what identifies each file (its id), not its name."""
    tree: Tree = {"document": files.get("document.yaml", {}), **{folder: [] for folder in FOLDERS}}
    for relative in sorted(files, key=_natural):
        folder = relative.split("/", 1)[0]
        if folder in FOLDERS:
            tree[folder].append(files[relative])
    return tree


def _natural(name: str) -> list[Any]:
    return [int(part) if part.isascii() and part.isdigit() else part for part in re.split(r"([0-9]+)", name)]


def _is_build_mark(properties: dict[str, str]) -> Callable[[Revision], bool]:
    """The revision marks a `--compare-to` build made itself: by the author, on the date, it records."""
    author, date = properties.get("apdoc-revision-author"), properties.get("apdoc-revision-date")
    return lambda r: author is not None and r.author == author and r.date == date


def _base(data: bytes, shown: str, theirs: Reading, ours: Reading, plan: Plan, base_ref: str | None,
          template_dir: Path | None, refused: list[Diagnostic] | None = None) -> tuple[Reading, str]:
    refused = [] if refused is None else refused  # why the plan the TD carries was not used
    if base_ref is not None:
        with earlier_version(base_ref, plan.root) as version:
            return _reading_of(version.plan, template_dir, shown), f"the plan at {base_ref} (--base)"
    properties = theirs.result.properties if theirs.result else {}
    digest, commit = properties.get("apdoc-plan-digest"), properties.get("apdoc-plan-commit")
    if digest and digest == plan_digest(plan):
        return ours, "the plan as it is, which the TD was built from"
    if digest and commit:
        try:
            with earlier_version(commit, plan.root) as version:
                if plan_digest(version.plan) == digest:
                    return _reading_of(version.plan, template_dir, shown), f"the plan at {commit[:12]}, " \
                                                                           "which the TD was built from"
        except PlanError:
            pass  # not in this repository (a clone without that history): the plan the TD carries
    carried = _carried_base(properties, digest, shown, plan, template_dir, refused)
    if carried is not None:
        return carried
    build_mark = _is_build_mark(properties)
    revisions = theirs.result.revisions if theirs.result else []
    if any(not build_mark(r) for r in revisions):
        return _read(data, shown, accept=build_mark), "the TD with the meeting's tracked changes rejected"
    raise PlanError([*refused, Diagnostic(shown, 0, 0, "cannot tell what the TD said before it was edited: it names no "
                                "plan found here and has no tracked changes; give --base REF (the revision "
                                "of the plan it was built from)")])


def _carried_base(properties: dict[str, str], digest: str | None, shown: str, plan: Plan,
                  template_dir: Path | None, refused: list[Diagnostic]) -> tuple[Reading, str] | None:
    """The plan the TD carries (apdoc-plan-base), read as base; None when it carries none. One it
    carries that is damaged or altered is refused with a warning: the marks are base then."""
    text = carried_text(properties)
    if text is None:
        return None
    try:
        with carried_version(text, digest, shown) as version:
            templates = template_dir or templates_beside(plan.root)  # laid out as ours is
            return _reading_of(version.plan, templates, shown), "the plan the TD carries, which it was built from"
    except PlanError as exc:
        refused += [Diagnostic(d.path, d.line, d.col, d.message, severity="warning") for d in exc.diagnostics]
        return None


# --- writing the merged values into the files ---------------------------------------------


def _ours_files(plan: Plan) -> dict[tuple[str, str], Path]:
    """(folder, id) → the plan file holding it; ("document", "") for document.yaml."""
    files = {("document", ""): plan.document.source.path}
    for folder, loaded in (("chapters", plan.chapters), ("annexes", plan.annexes), ("action-items", plan.action_items)):
        files.update({(folder, item.model.id): item.source.path for item in loaded})
    return files


def _by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(item.get("id")): item for item in items}


def _edited_files(plan: Plan, ours: Tree, merged: Tree) -> dict[Path, str]:
    """The new text of every plan file whose values the merge changed."""
    texts: dict[Path, str] = {}
    ours_by_id = {folder: _by_id(ours[folder]) for folder in FOLDERS}  # once, not once per file
    merged_by_id = {folder: _by_id(merged[folder]) for folder in FOLDERS}
    for (folder, ident), path in _ours_files(plan).items():
        if folder == "document":
            old, new = ours["document"], merged["document"]
        else:
            old, new = ours_by_id[folder].get(ident), merged_by_id[folder].get(ident)
        if old is None or new is None or old == new:
            continue
        rt = new_yaml()
        before = path.read_text(encoding="utf-8")
        data = rt.load(before)
        update(data, new, old, lines=before.split("\n"))
        kind = "document" if folder == "document" else ("action-item" if folder == "action-items" else "chapter")
        text = format_tree(data, rt, FILE_KINDS[kind], schema_line(path, plan.root, kind))
        if text != before:
            texts[path] = text
    return texts


def _validated(plan_dir: Path, texts: dict[Path, str]) -> Plan:
    """The plan with the edits, checked in a copy: an edit that breaks the plan is not written."""
    with tempfile.TemporaryDirectory(prefix="apdoc-apply-") as tmp:
        copy = Path(tmp) / "plan"
        shutil.copytree(plan_dir, copy, symlinks=False)
        for path, text in texts.items():
            (copy / path.relative_to(plan_dir)).write_text(text, encoding="utf-8")
        try:
            plan = load_plan(copy)
        except PlanError as exc:
            prefix = display_path(copy)
            here = display_path(plan_dir)
            # The edited files are gone with the copy: their lines are named in the message, not shown.
            raise PlanError([Diagnostic(d.path.replace(prefix, here, 1), 0, 0,
                                        f"{d.message.replace(prefix, here)} (at line {d.line} as the document's "
                                        "edits would make the file; nothing written)")
                             for d in exc.diagnostics]) from None
        plan.root = plan_dir
    return plan


def _located_changes(changes: list[Change], before: Plan, after: Plan, texts: dict[Path, str]) -> list[Located]:
    """Each change with the file and line of its value in the new text (of the value that held
    it, for a removed one), found from the unit it names (diff.units: label → key). A chapter's
    text is all its paragraphs: its line is the first one the edit changed."""
    keys = {label: key for plan in (before, after) for key, (label, _text) in units(plan).items()}
    first_changed = {display_path(path): _first_changed_line(path, text) for path, text in texts.items()}
    lines = {display_path(path): text.split("\n") for path, text in texts.items()}
    out = []
    for change in changes:
        key = keys.get(change.where)
        found = _unit_position(after, key) if key is not None else None
        if found and key is not None and key[-1] == "text" and found[0] in first_changed:
            found = (found[0], max(found[1], first_changed[found[0]]))
        if found and found[0] in lines and BLOCK_INDICATOR.search(lines[found[0]][found[1] - 1]):
            found = (found[0], found[1] + 1)  # `key: |` or `>-`: the text starts on the next line
        out.append(Located(change, *found) if found else Located(change))
    return out


def _changed_lines(path: Path, text: str) -> list[int]:
    """The lines of the new text that the edit wrote (for a removal, the line after the gap)."""
    old = path.read_text(encoding="utf-8").splitlines()
    found: set[int] = set()
    for op, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, old, text.splitlines(), autojunk=False).get_opcodes():
        if op != "equal":
            found |= set(range(j1 + 1, j2 + 1)) if j2 > j1 else {j1 + 1}
    return sorted(found)


def _on_changed_lines(changes: list[Located], texts: dict[Path, str]) -> list[Located]:
    """Each change's line moved onto a line the edit wrote: a list field is found at its key, and
    the item changed is lines below it (the `wrote` line and the change's must be the same)."""
    changed = {display_path(path): _changed_lines(path, text) for path, text in texts.items()}
    starts = {(c.path, c.line) for c in changes if c.path}
    out = []
    for change in changes:
        lines = changed.get(change.path, [])
        if not change.path or not lines or change.line in lines:
            out.append(change)
            continue
        # The first line written below it, unless another change's value starts before that line.
        below = next((n for n in lines if n > change.line), None)
        other = min((line for path, line in starts if path == change.path and line > change.line), default=None)
        if below is not None and (other is None or below < other):
            change = Located(change.change, change.path, below)
        out.append(change)
    return out


def _written_lines(changes: list[Located], texts: dict[Path, str]) -> list[tuple[str, int]]:
    """(file, line) for each value written, as the changes name them; a file no change names,
    by the first line the edit changed."""
    out: list[tuple[str, int]] = []
    for path, text in texts.items():
        shown = display_path(path)
        lines = sorted({c.line for c in changes if c.path == shown})
        out += [(shown, line) for line in lines] or [(shown, _first_changed_line(path, text))]
    return out


def _unit_position(plan: Plan, key: Key) -> tuple[str, int] | None:
    """(file, line) of the value a diff unit's key names in `plan` (its nearest enclosing one)."""
    if key[0] in ("cover", "abstract", "action"):
        return _file_line(plan, plan.document, key)
    if key[0] == "ap":
        item = next((a for a in plan.action_items if a.model.id == key[1]), None)
        if item is None:
            return None
        rest: tuple[Any, ...] = key[2:]
        if rest[:1] == ("sub",):
            subs = [s.id for s in item.model.sub_items]
            rest = ("sub_items", subs.index(rest[1])) if rest[1] in subs else ("sub_items",)
        return _file_line(plan, item, rest)
    # ("chapter", id, ["chapter", id …], what, name): the top chapter's file, down its sections.
    loaded = next((c for c in [*plan.chapters, *plan.annexes] if c.model.id == key[1]), None)
    if loaded is None:
        return None
    node: Any = loaded.model
    loc: list[Any] = []
    rest = key[2:]
    while rest[:1] == ("chapter",) and len(rest) > 1:
        ids = [s.id for s in node.sections]
        if rest[1] not in ids:
            return _file_line(plan, loaded, tuple(loc))
        index = ids.index(rest[1])
        loc += ["sections", index]
        node, rest = node.sections[index], rest[2:]
    kind, name = (*rest, "", "")[:2]
    if kind in ("table", "figure"):
        index = next((n for n, b in enumerate(node.content) if getattr(getattr(b, kind, None), "id", None) == name),
                     None)
        loc += ["content"] + ([index] if index is not None else [])
    elif kind == "text":
        loc += ["content"]
    elif kind in ("footnote", "title", "target-entities"):
        loc += [{"footnote": "footnotes", "title": "title", "target-entities": "target_entities"}[kind]]
        loc += [name] if kind == "footnote" else []
    elif kind in ("reference", "session-source", "consideration"):
        field_name, attr = {"reference": ("references", "key"), "session-source": ("session_sources", "key"),
                            "consideration": ("considerations", "number")}[kind]
        rows = [getattr(r, attr) for r in getattr(node, field_name)]
        loc += [field_name] + ([rows.index(name)] if name in rows else [])
        loc += list(rest[2:3]) if kind == "consideration" and name in rows else []
    return _file_line(plan, loaded, tuple(loc))


def _file_line(plan: Plan, loaded: Any, loc: tuple[Any, ...]) -> tuple[str, int]:
    """The file in the plan folder (the plan was checked in a copy: the same name there) and the line."""
    source = loaded.source
    folder = source.path.parent.name
    path = plan.root / source.path.name if loaded is plan.document else plan.root / folder / source.path.name
    return display_path(path), source.position(loc)[0]


def _first_changed_line(path: Path, text: str) -> int:
    old = path.read_text(encoding="utf-8").splitlines()
    for op, i1, _i2, _j1, _j2 in difflib.SequenceMatcher(None, old, text.splitlines(), autojunk=False).get_opcodes():
        if op != "equal":
            return i1 + 1
    return 1


# --- what was not applied -----------------------------------------------------------------


def _label(path: tuple[Any, ...], plan: Plan | None = None) -> str:
    """A merge path as an editor finds it in Word: `clause 2.1 “Title” · content · 3` (the
    clause's number as the TD shows it), else the plan's own names joined."""
    if plan is None or len(path) < 2 or path[0] not in ("chapters", "annexes"):
        return " · ".join(str(part) for part in path)
    items = [c.model for c in (plan.chapters if path[0] == "chapters" else plan.annexes)]
    ids = [c.id for c in items]
    if path[1] not in ids:
        return " · ".join(str(part) for part in path)
    index = ids.index(path[1])
    node = items[index]
    number = str(index + 1) if path[0] == "chapters" else f"Annex {chr(ord('A') + index)}"
    rest = list(path[2:])
    while rest[:1] == ["sections"] and len(rest) > 1 and rest[1] in [s.id for s in node.sections]:
        at = [s.id for s in node.sections].index(rest[1])
        node, number, rest = node.sections[at], f"{number}.{at + 1}", rest[2:]
    where = f"clause {number}" if path[0] == "chapters" or "." in number else number
    if rest[:1] == ["content"] and len(rest) > 1 and isinstance(rest[1], int):
        rest = [f"its text, block {rest[1] + 1}", *rest[2:]]
    return " · ".join([f"{where} {_quote(node.title)}", *map(str, rest)])


def _quote(value: Any) -> str:
    text = " ".join(str(value).split()) if value is not None else ""
    return f"“{text[:77]}…”" if len(text) > 80 else f"“{text}”"


def _conflict(conflict: Conflict, plan: Plan) -> Diagnostic:
    where, line, col = _located(conflict.path, plan)
    base, ours, theirs = _differing(conflict.base, conflict.ours, conflict.theirs)
    return Diagnostic(where, line, col, f"conflict: {_label(conflict.path, plan)}: the document has {theirs}, the plan "
                      f"now has {ours} (both changed {base}); the plan's is kept")


def _shown(value: Any) -> str:
    """A plan value as an editor reads it: text as text, a list's items one after the other, a
    mapping's fields by name; no Python brackets or quotes."""
    if isinstance(value, list):
        return " ¶ ".join(_shown(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_shown(item)}" for key, item in value.items())
    return "" if value is None or value is ABSENT else str(value)


CONTEXT_WORDS = 4


def _differing(*values: Any) -> list[str]:
    """Each value quoted around the words where the values part (a few words either side), so two
    long texts that differ in one word show that word; a value that is not there reads `nothing`."""
    words = [" ".join(_shown(v).split()).split(" ") if _shown(v).strip() else [] for v in values]
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


def _located(path: tuple[Any, ...], plan: Plan) -> tuple[str, int, int]:
    """The file, line and column of the value a merge path names (ids of keyed rows → their index)."""
    loaded = {("document", ""): plan.document}
    for folder, items in (("chapters", plan.chapters), ("annexes", plan.annexes), ("action-items", plan.action_items)):
        loaded.update({(folder, item.model.id): item for item in items})
    head = ("document", "") if path[:1] == ("document",) else (path[0], str(path[1])) if len(path) > 1 else None
    if head not in loaded:
        return display_path(plan.root), 0, 0
    source = loaded[head].source
    rest = path[1:] if head[0] == "document" else path[2:]
    data, loc = source.data, []
    for part in rest:
        if isinstance(data, list) and not isinstance(part, int):
            index = next((i for i, item in enumerate(data) if isinstance(item, dict)
                          and any(str(item.get(k)) == str(part) for k in IDENTITY_KEYS)), None)
            if index is None:
                break
            part = index
        inside_dict = isinstance(data, dict) and part in data
        if inside_dict or (isinstance(data, list) and isinstance(part, int) and part < len(data)):
            loc.append(part)
            data = data[part]
        else:
            break
    line, col = source.position(tuple(loc))
    return source.shown, line, col


def _unknown_entities(plan: Plan, ours: Tree, merged: Tree) -> tuple[list[Diagnostic], list[Any]]:
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
        old_sections = _by_id(old.get("sections", []))
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
            where, line, col = _located((*path, "target_entities"), plan)
            names = ", ".join(f"'{entity}'{nearest(entity, known)}" for entity in unknown)
            problems.append(Diagnostic(where, line, col, f"not applied: consideration {row.get('number')}'s Target "
                                       f"Entity cell ({_quote(', '.join(typed))}) names {names}, which is not one of "
                                       "the plan's target entities; if it is a new entity, add it to target_entities "
                                       "here and apply again"))
            explained.append(", ".join(typed))

    for folder in ("chapters", "annexes"):
        old_items = _by_id(ours[folder])
        for item in merged[folder]:
            if str(item.get("id")) in old_items:
                visit(item, old_items[str(item.get("id"))], (folder, item.get("id")))
    return problems, explained


def _references(tree: Tree) -> dict[str, dict[str, Any]]:
    """Every reference of the chapters and annexes (and their sections) by key."""
    found: dict[str, dict[str, Any]] = {}
    stack = [*tree["chapters"], *tree["annexes"]]
    while stack:
        chapter = stack.pop()
        found.update({str(r.get("key")): r for r in chapter.get("references", [])})
        stack += chapter.get("sections", [])
    return found


def _retyped_urls(theirs: Reading, base: Tree) -> None:
    """A reference whose link shows one URL and opens another had one of them edited: the URL it
    opens is read as the reference's (Edit Hyperlink); where that is still the URL before the
    meeting, the edit was to the URL it shows (typed over), which is then the new one."""
    if not theirs.shown_urls:
        return
    before = _references(base)
    for key, reference in _references(theirs.tree).items():
        if key in theirs.shown_urls and key in before and reference.get("url") == before[key].get("url"):
            reference["url"] = theirs.shown_urls[key]


def _with_new_skeletons(base: Tree, ours: Tree, theirs: Tree) -> Tree:
    """`base`, holding also each action item that the document adds and the plan now has as `apdoc
    new action` left it (its statement still the placeholder): the file made on apply's advice is
    then the document's item's base, and applying again fills it with the document's values."""
    known = set(_by_id(base["action-items"]))
    adopted = [item for ident, item in _by_id(ours["action-items"]).items()
               if ident not in known and ident in _by_id(theirs["action-items"])
               and PLACEHOLDER in _shown(item.get("statement"))]
    return {**base, "action-items": [*base["action-items"], *adopted]} if adopted else base


def _whole_items(base: Tree, ours: Tree, merged: Tree) -> list[Diagnostic]:
    """A chapter or action item added or removed in the document is reported, not written: a new
    file's name and place are the editor's to choose (`apdoc new action`)."""
    found = []
    for folder in FOLDERS:
        had, has = set(_by_id(ours[folder])), set(_by_id(merged[folder]))
        for ident in sorted(has - had):
            if folder == "action-items":
                name = str(_by_id(merged[folder])[ident].get("short_name") or "its short name")
                advice = (f"create its file with `apdoc new action {ident} --name \"{name}\"` and apply again: "
                          "the document's values then fill it")
            else:
                advice = "create its file (a new chapter file, in the order it stands) and apply again"
            found.append(Diagnostic(f"{folder}/{ident}", 0, 0, f"not applied: the document adds it; {advice}"))
        for ident in sorted(had - has):
            found.append(Diagnostic(f"{folder}/{ident}", 0, 0, "not applied: the document removes it; remove its "
                                    "file if that was meant"))
    return found


def _blocks(xhtml: Any, left_out: set[str] | None = None, where: bool = True) -> list[tuple[str, str]]:
    """(text, where it stands: its clause, table and row, as Word shows them) of each block of text
    in a reading, numbers aside; none inside an element whose id is in `left_out` (nor its
    `-statement`). `where=False`: the texts alone (where is "")."""
    found = []
    cover = set(xhtml.xpath('//*[@id="cover"]//*'))  # the cover's note on revision marks is the build's
    for ident in left_out or ():
        cover.update(xhtml.xpath(f'//*[@id="{ident}" or @id="{ident}-statement"]/descendant-or-self::*'))
    marks = _mark_cells(xhtml)
    clause = "the cover"
    tables: dict[Any, _TablePlace] = {}  # each table looked at once: a block per cell asks again
    for el in xhtml.iter(*BLOCK_TAGS):
        if el.tag in HEADINGS:
            clause = _heading_name(el)
        if (el.tag == "li" and el.find("p") is not None) or el in cover:
            continue
        text = " ".join("".join(t for t in _texts(el)).split())
        if text and el.getparent() in marks:
            text = "x"  # any mark in a Session Source cell is the source's: "X" and "✓" read as "x"
        if text:
            found.append((text, _place(el, clause, tables) if where else ""))
    return found


HEADINGS = ("h1", "h2", "h3")


def _heading_name(heading: Any) -> str:
    """`clause 2.2 “Visualisation of …”`, or `Annex A “…”`, as the heading reads in Word."""
    text = " ".join("".join(heading.itertext()).split())
    number = next((" ".join("".join(n.itertext()).split()) for n in heading.iter("span")
                   if "number" in (n.get("class") or "").split()), "")
    if number and text.startswith(number):
        return f"clause {number} {_quote(text[len(number):].strip())}"
    return text if text.startswith("Annex") else _quote(text)


@dataclass
class _TablePlace:
    """What `_place` says of a table: its name for messages, and its rows' numbers."""

    name: str
    matrix: bool
    row_numbers: dict[Any, int]
    first_cells: dict[Any, str] = field(default_factory=dict)  # a row's first cell's text, by row


def _table_place(table: Any) -> _TablePlace:
    caption = table.find("caption")
    label = " ".join("".join(caption.itertext()).split()) if caption is not None else ""
    return _TablePlace(_quote(label) if label else "a table", is_matrix(table),
                       {row: n for n, row in enumerate(rows(table), 1)})


def _place(el: Any, clause: str, tables: dict[Any, _TablePlace] | None = None) -> str:
    """Where a block stands, for an editor looking in Word: the clause, and in a table the table's
    caption (or the matrix) and the row. `tables`: what is known of the tables already."""
    cell = next((a for a in el.iterancestors("td", "th")), None)
    if cell is None:
        return clause
    table = next(cell.iterancestors("table"), None)
    row = cell.getparent()
    if table is None or row is None:
        return clause
    tables = {} if tables is None else tables
    if table not in tables:
        tables[table] = _table_place(table)
    place = tables[table]
    first = place.first_cells.get(row)
    if first is None:  # once a row: a block per cell asks again
        row_cells = cells(row)
        first = place.first_cells[row] = " ".join("".join(row_cells[0].itertext()).split()) if row_cells else ""
    number = place.row_numbers.get(row, 0)
    if place.matrix:
        return f"{clause}, the consideration matrix, row {first or number}"
    return f"{clause}, {place.name}, row {number}" + (f" ({_quote(first)})" if first else "")


def _mark_cells(xhtml: Any) -> set[Any]:
    """The Session Source cells of the consideration matrix: whatever is typed in one marks it."""
    found: set[Any] = set()
    for table in xhtml.iter("table"):
        if is_matrix(table):
            width = len(matrix_keys(table))
            for row in rows(table)[2:]:
                found.update(cells(row)[2:2 + width])
    return found


def _texts(el: Any) -> list[str]:
    out = [el.text or ""] if not (el.get("class") or "").split().count("number") else []
    for child in el:
        if isinstance(child.tag, str) and child.tag not in ("ul", "ol", "p"):
            out += _texts(child)
        out.append(child.tail or "")
    return out


def _unmapped(shown: str, base: Reading, theirs: Reading, merged: Reading,
              explained: list[Any] | None = None, left_out: set[str] | None = None) -> list[Diagnostic]:
    """Blocks the document changed that the plan, after the merge, still does not say (but for
    those a problem above already names: a conflict's, a refused cell's: `explained`)."""
    theirs_blocks = _blocks(theirs.xhtml, left_out)
    texts = [text for text, _ in theirs_blocks]
    base_texts = [text for text, _ in _blocks(base.xhtml, left_out, where=False)]
    merged_texts = base_texts if merged.xhtml is base.xhtml else \
        [text for text, _ in _blocks(merged.xhtml, left_out, where=False)]  # (no edit: both are ours)
    edited = _changed(texts, base_texts)
    missing = _changed(texts, merged_texts)
    # A block the merge made of the document's edit and the plan's own (two edits in one
    # paragraph) differs from the document's text and still holds its edit: that edit is applied.
    missing = {i: now for i, now in missing.items()
               if i not in edited or not _holds_edit(edited[i], now, texts[i])}
    said = [_letters(_shown(value)) for value in explained or []]
    return [Diagnostic(shown, 0, 0, f"{theirs_blocks[i][1]}: {_quote(texts[i])}: not applied: "
                       "this edit has no place in the plan (generated text, such as a number or Figure 1); "
                       "make it in the plan's YAML", severity="warning")
            for i in sorted(set(edited) & set(missing)) if not any(_letters(texts[i]) in text for text in said)]


def _letters(text: str) -> str:
    """Text without its Markdown and spacing: the words of a plan value and of a paragraph compare."""
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TRACKED = {W + "ins", W + "del", W + "moveFrom", W + "moveTo"}


def _field_edits(data: bytes, shown: str, build_mark: Callable[[Revision], bool]) -> list[Diagnostic]:
    """Tracked edits inside the shown result of a field (a table's or figure's number, a clause
    number typed over): the reader keeps no field results, since apdoc makes them, so such an
    edit is looked for in the file itself and reported, never lost in silence."""
    root = open_package(data, shown).xml("word/document.xml")
    found: list[Diagnostic] = []
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
                if build_mark(mark):
                    continue
                instruction = next((i for i, showing in reversed(fields) if showing), "").split() or ["a field"]
                found.append(Diagnostic(shown, 0, 0, f"paragraph {number}: not applied: an edit to a generated "
                                        f"number ({instruction[0]} field): apdoc numbers tables, figures and "
                                        "clauses itself; change the plan instead", severity="warning"))
                break
    return found


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
