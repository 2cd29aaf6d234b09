"""`apdoc apply`: a meeting's edits to a TD, written back into the plan's YAML in place.

Three readings of the plan are compared, field by field (plan/merge3.py): *theirs* (the edited
TD), *base* (what the TD said before the meeting) and *ours* (the plan on disk now), each read
the same way (commands/readings.py). A document that holds only part of the TD (a contribution:
one table, some matrix rows, a chapter) changes only what it holds (commands/contribution.py). A
value changed only in the document is written; changed in both differently, it is a conflict
and the plan keeps its value. The files are then edited in place (plan/yamledit.py: untouched
values keep their lines, comments and quoting), the result is validated, and written all or
none; each change is told with the line it wrote (plan/locate.py). Whatever the document
changed that the new plan does not show (an edit to a generated number, say) is reported as
not applied, with the paragraph it stands in (commands/not_applied.py).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..clibs import give_back_memory
from ..diagnostics import Diagnostic, PlanError, display_path
from ..output import FileStamp, file_stamps, refuse_if_changed, stamp_in, write_atomic
from ..plan.folder import Plan
from ..plan.load import load_plan
from ..plan.locate import Located, first_changed_line, located_changes, on_changed_lines, written_lines
from ..plan.merge3 import merge3
from ..plan.models import FILE_KINDS
from ..plan.yaml_layout import format_tree, new_yaml, schema_line
from ..plan.yamledit import update
from .contribution import is_whole
from .diff import diff_plans, units
from .not_applied import (
    Block,
    blocks_of,
    conflict_problem,
    field_edit_problems,
    unknown_entities,
    unmapped,
    whole_items,
)
from .readings import (
    FOLDERS,
    ApplyRequest,
    Reading,
    Tree,
    base_reading,
    by_id,
    collected_after_readings,
    docx_reading,
    held_trees,
    ids_from_base,
    is_build_mark,
    keep_not_carried,
    plan_reading,
    read_bytes,
    retyped_urls,
    with_new_skeletons,
)


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


def apply_document(document: Path, plan_dir: Path, base_ref: str | None = None,
                   template_dir: Path | None = None) -> Applied:
    """Work out the edits of `document` to the plan in `plan_dir`; nothing is written here."""
    shown = display_path(document)
    data = read_bytes(document, shown)
    read = file_stamps(plan_dir)  # before the plan is read: a file written after this is never replaced
    ours_plan = load_plan(plan_dir)
    with collected_after_readings():  # the plan just loaded is set aside from the passes
        return _apply(ApplyRequest(data, shown, ours_plan, template_dir, base_ref), plan_dir, read)


def _apply(request: ApplyRequest, plan_dir: Path, read: dict[Path, FileStamp]) -> Applied:
    data, shown, ours_plan, template_dir = request.data, request.shown, request.plan, request.template_dir
    theirs = docx_reading(data, shown)
    theirs_blocks = _blocks_only(theirs)  # its tree goes before the next reading's is made
    # Now, while little else is held: it parses the document part again when it has tracked edits.
    field_edits = field_edit_problems(data, shown, is_build_mark(theirs.result.properties if theirs.result else {}))
    ours = plan_reading(ours_plan, template_dir, shown)
    ours_blocks = _blocks_only(ours, where=False)
    base_refused: list[Diagnostic] = []
    base, how = base_reading(request, theirs, ours, base_refused)
    base_blocks = ours_blocks if base is ours else _blocks_only(base, where=False)
    kept = keep_not_carried(shown, theirs, base)
    if theirs.held is None or theirs.held.cover:  # a whole TD, not a part of one a contribution holds
        ids_from_base(theirs, base)
    retyped_urls(theirs, base.tree)
    base_tree, theirs_tree, held = held_trees(base, theirs, ours)
    merged = merge3(with_new_skeletons(base_tree, ours.tree, theirs_tree), ours.tree, theirs_tree)
    out = Applied(base=how, read=read, held="" if is_whole(held, base_tree) else held.describe())
    out.problems += [conflict_problem(c, ours_plan) for c in merged.conflicts]
    refused, explained = unknown_entities(ours_plan, ours.tree, merged.value)
    out.problems += refused
    out.problems += whole_items(base.tree, ours.tree, merged.value)
    ours_items = by_id(ours.tree["action-items"])
    added_items = {ident: item for ident, item in by_id(merged.value["action-items"]).items()
                   if ident not in ours_items}  # reported whole above: their paragraphs not one by one
    texts = _edited_files(ours_plan, ours.tree, merged.value)
    if texts:
        new_plan = _validated(plan_dir, texts)
        changes = diff_plans(ours_plan, new_plan, layout=True)  # a merge of two bullets may be spacing
        keys = {label: key for plan in (ours_plan, new_plan) for key, (label, _text) in units(plan).items()}
        out.changes = on_changed_lines(located_changes(changes, keys, new_plan, texts), texts)
        out.files = {path: text.encode("utf-8") for path, text in texts.items()}
        out.written = written_lines(out.changes, texts)
        merged_blocks = _blocks_only(plan_reading(new_plan, template_dir, shown, values=False), where=False)
    else:
        merged_blocks = ours_blocks
    _apply_comments(out, ours_plan, theirs, shown)
    out.notes += kept
    out.notes += base_refused
    read_otherwise = theirs.held.notes if theirs.held else []  # an empty list item left out, say
    out.notes += [Diagnostic(shown, 0, 0, note, severity="warning") for note in read_otherwise]
    explained += [c.theirs for c in merged.conflicts] + list(added_items.values())
    out.problems += unmapped(shown, base_blocks, theirs_blocks, merged_blocks, explained,
                             {f"ap-{i}" for i in added_items})
    out.problems += field_edits
    return out


def _blocks_only(reading: Reading, where: bool = True) -> list[Block]:
    """A reading's blocks of text (not_applied.blocks_of), its XHTML let go: what apply still
    needs of it is its values, and a large TD's tree is hundreds of MB."""
    blocks = blocks_of(reading.xhtml, where)
    reading.xhtml = None
    if reading.result is not None:
        reading.result.xhtml = None
    # The tree's pages back to the system now: left in the C heap's free lists, scattered among
    # what lives on, they are not what the next reading's tree is made in (the 100× TD's apply:
    # its peak, in the plan's own reading, 401 → 391 MB).
    give_back_memory()
    return blocks


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
        line = first_changed_line(found.path, found.text) if found.path.exists() else 1
        out.written.append((display_path(found.path), line))


def _ours_files(plan: Plan) -> dict[tuple[str, str], Path]:
    """(folder, id) → the plan file holding it; ("document", "") for document.yaml."""
    files = {("document", ""): plan.document.source.path}
    for folder, loaded in (("chapters", plan.chapters), ("annexes", plan.annexes), ("action-items", plan.action_items)):
        files.update({(folder, item.model.id): item.source.path for item in loaded})
    return files


def _edited_files(plan: Plan, ours: Tree, merged: Tree) -> dict[Path, str]:
    """The new text of every plan file whose values the merge changed."""
    texts: dict[Path, str] = {}
    ours_by_id = {folder: by_id(ours[folder]) for folder in FOLDERS}  # once, not once per file
    merged_by_id = {folder: by_id(merged[folder]) for folder in FOLDERS}
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
