"""Paragraphs and tables → the blocks of the intermediate XHTML.

What a paragraph is comes from its style, found by name: headings (`heading N` or an outline
level), annex headings (`Annex_No & title`), captions (`Table_No & title` above a table,
`Figure_No & title` below a drawing), lists (numbering from the paragraph or its style:
numId → abstractNum → the level's format), quotations; other apdoc styles become classes.
Sections with landscape pages become `<section class="landscape">`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from ...intermediate import ANNEX, BOOKMARKED, LISTS, NUMBER, text_of
from ...ooxml import WP, W
from .inline import DRAWINGS, Piece, RunReader, build_inline, merge_numbers, plain_text, strip_pieces
from .ns import A, child, val
from .numbers import LEVEL, OUTLINE_LEVEL, SIGNED_TWIPS, number
from .styles import IMPLICIT, Numbering, Styles
from .tables import colgroup, fill_table

TEXT_NUMBER = re.compile(r"((?:Annex\s+)?[A-Z]?\d+(?:\.\d+)*|[A-Z](?:\.\d+)*)\t")
BULLET_TEXT = re.compile(r"[–\-•·▪o]\t")
_PPR, _PSTYLE, _OUTLINE_LEVEL, _NUM_PR, _IND = W + "pPr", W + "pStyle", W + "outlineLvl", W + "numPr", W + "ind"
_NUM_ID, _ILVL, _VAL, _LEFT, _START, _NAME = W + "numId", W + "ilvl", W + "val", W + "left", W + "start", W + "name"
_RUN, _BOOKMARK_START, _NUMBER = W + "r", W + "bookmarkStart", A + "n"
_PARAGRAPH_PARTS = (_RUN, _BOOKMARK_START, *DRAWINGS)
# What comes before an element's first paragraph without giving one: a table's column widths.
NO_PARAGRAPH = {"colgroup"}


@dataclass
class Para:
    el: etree._Element
    number: int
    style: str | None
    apdoc: str | None
    pieces: list[Piece]
    heading: int = 0
    annex: bool = False
    caption: str | None = None
    drawing: bool = False
    listing: tuple[str, str, int, str] | None = None  # tag, class, level, numId
    numbered: bool = False
    indented: bool = False
    bookmarks: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return plain_text(self.pieces)

    @property
    def empty(self) -> bool:
        """No text but white space, no footnote, line break or drawing."""
        if self.drawing:
            return False
        for piece in self.pieces:  # (text of white space only, joined, is white space only)
            kind = piece.kind
            if kind in ("footnote", "br") or (kind in ("text", "number") and piece.text and
                                                not piece.text.isspace()):
                return False
        return True


@dataclass
class _StyleFacts:
    """What a paragraph's style says of it, asked once per style."""

    apdoc: str | None
    caption: str | None
    num_pr: etree._Element | None  # the style's numbering (w:pPr/w:numPr along its chain)
    heading: int | None = None  # Styles.heading_level, once a paragraph without its own level asks


@dataclass
class _OpenList:
    level: int
    tag: str
    cls: str
    num_id: str
    element: etree._Element


class Lists:
    """Consecutive list paragraphs → nested `ul`/`ol`; nesting by level."""

    def __init__(self, container: etree._Element):
        self.container = container
        self.stack: list[_OpenList] = []

    def close(self) -> None:
        self.stack = []

    def item(self, tag: str, cls: str, level: int, num_id: str, restart: bool) -> etree._Element:
        """The `li` of a list paragraph; `restart`: its numbering starts again (a new list when
        it is another numbering instance: LibreOffice gives a list's first item an instance of
        its own that restarts, and the others one that continues)."""
        while self.stack and self.stack[-1].level > level:
            self.stack.pop()
        top = self.stack[-1] if self.stack else None
        if top is not None and top.level == level and (
                (top.tag, top.cls) != (tag, cls) or (restart and top.num_id != num_id)):
            self.stack.pop()
            top = self.stack[-1] if self.stack else None
        if top is None or top.level < level:
            holder = top.element[-1] if top is not None and len(top.element) else self.container
            element = etree.SubElement(holder, tag, {"class": cls} if cls else {})
            self.stack.append(_OpenList(level, tag, cls, num_id, element))
        return etree.SubElement(self.stack[-1].element, "li")

    @property
    def last_item(self) -> etree._Element | None:
        return self.stack[-1].element[-1] if self.stack and len(self.stack[-1].element) else None


@dataclass
class BlockReader:
    styles: Styles
    numbering: Numbering
    runs: RunReader
    anchor_ids: Mapping[str, str]  # bookmark name → element id
    element_tags: Mapping[str, str]  # element id → tag, when the caller knows it
    footnote: Callable[[etree._Element, str], None]
    link: Callable[[str], str]
    warn: Callable[[etree._Element, str], None]
    positions: bool = True  # data-paragraph="N" on what a paragraph became, for messages
    counters: list[int] = field(default_factory=lambda: [0] * 9)
    tables: int = 0
    placed: set[str] = field(default_factory=set)  # ids already on an element
    # A top-level table's rows after the first group, for one read a group at a time (reader.py)
    rows_after: Callable[[etree._Element], Iterable[object]] = field(default=lambda _tbl: (), repr=False)
    _style_facts: dict[str | None, _StyleFacts] = field(default_factory=dict, repr=False)  # per paragraph style

    # --- one paragraph -------------------------------------------------------------------

    def paragraph(self, el: etree._Element) -> Para:
        ppr = child(el, _PPR)
        style_el = outline = num_pr = ind = None
        if ppr is not None:  # the first of each, in one pass over the properties
            for node in ppr:
                tag = node.tag
                if tag == _PSTYLE:
                    style_el = node if style_el is None else style_el
                elif tag == _OUTLINE_LEVEL:
                    outline = node if outline is None else outline
                elif tag == _NUM_PR:
                    num_pr = node if num_pr is None else num_pr
                elif tag == _IND:
                    ind = node if ind is None else ind
        style = val(style_el) or self.styles.defaults.get("paragraph")
        facts = self._style_facts.get(style)
        if facts is None:
            facts = self._style_facts[style] = _StyleFacts(
                self.styles.apdoc_id(style), self.styles.caption_kind(style),
                self.styles.first(style, "w:pPr/w:numPr"))
        runs: list[etree._Element] = []
        bookmarks: list[str] = []
        drawing = False
        for node in el.iter(*_PARAGRAPH_PARTS):  # one walk for runs, bookmarks and drawings
            tag = node.tag
            if tag == _RUN:
                runs.append(node)
            elif tag == _BOOKMARK_START:
                bookmarks.append(node.get(_NAME, ""))
            else:
                drawing = True
        apdoc = facts.apdoc
        pieces = merge_numbers(self.runs.run_pieces(el, runs))
        own_level = number(outline, _VAL, OUTLINE_LEVEL, self.warn)
        if own_level is not None and own_level < 9:
            heading = own_level + 1
        else:
            if facts.heading is None:  # asked when first needed: a style's bad outline level warns then
                facts.heading = self.styles.heading_level(style)
            heading = facts.heading
        annex = apdoc == "AnnexNoTitle"
        if num_pr is None or child(num_pr, _NUM_ID) is None:
            num_pr = facts.num_pr
        num_id = val(child(num_pr, _NUM_ID)) if num_pr is not None else None
        level = number(child(num_pr, _ILVL), _VAL, LEVEL, self.warn, 0) if num_pr is not None else 0
        numbered = bool(num_id and num_id != "0")
        listing = None
        if numbered and not heading and not annex:
            kind = self.numbering.list_kind(num_id or "", level)
            if kind is not None:
                listing = (kind[0], kind[1], level, num_id or "")
        indent = number(ind, _LEFT, SIGNED_TWIPS, self.warn) if ind is not None and ind.get(_LEFT) \
            else number(ind, _START, SIGNED_TWIPS, self.warn)
        if listing is None and apdoc in ("enumlev1", "enumlev2") and BULLET_TEXT.match(plain_text(pieces)):
            listing = ("ul", "", int(apdoc[-1]) - 1, "typed")  # ITU style: "–<tab>" typed
            pieces = _drop_prefix(pieces, 2)
        return Para(el, int(el.get(_NUMBER, "0")), style, apdoc, pieces, heading, annex, facts.caption, drawing,
                    listing, numbered, (indent or 0) > 0, bookmarks)

    def paragraph_element(self, para: Para, parent: etree._Element, tag: str = "p",
                          cell_default: str | None = None) -> etree._Element:
        cls = para.apdoc
        implicit = cls in IMPLICIT if cell_default is None else cls in (cell_default, "Normal", None)
        element = etree.SubElement(parent, tag, {"class": cls}) if cls and not implicit else \
            etree.SubElement(parent, tag)  # (no attribute dict to read: most paragraphs)
        build_inline(element, strip_pieces(para.pieces), self.footnote, self.link)
        self.place_ids(para, element)
        return element

    def place_ids(self, para: Para, element: etree._Element) -> None:
        """Bookmarks starting in a paragraph name it or the elements it opens (its cell, row…);
        the paragraph's number in the file goes on what it became."""
        if self.positions and para.number and element.get("data-paragraph") is None:
            element.set("data-paragraph", str(para.number))
        if not para.bookmarks:
            return  # most paragraphs: nothing to name
        # LibreOffice writes a bookmark in an empty paragraph twice; an id names one element.
        anchor_ids, placed = self.anchor_ids, self.placed
        ids: list[str] = []
        for name in para.bookmarks:
            element_id = anchor_ids.get(name)
            if element_id is not None and element_id not in placed and element_id not in ids:
                ids.append(element_id)
        if not ids:
            return
        free = []  # the elements the paragraph opens, innermost first, that have no id yet
        node: etree._Element | None = element
        while node is not None:
            tag = node.tag
            if tag == "body":
                break
            if tag in BOOKMARKED and node.get("id") is None:
                free.append(node)
            parent = node.getparent()
            if parent is None or not _opens(parent, node):
                break
            node = parent
        for element_id in reversed(ids):
            wanted = self.element_tags.get(element_id)
            target = None
            if wanted:
                for candidate in free:
                    if candidate.tag == wanted:
                        target = candidate
                        break
            if target is None and free:
                target = free[0]
            if target is None:
                self.warn(para.el, f"the anchor of {element_id!r} has no element left to name")
                continue
            target.set("id", element_id)
            self.placed.add(element_id)
            free.remove(target)

    # --- a sequence of blocks (the body of a section, a cell) ------------------------------

    def blocks(self, items: Iterable[etree._Element], out: etree._Element, cell_default: str | None = None) -> None:
        """`items` may be a stream (the body comes a chunk at a time): each is looked at once,
        with the one after it (a caption's table, a drawing's caption) and never further; the one
        after a table only once the table is read (its rows may still be coming: reader._Body)."""
        lists = Lists(out)
        caption: Para | None = None
        quote: etree._Element | None = None
        stream = iter(items)
        following = next(stream, None)
        while following is not None:
            item = following
            if item.tag == W + "tbl":  # read before the next is taken: its rows may still be coming
                lists.close()
                quote = None
                self.table(item, out, caption)
                caption = None
                following = next(stream, None)
                continue
            following = next(stream, None)
            if item.tag != W + "p":
                continue
            para = self.paragraph(item)
            if caption is not None:  # a caption not followed by its table: a paragraph after all
                self.paragraph_element(caption, out, cell_default=cell_default)
                caption = None
            if para.caption in ("table", "either") and following is not None and following.tag == W + "tbl":
                caption = para
                continue
            if para.drawing and not para.text.strip():
                lists.close()
                quote = None
                if self.figure(para, following, out):
                    following = next(stream, None)
                continue
            if (para.empty and cell_default is None and not para.bookmarks) or self.styles.generated(para.style):
                continue  # empty, or a table of contents that Word generated
            if para.drawing:
                self.warn(item, "a picture in a paragraph with text is not read (only its text is)")
            if para.heading or para.annex:
                lists.close()
                quote = None
                self.heading(para, out)
            elif para.listing is not None:
                quote = None
                tag, cls, level, num_id = para.listing
                li = lists.item(tag, cls, level, num_id, (num_id, level) in self.numbering.restarts)
                build_inline(li, strip_pieces(para.pieces), self.footnote, self.link)
                self.place_ids(para, li)
            elif lists.last_item is not None and (para.indented or para.apdoc in ("enumlev1", "enumlev2")):
                self.continuation(para, lists.last_item)
            elif para.apdoc == "Quotation" and cell_default is None:
                lists.close()
                quote = quote if quote is not None else etree.SubElement(out, "blockquote")
                self.paragraph_element(para, quote)
            else:
                lists.close()
                quote = None
                self.paragraph_element(para, out, cell_default=cell_default)
        if caption is not None:
            self.paragraph_element(caption, out, cell_default=cell_default)

    def continuation(self, para: Para, li: etree._Element) -> None:
        """A further paragraph of a list item: the item's content becomes paragraphs."""
        if li.find("p") is None:
            first = etree.Element("p")
            first.text, li.text = li.text, None
            for child in [c for c in li if c.tag not in LISTS]:
                first.append(child)
            li.insert(0, first)
        self.paragraph_element(para, li)

    def heading(self, para: Para, out: etree._Element) -> None:
        level = 1 if para.annex else min(para.heading, 3)
        if para.heading > 3:
            self.warn(para.el, f"a heading of level {para.heading}: read as a level 3 heading")
        element = etree.SubElement(out, f"h{level}", {"class": ANNEX} if para.annex else {})
        pieces = strip_pieces(para.pieces)
        number = None
        if para.numbered and not para.annex:
            depth = para.heading
            self.counters[depth - 1] += 1
            self.counters[depth:] = [0] * (9 - depth)
            number = ".".join(str(n) for n in self.counters[:depth])
        elif not para.annex:
            lead = "".join(p.text for p in itertools.takewhile(lambda p: p.kind == "text", pieces))
            match = TEXT_NUMBER.match(lead)
            if match:
                number = match.group(1)
                pieces = strip_pieces(_drop_prefix(pieces, match.end()))
        if number is not None:
            span = etree.SubElement(element, "span", {"class": NUMBER})
            span.text = number
            span.tail = " "
        build_inline(element, pieces, self.footnote, self.link)
        if para.apdoc and para.apdoc not in IMPLICIT:
            element.set("class", " ".join(filter(None, [element.get("class"), para.apdoc])))
        self.place_ids(para, element)

    def figure(self, para: Para, following: etree._Element | None, out: etree._Element) -> bool:
        """A drawing paragraph → `figure`, with the caption paragraph below it (`following`);
        returns whether it took that paragraph."""
        figure = etree.SubElement(out, "figure")
        heading = next((d.get("descr") for d in para.el.iter(WP + "docPr") if d.get("descr")), None)
        if heading:  # the alt text: an apdoc-built picture's says the heading its drawing shows
            figure.set("data-description", heading)
        below = self.paragraph(following) if following is not None and following.tag == W + "p" else None
        if below is not None and below.caption in ("figure", "either"):
            caption = etree.SubElement(figure, "figcaption")
            build_inline(caption, strip_pieces(below.pieces), self.footnote, self.link)
            self.place_ids(below, caption)
            self.place_ids(para, figure)
            return True
        self.place_ids(para, figure)
        return False

    def table(self, tbl: etree._Element, out: etree._Element, caption: Para | None) -> None:
        if tbl.find(W + "tr") is None:  # every row deleted in this view: no table (as in Word)
            if caption is not None:
                self.paragraph_element(caption, out)
            return
        self.tables += 1
        table = etree.SubElement(out, "table")
        style = val(tbl.find(f"{W}tblPr/{W}tblStyle"))
        apdoc = self.styles.apdoc_id(style)
        if apdoc and apdoc not in IMPLICIT:
            table.set("class", apdoc)
        if caption is not None:
            element = etree.SubElement(table, "caption")
            build_inline(element, strip_pieces(caption.pieces), self.footnote, self.link)
            self.place_ids(caption, element)
        group = colgroup(tbl, self.warn)
        if group is not None:
            table.append(group)
        fill_table(table, tbl, self.cell, self.warn, self.rows_after(tbl))
        if self.tables == 1 and table.get("id") is None and _is_cover(table):
            table.set("id", "cover")


    def cell(self, items: list[etree._Element], cell: etree._Element, default: str) -> None:
        self.blocks(items, cell, default)
        only = cell[0] if len(cell) == 1 else None
        if only is not None and only.tag == "p" and set(only.attrib) <= {"data-paragraph"} and not len(only) \
                and not (only.text or "").strip():
            # An empty cell: Word needs a paragraph in it, the XHTML does not (its bookmarks named
            # the cell and row); the paragraph's number goes on the cell, for messages.
            if only.get("data-paragraph") is not None and cell.get("data-paragraph") is None:
                cell.set("data-paragraph", only.get("data-paragraph"))
            cell.remove(only)


def _opens(parent: etree._Element, child: etree._Element) -> bool:
    """Whether `child` holds the first paragraph of `parent` (so a bookmark there may name it):
    nothing with text comes before it; a table's caption opens the table."""
    if parent.text and parent.text.strip():
        return False
    for node in parent:
        if node.tag not in NO_PARAGRAPH:
            return node is child
    return False


def _is_cover(table: etree._Element) -> bool:
    text = text_of(table).upper()
    return "CoverTable" in (table.get("class") or "") or "INTERNATIONAL TELECOMMUNICATION UNION" in text


def _drop_prefix(pieces: list[Piece], length: int) -> list[Piece]:
    """The pieces without their first `length` characters of text (a typed number or bullet)."""
    out = list(pieces)
    while out and length > 0:
        first = out[0]
        if first.kind != "text":
            break
        if len(first.text) <= length:
            length -= len(first.text)
            out.pop(0)
        else:
            out[0] = Piece(first.kind, first.text[length:], first.fmt, first.note)
            length = 0
    return out
