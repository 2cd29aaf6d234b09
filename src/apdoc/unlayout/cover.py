"""The cover table and the action line → document.yaml's values."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from ..intermediate import BOLD, CELLS, classes
from .context import Context, local
from .inline import block_markdown, inline_markdown

# Paragraph styles of the cells whose text is a field as it stands.
_STYLED = {"CoverDocNumber": "document_number", "CoverDocType": "document_type"}
_LABELS = {"Question(s):": "questions", "Source:": "source", "Title:": "title", "Purpose:": "purpose",
           "Keywords:": "keywords", "Abstract:": "abstract", "Contact:": "contact", "Revision marks:": "revision"}


# What raw_text reads otherwise than itertext() does: a line break, and the text of a comment,
# a processing instruction or an entity (itertext leaves the first two out).
_NOT_AS_ITERTEXT = ("{*}br", etree.Comment, etree.ProcessingInstruction, etree.Entity)


def raw_text(element: Any) -> str:
    """The text as the template wrote it (a title, a name): not Markdown, line breaks as newlines."""
    if isinstance(element.tag, str) and next(element.iter(*_NOT_AS_ITERTEXT), None) is None:
        return "".join(element.itertext())  # in lxml, not a call a descendant
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if local(child) == "br" else raw_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def is_cover(table: Any) -> bool:
    return bool({"cover", "CoverTable"} & set(classes(table))) or any(
        "".join(p.itertext()).strip() == "INTERNATIONAL TELECOMMUNICATION UNION" for p in table.iter("{*}p", "p")
    )


def _cells(row: Any) -> list[Any]:
    return [c for c in row if local(c) in CELLS]


def _paragraphs(cell: Any) -> list[Any]:
    return [p for p in cell.iter() if local(p) == "p"]


def read_cover(ctx: Context, table: Any) -> tuple[dict[str, Any], str]:
    """The cover's fields, and the abstract (Markdown)."""
    cover: dict[str, Any] = {}
    abstract = ""
    contacts: list[dict[str, str]] = []
    label = ""
    for row in (r for r in table.iter() if local(r) == "tr"):
        cells = _cells(row)
        for p in (p for c in cells for p in _paragraphs(c)):
            _styled_paragraph(p, cover)
        first = raw_text(cells[0]).strip() if cells else ""
        if first in _LABELS or (first == "" and label == "contact" and len(cells) == 3):
            label = _LABELS.get(first, label)
        else:
            if first and any("CoverLabel" in classes(p) for p in _paragraphs(cells[0])):
                ctx.warn(row, f"a cover row '{first}' that no cover field holds: left out")
            continue
        values = cells[1:]
        if label == "abstract" and values:
            abstract = block_markdown(ctx, [e for e in values[0] if isinstance(e.tag, str)])
            abstract = abstract + "\n" if "\n" in abstract else abstract
        elif label == "contact" and len(values) == 2:
            contacts.append(_contact(values))
        elif label == "keywords" and values:
            cover["keywords"] = [k for k in raw_text(values[0]).strip().split("; ") if k]
        elif label == "questions" and values:
            cover["questions"] = raw_text(values[0]).strip()
            if len(values) > 1:
                cover["meeting"] = raw_text(values[1]).strip()
        elif label in ("source", "title", "purpose") and values:
            cover[label] = raw_text(values[0]).strip()
    if contacts:
        cover["contacts"] = contacts
    return cover, abstract


def _styled_paragraph(p: Any, cover: dict[str, Any]) -> None:
    text = raw_text(p).strip()
    style = classes(p)
    for name, field in _STYLED.items():
        if name in style:
            cover[field] = text
    if "CoverStudyPeriod" in style:
        cover["study_period"] = text.removeprefix("STUDY PERIOD ").strip()
    elif "CoverRight" in style and text.startswith("Original: "):
        cover["original"] = text.removeprefix("Original: ")
    elif "CoverRight" in style and "group" not in cover and "original" not in cover:
        cover["group"] = text


def _contact(cells: list[Any]) -> dict[str, str]:
    lines = [line.strip() for line in raw_text(cells[0]).split("\n")]
    contact = {"name": lines[0]}
    for field, value in zip(("organization", "country"), lines[1:], strict=False):
        contact[field] = value
    for line in raw_text(cells[1]).split("\n"):
        line = line.strip()
        if line.startswith("Tel: "):
            contact["phone"] = line.removeprefix("Tel: ")
        elif line.startswith("E-mail: "):
            contact["email"] = line.removeprefix("E-mail: ")
    return contact


def read_action(ctx: Context, p: Any) -> str | None:
    """The action line (`Action:` and a tab, then Markdown), or None when `p` is not it."""
    if not re.match(r"^\s*Action:", "".join(p.itertext())):
        return None
    children = list(p)
    if children and local(children[0]) in BOLD and "".join(children[0].itertext()) == "Action:":
        rest = children[0].tail or ""
        holder = _shallow(ctx, p, rest.lstrip("\t "), children[1:])
    else:
        holder = _shallow(ctx, p, re.sub(r"^\s*Action:\s*", "", p.text or ""), children)
    return inline_markdown(ctx, holder)


def _shallow(ctx: Context, p: Any, text: str, children: list[Any]) -> Any:
    """A stand-in paragraph holding `text` then copies of `children` (the tree is left as it is)."""
    holder = p.makeelement("p")
    holder.text = text
    for child in children:
        holder.append(ctx.copy(child))
    return holder
