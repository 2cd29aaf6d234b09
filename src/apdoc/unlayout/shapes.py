"""The generated parts of a TD recognised by their shape, ids and classes being optional.

Each `is_…` answers whether an element is that part; each `read_…` gives its values.
"""

from __future__ import annotations

import re
from typing import Any

from ..intermediate import (
    CAPTIONS,
    CELLS,
    DRAWING_HEADING,
    LOWER_ROMAN,
    PILLAR_ITEM,
    PILLAR_NAME,
    PROSE_BLOCKS,
    ROW_GROUPS,
    classes,
    text_of,
)
from ..intermediate import PILLAR as PILLAR_CLASS
from ..plan.models import TABLE_FIELDS
from .context import SVG, Context, local
from .cover import raw_text
from .inline import block_markdown, canonical, inline_markdown

AP_ID = r"AP[1-9][0-9]*(?:\.[1-9][0-9]*)*"
STATEMENT = re.compile(rf"^\s*({AP_ID}) [–-] ")
PILLAR = re.compile(r"^(?P<name>.+), refers to action plan (?P<ids>.+)\.$", re.S)
LEGEND = re.compile(r"^([^\t]+)\t(.+)$", re.S)
# "Table 4 – title": the word and the number are generated (an edit to them is not the title's).
CAPTION = re.compile(r"^\s*[^\s–-]+\.?\s*[0-9]*[A-Za-z]?\s*[–-]\s*(.*?)\s*$", re.S)
LABELS = {label: name for name, label in TABLE_FIELDS.items()}
MATRIX_HEAD = ("#", "Point for consideration", "Session Source")


def items(element: Any) -> list[Any]:
    return [li for li in element if local(li) == "li"]


def rows(table: Any) -> list[Any]:
    """The table's own rows (in thead, tbody, tfoot or not): a table nested in a cell has its own."""
    own = []
    for child in table:
        if local(child) == "tr":
            own.append(child)
        elif local(child) in ROW_GROUPS or local(child) == "tfoot":
            own.extend(r for r in child if local(r) == "tr")
    return own


def cells(row: Any) -> list[Any]:
    return [c for c in row if local(c) in CELLS]


def caption_of(table: Any) -> tuple[str, str] | None:
    """(Table or Figure, the title) from a caption or figcaption."""
    caption = next((c for c in table if local(c) in CAPTIONS), None)
    match = CAPTION.match(raw_text(caption)) if caption is not None else None
    kind = "Figure" if caption is not None and local(caption) == "figcaption" else "Table"
    return (kind, match.group(1)) if match else None


# --- the chapter 4 list ------------------------------------------------------------


def is_statement(element: Any) -> bool:
    """`AP1.2 – statement`. Its text is matched untrimmed: a statement that shows only a space
    (inline code of one, `` ` ` ``) still follows the dash."""
    return local(element) == "p" and bool(STATEMENT.match(re.sub(r"\s+", " ", "".join(element.itertext()))))


def read_statement(ctx: Context, p: Any) -> tuple[str, str]:
    """(AP1.2, the statement as Markdown) from `AP1.2 – statement`."""
    holder = ctx.copy(p)
    match = STATEMENT.match(holder.text or "")
    if match is None:  # the id is inside markup (`<strong>AP1.2</strong> – …`): the text as it reads
        ap_id = STATEMENT.match(text_of(p)).group(1)  # type: ignore[union-attr]  # is_statement said so
        return ap_id, re.sub(rf"^\W*{re.escape(ap_id)}\W*[–-]\s*", "", inline_markdown(ctx, holder), count=1)
    ap_id = match.group(1)
    holder.text = (holder.text or "")[match.end():]
    return ap_id, inline_markdown(ctx, holder)


# --- the pillar list and the legend -------------------------------------------------------


def is_pillar_list(element: Any) -> bool:
    if local(element) != "ul" or not items(element):
        return False
    return (element.get("id") or "").startswith("pillars-") or all(
        PILLAR.match(text_of(li)) for li in items(element)
    )


def read_pillars(element: Any) -> list[dict[str, Any]]:
    pillars = []
    for li in items(element):
        match = PILLAR.match(raw_text(li).strip())
        if match:
            ids = re.split(r",? and |, ", match.group("ids"))
            pillars.append({"name": match.group("name"), "action_items": ids})
    return pillars


def is_legend(element: Any) -> bool:
    if local(element) != "ul" or not items(element):
        return False
    return "legend" in classes(element) or all(LEGEND.match(raw_text(li).strip()) for li in items(element))


def read_legend(element: Any) -> list[dict[str, str]]:
    out = []
    for li in items(element):
        match = LEGEND.match(raw_text(li).strip())
        if match:
            out.append({"key": match.group(1), "description": match.group(2)})
    return out


# --- the figure ---------------------------------------------------------------------


def read_svg_figure(svg: Any) -> tuple[str, list[dict[str, Any]]]:
    """(the heading, the pillars) of a pillar figure drawn in SVG."""
    heading = ""
    pillars = []
    for element in svg:
        if local(element) == "text" and (not heading or DRAWING_HEADING in classes(element)):
            heading = raw_text(element)
        elif local(element) == "g" and PILLAR_CLASS in classes(element):
            name = " ".join(raw_text(t) for t in element if local(t) == "text" and PILLAR_NAME in classes(t))
            ids = [raw_text(t) for t in element if local(t) == "text" and PILLAR_ITEM in classes(t)]
            pillars.append({"name": name, "action_items": ids})
    return heading, pillars


def figure_svg(figure: Any) -> Any:
    return next((e for e in figure.iter() if isinstance(e.tag, str) and e.tag == f"{SVG}svg"), None)


# --- action item tables -------------------------------------------------------------


def is_ap_table(table: Any) -> bool:
    if local(table) != "table":
        return False
    if "ap" in classes(table):
        return True
    head = rows(table)[:1]
    texts = [raw_text(c).strip() for c in cells(head[0])] if head else []
    return len(texts) == 4 and texts[0] == "AP#" and texts[2] == "AP Short Name"


CAPTION_NAME = re.compile(r"^Action plan on [“\"](.*)[”\"]\s*$", re.S)


def read_ap_table(ctx: Context, table: Any) -> dict[str, Any]:
    """An action item's table: its id, sub-item range, short name and fields (Text values)."""
    head, *body = rows(table)
    label, short = (raw_text(c).strip() for c in cells(head)[1:4:2])
    ids = re.findall(AP_ID, label)
    found: dict[str, Any] = {"id": ids[0] if ids else "", "subs": ids[1:], "short_name": short.strip("“”\"")}
    caption = caption_of(table)
    named = CAPTION_NAME.match(caption[1]) if caption else None
    found["caption_name"] = named.group(1) if named else None  # the short name the caption shows
    found["cells"] = _field_cells(ctx, body)
    found["fields"] = {name: None if cell is None else text_value(ctx, cell, "ul")
                       for name, cell in found["cells"].items()}
    return found


def _field_cells(ctx: Context, body: list[Any]) -> dict[str, Any]:
    """field → its content cell (None when the label row has none), in the table's order."""
    out: dict[str, Any] = {}
    current: str | None = None
    for row in body:
        row_cells = cells(row)
        text = raw_text(row).strip()
        marked = "label" in classes(row) or any("Tablelabel" in classes(p) for p in row.iter())
        awaited = current is not None and out[current] is None
        if text in LABELS and len(row_cells) == 1 and (marked or not awaited):
            current = LABELS[text]
            out[current] = None
        elif awaited and row_cells:
            out[current] = row_cells[0]
        else:
            ctx.warn(row, "a row of an action item's table under no known label: left out")
    return out


def text_value(ctx: Context, cell: Any, list_tag: str) -> str | list[str] | None:
    """A text field's cell: nothing, a YAML list (the renderer's bare list), or Markdown."""
    blocks = [e for e in cell if isinstance(e.tag, str)]
    if not (cell.text or "").strip() and all(_empty_paragraph(b) for b in blocks):
        return None  # also the empty paragraph a word processor keeps in an empty cell
    if len(blocks) == 1 and local(blocks[0]) == list_tag and not (cell.text or "").strip() and _bare_list(blocks[0]):
        values = [_item_value(ctx, li) for li in items(blocks[0])]
        kept = [value for value in values if value.strip()]
        if len(kept) < len(values):  # LibreOffice copies a list's numbering into a new row's empty cell
            ctx.note(cell, f"{len(values) - len(kept)} empty list item{'s' if len(values) - len(kept) > 1 else ''} "
                           "(a number or bullet with no text): left out")
        return kept or None
    return cell_markdown(ctx, cell)


def _empty_paragraph(element: Any) -> bool:
    return local(element) == "p" and not len(element) and not (element.text or "").strip()


def _bare_list(element: Any) -> bool:
    """A YAML list's bullets: written by the renderer with no line break after <ul> (Markdown has one);
    a list from Word has no layout whitespace at all, and is read as a YAML list too."""
    return not (element.text or "").strip("\t ") or (local(element) == "ol" and LOWER_ROMAN in classes(element))


def _item_value(ctx: Context, li: Any) -> str:
    if any(local(c) in PROSE_BLOCKS for c in li):
        return multiline(block_markdown(ctx, [c for c in li if isinstance(c.tag, str)]))
    return inline_markdown(ctx, li)


def cell_markdown(ctx: Context, cell: Any) -> str:
    blocks = [e for e in cell if isinstance(e.tag, str)]
    if blocks and all(local(b) in PROSE_BLOCKS for b in blocks) and not (cell.text or "").strip():
        return multiline(block_markdown(ctx, blocks))
    return inline_markdown(ctx, cell)


def multiline(text: str) -> str:
    """Text of several lines ends in a newline, as a YAML `|` block gives it."""
    return text + "\n" if "\n" in text else text


def same_as_generated(ctx: Context, cell: Any, generated: str) -> bool:
    from lxml import etree

    again = etree.fromstring(f"<div>{generated}</div>")
    return canonical(list(again)) == canonical([e for e in cell if isinstance(e.tag, str)])


# --- the consideration matrix -------------------------------------------------------


def is_matrix(table: Any) -> bool:
    if local(table) != "table":
        return False
    if "matrix" in classes(table):
        return True
    head = rows(table)[:1]
    texts = tuple(raw_text(c).strip() for c in cells(head[0])[:3]) if head else ()
    return texts == MATRIX_HEAD


def matrix_keys(table: Any) -> list[str]:
    """The session source keys: the second header row."""
    header = rows(table)[1:2]
    return [raw_text(c).strip() for c in cells(header[0])] if header else []


def read_block_markdown(ctx: Context, elements: list[Any]) -> str:
    return multiline(block_markdown(ctx, elements))
