"""The three readings `apdoc apply` compares, and what makes them comparable.

- *theirs*: the edited TD with every tracked change accepted;
- *base*: what the TD said before the meeting — the plan it was built from (recorded in the
  TD's custom properties: its digest and git commit, and the plan's values it carries; or
  `--base REF`), else the TD with the meeting's tracked changes rejected (the build's own marks,
  by the author and date it records, stay accepted);
- *ours*: the plan on disk now.

Each is read the same way, as a DOCX through the reader and the layout run backwards
(unlayout/), so that the three differ only where the text does. Then theirs is made to say what
it could not carry as the base says it (a lost figure heading, an id made from a title, a
retyped link), and base and theirs are made whole where the document holds only part of the TD
(commands/contribution.py).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..defaults import templates_folder
from ..diagnostics import Diagnostic, PlanError
from ..layout.render import html_pieces
from ..plan.folder import Plan
from ..plan.locate import quote, readable
from ..plan.models import PLACEHOLDER
from ..plan.versions import carried_text, carried_version, earlier_version, plan_digest
from ..readers.docx import DocxError, ReadResult, Revision, read_docx
from ..readers.docx.package import read_file
from ..unlayout import NOT_CARRIED_WHY, Held, NotCarried, plan_from_xhtml
from ..writers.docx import write_docx
from .contribution import captioned, held_values, union

FOLDERS = ("chapters", "annexes", "action-items")
Tree = dict[str, Any]


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


@dataclass(frozen=True)
class ApplyRequest:
    """What apply reads: the TD (its bytes, named as the user gave it), the plan on disk, the
    templates given (--templates) and the base asked for (--base)."""

    data: bytes
    shown: str
    plan: Plan
    template_dir: Path | None
    base_ref: str | None


def read_bytes(document: Path, shown: str) -> bytes:
    try:
        return read_file(document, shown)  # a pipe or a device is refused before it is opened
    except DocxError as exc:
        raise PlanError([Diagnostic(shown, 0, 0, str(exc).removeprefix(f"{shown}: "))]) from None
    except OSError as exc:
        raise PlanError([Diagnostic(shown, 0, 0, f"cannot read: {exc.strerror or exc}")]) from None


@contextmanager
def collected_after_readings() -> Iterator[None]:
    """The cycle collector off for a whole apply; read_docx runs it once after each DOCX it reads
    when it is off, for the reader's few cycles. Left on, its automatic passes go over everything
    alive again and again (the plan's models, the readings' trees and values): a sixth of the
    100× TD's apply. The objects
    alive when it starts (the modules, the plan loaded) live to its end: they are set aside from
    those passes (gc.freeze) until then. The collector's setting is put back as it was found
    (and nothing frozen by another is thawed: then nothing is frozen here)."""
    collecting, freezing = gc.isenabled(), gc.get_freeze_count() == 0
    gc.disable()
    if freezing:
        gc.freeze()
    try:
        yield
    finally:
        if freezing:
            gc.unfreeze()
        if collecting:
            gc.enable()


def docx_reading(data: bytes, shown: str, accept: Callable[[Revision], bool] | None = None,
                 values: bool = True, positions: bool = True) -> Reading:
    """A DOCX read, and (when `values`) the plan values it holds. `positions`: the paragraph
    numbers that say where a warning stands (read_docx), which only a document from outside needs."""
    try:
        result = read_docx(data, source=shown, accept=accept, positions=positions)
    except DocxError as exc:
        raise PlanError([Diagnostic(shown, 0, 0, str(exc).removeprefix(f"{shown}: "))]) from None
    if not values:
        return Reading(_tree({}), result.xhtml, result)
    imported = plan_from_xhtml(result.xhtml, source=shown, loose=True)
    return Reading(_tree(imported.files), result.xhtml, result, imported.not_carried, imported.titled,
                   imported.numbered_footnotes, imported.held, imported.shown_urls)


def plan_reading(plan: Plan, template_dir: Path | None, shown: str, values: bool = True) -> Reading:
    """The plan as the TD built from it reads back: the same road as the edited document's (but
    for the paragraph numbers, which would name paragraphs of a TD nobody sees: 21 MB less at the
    100× TD's peak; the values and blocks read are the same, tests/test_apply_readings.py)."""
    docx = write_docx(html_pieces(plan, template_dir))  # laid out as written: no whole XHTML text held
    reading = docx_reading(docx, shown, values=values, positions=False)
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


def is_build_mark(properties: dict[str, str]) -> Callable[[Revision], bool]:
    """The revision marks a `--compare-to` build made itself: by the author, on the date, it records."""
    author, date = properties.get("apdoc-revision-author"), properties.get("apdoc-revision-date")
    return lambda r: author is not None and r.author == author and r.date == date


def base_reading(request: ApplyRequest, theirs: Reading, ours: Reading,
                 refused: list[Diagnostic] | None = None) -> tuple[Reading, str]:
    """What the TD said before the meeting, and how that was found (for the report's first line)."""
    data, shown, plan, base_ref = request.data, request.shown, request.plan, request.base_ref
    template_dir = request.template_dir
    refused = [] if refused is None else refused  # why the plan the TD carries was not used
    if base_ref is not None:
        with earlier_version(base_ref, plan.root) as version:
            return plan_reading(version.plan, template_dir, shown), f"the plan at {base_ref} (--base)"
    properties = theirs.result.properties if theirs.result else {}
    digest, commit = properties.get("apdoc-plan-digest"), properties.get("apdoc-plan-commit")
    if digest and digest == plan_digest(plan):
        return ours, "the plan as it is, which the TD was built from"
    if digest and commit:
        try:
            with earlier_version(commit, plan.root) as version:
                if plan_digest(version.plan) == digest:
                    return plan_reading(version.plan, template_dir, shown), f"the plan at {commit[:12]}, " \
                                                                           "which the TD was built from"
        except PlanError:
            pass  # not in this repository (a clone without that history): the plan the TD carries
    carried = _carried_base(request, properties, digest, refused)
    if carried is not None:
        return carried
    build_mark = is_build_mark(properties)
    revisions = theirs.result.revisions if theirs.result else []
    if any(not build_mark(r) for r in revisions):
        return docx_reading(data, shown, accept=build_mark), "the TD with the meeting's tracked changes rejected"
    raise PlanError([*refused, Diagnostic(shown, 0, 0, "cannot tell what the TD said before it was edited: it names no "
                                "plan found here and has no tracked changes; give --base REF (the revision "
                                "of the plan it was built from)")])


def _carried_base(request: ApplyRequest, properties: dict[str, str], digest: str | None,
                  refused: list[Diagnostic]) -> tuple[Reading, str] | None:
    """The plan the TD carries (apdoc-plan-base), read as base; None when it carries none. One it
    carries that is damaged or altered is refused with a warning: the marks are base then."""
    shown, plan, template_dir = request.shown, request.plan, request.template_dir
    text = carried_text(properties)
    if text is None:
        return None
    try:
        with carried_version(text, digest, shown) as version:
            templates = templates_folder(plan.root, template_dir)  # laid out as ours is
            return plan_reading(version.plan, templates, shown), "the plan the TD carries, which it was built from"
    except PlanError as exc:
        refused += [Diagnostic(d.path, d.line, d.col, d.message, severity="warning") for d in exc.diagnostics]
        return None


def keep_not_carried(shown: str, theirs: Reading, base: Reading) -> list[Diagnostic]:
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
                                + (f" ({quote(value)})" if value is not None else ""), severity="warning"))
    return notes


def ids_from_base(theirs: Reading, base: Reading) -> None:
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


def _references(tree: Tree) -> dict[str, dict[str, Any]]:
    """Every reference of the chapters and annexes (and their sections) by key."""
    found: dict[str, dict[str, Any]] = {}
    stack = [*tree["chapters"], *tree["annexes"]]
    while stack:
        chapter = stack.pop()
        found.update({str(r.get("key")): r for r in chapter.get("references", [])})
        stack += chapter.get("sections", [])
    return found


def retyped_urls(theirs: Reading, base: Tree) -> None:
    """A reference whose link shows one URL and opens another had one of them edited: the URL it
    opens is read as the reference's (Edit Hyperlink); where that is still the URL before the
    meeting, the edit was to the URL it shows (typed over), which is then the new one."""
    if not theirs.shown_urls:
        return
    before = _references(base)
    for key, reference in _references(theirs.tree).items():
        if key in theirs.shown_urls and key in before and reference.get("url") == before[key].get("url"):
            reference["url"] = theirs.shown_urls[key]


def with_new_skeletons(base: Tree, ours: Tree, theirs: Tree) -> Tree:
    """`base`, holding also each action item that the document adds and the plan now has as `apdoc
    new action` left it (its statement still the placeholder): the file made on apply's advice is
    then the document's item's base, and applying again fills it with the document's values."""
    known = set(by_id(base["action-items"]))
    adopted = [item for ident, item in by_id(ours["action-items"]).items()
               if ident not in known and ident in by_id(theirs["action-items"])
               and PLACEHOLDER in readable(item.get("statement"))]
    return {**base, "action-items": [*base["action-items"], *adopted]} if adopted else base


def held_trees(base: Reading, theirs: Reading, ours: Reading) -> tuple[Tree, Tree, Held]:
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


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(item.get("id")): item for item in items}
