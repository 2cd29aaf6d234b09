"""Markdown: the TD as GitHub-flavoured Markdown, for reading in a pull request.

Pipe tables (merged cells are repeated as empty cells; a two-row header is folded into
one; a table whose body rows each span it, as an action item's do, becomes its header
and then a label | text table), footnotes as `[^n]`, captions as bold lines. Text is escaped so that it reads
exactly as in the other formats.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from lxml import etree

from ..intermediate import (
    ANNEX,
    BOLD,
    FOOTNOTE,
    HEADINGS,
    ITALIC,
    LISTS,
    LOWER_ROMAN,
    NUMBER,
    PILLAR,
    PILLAR_ITEM,
    PILLAR_NAME,
    ROW_GROUPS,
    SVG_NS,
    Piece,
    classes,
    runs_and_blocks,
    span_grid,
)
from ..links import is_allowed_link

_ESCAPE = re.compile(r"([\\`*_\[\]<>|~&])")
_LINE_START = re.compile(r"^(\s*)([#+\-]|\d+[.)])(?=\s)")


def _destination(href: str) -> str:
    """A link target as Markdown reads it back whole: as it is, or percent-encoded inside <…> when
    a space, parenthesis or angle bracket would end it early."""
    if not re.search(r"[\s()<>\\]", href):
        return href
    return "<" + re.sub(r"[<>\s\\]", lambda m: quote(m.group(), safe=""), href) + ">"


def _escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


class _Writer:
    def __init__(self) -> None:
        self.footnotes: list[str] = []

    # --- inline ---------------------------------------------------------------

    def inline(self, element: etree._Element, in_cell: bool = False) -> str:
        """The inline content of an element (its text and inline children) as Markdown."""
        parts = [_escape(element.text or "")]
        for child in element:
            parts.append(self.inline_element(child, in_cell))
            parts.append(_escape(child.tail or ""))
        return "".join(parts)

    def inline_element(self, el: etree._Element, in_cell: bool) -> str:
        tag = el.tag
        if tag == "br":
            return "<br>" if in_cell else "\\\n"
        if tag == "del":  # Markdown shows no revision marks (apdoc diff does): the current text only
            return ""
        if tag == "span" and FOOTNOTE in classes(el):
            self.footnotes.append(_collapse(self.inline(el)))
            return f"[^{len(self.footnotes)}]"
        inner = self.inline(el, in_cell)
        if tag in BOLD:
            return f"**{inner.strip()}**" if inner.strip() else inner
        if tag in ITALIC:
            return f"*{inner.strip()}*" if inner.strip() else inner
        if tag == "code":
            return f"`{''.join(el.itertext())}`"
        if tag == "a" and el.get("href") and is_allowed_link(el.get("href")):  # others stay plain text
            return f"[{inner}]({_destination(el.get('href'))})"
        if tag == "span" and NUMBER in classes(el):
            return inner + " "
        return inner

    # --- blocks ---------------------------------------------------------------

    def run(self, pieces: list[Piece], in_cell: bool = False) -> str:
        """A run of inline content (runs_and_blocks) as Markdown."""
        return "".join(_escape(p) if isinstance(p, str) else self.inline_element(p, in_cell) for p in pieces)

    def blocks(self, parent: etree._Element, out: list[str], indent: str = "") -> None:
        content = list(runs_and_blocks(parent, keep_blank=True))
        for n, (kind, value) in enumerate(content):
            if kind == "block":
                self.block(value, out, indent)
            elif 0 < n < len(content) - 1 or self.run(value).strip():
                # Whitespace between two blocks stays an (empty) line, as it always has: in a
                # quote it is a `> ` line. Leading and trailing whitespace is dropped.
                out.append(indent + _collapse(self.run(value)))

    def block(self, el: etree._Element, out: list[str], indent: str = "") -> None:
        tag = el.tag
        if tag in HEADINGS:
            level = 1 if ANNEX in classes(el) else int(tag[1])
            out.append("#" * level + " " + _collapse(self.inline(el)))
        elif tag == "p":
            text = _collapse(self.inline(el))
            if text:
                out.append(indent + _LINE_START.sub(r"\1\\\2", text))
        elif tag in LISTS:
            out.append(self.list_md(el, indent))
        elif tag == "blockquote":
            inner: list[str] = []
            self.blocks(el, inner)
            out.append("\n>\n".join("> " + block.replace("\n", "\n> ") for block in inner))
        elif tag == "table":
            out.append(self.table(el))
        elif tag == "figure":
            out.extend(self.figure_text(el))
            caption = el.find("figcaption")
            if caption is not None:
                out.append(f"**{_collapse(self.inline(caption))}**")
        else:
            self.blocks(el, out, indent)

    def figure_text(self, figure: etree._Element) -> list[str]:
        """A drawing's text, for a format that cannot show it: its top line, then one list item
        per <g class="pillar"> (name: items). Drawings without such groups give nothing."""
        svg = figure.find(f"{{{SVG_NS}}}svg")
        if svg is None:
            return []
        groups = [g for g in svg.iter(f"{{{SVG_NS}}}g") if PILLAR in classes(g)]
        if not groups:
            return []

        def texts(parent: etree._Element, cls: str) -> list[str]:
            return [_escape(_collapse("".join(t.itertext())))
                    for t in parent.iter(f"{{{SVG_NS}}}text") if cls in classes(t)]

        top = [_escape(_collapse("".join(t.itertext()))) for t in svg.iterfind(f"{{{SVG_NS}}}text")]
        lines = [f"- {' '.join(texts(g, PILLAR_NAME))}: {', '.join(texts(g, PILLAR_ITEM))}" for g in groups]
        return [*top, "\n".join(lines)]

    def list_md(self, el: etree._Element, indent: str) -> str:
        lines = []
        for n, li in enumerate(el.iterfind("li"), 1):
            marker = "-" if el.tag == "ul" else f"{n}."
            pad = indent + " " * (len(marker) + 1)
            body: list[str] = []
            self.blocks(li, body, pad)
            first, *rest = body or [""]
            lines.append(f"{indent}{marker} {first.strip()}")
            lines.extend(rest)
        return "\n".join(lines)

    # --- tables ---------------------------------------------------------------

    def cell(self, cell: etree._Element) -> str:
        """A table cell on one line: its paragraphs and list items joined by <br>."""
        parts: list[str] = []
        for kind, content in runs_and_blocks(cell):
            if kind == "inline":
                parts.append(_collapse(self.run(content, in_cell=True)))
            elif content.tag in LISTS:
                for n, li in enumerate(content.iterfind("li"), 1):
                    number = _roman(n) if LOWER_ROMAN in classes(content) else n
                    parts.append(f"{'•' if content.tag == 'ul' else f'{number}.'} {_collapse(self.cell(li))}")
            elif content.tag == "blockquote":
                parts.append(_collapse(self.cell(content)))
            else:
                parts.append(_collapse(self.inline(content, True)))
        return "<br>".join(p for p in parts if p)

    def table(self, el: etree._Element) -> str:
        caption = el.find("caption")
        trs = [(tr, section.tag == "thead") for section in el if section.tag in ROW_GROUPS
               for tr in section.iterfind("tr")]
        # A merged cell's text stands in its first place; the places it covers stay empty.
        rows = [([self.cell(slot.cell) if slot.origin else "" for slot in places], head)
                for places, (_, head) in zip(span_grid(tr for tr, _ in trs), trs, strict=True)]
        # Per row: the colspan of its one cell (0 when it has several), and whether it is a label.
        spans = [int(tr[0].get("colspan", "1")) if len(tr) == 1 else 0 for tr, _ in trs]
        labels = ["label" in classes(tr) for tr, _ in trs]
        width = max((len(r) for r, _ in rows), default=0)
        lines = []
        if caption is not None:
            lines.append(f"**{_collapse(self.inline(caption))}**\n")
        body_at = [n for n, (_, head) in enumerate(rows) if not head]
        # Every body row one cell across the table (an action item's label and text rows):
        # pipe tables cannot merge cells, so those rows become a label | text table below.
        paired = width > 2 and body_at and len(body_at) < len(rows) and all(spans[n] == width for n in body_at)
        header_rows = [r for r, head in rows if head] or [rows.pop(0)[0] if rows else []]
        header = [" ".join(filter(None, (r[i] if i < len(r) else "" for r in header_rows))) for i in range(width)]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * width)
        if paired:
            lines.append("")
            lines.extend(self.label_pairs([(rows[n][0][0], labels[n]) for n in body_at]))
        else:
            lines.extend("| " + " | ".join(r + [""] * (width - len(r))) + " |" for r, head in rows if not head)
        return "\n".join(lines)

    @staticmethod
    def label_pairs(cells: list[tuple[str, bool]]) -> list[str]:
        """A two-column table: each label (True) beside the text that follows it."""
        lines = ["| | |", "|---|---|"]
        label = ""
        for text, is_label in cells:
            if is_label:
                if label:
                    lines.append(f"| {label} |  |")
                label = text
            else:
                lines.append(f"| {label} | {text} |")
                label = ""
        if label:
            lines.append(f"| {label} |  |")
        return lines

    def cover(self, el: etree._Element) -> str:
        lines = []
        for tr in el.iter("tr"):
            texts = [self.cell(td) for td in tr.iterfind("td")]
            texts = [t for t in texts if t]
            if not texts:
                continue
            if texts[0].endswith(":") and len(texts) > 1:
                joiner = " " if texts[0] == "Abstract:" else ", "  # paragraphs, or the lines of an address
                lines.append(f"**{texts[0]}** " + " — ".join(texts[1:]).replace("<br>", joiner))
            else:
                lines.append(" — ".join(texts).replace("<br>", ", "))
        return "  \n".join(lines)


def _collapse(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text).strip() if "\\\n" not in text else text.strip()


def _roman(n: int) -> str:
    numerals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in numerals:
        while n >= value:
            out += letters
            n -= value
    return out


def write_markdown(html: str) -> bytes:
    root = etree.fromstring(html.encode("utf-8"))
    body = root.find("body")
    if body is None:
        raise ValueError("the layout has no <body>")
    writer = _Writer()
    out: list[str] = []
    title = root.findtext("head/title") or ""
    if title:
        out.append(f"<!-- {title.replace('--', '—')} -->")
    for child in body:
        if child.tag == "table" and "cover" in classes(child):
            out.append(writer.cover(child))
        else:
            writer.block(child, out)
    notes = [f"[^{n}]: {text}" for n, text in enumerate(writer.footnotes, 1)]
    return ("\n\n".join(block for block in out if block) + ("\n\n" + "\n".join(notes) if notes else "") + "\n").encode(
        "utf-8"
    )
