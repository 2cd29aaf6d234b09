"""document.xml's body a chunk of blocks at a time, so that the whole part is never one tree.

The 100× TD's document.xml (29 MB) is a tree of ~300 MB when parsed whole; read a chunk at a
time, the reader holds one chunk of it and what it has made (issue 20: import within 400 MB).

The parser is fed the part a slice at a time (the part's bytes are let go of as they are fed),
each slice ending where a paragraph or a table starts. When the body's last element is complete
and, with those before it, makes a chunk, the part's root is handed on: it holds that chunk (and
the one or two elements of the chunk before that the reader still holds: it deletes them
first), and every pass walks it as it walks a whole part. A chunk holds what a pass must see
together: a paragraph whose mark a tracked change inserted or deleted stays with the paragraph
after it (hidden, it merges with it); a bookmark between blocks is in the chunk of the block it
moves into. What does span chunks — a field, a comment's range, the paragraphs' numbers — the
passes carry over themselves. What only the whole part could say before its body is read (a
link further on to a bookmark read already, each section's orientation) is guessed and checked:
names.py.

A large table at the body's top level (rows of more than LARGE elements) is handed on a group of
rows at a time: the chunk ends after a row, inside the table, and the next holds the table with
the rows that came since (Chunk.table). A group ends where what the passes look at across rows
is settled: after a row no view removes (no tracked change in its properties), with nothing
after it yet; and not before the table holds a row that is a body row in every view and has a
paragraph (a "sure" row: so the table has rows in every view, its header rows are all in the
first group, and a bookmark before the table finds its paragraph there).

Elements are deleted, never moved out of the tree: lxml's cost to move an element Python refers
to is quadratic in its size (the 100× TD's matrix, 354k elements, took 70 s); a chunk never ends
with a large one, so that those the reader still holds when the next chunk comes are small.

A Strict part, or one not in an ASCII-compatible encoding, is parsed whole (as every other part):
one chunk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from ...ooxml import W
from .package import (
    PARSER_OPTIONS,
    DocxError,
    is_strict,
    not_well_formed,
    parse_xml,
    refuse_declarations,
    refuse_declared,
)

_ENDS = (W + "p", W + "tbl", W + "tr", W + "sectPr")
_MARK_CHANGES = (W + "ins", W + "del", W + "moveFrom", W + "moveTo")
# A row that is a body row with a paragraph in every view (body_chunks: a "sure" row): no tracked
# change that inserts or deletes it, no header mark (nor one a change of its properties could bring
# back), and a cell no view removes holding a paragraph no view merges away.
_MARKS = "w:ins or w:del or w:moveFrom or w:moveTo"
_sure_row = etree.XPath(
    f"not(w:trPr[.//w:tblHeader or {_MARKS}]) and "
    f"w:tc[not(w:tcPr[w:cellIns or w:cellDel])]/w:p[not(w:pPr/w:rPr[{_MARKS}])]",
    namespaces={"w": W[1:-1]})
# Blocks of the body a chunk holds at least, and the bytes fed at a time: each pass walks each
# chunk once; fewer, larger chunks cost fewer walks, more memory.
CHUNK_BLOCKS = 200
SLICE = 64 * 1024
LARGE = 5_000  # elements: a block the reader may still hold when a chunk ends is smaller; a group of rows
_BLOCK_START = re.compile(rb"<(?:[\w.-]+:)?(?:p|tbl|tr)[\s/>]")
_ROW_START = re.compile(rb"<(?:[\w.-]+:)?tr[\s/>]")


class Chunk(NamedTuple):
    """The part's root holding a chunk of the body; `table`: the body's last element when it is a
    table whose rows go on in the next chunk (then its rows so far are in this one)."""

    root: etree._Element
    table: etree._Element | None = None


@dataclass
class Looked:
    """What the bytes of document.xml say before it is parsed."""

    landscape: list[bool]  # each section's, a guess (predicted_orientations)
    whole: bool  # parsed whole: a Strict part, or one not in an ASCII-compatible encoding


def look(pieces: list[bytes], where: str) -> Looked:
    """DocxError for a DOCTYPE or entity declaration; the sections' guessed orientations; whether
    the part is parsed whole. The part is one string only here, for a moment."""
    data = b"".join(pieces)
    refuse_declarations(data, where)
    return Looked(predicted_orientations(data),
                  is_strict(data) or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"<")


def body_chunks(pieces: list[bytes], whole: bool, where: str) -> Iterator[Chunk]:
    """The part's root holding a chunk of its body, chunk after chunk; DocxError for a part that is
    not well-formed or has no body (raised when met: after the chunks before it). `pieces` (its
    bytes, as inflated: Package.read_pieces) are let go of as they are fed to the parser."""
    if whole:
        root = parse_xml(b"".join(pieces), where)
        pieces.clear()
        if root.find(W + "body") is None:
            raise DocxError(f"{where} has no body")
        yield Chunk(root)
        return
    parser = etree.XMLPullParser(events=("end",), tag=_ENDS, **PARSER_OPTIONS)
    body: etree._Element | None = None
    checked = False
    blocks = 0
    last: list[tuple[etree._Element, bool]] = []  # the body's last two blocks, and whether each is large
    rows = _Rows(None)  # of the top-level table being parsed
    pending = b""  # bytes not fed yet
    pieces.reverse()  # taken from the end: each piece goes as it is fed
    try:
        searched = SLICE  # where the search for a block start goes on from: each byte looked at once
        while pieces or pending:
            # In a large table, the next cut is where a row starts: a group of rows may end there.
            start = (_ROW_START if rows.large() else _BLOCK_START).search(pending, searched)
            if start is None and pieces and len(pending) < 4 * SLICE:
                searched = max(SLICE, len(pending) - 256)  # a tag cut at the piece's end is found whole
                pending += pieces.pop()
                continue
            # Cut where a block starts, or anywhere in a long stretch without one (a parser can be
            # fed any cut; only a chunk's end waits for a block's).
            cut = start.start() if start is not None else len(pending)
            searched = SLICE
            parser.feed(pending[:cut])
            pending = pending[cut:]
            for _event, el in parser.read_events():
                if not checked:
                    refuse_declared(el.getroottree(), where)
                    checked = True
                parent = el.getparent()
                if parent is None:
                    continue
                if el.tag == W + "tr":
                    if parent.tag == W + "tbl" and _parent_tag(parent) == W + "body":
                        rows = rows if rows.table is parent else _Rows(parent)
                        rows.ended(el)
                    continue
                if parent.tag != W + "body":
                    continue
                body = parent
                blocks += 1
                last = [*last[-1:], (el, _large(el))]
                if el is rows.table:
                    rows = _Rows(None)
            if rows.table is not None and rows.group_ends() and not any(large for _el, large in last):
                table, blocks, last = rows.table, 0, []
                rows.size, rows.last = 0, None  # (held, the row would be moved out when deleted)
                yield Chunk(table.getparent().getparent(), table)
                continue
            if body is None or not last or blocks < CHUNK_BLOCKS or body[-1] is not last[-1][0] or \
                    (last[-1][0].tag == W + "p" and _mark_changed(last[-1][0])) or any(large for _el, large in last):
                continue  # the last is half built, or merges with the next, or is large
            blocks = 0
            last = []
            yield Chunk(body.getparent())
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise not_well_formed(exc, where) from None
    if not checked:
        refuse_declared(root.getroottree(), where)
    if root.find(W + "body") is None:
        raise DocxError(f"{where} has no body")
    yield Chunk(root)


class _Rows:
    """The rows of the top-level table being parsed, as they end: whether a group of them can be
    handed on (see the module's docstring)."""

    def __init__(self, table: etree._Element | None) -> None:
        self.table = table
        self.last: etree._Element | None = None  # its last row
        self.size = 0  # elements in its rows since the last group
        self.sure = False

    def ended(self, row: etree._Element) -> None:
        self.last = row
        self.size += int(_count(row)) + 1
        self.sure = self.sure or _sure_row(row)

    def large(self) -> bool:
        return self.sure and self.size > LARGE

    def group_ends(self) -> bool:
        """Whether the rows so far make a group: enough of them, the table's last child a complete
        row no view removes, and the table the body's last element."""
        table = self.table
        return table is not None and self.large() and self.last is not None and table[-1] is self.last and \
            not _mark_changed_row(self.last) and table.getparent()[-1] is table


def _parent_tag(el: etree._Element) -> str | None:
    parent = el.getparent()
    return parent.tag if parent is not None else None


def _mark_changed_row(tr: etree._Element) -> bool:
    properties = tr.find(W + "trPr")
    return properties is not None and any(child.tag in _MARK_CHANGES for child in properties)


_count = etree.XPath("count(.//*)")  # elements under one


def _large(el: etree._Element) -> bool:
    return el.tag == W + "tbl" and _count(el) > LARGE


def _mark_changed(p: etree._Element) -> bool:
    ppr = p.find(W + "pPr")
    mark = ppr.find(W + "rPr") if ppr is not None else None
    return mark is not None and any(child.tag in _MARK_CHANGES for child in mark)


_SECTION = re.compile(rb"<(?:[\w.-]+:)?sectPr\b([^>]*?)(/>|>)")
_SECTION_END = re.compile(rb"</(?:[\w.-]+:)?sectPr\s*>")
_PAGE_SIZE = re.compile(rb"<(?:[\w.-]+:)?pgSz\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"""(?:[\w.-]+:)?(w|h|orient)\s*=\s*["']([^"']*)["']""")


def predicted_orientations(data: bytes) -> list[bool]:
    """Whether each section is landscape, from the bytes, before the body is read: a section's
    blocks are read into its `section` (whose bookmark its first paragraph holds) before its
    properties, at its end, are reached. A guess: tracked changes to a section's properties and
    unusual files can make it wrong, and the reader then reads the part again knowing
    (reader.Reader.learnt)."""
    found = []
    at = 0
    while (start := _SECTION.search(data, at)) is not None:
        if start.group(2) == b"/>":
            found.append(False)
            at = start.end()
            continue
        end = _SECTION_END.search(data, start.end())
        if end is None:  # nor any after it: the scan ends (and the parser will say what is wrong)
            found.append(False)
            break
        stop = end.start()
        size = _PAGE_SIZE.search(data, start.end(), stop)
        values = dict(_ATTRIBUTE.findall(size.group(1))) if size is not None else {}
        found.append(values.get(b"orient") == b"landscape" or _twips(values.get(b"w")) > _twips(values.get(b"h")))
        at = end.end()
    return found


def _twips(value: bytes | None) -> int:
    try:
        return int(value or b"0")
    except ValueError:
        return 0
