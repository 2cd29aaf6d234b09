"""The walk of the intermediate XHTML (docs/layout-vocabulary.md) into the body of
document.xml: blocks, headings, lists, figures, paragraphs, inline content (tables: tables.py;
the walk's state: state.py).

Which style each element gets comes from the look (look.py), never from here."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from lxml import etree

from ...anchors import bookmark_name
from ...defaults import FIXED_DATE
from ...intermediate import (
    ANNEX,
    BLOCKS,
    FOOTNOTE,
    HEADINGS,
    INLINE,
    LANDSCAPE,
    LISTS,
    MOVE_ATTRIBUTE,
    MOVES,
    NUMBER,
    REVISION_MARKS,
    TABLE_HEAD,
    WRAPPERS,
    classes,
    paragraph_mark,
    revision,
)
from ...links import is_allowed_link
from ...ooxml import qname
from . import tables
from .elements import add, make
from .figures import SVG, picture, svg_to_png
from .look import Caption, look, style_kinds
from .runs import Annotations, Run, collapsed_text, runs_xml, text_content
from .state import Context, Gathered, Remembered
from .streaming import Blocks, BodyXml, XhtmlStream
from .xmltext import Fragment, as_element, empty

# Inline tags → run properties (code's font comes from the look).
TAG_PROPERTIES = {
    "strong": ("b",), "b": ("b",), "em": ("i",), "i": ("i",), "u": ("u",),
    "sup": ("vertAlign:superscript",), "sub": ("vertAlign:subscript",),
}
# List kinds → numbering definitions (abstractNum ids: body, in tables).
LIST_KINDS = {"bullet": (0, 1), "decimal": (2, 3), "lowerRoman": (4, 5), "lowerLetter": (6, 7)}
LIST_CLASSES = {"lower-roman": "lowerRoman", "lower-alpha": "lowerLetter", "decimal": "decimal"}
# Heading numbers 1, 2.1, 2.3.1 as Word's own outline numbering (state.HEADING_ABSTRACT,
# HEADING_NUM_ID), so that Word and LibreOffice renumber after Accept or Reject All; numbers of
# another shape (annex A.1) stay text. The numbering is linked to the heading styles (styles.xml's
# Heading1–3 name numId 1, which is always this list), as Word's own templates do, not set on each
# paragraph: a paragraph with a numPr of its own is a list item to pandoc and other readers,
# whatever its style.
NOT_NUMBERED = (0, 0)  # numId 0: a heading style's paragraph that its style must not number
HEADING_NUMBER = re.compile(r"\d+(?:\.\d+){0,2}")


def style_of(element: etree._Element, kind: str) -> str | None:
    """The first class of the element that names a style of this kind in styles.xml."""
    kinds = style_kinds()
    return next((c for c in classes(element) if kinds.get(c) == kind), None)


def revision_of(element: etree._Element, inherited: str | None) -> str | None:
    """The element's own data-rev when it is a tracked change, else the one it sits in."""
    return revision(element) or inherited


def own_change(runs: list[Run], rev: str | None) -> str | None:
    """Loose inline content before a block, all of it inserted (or all deleted): a paragraph of
    one version only, whose mark is inserted (deleted) with it. (Not the container's last
    paragraph, whose mark a table cell needs.)"""
    changes = {run.rev for run in runs if run.kind != "text" or run.text.strip()}
    return next(iter(changes)) if rev is None and len(changes) == 1 and None not in changes else None


def text_alone(paragraph: etree._Element, ctx: Context) -> bool:
    """A <p> of text alone, no element (inline or comment) in it, in no tracked change and its
    mark none: `Writer.plain_paragraph` writes it at once."""
    return not len(paragraph) and ctx.rev is None and paragraph_mark(paragraph) is None


def vocabulary_error(tag: str, where: str = "") -> ValueError:
    place = f" inside <{where}>" if where else ""
    return ValueError(f"<{tag}>{place} is not in the layout vocabulary (docs/layout-vocabulary.md)")


class Writer:
    def __init__(self, root: etree._Element | None):
        """`root`: the XHTML's root, parsed up to its body at least (the head's metas and title)."""
        self.look = look()
        self.meta = {m.get("name"): m.get("content") or "" for m in root.iter("meta") if m.get("name")} \
            if root is not None else {}
        head = root.find("head") if root is not None else None
        self.title = (head.findtext("title") if head is not None else "") or ""
        self.doc = Gathered()
        self.state = Remembered()
        # Where document.xml goes while it is written, and the list of its top-level blocks.
        self.body: BodyXml | None = None
        self.top_level: Blocks | None = None
        self.annotations = Annotations(self.meta.get("revision-author") or "apdoc",
                                       self.meta.get("revision-date") or FIXED_DATE)

    def document(self, xhtml: XhtmlStream, body: BodyXml) -> None:
        """The body's blocks, each top-level one written as soon as it is walked, then the
        last section's properties."""
        if xhtml.body is None:
            raise ValueError("the layout has no <body>")
        out: Blocks = []
        self.body, self.top_level = body, out
        self.blocks(xhtml.body, Context(self.look.styles.normal), out, xhtml.children(), body.write)
        body.write(out)
        if not body.ends_in_a_paragraph():
            out.append(make("w:p"))  # the body may not end in a table or a section break
        body.close([*out, self.section_properties(False)])

    def style_of(self, element: etree._Element, kind: str) -> str | None:
        """`style_of`, remembered per class attribute: a large TD has few distinct ones."""
        classes_given = element.get("class")
        if not classes_given:
            return None
        key = (classes_given, kind)
        if key not in self.state.styles_named:
            self.state.styles_named[key] = style_of(element, kind)
        return self.state.styles_named[key]

    # --- blocks ---------------------------------------------------------------

    def blocks(self, parent: etree._Element, ctx: Context, out: Blocks,
               children: Iterable[etree._Element] | None = None,
               written: Callable[[Blocks], None] | None = None) -> None:
        """Children of a block container; loose inline content is gathered into paragraphs.
        `children`: the parent's children as they are parsed (by default, all of them);
        `written`: called with `out` after each child, which may take the blocks away."""
        pending: list[Run] = []
        if parent.text and parent.text.strip():
            pending.append(Run(parent.text))
        for child in parent if children is None else children:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in BLOCKS or tag in TABLE_HEAD:
                if pending:
                    out.append(self.paragraph(pending, ctx.style, rev=ctx.rev, mark=own_change(pending, ctx.rev)))
                    pending = []
                self.block(child, ctx, out)
            elif tag in INLINE:
                pending.extend(self.inline(child, ()))
            else:
                raise vocabulary_error(tag)
            if child.tail and (child.tail.strip() or tag in INLINE):  # a space between inline runs counts
                pending.append(Run(child.tail))
            if written is not None:
                written(out)
        if pending:
            out.append(self.paragraph(pending, ctx.style, rev=ctx.rev))

    def anchor(self, el: etree._Element) -> None:
        """Anchor `el` by its id in the next paragraph written (its first)."""
        element_id = el.get("id")
        if element_id and element_id not in self.state.anchored:
            self.state.anchored.add(element_id)
            name = bookmark_name(element_id)
            self.doc.anchor_map.add(name, element_id, el.tag)
            self.state.pending_anchors.append(name)

    def block(self, el: etree._Element, ctx: Context, out: Blocks) -> None:
        tag = el.tag
        self.anchor(el)
        rev = revision_of(el, ctx.rev)
        if rev != ctx.rev:
            ctx = replace(ctx, rev=rev)
        if tag in HEADINGS:
            self.heading(el, ctx, out)
        elif tag == "p":
            style = self.style_of(el, "paragraph") or ctx.style
            if text_alone(el, ctx):  # most of a TD's paragraphs
                out.append(self.plain_paragraph(el.text, style))
                return
            paragraph = self.paragraph(self.inline_children(el), style, rev=ctx.rev, mark=paragraph_mark(el))
            if ctx.rev and el.get(MOVE_ATTRIBUTE) in MOVES:
                moved = as_element(paragraph)
                self.moved(moved, el.get(MOVE_ATTRIBUTE))
                paragraph = moved
            out.append(paragraph)
        elif tag in LISTS:
            self.list_block(el, ctx, out, depth=0, num_id=None)
        elif tag == "blockquote":
            self.blocks(el, replace(ctx, style=self.look.styles.quotation), out)
        elif tag == "table":
            tables.table(self, el, ctx, out)
        elif tag == "section" and LANDSCAPE in classes(el):
            out.append(self.section_break(landscape=False, rev=ctx.rev))
            self.blocks(el, replace(ctx, landscape=True), out)
            out.append(self.section_break(landscape=True, rev=ctx.rev))
        elif tag == "figure":
            self.figure(el, ctx, out)
        elif tag in WRAPPERS:
            self.blocks(el, ctx, out)
        elif tag not in TABLE_HEAD:  # tables.table() reads them
            raise vocabulary_error(tag)

    def heading(self, el: etree._Element, ctx: Context, out: Blocks) -> None:
        """A heading; a number of its depth (1, 2.1, 2.3.1) is left to its style's outline
        numbering, any other is typed, and then the style's numbering is turned off."""
        depth = int(el.tag[1])
        heading_style = self.look.styles.headings[depth - 1]
        default = self.look.styles.annex_heading if ANNEX in classes(el) else heading_style
        style = self.style_of(el, "paragraph") or default
        runs: list[Run] = [Run(el.text)] if el.text else []
        numbered = False
        for child in el:
            if child.tag == "span" and NUMBER in classes(child):
                number = "".join(child.itertext())
                if style == heading_style and HEADING_NUMBER.fullmatch(number) and number.count(".") == depth - 1:
                    numbered = True
                else:
                    runs.extend([Run(number), Run("\t")])
                if child.tail:
                    runs.append(Run(child.tail.lstrip()))
            else:
                runs.extend(self.inline(child, ()))
                if child.tail:
                    runs.append(Run(child.tail))
        numbering = None if numbered or style not in self.look.styles.headings else NOT_NUMBERED
        out.append(self.paragraph(runs, style, numbering=numbering, rev=ctx.rev))

    # --- lists ----------------------------------------------------------------

    def list_numbering(self, el: etree._Element, ctx: Context, num_id: int | None) -> tuple[int, str]:
        """The numId of a list, and its kind. A nested list of the same kind continues its
        parent's numbering instance one level down."""
        kind = "bullet" if el.tag == "ul" else next(
            (LIST_CLASSES[c] for c in classes(el) if c in LIST_CLASSES), "decimal"
        )
        if num_id is None or self.state.list_kinds[num_id] != kind:
            self.doc.nums.append(LIST_KINDS[kind][1 if ctx.in_table else 0])
            num_id = len(self.doc.nums)
            self.state.list_kinds[num_id] = kind
        return num_id, kind

    def list_block(self, el: etree._Element, ctx: Context, out: Blocks, depth: int, num_id: int | None) -> None:
        num_id, kind = self.list_numbering(el, ctx, num_id)
        level = min(depth, len(self.look.list_formats.of(kind)) - 1)
        style = ctx.style if ctx.in_table else self.look.styles.list_level(level)
        for li in el:
            if li.tag != "li":
                raise ValueError(f"<{li.tag}> inside <{el.tag}>: only <li> is allowed")
            self.list_item(li, replace(ctx, rev=revision_of(li, ctx.rev)), out, depth, (num_id, level), style)

    def list_item(self, li: etree._Element, ctx: Context, out: Blocks, depth: int,
                  numbering: tuple[int, int], style: str) -> None:
        """An item's first paragraph carries the number; further ones are indented to its text."""
        numbered = False
        indent = self.look.indents(ctx.in_table).continuation * (numbering[1] + 1)
        pending: list[Run] = [Run(li.text)] if li.text and li.text.strip() else []

        def flush(runs: list[Run], rev: str | None = ctx.rev, mark: str | None = None) -> None:
            nonlocal numbered
            out.append(self.paragraph(runs, style, numbering=None if numbered else numbering,
                                      indent=indent if numbered else None, rev=rev, mark=mark))
            numbered = True

        self.anchor(li)

        for child in li:
            if (child.tag in LISTS or child.tag == "p") and pending:
                flush(pending)
                pending = []
            if child.tag in LISTS:
                self.list_block(child, ctx, out, depth + 1, numbering[0])
            elif child.tag == "p":
                self.anchor(child)
                flush(self.inline_children(child), revision_of(child, ctx.rev), paragraph_mark(child))
            elif child.tag in BLOCKS:
                raise vocabulary_error(child.tag, "li")
            else:
                pending.extend(self.inline(child, ()))
            if child.tail and (child.tail.strip() or child.tag in INLINE):
                pending.append(Run(child.tail))
        if pending or not numbered:
            flush(pending)

    # --- captions (tables: tables.py) ------------------------------------------

    def caption_look(self, caption: etree._Element) -> Caption:
        found = self.look.captions.of(caption.tag)
        if found is None:
            raise vocabulary_error(caption.tag)
        return found

    # --- figures --------------------------------------------------------------

    def figure(self, el: etree._Element, ctx: Context, out: Blocks) -> None:
        """An inline SVG becomes a PNG picture (Word needs one), its caption a paragraph below it."""
        drawings: list[Run] = []
        for svg in el.iter(SVG):  # two when the drawing changed: the earlier one deleted, the current inserted
            self.doc.images.append(svg_to_png(etree.tostring(svg)))
            drawing = picture(svg, len(self.doc.images), self.look.page.text_width(ctx.landscape))
            rev = revision_of(svg, None)
            if rev == "del" and ctx.rev is None:
                # The earlier drawing in a paragraph of its own, wholly deleted: LibreOffice's
                # Reject All of a picture inserted beside it would take the paragraph's end along.
                out.append(self.paragraph([Run("", kind="drawing", drawing=drawing)], self.look.styles.figure,
                                          rev="del"))
            else:
                drawings.append(Run("", kind="drawing", drawing=drawing, rev=rev))
        if drawings:
            # Only the current drawing, and it is new: the paragraph is new too, its mark inserted
            # (else Reject All leaves an empty Figure paragraph in Word).
            only_new = ctx.rev is None and all(run.rev == "ins" for run in drawings)
            out.append(self.paragraph(drawings, self.look.styles.figure, rev=ctx.rev,
                                      mark="ins" if only_new else None))
        for caption in el.iterfind("figcaption"):  # two when one is a caption inserted or deleted whole
            out.append(self.paragraph(self.inline_children(caption), self.caption_look(caption).style,
                                      rev=revision_of(caption, ctx.rev)))

    # --- paragraphs and inline content ------------------------------------------

    def paragraph(self, runs: list[Run], style: str,
                  numbering: tuple[int, int] | None = None, indent: int | None = None,
                  rev: str | None = None, mark: str | None = None) -> Fragment:
        """A paragraph; `rev` marks it wholly inserted or deleted, paragraph mark included;
        `mark` only its paragraph mark (a paragraph split or joined); `indent` (twips) aligns a
        list item's further paragraph with its text. The bookmarks of the anchors waiting go
        around its content, numbered after the changes in it."""
        anchors, self.state.pending_anchors = self.state.pending_anchors, []
        properties = self.paragraph_style(style)
        if numbering is not None:
            properties += f'<w:numPr><w:ilvl w:val="{numbering[1]}"/><w:numId w:val="{numbering[0]}"/></w:numPr>'
        elif indent is not None:
            properties += f'<w:ind w:left="{indent}" w:hanging="0"/>'
        if rev is not None:
            for run in runs:
                run.rev = run.rev or rev
        change = rev if rev is not None else mark
        tracked_mark = "" if change is None else f"<w:rPr>{self.annotations.change_mark(change)}</w:rPr>"
        content, has_runs = runs_xml(runs, self.annotations, joins=mark if rev is None else None)
        starts, ends = self.annotations.bookmarks(anchors)
        head = f"<w:p><w:pPr>{properties}"
        return Fragment(f"{head}{tracked_mark}</w:pPr>{starts}{content}{ends}</w:p>", has_runs=has_runs,
                        mark=(len(head), len(head) + len(tracked_mark)) if tracked_mark else None)

    def plain_paragraph(self, text: str | None, style: str) -> Fragment:
        """`paragraph([Run(text)], style)`: a paragraph of text alone (no inline element), in no
        tracked change, its one run written at once."""
        anchors, self.state.pending_anchors = self.state.pending_anchors, []
        collapsed = collapsed_text(text) if text else ""
        content = f"<w:r>{text_content(collapsed)}</w:r>" if collapsed else ""
        starts, ends = self.annotations.bookmarks(anchors)
        return Fragment(f"<w:p><w:pPr>{self.paragraph_style(style)}</w:pPr>{starts}{content}{ends}</w:p>",
                        has_runs=bool(content))

    def paragraph_style(self, style: str) -> str:
        """The w:pStyle of a style: a TD has few styles and many paragraphs."""
        if style not in self.state.paragraph_styles:
            self.state.paragraph_styles[style] = empty("w:pStyle", {"w:val": style})
        return self.state.paragraph_styles[style]

    def moved(self, paragraph: etree._Element, direction: str) -> None:
        """A paragraph wholly deleted or inserted as a move: its changes become w:moveFrom or
        w:moveTo inside a named move range; the n-th paragraph moved away with a text pairs with
        the n-th moved to with that text."""
        kind = "moveFrom" if direction == "from" else "moveTo"
        for change in paragraph.iter(qname("w:ins"), qname("w:del")):
            change.tag = qname(f"w:{kind}")
        text = "".join(paragraph.itertext())
        seen = self.state.move_names.setdefault((direction, text), 0)
        self.state.move_names[(direction, text)] = seen + 1
        name = f"move{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}{seen or ''}"
        number = self.annotations.next_id()
        start = make(f"w:{kind}RangeStart", {"w:id": number, "w:name": name, "w:author": self.annotations.author,
                                              "w:date": self.annotations.date})
        paragraph.insert(1, start)
        paragraph.append(make(f"w:{kind}RangeEnd", {"w:id": number}))

    def inline_children(self, el: etree._Element, rev: str | None = None) -> list[Run]:
        runs: list[Run] = [Run(el.text, rev=rev)] if el.text else []
        for child in el:
            if child.tag in BLOCKS:
                raise vocabulary_error(child.tag, el.tag)
            runs.extend(self.inline(child, (), rev=rev))
            if child.tail:
                runs.append(Run(child.tail, rev=rev))
        return runs

    def inline(self, el: etree._Element, props: tuple[str, ...], link: tuple[str, str] | None = None,
               rev: str | None = None) -> list[Run]:
        tag = el.tag
        if not isinstance(tag, str):
            return []
        if tag not in INLINE:
            raise vocabulary_error(tag)
        rev = tag if tag in REVISION_MARKS else rev
        if tag == "br":
            return [Run("", kind="br", rev=rev)]
        if tag == "span" and FOOTNOTE in classes(el):
            return [Run("", kind="footnote", footnote=self.footnote(el, rev), rev=rev)]
        parent = el.getparent()
        if tag == "span" and NUMBER in classes(el) and parent is not None and self.look.captions.of(parent.tag):
            # A SEQ field, as Word's Insert Caption makes: Word and LibreOffice renumber it, so
            # Reject All on a TD whose tables shifted shows the earlier numbers, not the current ones.
            sequence = parent.get("data-seq") or self.caption_look(parent).sequence
            return [Run("".join(el.itertext()), props, kind="seq", field=sequence, rev=rev)]
        if tag == "a":
            link = self.link(el.get("href") or "", link)
        inner = props + self.tag_properties(el)
        runs: list[Run] = [Run(el.text, inner, link=link, rev=rev)] if el.text else []
        for child in el:
            runs.extend(self.inline(child, inner, link, rev))
            if child.tail:
                runs.append(Run(child.tail, inner, link=link, rev=rev))
        return runs

    def tag_properties(self, el: etree._Element) -> tuple[str, ...]:
        """The run properties an inline element adds to those of its ancestors."""
        if el.tag == "span":
            style = self.style_of(el, "character")
            return (f"rStyle:{style}",) if style else ()
        if el.tag == "a":
            return (f"rStyle:{self.look.styles.hyperlink}",)
        if el.tag == "code":
            return (f"rFonts:{self.look.code_font}",)
        return TAG_PROPERTIES.get(el.tag, ())

    def link(self, href: str, outer: tuple[str, str] | None) -> tuple[str, str] | None:
        """An internal link goes to a bookmark, an external one to a relationship (one per target)."""
        if href.startswith("#"):
            return ("anchor", bookmark_name(href[1:]))
        if not href or not is_allowed_link(href):  # any other target (javascript:…) stays plain text
            return outer
        if href not in self.doc.links:
            self.doc.links.append(href)
        return ("id", f"rIdLink{self.doc.links.index(href) + 1}")

    def footnote(self, span: etree._Element, rev: str | None = None) -> int:
        number = len(self.doc.footnotes) + 1
        reference = Run("", (f"rStyle:{self.look.styles.footnote_reference}",), kind="footnoteRef")
        runs = [reference, Run("\t"), *self.inline_children(span)]
        waiting, self.state.pending_anchors = self.state.pending_anchors, []  # the body's next paragraph keeps these
        self.anchor(span)
        paragraph = as_element(self.paragraph(runs, self.look.styles.footnote_text, rev=rev))
        self.state.pending_anchors = waiting
        # LibreOffice drops a bookmark that starts before a footnote's reference mark: start after it.
        mark = next(paragraph.iter(qname("w:footnoteRef"))).getparent()
        for start in reversed(paragraph.findall(qname("w:bookmarkStart"))):
            mark.addnext(start)
        self.doc.footnotes.append(make("w:footnote", {"w:id": number}, paragraph))
        return number

    # --- sections -------------------------------------------------------------

    def section_properties(self, landscape: bool) -> etree._Element:
        """A section's w:sectPr; the first section has a first page (the cover) without header."""
        first = self.doc.sections == 0
        self.doc.sections += 1
        page = self.look.page
        default_header = make("w:headerReference", {"w:type": "default", "r:id": "rIdHeaderDefault"})
        properties = make("w:sectPr", None, default_header)
        if first:
            add(properties, "w:headerReference", {"w:type": "first", "r:id": "rIdHeaderFirst"})
        else:
            add(properties, "w:type", {"w:val": "nextPage"})
        size: dict[str, str | int] = {"w:w": page.width, "w:h": page.height}
        if landscape:
            size = {"w:w": page.height, "w:h": page.width, "w:orient": "landscape"}
        add(properties, "w:pgSz", size)
        margins = {f"w:{side}": page.margin for side in ("top", "right", "bottom", "left")}
        add(properties, "w:pgMar", {**margins, "w:header": page.header_distance, "w:footer": page.header_distance,
                                    "w:gutter": 0})
        if first:
            add(properties, "w:titlePg")
        return properties

    def section_break(self, landscape: bool, rev: str | None = None) -> etree._Element:
        """A paragraph that ends the current section (portrait or landscape)."""
        properties = make("w:pPr", None, make("w:spacing", {"w:before": 0}))
        if rev:
            add(properties, "w:rPr").append(self.annotations.revision(rev))
        properties.append(self.section_properties(landscape))
        return make("w:p", None, properties)
