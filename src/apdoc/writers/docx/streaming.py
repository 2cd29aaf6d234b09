"""document.xml written while the XHTML is read: neither tree is ever whole in memory.

The intermediate XHTML of a large plan is tens of MB of text; as an lxml tree it is several
times that, and the WordprocessingML built from it several times more again. So the XHTML is
parsed a piece at a time (`XhtmlStream`), each child of its <body> is walked once it is whole
and then dropped, and the blocks it gave are serialised at once and dropped too (`BodyXml`).
The bytes are those of serialising the whole document in one go.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from lxml import etree

from ...ooxml import WORD, qname
from .elements import find, make, serialize
from .xmltext import Block, Fragment, as_text

Blocks = list[Block]

# Characters of XHTML parsed at a time: large enough that feeding costs nothing, small enough
# that the text waiting to be parsed is never a burden.
CHUNK = 1 << 16
# Rows of a streamed table serialised at a time.
BATCH = 64


def pieces(html: str | Iterable[str]) -> Iterator[str]:
    """The XHTML a CHUNK of characters at a time (or as its producer hands it over: a layout
    still being made in another process, see apdoc.build)."""
    if isinstance(html, str):
        return (html[start : start + CHUNK] for start in range(0, len(html), CHUNK))
    return iter(html)


class XhtmlStream:
    """The intermediate XHTML parsed as it is read: up to the start of its <body> at once (the
    head), then the body's children one at a time (`children`), each once it is whole, its tail
    included. `html`: the whole text, or its pieces in order as they come."""

    def __init__(self, html: str | Iterable[str]):
        self._pieces = pieces(html)
        self._parser = etree.XMLPullParser(events=("start",), tag="body")
        self._closed = False
        self.body: etree._Element | None = None
        while self.body is None and not self._closed:
            self._feed()
        while self.body is not None and not len(self.body) and not self._closed:
            self._feed()  # the body's own text is whole once its first child starts

    @property
    def root(self) -> etree._Element | None:
        """The root element, holding all that comes before the body (its head) and the body."""
        return self.body.getparent() if self.body is not None else None

    def _feed(self) -> None:
        piece = next(self._pieces, None)
        if piece is None:
            self._parser.close()
            self._closed = True
        else:
            self._parser.feed(piece)
        for _, element in self._parser.read_events():
            parent = element.getparent()
            if self.body is None and parent is not None and parent.getparent() is None:  # the root's <body>
                self.body = element

    def children(self) -> Iterator[etree._Element]:
        """The body's children in order, each dropped from the tree once the next is asked for."""
        body = self.body
        if body is None:
            return
        while True:
            while len(body) < 2 and not self._closed:  # the last child may still be growing
                self._feed()
            if not len(body):
                return
            child = body[0]
            yield child
            body.remove(child)


def document_frame() -> tuple[bytes, bytes]:
    """document.xml's bytes before the body's first block and after its last."""
    whole = serialize(make("w:document", None, make("w:body", None, make("w:p")), nsmap=WORD))
    before, _, after = whole.partition(b"<w:p/>")  # the one block, as lxml writes it there
    return before, after


class BodyXml:
    """The body of document.xml, written to `sink` a few blocks at a time."""

    def __init__(self, sink: BinaryIO):
        self.sink = sink
        self.last_tag = ""
        self.last_ends_section = False
        self.closing = b""
        self.before, self.after = document_frame()
        sink.write(self.before)

    def write(self, blocks: Blocks) -> None:
        """Serialise the blocks (as they would be inside the whole document) and forget them."""
        if not blocks:
            return
        last = blocks[-1]
        self.last_tag = last.tag
        self.last_ends_section = not isinstance(last, Fragment) and find(last, "w:pPr/w:sectPr") is not None
        self._serialise(blocks)

    def write_parent(self, parent: etree._Element, children: Iterable[Block]) -> None:
        """A block whose children come one at a time (a table's rows): its start and its first
        children now, the rest as they come, `batch` at a time."""
        self._open(parent)
        batch: Blocks = []
        for child in children:
            batch.append(child)
            if len(batch) == BATCH:
                self._serialise(batch)
        self._serialise(batch)
        self.sink.write(self.closing)
        self.last_tag, self.last_ends_section, self.closing = parent.tag, False, b""

    def _serialise(self, blocks: Blocks) -> None:
        """Write `blocks` (which are then forgotten)."""
        if blocks:
            self.sink.write(as_text(blocks).encode("utf-8"))
            blocks.clear()

    def _open(self, parent: etree._Element) -> None:
        """Write `parent` but its end tag (`closing`), left open for children."""
        holder = make("w:body", None, parent, nsmap=WORD)  # the namespaces declared as on the document
        xml = etree.tostring(holder, encoding="UTF-8")
        end = len(xml) - len(b"</w:body>")
        self.closing = xml[xml.rindex(b"</", 0, end) : end]
        end -= len(self.closing)
        self.sink.write(memoryview(xml)[xml.index(b">") + 1 : end])

    def ends_in_a_paragraph(self) -> bool:
        """False when the body so far is empty or ends in a table or a section break, which
        the body may not end in."""
        return bool(self.last_tag) and self.last_tag != qname("w:tbl") and not self.last_ends_section

    def close(self, last: Blocks) -> None:
        self.write(last)
        self.sink.write(self.after)
