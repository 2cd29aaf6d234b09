"""The steps of reading one DOCX, in order: parts → noise → views → structure → XHTML; the
body a chunk at a time (body.py), each chunk through every step before the next is parsed."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

from lxml import etree

from ...anchors import AnchorMapError, read_anchor_properties
from ...ooxml import CP, CUSTOM, DC, DCTERMS, W
from .blocks import BlockReader
from .body import Chunk, body_chunks, look
from .comments import CommentElements, CommentSpans, Span, comment_threads, replies_by_range
from .inline import RunReader, build_inline, strip_pieces
from .locate import Counted, number_part, paragraph_number, quote_of
from .names import Anchors, Known
from .noise import keep_bookmarks, link_targets, resolve_fields, resolve_hyperlinks, unwrap_noise
from .ns import snippet, text_of, val
from .numbers import TWIPS, Warn, number
from .package import DocxError, Package
from .result import Comment, ReadResult
from .revisions import Revision, apply_view, collect
from .styles import Numbering, Styles


class _Section:
    """One section's elements, taken from the body's stream as they are read: a section ends with
    a paragraph whose mark holds its properties, the last with the body's own properties."""

    def __init__(self, stream: Iterator[etree._Element]) -> None:
        self.stream = stream
        self.count = 0
        self.properties: etree._Element | None = None
        self.last = False

    def __iter__(self) -> Iterator[etree._Element]:
        for child in self.stream:
            if child.tag == W + "sectPr":
                self.properties, self.last = child, True
                return
            self.count += 1
            yield child
            properties = child.find(f"{W}pPr/{W}sectPr") if child.tag == W + "p" else None
            if properties is not None:
                self.properties = properties
                return
        self.last = True


class _Body:
    """The body's elements, normalised and in the chosen view, a chunk at a time (body.py): each
    chunk through the passes (Reader._passes) before its elements are read. What has been read is
    deleted first (the one or two elements the caller still holds go out of the tree with it, the
    others are freed). A table whose rows come a group at a time is the last element of its first
    chunk; its reader takes the next groups (`rows_after`: each step, the next chunk, which holds
    the table with its next rows), and the elements after it come from the chunk it ends in."""

    def __init__(self, reader: Reader, chunks: Iterator[Chunk],
                 walks: tuple[CommentSpans, CommentElements] | None) -> None:
        self.reader = reader
        self.chunks = chunks
        self.walks = walks
        self.counted = Counted()
        self.read = 0  # the body's elements in the last chunk, read
        self.table: etree._Element | None = None  # the last of them, when its rows go on
        self.table_read = 0  # its children in the last chunk, read
        self.reading: tuple[etree._Element, Iterator[None]] | None = None  # a table and its groups
        self.after: list[etree._Element] = []  # the elements after it in the chunk it ends in

    def __iter__(self) -> Iterator[etree._Element]:
        for chunk in self.chunks:
            items = self._take(chunk)
            while self.table is not None:  # the last element's rows go on in the next chunks
                yield from items[:-1]
                table = items[-1]
                del items
                groups = self._groups(table)
                self.reading = (table, groups)
                yield table
                for _group in groups:  # what its reader did not take (it was not read: after the body's end)
                    pass
                self.reading = None
                del table, groups
                items, self.after = self.after, []
            yield from items
            del items  # held, they would be moved out of the tree, not freed, at the next chunk

    def rows_after(self, table: etree._Element) -> Iterator[None]:
        """The next groups of a table read a group of rows at a time (none for another table)."""
        return self.reading[1] if self.reading is not None and self.reading[0] is table else iter(())

    def _groups(self, table: etree._Element) -> Iterator[None]:
        while self.table is table:
            items = self._take(next(self.chunks))  # (body_chunks ends with a chunk no table goes on from)
            if self.table is not table:  # it ended in this chunk
                self.after = items[1:]
            del items
            yield None

    def _take(self, chunk: Chunk) -> list[etree._Element]:
        body = chunk.root.find(W + "body")  # body_chunks made sure there is one
        if self.table is not None:  # it goes on: its rows read go, and the elements before it
            del self.table[:self.table_read]
            del body[:self.read - 1]
        else:
            del body[:self.read]
        counted = self.counted
        counted.continued, counted.opened = self.table, chunk.table
        self.reader._passes(chunk.root, counted, self.walks)
        counted.continued = counted.opened = None
        items = list(body)
        self.read = len(items)
        self.table = chunk.table
        self.table_read = len(chunk.table) if chunk.table is not None else 0
        return items


class Reader:
    def __init__(self, package: Package, accept: Callable[[Revision], bool], bookmark_ids: dict[str, str],
                 element_tags: dict[str, str], positions: bool = True, known: Known | None = None):
        self.package = package
        self.accept = accept
        self.bookmark_ids = bookmark_ids
        self.element_tags = element_tags
        self.positions = positions
        self.known = known  # what an earlier reading of this DOCX learnt of it (names.Known)
        self.result = ReadResult(etree.Element("html", {"lang": "en"}))
        self.footnotes: dict[str, etree._Element] = {}
        self.link_targets: dict[str, str] = {}  # relationship id → external target
        self.part_prefix = ""
        # Warnings in the order of the passes over the whole file (the body is read a chunk at a
        # time: each pass of a chunk adds to its own list): the parts read first, the document's
        # normalisation, the footnotes', then the structure.
        self.warning_lists: dict[str, list[str]] = {"parts": [], "document": [], "footnotes": [], "body": []}
        self.warnings = self.warning_lists["parts"]
        self.seen_warnings: set[str] = set()
        self.landscape: list[bool] = []  # each section's, as read
        self.guessed_landscape: list[bool] = []
        self.fields: list = []  # the document's complex fields open at the end of a chunk

    def warn(self, el: etree._Element, message: str) -> None:
        number = paragraph_number(el)
        where = f"{self.part_prefix}paragraph {number}" if number else self.part_prefix.rstrip(", ") or "document"
        quote = f' ("{quote_of(el)}")' if quote_of(el) else ""
        self._add_warning(f"{self.package.source}: {where}{quote}: warning: {message}")

    def _add_warning(self, warning: str) -> None:
        """A warning, once (a bad value in a style is met at every paragraph of that style)."""
        if warning not in self.seen_warnings:
            self.seen_warnings.add(warning)
            self.warnings.append(warning)

    def _part_warn(self, part: str | None) -> Warn:
        """Warnings about a part without paragraphs (styles, numbering): they name the part."""
        return lambda _el, message: self._add_warning(f"{self.package.source}: {part}: warning: {message}")

    def read(self) -> ReadResult:
        self.result.properties = self._custom_properties()
        # An apdoc-built TD says which bookmark anchors which element (and its tag); what the
        # caller passes wins.
        try:
            ids, tags = read_anchor_properties(self.result.properties)
        except AnchorMapError as exc:
            raise DocxError(f"{self.package.source}: {exc}") from None
        self.bookmark_ids = {**ids, **self.bookmark_ids}
        self.element_tags = {**tags, **self.element_tags}
        main = self.package.main  # open_package made sure the package has it
        styles_part, numbering_part = self.package.related(main, "styles"), self.package.related(main, "numbering")
        styles = Styles.read(self._related(main, "styles"), self._part_warn(styles_part))
        numbering = Numbering.read(self._related(main, "numbering"), styles, self._part_warn(numbering_part))
        self.link_targets = {rid: target for rid, (kind, target, _mode) in self.package.rels(main).items()
                             if kind.endswith("/hyperlink")}
        pieces = self.package.read_pieces(main)
        where = f"{self.package.source}: {main}"
        looked = look(pieces, where)
        self.guessed_landscape = self.known.landscape if self.known is not None else looked.landscape
        self.anchors = Anchors(self.bookmark_ids, self.known)
        notes = self._related(main, "footnotes")
        comments = self._related(main, "comments")
        extended = self._related(main, "commentsExtended") if comments is not None else None
        walks = (CommentSpans(), CommentElements(self.anchors.bookmark_id, self.element_tags)) \
            if comments is not None else None
        notes_revisions: list[Revision] = []
        if notes is not None:
            # The footnotes first, whole: the body's references read them.
            self.anchors.add_targets(link_targets(notes))
            number_part(notes, bookmarks=self.anchors.starts)
            self.warnings = self.warning_lists["footnotes"]
            notes_revisions = self._prepare(notes, "footnotes", "footnote ")
            self.footnotes = {n.get(W + "id", ""): n for n in notes.iter(W + "footnote")}
        runs = RunReader(styles, self.warn)
        self.blocks = BlockReader(styles, numbering, runs, self.anchors, self.element_tags, self._footnote,
                                  self._link, self.warn, positions=self.positions)
        self.warnings = self.warning_lists["body"]
        self._head()
        body = _Body(self, body_chunks(pieces, looked.whole, where), walks)
        self.blocks.rows_after = body.rows_after
        self._body(iter(body))
        self.result.revisions += notes_revisions
        if comments is not None and walks is not None:
            self._comments(comments, extended, walks[0].spans(), walks[1].elements())
        self.result.warnings = [*self.package.warnings, *itertools.chain(*self.warning_lists.values())]
        return self.result

    def close(self) -> None:
        """Let go of the structure reader: its callbacks refer back to this reader, a cycle that
        would keep everything read until the collector's next pass."""
        vars(self).pop("blocks", None)

    def learnt(self) -> Known | None:
        """What this reading learnt of the whole DOCX, when a guess made before it was wrong (the
        DOCX is then read again, knowing: names.Known); None when every guess was right."""
        landscape_right = all(found == self._guessed(n) for n, found in enumerate(self.landscape))
        if landscape_right and not self.anchors.guessed_wrong():
            return None
        return Known(set(self.anchors.targets), set(self.anchors.starts), list(self.landscape))

    def _guessed(self, section: int) -> bool:
        """Whether a section was guessed landscape (one the bytes did not show: no)."""
        return section < len(self.guessed_landscape) and self.guessed_landscape[section]

    def _passes(self, root: etree._Element, counted: Counted,
                walks: tuple[CommentSpans, CommentElements] | None) -> None:
        """One chunk of the body numbered, its comments' ranges and links noted, then prepared."""
        number_part(root, counted, self.anchors.starts)
        for walk in walks or ():
            walk.feed(root)
        self.anchors.add_targets(link_targets(root))
        self.warnings = self.warning_lists["document"]
        self.result.revisions += self._prepare(root, "document", "")
        self.warnings = self.warning_lists["body"]

    def _related(self, part: str, kind: str) -> etree._Element | None:
        name = self.package.related(part, kind)
        return self.package.xml(name) if name and self.package.has(name) else None

    def _prepare(self, root: etree._Element, part: str, prefix: str) -> list[Revision]:
        """Normalise, record and resolve the tracked changes, reduce fields and links; the
        changes found, in order."""
        self.part_prefix = "footnotes, " if part == "footnotes" else ""
        unwrap_noise(root, self.warn)
        self.part_prefix = ""
        if part == "footnotes":
            marks = []
            for note in root.iter(W + "footnote"):
                marks += collect(note, part, f"footnote {note.get(W + 'id')}, ")
        else:
            marks = collect(root, part)
        apply_view(root, marks, self.accept)
        keep_bookmarks(root, self.anchors.keep, self.anchors.dropped)
        resolve_fields(root, self.fields if part == "document" else None)
        resolve_hyperlinks(root, self.link_targets)
        for el in list(root.iter(W + "commentRangeStart", W + "commentRangeEnd", W + "commentReference")):
            el.getparent().remove(el)
        return [revision for _el, revision in marks]

    def _comments(self, comments: etree._Element, extended: etree._Element | None, spans: dict[str, Span],
                  elements: dict[str, str]) -> None:
        threads = comment_threads(comments, extended)
        listed = [(c.get(W + "id", ""), c.get(W + "date", "")) for c in comments.iter(W + "comment")]
        implied = replies_by_range(listed, spans, threads)
        for comment in comments.iter(W + "comment"):
            cid = comment.get(W + "id", "")
            span = spans.get(cid)
            text = "\n".join(text_of(p) for p in comment.iter(W + "p"))
            parent, resolved = threads.get(cid, (implied.get(cid, ""), False))
            self.result.comments.append(Comment(
                id=cid, author=comment.get(W + "author", ""), date=comment.get(W + "date", ""), text=text,
                anchor=snippet(span.file_text if span is not None else "", 200),
                paragraph=span.paragraph if span is not None else 0,
                where=span.where if span is not None else "",
                element=elements.get(cid, ""),
                quote=span.quote if span is not None else "",
                parent=parent, resolved=resolved,
            ))

    def _link(self, href: str) -> str:
        return "#" + self.anchors.link(href[1:]) if href.startswith("#") else href

    def _footnote(self, parent: etree._Element, note_id: str) -> None:
        """A footnote reference → `<span class="footnote">` holding the footnote's text."""
        span = etree.SubElement(parent, "span", {"class": "footnote"})
        note = self.footnotes.get(note_id)
        if note is None:
            return
        self.part_prefix = f"footnote {note_id}, "
        try:
            for n, p in enumerate(note.iter(W + "p")):
                if n:
                    etree.SubElement(span, "br")
                para = self.blocks.paragraph(p)
                build_inline(span, strip_pieces(para.pieces), self._footnote, self.blocks.link)
                ids = [self.blocks.anchor_ids[b] for b in para.bookmarks if b in self.blocks.anchor_ids]
                if ids and span.get("id") is None:
                    span.set("id", ids[0])
        finally:
            self.part_prefix = ""

    # --- the document ----------------------------------------------------------------------

    def _head(self) -> None:
        head = etree.SubElement(self.result.xhtml, "head")
        etree.SubElement(head, "meta", {"charset": "utf-8"})
        core = self.package.xml("docProps/core.xml") if self.package.has("docProps/core.xml") else None
        title = etree.SubElement(head, "title")
        title.text = (core.findtext(DC + "title") or "") if core is not None else ""
        if core is not None:
            for name, path in (("author", DC + "creator"), ("keywords", CP + "keywords"),
                               ("date", DCTERMS + "modified")):
                value = core.findtext(path)
                if value:
                    etree.SubElement(head, "meta", {"name": name, "content": value})

    def _body(self, items: Iterator[etree._Element]) -> None:
        """The body's elements, section by section; what follows the body's own properties is
        not read (but parsed, to the end: every chunk's changes and warnings, a late XML error)."""
        out = etree.SubElement(self.result.xhtml, "body")
        stream = iter(items)
        while True:
            section = _Section(stream)
            self._section(section, out)
            if section.last:
                break
        for _rest in stream:
            pass
        number = out.find(".//p[@class='CoverDocNumber']")
        if number is not None:
            head = self.result.xhtml.find("head")
            etree.SubElement(head, "meta", {"name": "document-number", "content": "".join(number.itertext())})

    def _section(self, section: _Section, out: etree._Element) -> None:
        """One section's blocks, read into a landscape `section` if it is one. Its properties
        come at its end: the blocks are read into what the guess (or an earlier reading) says, and
        what the properties say is noted (Reader.learnt)."""
        guessed = self._guessed(len(self.landscape))
        into = etree.SubElement(out, "section", {"class": "landscape"}) if guessed else out
        at = len(self.warnings)
        self.blocks.blocks(section, into)
        if not section.count:
            self.landscape.append(guessed)  # nothing read, nothing to say
        else:
            said, self.warnings = self.warnings, []  # its size is read first: its warnings come first
            size = section.properties.find(W + "pgSz") if section.properties is not None else None
            self.landscape.append(size is not None and (
                val(size, "orient") == "landscape" or
                number(size, W + "w", TWIPS, self.warn, 0) > number(size, W + "h", TWIPS, self.warn, 0)))
            said[at:at] = self.warnings
            self.warnings = said
        if guessed and not len(into):
            out.remove(into)

    def _custom_properties(self) -> dict[str, str]:
        name = "docProps/custom.xml"
        root = self.package.xml(name) if self.package.has(name) else None
        if root is None:
            return {}
        return {prop.get("name", ""): "".join(prop.itertext()) for prop in root.iter(CUSTOM + "property")}
