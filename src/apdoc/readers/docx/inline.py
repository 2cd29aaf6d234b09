"""Runs → inline XHTML: text, `strong`/`em`/`u`/`sup`/`sub`/`code`, character-style spans,
links, line breaks and footnotes. Adjacent runs of equal format are one (Word splits runs at
every rsid, LibreOffice at other places); the nesting order of the tags is fixed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import groupby

from lxml import etree

from ...ooxml import W
from .ns import A, child, localname, on, val
from .numbers import SHORT_HEX, number
from .styles import IMPLICIT, Styles

# Character styles that say nothing the structure does not already say.
SILENT_CHARACTER_STYLES = {"Hyperlink", "FootnoteReference", "DefaultParagraphFont"}


@dataclass(frozen=True)
class Format:
    link: str = ""
    style: str = ""  # an apdoc character style id → <span class>
    bold: bool = False
    italic: bool = False
    underline: bool = False
    vert: str = ""  # "sup" | "sub"
    code: bool = False


@dataclass
class Piece:
    kind: str  # "text" | "br" | "footnote" | "number" (a SEQ field's result: a generated number)
    text: str = ""
    fmt: Format = field(default_factory=Format)
    note: str = ""  # kind footnote: the footnote's w:id


@dataclass
class RunReader:
    styles: Styles
    warn: Callable[[etree._Element, str], None]

    def run_format(self, run: etree._Element) -> Format:
        rpr = child(run, W + "rPr")
        fmt = Format(link=run.get(A + "link") or "")
        style_id = val(child(rpr, W + "rStyle")) if rpr is not None else None
        apdoc = self.styles.apdoc_id(style_id) if style_id else None
        if apdoc and apdoc not in SILENT_CHARACTER_STYLES and apdoc not in IMPLICIT:
            fmt = replace(fmt, style=apdoc)
        sources = [s.find(W + "rPr") for s in self.styles.chain(style_id)] if style_id and not apdoc else []
        for props in [*reversed(sources), rpr]:  # the run's own properties override its style's
            if props is not None:
                fmt = _apply(fmt, props)
        return fmt

    def pieces(self, paragraph: etree._Element) -> Iterator[Piece]:
        for run in paragraph.iter(W + "r"):
            if next(run.iterancestors(W + "p"), None) is not paragraph:
                continue  # a paragraph nested in this one (never after normalisation, but safe)
            fmt = self.run_format(run)
            kind = "number" if run.get(A + "seq") else "text"
            for node in run:
                yield from self._child(node, fmt, kind)

    def _child(self, child: etree._Element, fmt: Format, kind: str) -> Iterator[Piece]:
        tag = localname(child)
        if tag in ("t", "delText"):
            if child.text:
                yield Piece(kind, child.text, fmt)
        elif tag in ("tab", "ptab"):
            yield Piece("text", "\t", fmt)
        elif (tag == "br" and (child.get(W + "type") or "textWrapping") == "textWrapping") or tag == "cr":
            yield Piece("br", fmt=fmt)
        elif tag == "noBreakHyphen":
            yield Piece("text", "\u2011", fmt)
        elif tag == "sym":
            code = number(child, W + "char", SHORT_HEX, self.warn)
            char = chr(code - 0xF000 if code >= 0xF000 else code) if code is not None else ""
            if char and not _xml_char(char):  # a control character or half a surrogate pair
                self.warn(child, f"a symbol U+{ord(char):04X} cannot be text: left out")
            elif char:
                yield Piece("text", char, fmt)
        elif tag == "footnoteReference":
            yield Piece("footnote", fmt=Format(link=fmt.link), note=child.get(W + "id", ""))
        elif tag == "endnoteReference":
            self.warn(child, "an endnote is not read (apdoc has footnotes only)")
        elif tag in ("object", "pict", "drawing") and child.getparent().tag == W + "r":
            pass  # the block reader decides what a drawing paragraph is


def _xml_char(char: str) -> bool:
    """Whether XML 1.0 can hold the character (Char: tab, newlines, and the rest of Unicode but
    the other C0 controls, the surrogates and U+FFFE/U+FFFF)."""
    code = ord(char)
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD


def _apply(fmt: Format, props: etree._Element) -> Format:
    changes: dict[str, object] = {}
    for tag, name in (("b", "bold"), ("i", "italic")):
        el = child(props, W + tag)
        if el is not None:
            changes[name] = on(el)
    u = child(props, W + "u")
    if u is not None:
        changes["underline"] = (val(u) or "single") != "none"
    vert = val(child(props, W + "vertAlign"))
    if vert is not None:
        changes["vert"] = {"superscript": "sup", "subscript": "sub"}.get(vert, "")
    fonts = child(props, W + "rFonts")
    if fonts is not None:
        changes["code"] = "courier" in (val(fonts, "ascii") or val(fonts, "hAnsi") or "").lower()
    return replace(fmt, **changes) if changes else fmt  # type: ignore[arg-type]


def has_drawing(paragraph: etree._Element) -> bool:
    return any(True for _ in paragraph.iter(W + "drawing", W + "pict", W + "object"))


# --- pieces → XHTML --------------------------------------------------------------------------

LAYERS: list[tuple[str, Callable[[Format], object]]] = [
    ("a", lambda f: f.link), ("span", lambda f: f.style), ("strong", lambda f: f.bold),
    ("em", lambda f: f.italic), ("u", lambda f: f.underline), ("vert", lambda f: f.vert),
    ("code", lambda f: f.code),
]


def append_text(parent: etree._Element, text: str) -> None:
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def build_inline(parent: etree._Element, pieces: list[Piece],
                 footnote: Callable[[etree._Element, str], None], link: Callable[[str], str],
                 layer: int = 0) -> None:
    """Append pieces to `parent`, one element per maximal stretch of equal format (per layer)."""
    while layer < len(LAYERS) and not any(LAYERS[layer][1](p.fmt) for p in pieces):
        layer += 1  # no piece has this layer's format (plain text mostly): no grouping to do
    if layer == len(LAYERS):
        for piece in pieces:
            if piece.kind in ("text", "number"):
                if piece.kind == "number":
                    number = etree.SubElement(parent, "span", {"class": "number"})
                    number.text = piece.text
                else:
                    append_text(parent, piece.text)
            elif piece.kind == "br":
                etree.SubElement(parent, "br")
            elif piece.kind == "footnote":
                footnote(parent, piece.note)
        return
    name, key = LAYERS[layer]
    for value, group in groupby(pieces, key=lambda p: key(p.fmt)):
        stretch = list(group)
        if not value:
            build_inline(parent, stretch, footnote, link, layer + 1)
            continue
        if name == "a":
            holder = etree.SubElement(parent, "a", {"href": link(str(value))})
        elif name == "span":
            holder = etree.SubElement(parent, "span", {"class": str(value)})
        elif name == "vert":
            holder = etree.SubElement(parent, str(value))
        else:
            holder = etree.SubElement(parent, name)
        build_inline(holder, stretch, footnote, link, layer + 1)


def merge_numbers(pieces: list[Piece]) -> list[Piece]:
    """A SEQ result split over runs is one number."""
    out: list[Piece] = []
    for piece in pieces:
        if out and piece.kind == out[-1].kind == "number" and piece.fmt == out[-1].fmt:
            out[-1] = replace(out[-1], text=out[-1].text + piece.text)
        else:
            out.append(piece)
    return out


def strip_pieces(pieces: list[Piece]) -> list[Piece]:
    """Leading and trailing white space of a paragraph goes (as HTML collapses it)."""
    out = list(pieces)
    while out and out[0].kind == "text" and not out[0].text.strip(" \t\n"):
        out.pop(0)
    # A new piece only where the text changes: most paragraphs have no white space to strip.
    if out and out[0].kind == "text" and out[0].text[0] in " \n":
        out[0] = replace(out[0], text=out[0].text.lstrip(" \n"))
    while out and out[-1].kind == "text" and not out[-1].text.strip(" \t\n"):
        out.pop()
    if out and out[-1].kind == "text" and out[-1].text[-1] in " \n":
        out[-1] = replace(out[-1], text=out[-1].text.rstrip(" \n"))
    return out


def plain_text(pieces: list[Piece]) -> str:
    return "".join(p.text for p in pieces if p.kind in ("text", "number"))
