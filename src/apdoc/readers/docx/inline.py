"""Runs → inline XHTML: text, `strong`/`em`/`u`/`sup`/`sub`/`code`, character-style spans,
links, line breaks and footnotes. Adjacent runs of equal format are one (Word splits runs at
every rsid, LibreOffice at other places); the nesting order of the tags is fixed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import groupby

from lxml import etree

from ...ooxml import W
from .ns import A, child, localname, on, val
from .numbers import SHORT_HEX, number
from .styles import IMPLICIT, Styles

_RUN, _RPR, _RSTYLE, _TEXT, _PARAGRAPH = W + "r", W + "rPr", W + "rStyle", W + "t", W + "p"
_LINK, _SEQ = A + "link", A + "seq"
DRAWINGS = (W + "drawing", W + "pict", W + "object")
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
    _plain: dict[str, Format] = field(default_factory=dict, repr=False)  # link → the Format of a plain run
    _applied: dict[tuple[Format, tuple[tuple[str, object], ...]], Format] = field(default_factory=dict, repr=False)

    def run_format(self, run: etree._Element) -> Format:
        rpr = child(run, _RPR)
        link = run.get(_LINK) or ""
        fmt = self._plain.get(link)
        if fmt is None:  # one Format per link: formats are values, and most runs have no other
            fmt = self._plain[link] = Format(link=link)
        style_id = val(child(rpr, _RSTYLE)) if rpr is not None else None
        if not style_id:
            return self._apply(fmt, rpr) if rpr is not None else fmt
        apdoc = self.styles.apdoc_id(style_id)
        if apdoc and apdoc not in SILENT_CHARACTER_STYLES and apdoc not in IMPLICIT:
            fmt = replace(fmt, style=apdoc)
        sources = [s.find(_RPR) for s in self.styles.chain(style_id)] if not apdoc else []
        for props in [*reversed(sources), rpr]:  # the run's own properties override its style's
            if props is not None:
                fmt = self._apply(fmt, props)
        return fmt

    def _apply(self, fmt: Format, props: etree._Element) -> Format:
        """`fmt` with what `props` sets; one Format per outcome (a dataclass replace() is dear)."""
        changes = _changes(props)
        if not changes:
            return fmt
        key = (fmt, changes)
        found = self._applied.get(key)
        if found is None:
            found = self._applied[key] = replace(fmt, **dict(changes))  # type: ignore[arg-type]
        return found

    def pieces(self, paragraph: etree._Element) -> Iterator[Piece]:
        return iter(self.run_pieces(paragraph, paragraph.iter(_RUN)))

    def run_pieces(self, paragraph: etree._Element, runs: Iterable[etree._Element]) -> list[Piece]:
        """The pieces of `runs`, those of `paragraph` in document order (runs of a paragraph
        nested in it are left out)."""
        out: list[Piece] = []
        for run in runs:
            if run.getparent() is not paragraph and next(run.iterancestors(_PARAGRAPH), None) is not paragraph:
                continue  # a paragraph nested in this one (never after normalisation, but safe)
            fmt = self.run_format(run)
            kind = "number" if run.get(_SEQ) else "text"
            for node in run:
                if node.tag == _TEXT:  # most children: the rest by local name, as _child reads them
                    if node.text:
                        out.append(Piece(kind, node.text, fmt))
                elif node.tag != _RPR:
                    out.extend(self._child(node, fmt, kind))
        return out

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


_FORMAT_TAGS = {W + "b": 0, W + "i": 1, W + "u": 2, W + "vertAlign": 3, W + "rFonts": 4}


def _changes(props: etree._Element) -> tuple[tuple[str, object], ...]:
    """What a properties element (a run's `w:rPr`, a style's) sets of a Format, in field order
    (the first of each element counts; one pass over the properties)."""
    found: list[etree._Element | None] = [None] * 5
    for node in props:
        index = _FORMAT_TAGS.get(node.tag)
        if index is not None and found[index] is None:
            found[index] = node
    bold, italic, u, vert_el, fonts = found
    if bold is None and italic is None and u is None and vert_el is None and fonts is None:
        return ()
    changes: list[tuple[str, object]] = []
    if bold is not None:
        changes.append(("bold", on(bold)))
    if italic is not None:
        changes.append(("italic", on(italic)))
    if u is not None:
        changes.append(("underline", (val(u) or "single") != "none"))
    vert = val(vert_el)
    if vert is not None:
        changes.append(("vert", {"superscript": "sup", "subscript": "sub"}.get(vert, "")))
    if fonts is not None:
        changes.append(("code", "courier" in (val(fonts, "ascii") or val(fonts, "hAnsi") or "").lower()))
    return tuple(changes)


def has_drawing(paragraph: etree._Element) -> bool:
    return next(paragraph.iter(*DRAWINGS), None) is not None


# --- pieces → XHTML --------------------------------------------------------------------------

LAYERS: list[tuple[str, Callable[[Format], object]]] = [
    ("a", lambda f: f.link), ("span", lambda f: f.style), ("strong", lambda f: f.bold),
    ("em", lambda f: f.italic), ("u", lambda f: f.underline), ("vert", lambda f: f.vert),
    ("code", lambda f: f.code),
]


def _plain(fmt: Format) -> bool:
    """Whether no layer has a value in this format (what the layers' keys read, in one test)."""
    return not (fmt.link or fmt.style or fmt.bold or fmt.italic or fmt.underline or fmt.vert or fmt.code)


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
    if not layer and all(_plain(p.fmt) for p in pieces):
        layer = len(LAYERS)  # no piece has any layer's format (most paragraphs): no grouping to do
    while layer < len(LAYERS) and not any(LAYERS[layer][1](p.fmt) for p in pieces):
        layer += 1  # no piece has this layer's format (plain text mostly): no grouping to do
    if layer == len(LAYERS):
        text: list[str] = []  # text since the last element: appended at once, where it would go
        for piece in pieces:
            kind = piece.kind
            if kind == "text":
                text.append(piece.text)
                continue
            if kind not in ("number", "br", "footnote"):
                continue
            if text:
                append_text(parent, "".join(text))
                text = []
            if kind == "number":
                number = etree.SubElement(parent, "span", {"class": "number"})
                number.text = piece.text
            elif kind == "br":
                etree.SubElement(parent, "br")
            else:
                footnote(parent, piece.note)
        if text:
            append_text(parent, "".join(text))
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
