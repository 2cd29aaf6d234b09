"""Headings → chapters, sections and annexes; what stands between them → their content blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..intermediate import ANNEX as ANNEX_CLASS
from ..intermediate import DEEPER_HEADINGS, HEADINGS, NUMBER, PROSE_BLOCKS, REVISION_MARKS, classes
from .context import Context, local
from .cover import raw_text
from .inline import inline_markdown
from .matrix import read_matrix
from .shapes import (
    caption_of,
    cell_markdown,
    cells,
    figure_svg,
    is_ap_table,
    is_legend,
    is_matrix,
    is_pillar_list,
    is_statement,
    read_ap_table,
    read_block_markdown,
    read_legend,
    read_pillars,
    read_statement,
    read_svg_figure,
    rows,
)

LEVELS = {tag: level for level, tag in enumerate((*HEADINGS, *DEEPER_HEADINGS), 1)}
ANNEX = re.compile(r"^\s*Annex\s+([A-Z]+[0-9]*)\s+[–-]\s+(.*?)\s*$", re.S)
BLOCK_ID = re.compile(r"^ch-(.+)-b(\d+)-[pi]\d+$")
REFERENCE = re.compile(r"^\s*\[(b-[^\]\[]+)\]\t?\s*")


@dataclass
class Section:
    level: int
    number: str
    data: dict[str, Any]
    content: list[Any] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    footnotes: dict[str, str] = field(default_factory=dict)
    references: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Reading:
    """Everything read so far, for the parts assembled at the end (action items, the matrix)."""

    ctx: Context
    cover_title: str = ""
    chapters: list[Section] = field(default_factory=list)
    annexes: list[Section] = field(default_factory=list)
    statements: list[tuple[str, str, Any]] = field(default_factory=list)
    ap_tables: list[dict[str, Any]] = field(default_factory=list)
    matrix: tuple[Section, list[str], list[dict[str, Any]]] | None = None
    legend: list[dict[str, str]] = field(default_factory=list)
    footnotes: dict[str, str] = field(default_factory=dict)  # every chapter's, for comparisons
    figures: list[PendingFigure] = field(default_factory=list)
    pillar_lists: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)  # (its id, its pillars)
    not_carried: list[NotCarried] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)  # numbered sections with no chapter before them


@dataclass(frozen=True)
class NotCarried:
    """A value the document lost the carrier of (not an edit): the heading of a figure of an
    apdoc-built TD (anchored), when its picture has no alt text at all (apdoc always writes one;
    a `.doc` detour drops it). A hand-made TD's picture without alt text is just that."""

    kind: str  # the block's kind: "figure"
    id: str
    field: str  # the value's key in the block: "heading"
    where: str  # the paragraph, for messages


@dataclass
class PendingFigure:
    """A figure read, whose pillars are settled once every pillar list is read (the list may stand
    in another chapter: the pillar_list insert lists the pillars of every figure of the document)."""

    section: Section
    block: dict[str, Any]
    element: Any
    drawn: list[dict[str, Any]]  # the pillars read from its drawing (none from a picture)


def read_chapters(reading: Reading, elements: list[Any], loose: Section | None = None) -> None:
    """Walk the body after the cover: each heading opens a chapter, section or annex. What
    stands before the first heading is read into `loose` when given (a contribution holding an
    action item's table or matrix rows without their chapter), else left out."""
    stack: list[Section] = []
    pending: list[Any] = []
    for element in elements:
        if local(element) not in HEADINGS:
            pending.append(element)
            continue
        _flush(reading, stack[-1] if stack else loose, pending)
        loose = None  # only what stands before the first heading is loose
        pending = []
        section = _open(reading, element, stack)
        while stack and stack[-1].level >= section.level:
            stack.pop()
        if stack:
            stack[-1].sections.append(section)
        elif section.number.isdigit() or not section.number:
            reading.chapters.append(section)
        else:  # a clause (2.2) with no chapter heading before it: a contribution holding one section
            reading.sections.append(section)
        stack.append(section)
    _flush(reading, stack[-1] if stack else loose, pending)
    _settle_figures(reading)


def _open(reading: Reading, heading: Any, stack: list[Section]) -> Section:
    ctx = reading.ctx
    text = raw_text(heading)
    annex = ANNEX.match(text) if local(heading) == "h1" else None
    wanted = (heading.get("id") or "").removeprefix("ch-") if (heading.get("id") or "").startswith("ch-") else None
    if annex or ANNEX_CLASS in classes(heading) or "AnnexNoTitle" in classes(heading):
        title = annex.group(2) if annex else text.strip()
        section = Section(1, annex.group(1) if annex else "A", {"id": ctx.slug("chapter", wanted, title),
                                                                 "title": title})
        reading.annexes.append(section)
        stack.clear()
        return section
    first = heading[0] if len(heading) and NUMBER in classes(heading[0]) else None
    if first is not None:
        number = raw_text(first).strip()
        title = (first.tail or "").removeprefix(" ") + "".join(raw_text(c) + (c.tail or "") for c in heading[1:])
    else:
        number, title = _typed_number(reading, text.strip(), stack)
    level = number.count(".") + 1 if number else LEVELS[local(heading)]
    return Section(level, number, {"id": ctx.slug("chapter", wanted, title), "title": title.strip()})


def _typed_number(reading: Reading, text: str, stack: list[Section]) -> tuple[str, str]:
    """(the number, the title) of a heading whose number is typed in its text (Word's outline
    numbering is not in the text read): a number apdoc would give the next heading at some
    level, so a title that starts with other digits keeps them."""
    typed = re.match(r"^([0-9]+(?:\.[0-9]+)*)\s+(.*)$", text, re.S)
    if typed is None:
        return "", text
    candidates = {str(len(reading.chapters) + 1)} if not reading.annexes else set()
    candidates |= {f"{s.number}.{len(s.sections) + 1}" for s in stack if s.number}
    return (typed.group(1), typed.group(2)) if typed.group(1) in candidates else ("", text)


def _flush(reading: Reading, section: Section | None, elements: list[Any]) -> None:
    elements = [e for e in elements if isinstance(e.tag, str)]
    if section is None:
        for element in elements:
            reading.ctx.warn(element, "content before the first chapter heading: left out")
        return
    reading.ctx.footnotes = section.footnotes
    read_content(reading, section, elements)
    reading.footnotes.update(section.footnotes)


def read_content(reading: Reading, section: Section, elements: list[Any]) -> None:
    """The blocks of one chapter or section, in order."""
    at = 0
    group: list[Any] = []
    key: tuple[str, str] | None = None
    while at < len(elements):
        element = elements[at]
        if local(element) in PROSE_BLOCKS and not _generated(element):
            if _reference(reading, section, element):
                at += 1
                continue
            here = _block_key(element)
            joins = group and ((here is not None and here == key) or
                               (here is None and key is None and local(element) != "p"))
            if not joins:
                _text_block(reading, section, group)
                group, key = [], here
            group.append(element)
            at += 1
            continue
        _text_block(reading, section, group)
        group, key = [], None
        at = _generated_block(reading, section, elements, at)
    _text_block(reading, section, group)


def _generated(element: Any) -> bool:
    return is_statement(element) or is_pillar_list(element) or is_legend(element)


def _block_key(element: Any) -> tuple[str, str] | None:
    for e in element.iter():
        match = BLOCK_ID.match(e.get("id") or "") if isinstance(e.tag, str) else None
        if match:
            return match.group(1), match.group(2)
    return None


# A chapter's paragraph longer than this is written as a `|` block, as plan/ writes prose.
PROSE_BLOCK = 80


def _text_block(reading: Reading, section: Section, group: list[Any]) -> None:
    if group:
        text = read_block_markdown(reading.ctx, group)
        if len(text) > PROSE_BLOCK and not text.endswith("\n"):
            text += "\n"
        if text:
            section.content.append(text)


def _generated_block(reading: Reading, section: Section, elements: list[Any], at: int) -> int:
    """Read the generated part or table starting at elements[at]; the index after it."""
    element = elements[at]
    tag = local(element)
    if is_statement(element):
        while at < len(elements) and is_statement(elements[at]):
            ap_id, text = read_statement(reading.ctx, elements[at])
            reading.statements.append((ap_id, text, elements[at]))
            at += 1
        section.content.append({"insert": "action_item_list"})
        return at
    if is_ap_table(element):
        while at < len(elements) and is_ap_table(elements[at]):
            reading.ap_tables.append(read_ap_table(reading.ctx, elements[at]))
            at += 1
        section.content.append({"insert": "action_item_tables"})
        return at
    if is_pillar_list(element):
        # One insert lists the pillars of every figure, a list each: the run is that one insert.
        while at < len(elements) and is_pillar_list(elements[at]):
            reading.pillar_lists.append((elements[at].get("id") or "", read_pillars(elements[at])))
            at += 1
        section.content.append({"insert": "pillar_list"})
        return at
    if is_legend(element):
        reading.legend = read_legend(element)
        section.content.append({"insert": "session_sources"})
    elif is_matrix(element):
        keys, rows_ = read_matrix(reading.ctx, element)
        reading.matrix = (section, keys, rows_)
        if rows_:
            section.content.append({"insert": "considerations"})
        else:  # the plan generates the matrix from its rows: with none, there is none to insert
            reading.ctx.warn(element, "a consideration matrix without rows: left out")
    elif tag == "table":
        _table(reading, section, element)
    elif tag == "figure":
        _figure(reading, section, element)
    else:
        reading.ctx.warn(element, f"a <{tag}> element that no part of a plan holds: left out")
    return at + 1


def _reference(reading: Reading, section: Section, p: Any) -> bool:
    """A bibliography entry, `[b-Key]<tab>text, url`: added to the section's references."""
    if local(p) != "p" or not ("Reftext" in classes(p) or (REFERENCE.match(raw_text(p)) and "\t" in raw_text(p))):
        return False
    match = REFERENCE.match(raw_text(p))
    if match is None:
        return False
    holder = reading.ctx.copy(p)
    holder.text = REFERENCE.sub("", holder.text or "", count=1)
    reference = {"key": match.group(1)}
    last = holder[-1] if len(holder) else None
    if last is not None and local(last) == "a" and _is_url(raw_text(last).strip()) and not (last.tail or "").strip():
        before = holder[-2] if len(holder) > 1 else None
        if before is not None:
            before.tail = re.sub(r",\s*$", "", before.tail or "")
        else:
            holder.text = re.sub(r",\s*$", "", holder.text or "")
        holder.remove(last)
        # The URL the link shows and the one it opens are one value: an editor changes either in
        # Word (Edit Hyperlink, or typing over the shown text), and the one changed is the new URL.
        shown, target = raw_text(last).strip(), last.get("href") or ""
        edited_as_text = any(local(e) in REVISION_MARKS for e in last.iter())
        url = shown if edited_as_text or not _is_url(target) else target
        if url != shown:
            reading.ctx.shown_urls[match.group(1)] = shown
    else:
        url = _trailing_url(holder)
    reference["text"] = inline_markdown(reading.ctx, holder)
    if url:
        reference["url"] = url
    section.references.append(reference)
    return True


URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s<>]+")


def _is_url(text: str) -> bool:
    return bool(URL.fullmatch(text))


def _trailing_url(holder: Any) -> str:
    """A URL typed as plain text at the end of an entry (`…, https://…`, the link lost when its
    shown text was retyped): taken off the text, the entry's URL."""
    last = holder[-1] if len(holder) else None
    text = (last.tail if last is not None else holder.text) or ""
    match = re.search(r",?\s*(" + URL.pattern + r")\s*$", text)
    if match is None:
        return ""
    if last is not None:
        last.tail = text[: match.start()]
    else:
        holder.text = text[: match.start()]
    return match.group(1)


def _table(reading: Reading, section: Section, table: Any) -> None:
    ctx = reading.ctx
    caption = caption_of(table)
    if caption is None:
        ctx.warn(table, "a table without a caption 'Table N – title': given the title 'Table'")
    title = caption[1] if caption else "Table"
    wanted = (table.get("id") or "").removeprefix("tab-") if (table.get("id") or "").startswith("tab-") else None
    head, *body = rows(table) or [None]
    if head is None:
        ctx.warn(table, "an empty table: left out")
        return
    data: dict[str, Any] = {"id": ctx.slug("table", wanted, title), "title": title}
    data["columns"] = [raw_text(c).strip() for c in cells(head)]
    own_cols = [c for c in table if local(c) == "col"] + [c for g in table if local(g) == "colgroup" for c in g
                                                           if local(c) == "col"]
    widths = [re.search(r"width:\s*([0-9]{1,9}(?:\.[0-9]{1,9})?)%", c.get("style") or "") for c in own_cols]
    if widths and all(widths):
        if len(widths) == len(data["columns"]):
            data["widths"] = [round(float(w.group(1))) for w in widths if w]
        else:
            ctx.warn(table, f"{len(widths)} column widths for {len(data['columns'])} columns: the widths are left out")
    data["rows"] = []
    for row in body:
        values = [cell_markdown(ctx, c) for c in cells(row)]
        columns = len(data["columns"])
        if len(values) < columns:  # a cell spanning columns, or one lost: the row is kept, its missing cells empty
            ctx.warn(row, f"a row of {len(values)} cells in a table of {columns} columns: the last "
                          f"{columns - len(values)} left empty")
            values += [""] * (columns - len(values))
        elif len(values) > columns:
            ctx.warn(row, f"a row of {len(values)} cells in a table of {columns} columns: the last "
                          f"{len(values) - columns + 1} cells joined in one")
            values[columns - 1:] = ["\n\n".join(v for v in values[columns - 1:] if v)]
        data["rows"].append(values)
    section.content.append({"table": data})


def _figure(reading: Reading, section: Section, figure: Any) -> None:
    """A figure's block, in its place; its pillars are settled at the end (_settle_figures)."""
    ctx = reading.ctx
    caption = caption_of(figure)
    title = caption[1] if caption else "Figure"
    wanted = (figure.get("id") or "").removeprefix("fig-") if (figure.get("id") or "").startswith("fig-") else None
    svg = figure_svg(figure)
    heading, drawn = read_svg_figure(svg) if svg is not None else ("", [])
    heading = heading or figure.get("data-description") or ""  # a picture from Word: its alt text says it
    data: dict[str, Any] = {"id": ctx.slug("figure", wanted, title), "title": title}
    if heading and heading != reading.cover_title:
        data["heading"] = heading
    elif svg is None and figure.get("data-description") is None and wanted is not None:
        reading.not_carried.append(NotCarried("figure", data["id"], "heading", ctx.where(figure)))
    data["pillars"] = drawn
    block = {"figure": data}
    section.content.append(block)
    reading.figures.append(PendingFigure(section, block, figure, drawn))


def _settle_figures(reading: Reading) -> None:
    """Each figure's pillars from its list in the pillar list: the list named after the figure
    (`pillars-<figure id>`, as the layout names it), else the list standing where the figure
    stands among the figures (a TD typed by hand). The list has the names whole where the
    drawing wraps them; a list that disagrees with the drawing is not the figure's. A figure
    with neither is left out, with a warning."""
    named = {list_id: pillars for list_id, pillars in reading.pillar_lists if list_id}
    for n, pending in enumerate(reading.figures):
        wanted = (pending.element.get("id") or "").removeprefix("fig-")
        listed = named.get(f"pillars-{wanted}") if wanted else None
        if listed is None:
            listed = reading.pillar_lists[n][1] if n < len(reading.pillar_lists) else []
        drawn = pending.drawn
        if listed and (not drawn or [p["action_items"] for p in listed] == [p["action_items"] for p in drawn]):
            pending.block["figure"]["pillars"] = listed
        elif not drawn:
            reading.ctx.warn(pending.element, "a figure whose pillars cannot be read (a picture, and no pillar "
                                              "list after it): left out")
            pending.section.content[:] = [b for b in pending.section.content if b is not pending.block]


__all__ = ["NotCarried", "Reading", "Section", "read_chapters"]
