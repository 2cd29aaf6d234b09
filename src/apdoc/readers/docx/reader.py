"""The steps of reading one DOCX, in order: parts → noise → views → structure → XHTML."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ...anchors import AnchorMapError, AnchorNames, read_anchor_properties
from ...ooxml import CP, CUSTOM, DC, DCTERMS, W
from .blocks import BlockReader
from .comments import comment_elements, comment_spans, comment_threads, replies_by_range
from .inline import RunReader, build_inline, strip_pieces
from .locate import describe, number_part, paragraph_number, quote_of
from .noise import keep_bookmarks, link_targets, resolve_fields, resolve_hyperlinks, unwrap_noise
from .ns import snippet, text_of, val
from .numbers import TWIPS, Warn, number
from .package import DocxError, Package
from .result import Comment, ReadResult
from .revisions import Revision, apply_view, collect
from .styles import Numbering, Styles

# Word's limit on a bookmark's name: a longer link target names no bookmark, and is no anchor.
NAME_LIMIT = 40


def _renamed(document: etree._Element, notes: etree._Element | None, ids: dict[str, str],
             targets: set[str]) -> dict[str, str]:
    """Bookmarks (and links to them) whose names an editor changed after the key
    (anchors.AnchorNames: LibreOffice's `_Copy_1` on every save, cut at 40 characters) → the
    ids their original names anchor."""
    names = AnchorNames(ids)
    found: dict[str, str] = {}
    starts = (start.get(W + "name", "") for root in (document, notes) if root is not None
              for start in root.iter(W + "bookmarkStart"))
    for name in [*starts, *sorted(targets)]:
        if name not in ids and name not in found:
            original = names.original(name)
            if original is not None:
                found[name] = ids[original]
    return found


class Reader:
    def __init__(self, package: Package, accept: Callable[[Revision], bool], bookmark_ids: dict[str, str],
                 element_tags: dict[str, str], positions: bool = True):
        self.package = package
        self.accept = accept
        self.bookmark_ids = bookmark_ids
        self.element_tags = element_tags
        self.positions = positions
        self.result = ReadResult(etree.Element("html", {"lang": "en"}))
        self.footnotes: dict[str, etree._Element] = {}
        self.link_targets: dict[str, str] = {}  # relationship id → external target
        self.part_prefix = ""
        self.seen_warnings: set[str] = set()

    def warn(self, el: etree._Element, message: str) -> None:
        number = paragraph_number(el)
        where = f"{self.part_prefix}paragraph {number}" if number else self.part_prefix.rstrip(", ") or "document"
        quote = f' ("{quote_of(el)}")' if quote_of(el) else ""
        self._add_warning(f"{self.package.source}: {where}{quote}: warning: {message}")

    def _add_warning(self, warning: str) -> None:
        """A warning, once (a bad value in a style is met at every paragraph of that style)."""
        if warning not in self.seen_warnings:
            self.seen_warnings.add(warning)
            self.result.warnings.append(warning)

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
        main = self.package.main
        document = self.package.xml(main)
        body = document.find(W + "body") if document is not None else None
        if body is None:
            raise DocxError(f"{self.package.source}: {main} has no body")
        styles_part, numbering_part = self.package.related(main, "styles"), self.package.related(main, "numbering")
        styles = Styles.read(self._related(main, "styles"), self._part_warn(styles_part))
        numbering = Numbering.read(self._related(main, "numbering"), styles, self._part_warn(numbering_part))
        self.link_targets = {rid: target for rid, (kind, target, _mode) in self.package.rels(main).items()
                             if kind.endswith("/hyperlink")}
        targets = link_targets(document)
        notes = self._related(main, "footnotes")
        if notes is not None:
            targets |= link_targets(notes)
        renamed = _renamed(document, notes, self.bookmark_ids, targets)
        anchors = {name: name for name in targets if len(name) <= NAME_LIMIT} | self.bookmark_ids | renamed
        number_part(document)
        if notes is not None:
            number_part(notes)
        comments = self._related(main, "comments")
        extended = self._related(main, "commentsExtended") if comments is not None else None
        self._comments(document, comments, extended, {**self.bookmark_ids, **renamed})
        self._prepare(document, "document", "", set(anchors))
        if notes is not None:
            self._prepare(notes, "footnotes", "footnote ", set(anchors))
            self.footnotes = {n.get(W + "id", ""): n for n in notes.iter(W + "footnote")}
        runs = RunReader(styles, self.warn)
        self.blocks = BlockReader(styles, numbering, runs, anchors, self.element_tags, self._footnote,
                                  self._link(anchors), self.warn, positions=self.positions)
        self._head()
        self._body(body)
        self.result.warnings[:0] = self.package.warnings
        return self.result

    def _related(self, part: str, kind: str) -> etree._Element | None:
        name = self.package.related(part, kind)
        return self.package.xml(name) if name and self.package.has(name) else None

    def _prepare(self, root: etree._Element, part: str, prefix: str, keep: set[str]) -> None:
        """Normalise, record and resolve the tracked changes, reduce fields and links."""
        self.part_prefix = "footnotes, " if part == "footnotes" else ""
        unwrap_noise(root, self.warn)
        self.part_prefix = ""
        if part == "footnotes":
            marks = []
            for note in root.iter(W + "footnote"):
                marks += collect(note, part, f"footnote {note.get(W + 'id')}, ")
        else:
            marks = collect(root, part)
        self.result.revisions += [revision for _el, revision in marks]
        apply_view(root, marks, self.accept)
        keep_bookmarks(root, keep)
        resolve_fields(root)
        resolve_hyperlinks(root, self.link_targets)
        for el in list(root.iter(W + "commentRangeStart", W + "commentRangeEnd", W + "commentReference")):
            el.getparent().remove(el)

    def _comments(self, document: etree._Element, comments: etree._Element | None,
                  extended: etree._Element | None, anchors: dict[str, str]) -> None:
        if comments is None:
            return
        spans = comment_spans(document)
        elements = comment_elements(document, anchors, self.element_tags)
        threads = comment_threads(comments, extended)
        listed = [(c.get(W + "id", ""), c.get(W + "date", "")) for c in comments.iter(W + "comment")]
        implied = replies_by_range(listed, spans, threads)
        for comment in comments.iter(W + "comment"):
            cid = comment.get(W + "id", "")
            span = spans.get(cid)
            start = span.start if span is not None else None
            text = "\n".join(text_of(p) for p in comment.iter(W + "p"))
            parent, resolved = threads.get(cid, (implied.get(cid, ""), False))
            self.result.comments.append(Comment(
                id=cid, author=comment.get(W + "author", ""), date=comment.get(W + "date", ""), text=text,
                anchor=snippet(span.file_text if span is not None else "", 200),
                paragraph=paragraph_number(start) if start is not None else 0,
                where=describe(start) if start is not None else "",
                element=elements.get(cid, ""),
                quote=span.quote if span is not None else "",
                parent=parent, resolved=resolved,
            ))

    def _link(self, anchors: dict[str, str]) -> Callable[[str], str]:
        def link(href: str) -> str:
            if href.startswith("#"):
                return "#" + anchors.get(href[1:], href[1:])
            return href
        return link

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

    def _body(self, body: etree._Element) -> None:
        out = etree.SubElement(self.result.xhtml, "body")
        section: list[etree._Element] = []
        for child in body:
            if child.tag == W + "sectPr":
                break
            section.append(child)
            sect_pr = child.find(f"{W}pPr/{W}sectPr") if child.tag == W + "p" else None
            if sect_pr is not None:
                self._section(section, sect_pr, out)
                section = []
        self._section(section, body.find(W + "sectPr"), out)
        number = out.find(".//p[@class='CoverDocNumber']")
        if number is not None:
            head = self.result.xhtml.find("head")
            etree.SubElement(head, "meta", {"name": "document-number", "content": "".join(number.itertext())})

    def _section(self, items: list[etree._Element], sect_pr: etree._Element | None, out: etree._Element) -> None:
        if not items:
            return
        size = sect_pr.find(W + "pgSz") if sect_pr is not None else None
        landscape = size is not None and (val(size, "orient") == "landscape" or
                                          number(size, W + "w", TWIPS, self.warn, 0) >
                                          number(size, W + "h", TWIPS, self.warn, 0))
        if landscape:
            out = etree.SubElement(out, "section", {"class": "landscape"})
        self.blocks.blocks(items, out)
        if landscape and not len(out):
            out.getparent().remove(out)

    def _custom_properties(self) -> dict[str, str]:
        name = "docProps/custom.xml"
        root = self.package.xml(name) if self.package.has(name) else None
        if root is None:
            return {}
        return {prop.get("name", ""): "".join(prop.itertext()) for prop in root.iter(CUSTOM + "property")}
