"""`apdoc import`: a TD (DOCX, or the intermediate XHTML) → a new plan folder.

The pipeline is pandoc's: the DOCX reader makes the intermediate XHTML (the vocabulary of
docs/layout-vocabulary.md), unlayout turns it into plan values, which are written as a plan
folder in `apdoc fmt`'s layout. A `.xhtml` file is read as the intermediate form itself.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..diagnostics import Diagnostic, PlanError, display_path
from ..intermediate import ANNEX, CELLS, HEADINGS, classes, text_of
from ..output import Inputs, refuse_inputs
from ..plan.folder import Plan
from ..plan.source import unreadable_character
from ..unlayout import ImportResult, plan_from_xhtml, write_plan
from ..unlayout.context import Context, local

MAX_XHTML_BYTES = 64 * 1024 * 1024


@dataclass
class Imported:
    """What an import did: the files written, the warnings (reader's and unlayout's)."""

    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    result: ImportResult | None = None
    plan: Any = None  # the plan written, as validated before it was


def parse_xhtml(data: bytes, shown: str) -> Any:
    """The intermediate XHTML as an lxml element; no DTD, entity or network is ever read."""
    if len(data) > MAX_XHTML_BYTES:
        raise PlanError([Diagnostic(shown, 0, 0, f"larger than {MAX_XHTML_BYTES // 2**20} MB: not read")])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        raise PlanError([Diagnostic(shown, line, col + 1 if line else 0, f"not XHTML: {exc.msg}")]) from None


def read_document(path: Path) -> tuple[Any, list[str]]:
    """(the intermediate XHTML root, the reader's warnings) of a TD file."""
    shown = display_path(path)
    data = _read_input(path, shown)
    if path.suffix.lower() == ".xhtml":
        return parse_xhtml(data, shown), []
    return _from_docx(data, shown)


def _read_input(path: Path, shown: str) -> bytes:
    """The bytes of the file given to import; a pipe or a device is refused before it is opened."""
    from ..readers.docx.package import DocxError, read_file

    try:
        return read_file(path, shown)
    except DocxError as exc:
        raise PlanError([Diagnostic(shown, 0, 0, str(exc).removeprefix(f"{shown}: "))]) from None
    except OSError as exc:
        raise PlanError([Diagnostic(shown, 0, 0, f"cannot read: {exc.strerror or exc}")]) from None


def _from_docx(data: bytes, shown: str) -> tuple[Any, list[str]]:
    from ..readers.docx import DocxError, read_docx

    try:
        read = read_docx(data, source=shown)
    except DocxError as exc:
        raise PlanError([Diagnostic(shown, 0, 0, str(exc).removeprefix(f"{shown}: "))]) from None
    return read.xhtml, [str(w) for w in read.warnings]


def refuse_output(path: Path, out_dir: Path) -> None:
    """Refuse, before the TD is even read, an `out_dir` that the plan folder cannot be written to:
    inside any plan folder (or the templates, or .git), the document itself, or below a file."""
    refuse_inputs([out_dir], Inputs(whole_plan=True))
    shown = display_path(out_dir) if not out_dir.is_symlink() else str(out_dir)
    real = Path(os.path.realpath(out_dir))
    with contextlib.suppress(OSError):
        if real.exists() and os.path.samefile(real, path):
            raise PlanError([Diagnostic(shown, 0, 0, f"cannot write: it is {display_path(path)}, the document "
                                        "imported; give a new folder for the plan")])
    for parent in real.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise PlanError([Diagnostic(shown, 0, 0, f"cannot write: {display_path(parent)} is a file, "
                                            "not a folder")])
            break


def import_plan(path: Path, out_dir: Path) -> Imported:
    """Read the TD at `path` and write its plan to `out_dir` (new or empty), a plan that validates
    or nothing: what the TD says that a plan cannot hold is named at its paragraph. Raises PlanError."""
    from ..plan.load import load_plan

    refuse_output(path, out_dir)
    if path.suffix.lower() == ".pdf":
        return _import_pdf(path, out_dir)
    root, warnings = read_document(path)
    shown = display_path(path)
    refuse_unreadable_text(root, shown)
    try:
        result = plan_from_xhtml(root, source=shown, in_place=True)
    except RecursionError:  # elements nested thousands deep (an .xhtml file; a DOCX reader bounds its own)
        raise PlanError([Diagnostic(shown, 0, 0, "its elements are nested too deeply to read: not imported")]) from None
    # The tree was rewritten by unlayout and is not kept while the plan is written (its memory):
    # a message that names paragraphs reads the document again, as it stands.
    del root
    if not any(name.startswith("chapters/") for name in result.files):
        raise PlanError([Diagnostic(shown, 0, 0, _not_a_td(read_document(path)[0]))])
    imported = Imported(warnings=[*warnings, *result.warnings], result=result)

    def validated(staging: Path) -> Plan:
        try:
            imported.plan = load_plan(staging)
        except PlanError as exc:
            raise PlanError(at_paragraphs(exc.diagnostics, staging, read_document(path)[0], shown)) from None
        return imported.plan  # write_plan checks each file against what this load read

    imported.written = write_plan(result, out_dir, check=validated)
    return imported


MAX_REPORTED = 20


def refuse_unreadable_text(root: Any, shown: str) -> None:
    """Raise PlanError naming each paragraph whose text holds a character no plan file can hold
    (a control character, mostly): the DOCX's name and the paragraph, not a plan line that
    would never exist."""
    if unreadable_character("".join(root.itertext())) is None and \
            unreadable_character("\n".join(root.xpath("//@href"))) is None:  # one search, not one an element
        return
    ctx = Context(shown)
    ctx.number_paragraphs(root)
    problems: dict[str, Diagnostic] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        texts = ((element.text, element), (element.get("href"), element), (element.tail, element.getparent()))
        for text, holder in texts:
            named = unreadable_character(text or "")
            if named is None or holder is None:
                continue
            where = ctx.where(holder)
            cell = " (in a table cell)" if any(local(a) in CELLS for a in holder.iterancestors()) else ""
            problems.setdefault(where, Diagnostic(shown, 0, 0, f"{where}{cell}: {named} cannot be held in a plan "
                                                  "file: delete it in the document, then import again"))
        if len(problems) >= MAX_REPORTED:
            break
    raise PlanError(list(problems.values()))


def at_paragraphs(diagnostics: list[Diagnostic], staging: Path, root: Any, shown: str) -> list[Diagnostic]:
    """The errors of the plan an import would write, each at the TD's paragraph that holds the
    value at fault where one does (found by its text), else at the plan file and line; the
    plan itself is never written."""
    ctx = Context(shown)
    ctx.number_paragraphs(root)
    paragraphs = [(element, text_of(element)) for element in ctx.order]
    prefix = display_path(staging) + "/"
    out = []
    for diagnostic in diagnostics:
        relative = diagnostic.path.removeprefix(prefix)
        value = _value_at(staging / relative, diagnostic.line, diagnostic.col) if relative != diagnostic.path else None
        wanted = [_snippet(value), *_named_in(diagnostic.message)]
        holder = next((e for snippet in wanted if snippet for e, text in paragraphs if snippet in text), None)
        place = f"{relative}:{diagnostic.line}" if diagnostic.line else relative
        where = f"{ctx.where(holder)}: " if holder is not None else ""
        out.append(Diagnostic(shown, 0, 0, f"{where}{diagnostic.message} (in {place} of the plan it makes: "
                              "a plan cannot hold what the document says here; nothing was written)"))
    return out


def _value_at(path: Path, line: int, col: int) -> Any:
    """The value a diagnostic at `line`:`col` of a plan file points at, or None."""
    from ..plan.source import load_yaml

    try:
        source = load_yaml(path)
    except PlanError:
        return None
    for loc, position in [*source.values.items(), *source.keys.items()]:  # a value's, else a key's (its value)
        if position == (line, col):
            value = source.data
            for key in loc:
                value = value[key]
            return value
    return None


def _named_in(message: str) -> list[str]:
    """What a message quotes, as a paragraph would show it: `footnote 'x'` as `[^x]`, `[b-Key]`
    as it stands, the id a message starts with (`AP3 is not an action item`)."""
    quoted = re.findall(r"'([^'\s]+)'", message)
    return [*(f"[^{q}]" for q in quoted), *re.findall(r"\[[^\]\s]+\]", message), *re.findall(r"^AP[0-9.]+\b", message)]


def _snippet(value: Any) -> str:
    """The start of a text value as a paragraph shows it: Markdown escapes and marks taken out."""
    if not isinstance(value, str):
        return ""
    shown = re.sub(r"\\(.)", r"\1", re.sub(r"\[\^[^\]]*\]", "", value))
    words = " ".join(shown.replace("*", " ").split())
    return words[:40] if " " in words[:40] else ""  # one word (`considerations`) may be in any paragraph


def _not_a_td(root: Any) -> str:
    """Why a document gave no chapter: one message instead of a warning per paragraph."""
    headings = sum(1 for el in root.iter(*HEADINGS) if ANNEX not in classes(el))
    cover = root.find(".//table[@id='cover']") is not None
    found = ("a cover but " if cover else "no cover and ") + \
        (f"{headings} headings below chapter level" if headings else "no headings")
    return (f"not a TD that apdoc can read: {found} (a chapter starts at a paragraph in a Heading 1 style "
            "or at outline level 1); nothing written")


def _import_pdf(path: Path, out_dir: Path) -> Imported:
    """The plan an apdoc PDF carries, written back byte for byte; a warning when its files are
    not the plan whose digest the PDF records (edited after the build, or another plan's)."""
    from ..plan.load import load_plan
    from ..plan.pdf_source import plan_of_pdf
    from ..plan.versions import plan_digest
    from ..unlayout.write import write_files

    shown = display_path(path)
    carried = plan_of_pdf(_read_input(path, shown), shown)
    written = write_files(carried.files, out_dir)
    warnings = []
    recorded = carried.facts.get("plan-digest")
    try:
        plan = load_plan(out_dir)
        matches = recorded is not None and plan_digest(plan) == recorded
    except PlanError:
        plan, matches = None, False
    if not matches:
        warnings.append(f"{shown}: warning: the plan it carries is not the one its digest names")
    return Imported(written, warnings, plan=plan)
