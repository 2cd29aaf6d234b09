"""DOCX: the intermediate XHTML → WordprocessingML, written directly.

python-docx has no footnotes, fields, repeated header rows or list definitions, and its
`Table.cell()` is quadratic; so the parts are written here, as strings in schema order,
around the styles we ship in `docx_parts/styles.xml`. The mapping from the vocabulary
(docs/layout-vocabulary.md) to Word is fixed; the look of every style lives in styles.xml.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from lxml import etree

from ..links import is_allowed_link

PARTS = Path(__file__).parent / "docx_parts"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = (
    f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)
FIXED_DATE = "2000-01-01T00:00:00Z"

PAGE_WIDTH, PAGE_HEIGHT, MARGIN, HEADER_DISTANCE = 11906, 16838, 1134, 567
TEXT_WIDTH = {False: PAGE_WIDTH - 2 * MARGIN, True: PAGE_HEIGHT - 2 * MARGIN}  # by landscape

BLOCKS = {"p", "h1", "h2", "h3", "ul", "ol", "blockquote", "table", "section", "div", "figure"}
SVG = "{http://www.w3.org/2000/svg}svg"
EMU_PER_PX = 9525  # 96 px to the inch
INLINE = {"strong", "b", "em", "i", "u", "sup", "sub", "a", "br", "span", "code", "ins", "del"}
REVISIONS = ("ins", "del")  # data-rev values and inline tags that become Word tracked changes
CAPTIONS = ("caption", "figcaption")  # their <span class="number"> becomes a SEQ field
# List kinds → numbering definitions (abstractNum ids: body, in tables).
LIST_KINDS = {"bullet": (0, 1), "decimal": (2, 3), "lowerRoman": (4, 5), "lowerLetter": (6, 7)}
LIST_CLASSES = {"lower-roman": "lowerRoman", "lower-alpha": "lowerLetter", "decimal": "decimal"}
# Heading numbers 1, 2.1, 2.3.1 as Word's own outline numbering, so that Word and LibreOffice
# renumber after Accept or Reject All; numbers of another shape (annex A.1) stay text.
HEADING_ABSTRACT = 8
HEADING_NUMBER = re.compile(r"\d+(?:\.\d+){0,2}")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _esc(text).replace('"', "&quot;")


@lru_cache(maxsize=1)
def _styles() -> tuple[str, dict[str, str]]:
    """styles.xml and the type of each style id in it."""
    xml = (PARTS / "styles.xml").read_text(encoding="utf-8")
    kinds = dict(
        (sid, kind) for kind, sid in re.findall(r'<w:style w:type="(\w+)"[^>]*?w:styleId="([^"]+)"', xml)
    )
    return xml, kinds


def _col_width(col: etree._Element) -> float:
    """A column's relative width from its `style="width: N%"` (1 when it has none)."""
    match = re.search(r"width:\s*([0-9]+(?:\.[0-9]+)?)%", col.get("style") or "")
    return float(match.group(1)) if match else 1.0


def _classes(element: etree._Element) -> list[str]:
    return (element.get("class") or "").split()


def _style_of(element: etree._Element, kind: str) -> str | None:
    kinds = _styles()[1]
    return next((c for c in _classes(element) if kinds.get(c) == kind), None)


@dataclass
class _Run:
    text: str
    props: tuple[str, ...] = ()  # rPr children, in schema order
    kind: str = "text"  # text | br | footnote | field
    link: tuple[str, str] | None = None  # ("anchor"|"id", target)
    footnote: int = 0
    rev: str | None = None  # "ins" | "del": a tracked change
    drawing: str = ""  # kind "drawing": the w:drawing element
    field: str = ""  # kind "seq": the sequence's name (Table, Figure); text is its current value


@dataclass
class _Context:
    style: str = "Normal"
    in_table: bool = False
    landscape: bool = False
    rev: str | None = None  # everything inside is inserted ("ins") or deleted ("del")


_RPR_ORDER = ["rStyle", "rFonts", "b", "i", "u", "vertAlign"]


def _rpr(props: tuple[str, ...]) -> str:
    if not props:
        return ""
    ordered = sorted(set(props), key=lambda p: _RPR_ORDER.index(p.split(":", 1)[0]))
    out = []
    for prop in ordered:
        name, _, value = prop.partition(":")
        if name == "rStyle":
            out.append(f'<w:rStyle w:val="{value}"/>')
        elif name == "rFonts":
            out.append(f'<w:rFonts w:ascii="{value}" w:hAnsi="{value}" w:cs="{value}"/>')
        elif name == "b":
            out.append("<w:b/><w:bCs/>")
        elif name == "i":
            out.append("<w:i/><w:iCs/>")
        elif name == "u":
            out.append('<w:u w:val="single"/>')
        elif name == "vertAlign":
            out.append(f'<w:vertAlign w:val="{value}"/>')
    return "<w:rPr>" + "".join(out) + "</w:rPr>"


@dataclass
class _Document:
    body: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    nums: list[int] = field(default_factory=list)  # abstractNum id of each w:num (numId = index + 1)
    links: list[str] = field(default_factory=list)  # external targets (rId = "rIdLink<n>")
    images: list[bytes] = field(default_factory=list)  # PNG pictures (rId = "rIdImage<n>")
    link_ids: dict[str, int] = field(default_factory=dict)
    targets: set[str] = field(default_factory=set)  # element ids that internal links point to
    annotations: int = 0  # bookmarks and tracked changes share one id sequence
    sections: int = 0
    document_number: str = ""


def _bookmark_name(element_id: str) -> str:
    clean = re.sub(r"[^A-Za-z0-9_]", "_", element_id)[:28]
    digest = hashlib.sha1(element_id.encode("utf-8")).hexdigest()[:8]
    return f"_{clean}_{digest}"


class _Writer:
    def __init__(self, root: etree._Element):
        self.doc = _Document()
        head = root.find("head")
        self.meta = {m.get("name"): m.get("content") or "" for m in root.iter("meta") if m.get("name")}
        self.title = (head.findtext("title") if head is not None else "") or ""
        self.doc.document_number = self.meta.get("document-number", "")
        self.doc.targets = {
            a.get("href")[1:] for a in root.iter("a") if (a.get("href") or "").startswith("#")
        }
        self.root = root
        self.list_kinds: dict[int, str] = {}
        self.rev_author = _attr(self.meta.get("revision-author") or "apdoc")
        self.rev_date = _attr(self.meta.get("revision-date") or FIXED_DATE)

    def revision(self, mark: str) -> str:
        """The attributes of one tracked change (w:ins or w:del)."""
        self.doc.annotations += 1
        return f'w:id="{self.doc.annotations}" w:author="{self.rev_author}" w:date="{self.rev_date}"'

    # --- blocks ---------------------------------------------------------------

    def blocks(self, parent: etree._Element, ctx: _Context, out: list[str]) -> None:
        """Children of a block container; loose inline content is gathered into paragraphs."""
        pending: list[_Run] = []
        if parent.text and parent.text.strip():
            pending.append(_Run(parent.text))
        for child in parent:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in BLOCKS or tag == "caption" or tag == "colgroup":
                if pending:
                    out.append(self.paragraph_xml(pending, ctx.style, rev=ctx.rev))
                    pending = []
                self.block(child, ctx, out)
            elif tag in INLINE:
                pending.extend(self.inline(child, ()))
            else:
                raise ValueError(f"<{tag}> is not in the layout vocabulary (docs/layout-vocabulary.md)")
            if child.tail and (child.tail.strip() or tag in INLINE):  # a space between inline runs counts
                pending.append(_Run(child.tail))
        if pending:
            out.append(self.paragraph_xml(pending, ctx.style, rev=ctx.rev))

    def block(self, el: etree._Element, ctx: _Context, out: list[str]) -> None:
        tag = el.tag
        if el.get("data-rev") in REVISIONS:
            ctx = replace(ctx, rev=el.get("data-rev"))
        if tag in ("h1", "h2", "h3"):
            style = "AnnexNoTitle" if "annex" in _classes(el) else f"Heading{tag[1]}"
            style = _style_of(el, "paragraph") or style
            runs: list[_Run] = []
            numbering = None
            if el.text:
                runs.append(_Run(el.text))
            for child in el:
                if child.tag == "span" and "number" in _classes(child):
                    number = "".join(child.itertext())
                    if style == f"Heading{tag[1]}" and HEADING_NUMBER.fullmatch(number) \
                            and number.count(".") == int(tag[1]) - 1:
                        numbering = (self.heading_numbering(), number.count("."))
                    else:
                        runs.extend([_Run(number), _Run("\t")])
                    if child.tail:
                        runs.append(_Run(child.tail.lstrip()))
                else:
                    runs.extend(self.inline(child, ()))
                    if child.tail:
                        runs.append(_Run(child.tail))
            out.append(self.paragraph_xml(runs, style, el.get("id"), numbering=numbering, rev=ctx.rev))
        elif tag == "p":
            style = _style_of(el, "paragraph") or ctx.style
            out.append(self.paragraph_xml(self.inline_children(el), style, el.get("id"), rev=ctx.rev))
        elif tag in ("ul", "ol"):
            self.list_block(el, ctx, out, depth=0, num_id=None)
        elif tag == "blockquote":
            self.blocks(el, replace(ctx, style="Quotation"), out)
        elif tag == "table":
            self.table(el, ctx, out)
        elif tag == "section" and "landscape" in _classes(el):
            out.append(self.section_break(landscape=False, rev=ctx.rev))
            self.blocks(el, replace(ctx, landscape=True), out)
            out.append(self.section_break(landscape=True, rev=ctx.rev))
        elif tag == "figure":
            self.figure(el, ctx, out)
        elif tag in ("section", "div"):
            self.blocks(el, ctx, out)
        elif tag in ("caption", "colgroup"):
            pass  # handled by table()
        else:
            raise ValueError(f"<{tag}> is not in the layout vocabulary (docs/layout-vocabulary.md)")

    def heading_numbering(self) -> int:
        """The numId of the headings' outline numbering (one list for the whole document)."""
        if HEADING_ABSTRACT not in self.doc.nums:
            self.doc.nums.append(HEADING_ABSTRACT)
        return self.doc.nums.index(HEADING_ABSTRACT) + 1

    def list_block(self, el: etree._Element, ctx: _Context, out: list[str], depth: int, num_id: int | None) -> None:
        kind = "bullet" if el.tag == "ul" else next(
            (LIST_CLASSES[c] for c in _classes(el) if c in LIST_CLASSES), "decimal"
        )
        # A nested list of the same kind continues its parent's numbering instance one level down.
        if num_id is None or self.list_kinds[num_id] != kind:
            self.doc.nums.append(LIST_KINDS[kind][1 if ctx.in_table else 0])
            num_id = len(self.doc.nums)
            self.list_kinds[num_id] = kind
        level = min(depth, 2)
        style = ctx.style if ctx.in_table else ("enumlev1" if level == 0 else "enumlev2")
        for li in el:
            if li.tag != "li":
                raise ValueError(f"<{li.tag}> inside <{el.tag}>: only <li> is allowed")
            item_ctx = replace(ctx, rev=li.get("data-rev")) if li.get("data-rev") in REVISIONS else ctx
            numbered = False
            pending: list[_Run] = []
            if li.text and li.text.strip():
                pending.append(_Run(li.text))

            def flush(runs: list[_Run], element_id: str | None = None, rev: str | None = item_ctx.rev) -> None:
                nonlocal numbered
                numbering = (num_id, level) if not numbered else None
                out.append(self.paragraph_xml(runs, style, element_id, numbering=numbering,
                                              indent=None if not numbered else level, rev=rev))
                numbered = True

            for child in li:
                if child.tag in ("ul", "ol"):
                    if pending:
                        flush(pending, li.get("id"))
                        pending = []
                    self.list_block(child, item_ctx, out, depth + 1, num_id)
                elif child.tag == "p":
                    if pending:
                        flush(pending, li.get("id"))
                        pending = []
                    rev = child.get("data-rev") if child.get("data-rev") in REVISIONS else item_ctx.rev
                    flush(self.inline_children(child), child.get("id") or (li.get("id") if not numbered else None),
                          rev)
                elif child.tag in BLOCKS:
                    raise ValueError(f"<{child.tag}> inside <li> is not in the layout vocabulary")
                else:
                    pending.extend(self.inline(child, ()))
                if child.tail and (child.tail.strip() or child.tag in INLINE):
                    pending.append(_Run(child.tail))
            if pending or not numbered:
                flush(pending, li.get("id") if not numbered else None)

    # --- tables ---------------------------------------------------------------

    def table(self, el: etree._Element, ctx: _Context, out: list[str]) -> None:
        caption = el.find("caption")
        if caption is not None:
            out.append(self.paragraph_xml(self.inline_children(caption), "TableNotitle", None, rev=ctx.rev))
        rows: list[tuple[etree._Element, bool, str | None]] = []
        for part in el:
            part_rev = part.get("data-rev") if part.get("data-rev") in REVISIONS else ctx.rev
            if part.tag in ("thead", "tbody"):
                for tr in part.iter("tr"):
                    rev = tr.get("data-rev") if tr.get("data-rev") in REVISIONS else part_rev
                    rows.append((tr, part.tag == "thead", rev))
            elif part.tag == "tr":
                rows.append((part, False, part_rev))
        columns = max((sum(int(c.get("colspan", "1")) for c in tr if c.tag in ("td", "th")) for tr, _, _ in rows),
                      default=1)
        cols = el.find("colgroup")
        weights = [_col_width(c) for c in cols.iter("col")] if cols is not None else []
        if len(weights) != columns or not all(0 < w < 1e6 for w in weights):  # a template's widths: all usable, or none
            weights = [1.0] * columns
        total = TEXT_WIDTH[ctx.landscape]
        grid = [int(total * w / sum(weights)) for w in weights]
        table_style = _style_of(el, "table") or "TableGrid"
        xml = [
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{table_style}"/><w:tblW w:w="{sum(grid)}" w:type="dxa"/>'
            '<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>',
            "".join(f'<w:gridCol w:w="{g}"/>' for g in grid),
            "</w:tblGrid>",
        ]
        pending: dict[int, list[int]] = {}  # column → [rows left, colspan] of a rowspan above
        for tr, header, row_rev in rows:
            cells = [c for c in tr if c.tag in ("td", "th")]
            change = f"<w:{row_rev} {self.revision(row_rev)}/>" if row_rev else ""
            tr_pr = f"<w:trPr><w:cantSplit/>{'<w:tblHeader/>' if header else ''}{change}</w:trPr>"
            row = [f"<w:tr>{tr_pr}"]
            col = 0

            def continuation(at: int, row: list[str] = row) -> int:
                left, span = pending[at]
                width = sum(grid[at : at + span])
                gridspan = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
                row.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{gridspan}<w:vMerge/></w:tcPr>'
                           "<w:p/></w:tc>")
                if left <= 1:
                    del pending[at]
                else:
                    pending[at][0] = left - 1
                return at + span

            for cell in cells:
                while col in pending:
                    col = continuation(col)
                span = max(1, int(cell.get("colspan", "1")))
                down = max(1, int(cell.get("rowspan", "1")))
                width = sum(grid[col : col + span])
                tc_pr = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
                if span > 1:
                    tc_pr.append(f'<w:gridSpan w:val="{span}"/>')
                if down > 1:
                    tc_pr.append('<w:vMerge w:val="restart"/>')
                    pending[col] = [down - 1, span]
                cell_style = _style_of(cell, "paragraph") or ("Tablehead" if cell.tag == "th" else "Tabletext")
                content: list[str] = []
                self.blocks(cell, _Context(cell_style, True, ctx.landscape, row_rev), content)
                if cell.get("id") and content and cell.get("id") in self.doc.targets:
                    content[0] = self.bookmarked(content[0], cell.get("id"))
                row.append(f"<w:tc><w:tcPr>{''.join(tc_pr)}</w:tcPr>{''.join(content) or '<w:p/>'}</w:tc>")
                col += span
            while col < columns and col in pending:
                col = continuation(col)
            row.append("</w:tr>")
            xml.append("".join(row))
        xml.append("</w:tbl>")
        table_xml = "".join(xml)
        if el.get("id") in self.doc.targets and caption is not None:
            out[-1] = self.bookmarked(out[-1], el.get("id"))
        out.append(table_xml)

    # --- figures --------------------------------------------------------------

    def figure(self, el: etree._Element, ctx: _Context, out: list[str]) -> None:
        """An inline SVG becomes a PNG picture (Word needs one), its caption a Figure_No & title below it."""
        svg = el.find(SVG)
        if svg is not None:
            png = svg_to_png(etree.tostring(svg))
            self.doc.images.append(png)
            number = len(self.doc.images)
            width_px, height_px = float(svg.get("width", "640")), float(svg.get("height", "320"))
            cx = min(int(width_px * EMU_PER_PX), TEXT_WIDTH[ctx.landscape] * 635)  # 635 EMU per twip
            cy = int(cx * height_px / width_px)
            name = _attr(svg.findtext("{http://www.w3.org/2000/svg}title") or f"Figure {number}")
            drawing = (
                '<w:drawing>'
                f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
                f'<wp:docPr id="{number}" name="{name}"/>'
                '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
                f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{number}" name="figure{number}.png"/><pic:cNvPicPr/>'
                f'</pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImage{number}"/><a:stretch><a:fillRect/>'
                f'</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/>'
                '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
                "</a:graphicData></a:graphic></wp:inline></w:drawing>"
            )
            out.append(self.paragraph_xml([_Run("", kind="drawing", drawing=drawing)], "Figure", rev=ctx.rev))
        caption = el.find("figcaption")
        if caption is not None:
            out.append(self.paragraph_xml(self.inline_children(caption), "FigureNotitle", el.get("id"), rev=ctx.rev))

    # --- paragraphs and runs ----------------------------------------------------

    def bookmarked(self, paragraph: str, element_id: str) -> str:
        """Wrap a paragraph's content in a bookmark named after an element id."""
        self.doc.annotations += 1
        n = self.doc.annotations
        start = f'<w:bookmarkStart w:id="{n}" w:name="{_bookmark_name(element_id)}"/>'
        end = f'<w:bookmarkEnd w:id="{n}"/>'
        if paragraph.endswith("</w:p>"):
            head_end = paragraph.find("</w:pPr>")
            cut = head_end + len("</w:pPr>") if head_end != -1 else len("<w:p>")
            return paragraph[:cut] + start + paragraph[cut:-len("</w:p>")] + end + "</w:p>"
        return paragraph

    def inline_children(self, el: etree._Element, rev: str | None = None) -> list[_Run]:
        runs: list[_Run] = []
        if el.text:
            runs.append(_Run(el.text, rev=rev))
        for child in el:
            if child.tag in BLOCKS:
                raise ValueError(f"<{child.tag}> inside <{el.tag}> is not in the layout vocabulary")
            runs.extend(self.inline(child, (), rev=rev))
            if child.tail:
                runs.append(_Run(child.tail, rev=rev))
        return runs

    def inline(self, el: etree._Element, props: tuple[str, ...], link: tuple[str, str] | None = None,
               rev: str | None = None) -> list[_Run]:
        tag = el.tag
        if not isinstance(tag, str):
            return []
        if tag not in INLINE:
            raise ValueError(f"<{tag}> is not in the layout vocabulary (docs/layout-vocabulary.md)")
        if tag in REVISIONS:
            rev = tag
        if tag == "br":
            return [_Run("", kind="br", rev=rev)]
        if tag == "span" and "footnote" in _classes(el):
            return [_Run("", kind="footnote", footnote=self.footnote(el, rev), rev=rev)]
        parent = el.getparent()
        if tag == "span" and "number" in _classes(el) and parent is not None and parent.tag in CAPTIONS:
            # A SEQ field, as Word's Insert Caption makes: Word and LibreOffice renumber it, so
            # Reject All on a TD whose tables shifted shows the earlier numbers, not the current ones.
            sequence = (parent.text or "").split()[-1:] or ["Table"]
            return [_Run("".join(el.itertext()), props, kind="seq", field=sequence[0], rev=rev)]
        extra = {
            "strong": ("b",), "b": ("b",), "em": ("i",), "i": ("i",), "u": ("u",),
            "sup": ("vertAlign:superscript",), "sub": ("vertAlign:subscript",), "code": ("rFonts:Courier New",),
        }.get(tag, ())
        if tag == "span":
            style = _style_of(el, "character")
            extra = (f"rStyle:{style}",) if style else ()
        if tag == "a":
            href = el.get("href") or ""
            if href.startswith("#"):
                link = ("anchor", _bookmark_name(href[1:]))
            elif href and is_allowed_link(href):  # any other target (javascript:…) stays plain text
                link = ("id", self.external(href))
            extra = ("rStyle:Hyperlink",)
        inner = props + extra
        runs: list[_Run] = []
        if el.text:
            runs.append(_Run(el.text, inner, link=link, rev=rev))
        for child in el:
            runs.extend(self.inline(child, inner, link, rev))
            if child.tail:
                runs.append(_Run(child.tail, inner, link=link, rev=rev))
        return runs

    def external(self, href: str) -> str:
        if href not in self.doc.link_ids:
            self.doc.links.append(href)
            self.doc.link_ids[href] = len(self.doc.links)
        return f"rIdLink{self.doc.link_ids[href]}"

    def footnote(self, span: etree._Element, rev: str | None = None) -> int:
        number = len(self.doc.footnotes) + 1
        runs = [_Run("", ("rStyle:FootnoteReference",), kind="footnoteRef"), _Run("\t")]
        runs += self.inline_children(span)
        self.doc.footnotes.append(
            f'<w:footnote w:id="{number}">{self.paragraph_xml(runs, "FootnoteText", None, rev=rev)}</w:footnote>'
        )
        return number

    def paragraph_xml(self, runs: list[_Run], style: str, element_id: str | None = None,
                      numbering: tuple[int, int] | None = None, indent: int | None = None,
                      rev: str | None = None) -> str:
        """A paragraph; `rev` marks it wholly inserted or deleted, paragraph mark included."""
        ppr = [f'<w:pStyle w:val="{style}"/>']
        if numbering is not None:
            ppr.append(f'<w:numPr><w:ilvl w:val="{numbering[1]}"/><w:numId w:val="{numbering[0]}"/></w:numPr>')
        elif indent is not None:  # a further paragraph of a list item: aligned with its text
            left = (397 if style in ("Tabletext", "Tablehead") else 794) * (indent + 1)
            ppr.append(f'<w:ind w:left="{left}" w:hanging="0"/>')
        if rev is not None:
            for run in runs:
                run.rev = run.rev or rev
            ppr.append(f"<w:rPr><w:{rev} {self.revision(rev)}/></w:rPr>")
        body = self.runs_xml(runs)
        xml = f"<w:p><w:pPr>{''.join(ppr)}</w:pPr>{body}</w:p>"
        if element_id and element_id in self.doc.targets:
            xml = self.bookmarked(xml, element_id)
        return xml

    def runs_xml(self, runs: list[_Run]) -> str:
        # Collapse whitespace as HTML does: runs of spaces and newlines become one space, trimmed at the ends.
        pieces: list[tuple[_Run, str]] = []
        # With tracked changes there are two texts, accepted and rejected: a space is dropped only
        # when every text the run belongs to already ends with one.
        space = {"ins": True, "del": True}  # at paragraph start, leading spaces vanish
        for run in runs:
            views = ("ins", "del") if run.rev is None else (run.rev,)
            if run.kind != "text":
                pieces.append((run, ""))
                for view in views:
                    space[view] = run.kind == "br"
                continue
            text = re.sub(r"[ \n\r]+", " ", run.text)
            if all(space[view] for view in views):
                text = text.lstrip(" ")
            if not text:
                continue
            for view in views:
                space[view] = text.endswith((" ", "\t"))
            pieces.append((run, text))
        while pieces and pieces[-1][0].kind == "text":
            run, text = pieces[-1]
            stripped = text.rstrip(" ")
            if stripped:
                pieces[-1] = (run, stripped)
                break
            pieces.pop()
        out: list[str] = []
        open_link: tuple[str, str] | None = None
        open_rev: str | None = None  # a tracked change sits inside a hyperlink, never around one
        for run, text in pieces:
            if (run.link != open_link or run.rev != open_rev) and open_rev is not None:
                out.append(f"</w:{open_rev}>")
                open_rev = None
            if run.link != open_link:
                if open_link is not None:
                    out.append("</w:hyperlink>")
                if run.link is not None:
                    kind, target = run.link
                    attr = f'w:anchor="{_attr(target)}"' if kind == "anchor" else f'r:id="{target}"'
                    out.append(f"<w:hyperlink {attr}>")
                open_link = run.link
            if run.rev != open_rev and run.rev is not None:
                out.append(f"<w:{run.rev} {self.revision(run.rev)}>")
                open_rev = run.rev
            rpr = _rpr(run.props)
            text_tag = "w:delText" if run.rev == "del" else "w:t"
            if run.kind == "br":
                out.append(f"<w:r>{rpr}<w:br/></w:r>")
            elif run.kind == "drawing":
                out.append(f"<w:r>{run.drawing}</w:r>")
            elif run.kind == "footnote":
                out.append(f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                           f'<w:footnoteReference w:id="{run.footnote}"/></w:r>')
            elif run.kind == "footnoteRef":
                out.append(f"<w:r>{rpr}<w:footnoteRef/></w:r>")
            elif run.kind == "seq":
                instr_tag = "w:delInstrText" if run.rev == "del" else "w:instrText"
                out.append(
                    f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
                    f'<w:r>{rpr}<{instr_tag} xml:space="preserve"> SEQ {run.field} \\* ARABIC </{instr_tag}></w:r>'
                    f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
                    f'<w:r>{rpr}<{text_tag} xml:space="preserve">{_esc(run.text)}</{text_tag}></w:r>'
                    f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
                )
            else:
                parts = text.split("\t")
                inner = []
                for n, part in enumerate(parts):
                    if n:
                        inner.append("<w:tab/>")
                    if part:
                        inner.append(f'<{text_tag} xml:space="preserve">{_esc(part)}</{text_tag}>')
                out.append(f"<w:r>{rpr}{''.join(inner)}</w:r>")
        if open_rev is not None:
            out.append(f"</w:{open_rev}>")
        if open_link is not None:
            out.append("</w:hyperlink>")
        return "".join(out)

    # --- sections -------------------------------------------------------------

    def sect_pr(self, landscape: bool) -> str:
        first = self.doc.sections == 0
        self.doc.sections += 1
        width, height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
        orient = ' w:orient="landscape"' if landscape else ""
        refs = '<w:headerReference w:type="default" r:id="rIdHeaderDefault"/>'
        if first:
            refs += '<w:headerReference w:type="first" r:id="rIdHeaderFirst"/>'
        return (
            f"<w:sectPr>{refs}"
            + ("" if first else '<w:type w:val="nextPage"/>')
            + f'<w:pgSz w:w="{width}" w:h="{height}"{orient}/>'
            f'<w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" '
            f'w:header="{HEADER_DISTANCE}" w:footer="{HEADER_DISTANCE}" w:gutter="0"/>'
            + ("<w:titlePg/>" if first else "")
            + "</w:sectPr>"
        )

    def section_break(self, landscape: bool, rev: str | None = None) -> str:
        """A paragraph that ends the current section (portrait or landscape)."""
        mark = f"<w:rPr><w:{rev} {self.revision(rev)}/></w:rPr>" if rev else ""
        return f'<w:p><w:pPr><w:spacing w:before="0"/>{mark}{self.sect_pr(landscape)}</w:pPr></w:p>'

    def document_xml(self) -> str:
        body_el = self.root.find("body")
        if body_el is None:
            raise ValueError("the layout has no <body>")
        out: list[str] = []
        self.blocks(body_el, _Context(), out)
        if not out or out[-1].startswith(("<w:tbl>", '<w:p><w:pPr><w:spacing w:before="0"/>')):
            out.append("<w:p/>")
        final = self.sect_pr(False)
        self.doc.body = out
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NS}><w:body>'
                + "".join(out) + final + "</w:body></w:document>")


# --- static parts ---------------------------------------------------------------


def _numbering_xml(nums: list[int]) -> str:
    formats = {
        "bullet": [("bullet", "–"), ("bullet", "·"), ("bullet", "–")],
        "decimal": [("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "%3)")],
        "lowerRoman": [("lowerRoman", "%1."), ("lowerLetter", "%2)"), ("decimal", "%3.")],
        "lowerLetter": [("lowerLetter", "%1)"), ("lowerRoman", "%2)"), ("decimal", "%3.")],
    }
    abstract = []
    for kind, (body_id, table_id) in LIST_KINDS.items():
        for abstract_id, in_table in ((body_id, False), (table_id, True)):
            levels = []
            for level, (fmt, text) in enumerate(formats[kind]):
                # enumlev1/enumlev2 in the body; tighter steps inside table cells
                if in_table:
                    left, hanging = 340 * (level + 1), 340
                else:
                    left, hanging = 794 + 397 * level, 794 if level == 0 else 397
                levels.append(
                    f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                    f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                    f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs>'
                    f'<w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr></w:lvl>'
                )
            abstract.append(
                f'<w:abstractNum w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="hybridMultilevel"/>'
                + "".join(levels) + "</w:abstractNum>"
            )
    outline = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:lvlText w:val="{".".join(f"%{n}" for n in range(1, level + 2))}"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:tabs><w:tab w:val="num" w:pos="794"/></w:tabs><w:ind w:left="794" w:hanging="794"/></w:pPr>'
        "</w:lvl>"
        for level in range(3)
    )
    abstract.append(f'<w:abstractNum w:abstractNumId="{HEADING_ABSTRACT}"><w:multiLevelType w:val="multilevel"/>'
                    f"{outline}</w:abstractNum>")
    instances = "".join(
        f'<w:num w:numId="{n}"><w:abstractNumId w:val="{a}"/>'
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        for n, a in enumerate(nums, 1)
    )
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering {NS}>'
            + "".join(abstract) + instances + "</w:numbering>")


def _footnotes_xml(notes: list[str]) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {NS}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr>'
        '<w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:before="0" w:after="0"/>'
        '</w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
        + "".join(notes) + "</w:footnotes>"
    )


def _header_xml(document_number: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {NS}>'
        '<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:t xml:space="preserve">- </w:t></w:r>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>2</w:t></w:r></w:fldSimple>'
        '<w:r><w:t xml:space="preserve"> -</w:t></w:r></w:p>'
        f'<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:t xml:space="preserve">{_esc(document_number)}'
        "</w:t></w:r></w:p></w:hdr>"
    )


def _empty_header_xml() -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {NS}>'
            '<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr></w:p></w:hdr>')


SETTINGS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings {NS}>'
    '<w:defaultTabStop w:val="794"/><w:characterSpacingControl w:val="doNotCompress"/>'
    '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
    'w:val="15"/></w:compat></w:settings>'
)

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/numbering.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
    '<Override PartName="/word/footnotes.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
    '<Override PartName="/word/header1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/header2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _font_state(cache_base: str) -> bytes:
    """When fontconfig last rebuilt its caches (installing a font does): a PNG drawn before the
    TD's font was installed must not outlive it. A few stat calls, no font loading."""
    stamps = []
    for folder in ("/var/cache/fontconfig", os.path.join(cache_base, "fontconfig")):
        try:
            stamps.append(f"{folder}:{os.stat(folder).st_mtime_ns}")
        except OSError:
            stamps.append(f"{folder}:-")
    return "\n".join(stamps).encode()


def svg_to_png(svg: bytes) -> bytes:
    """PNG of an SVG drawing (cairosvg), cached per user: importing cairosvg alone costs 0.25 s."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = hashlib.sha256(svg + _font_state(base)).hexdigest()
    cached = Path(base) / "apdoc" / "png" / f"{key}.png"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    import cairosvg

    png = cairosvg.svg2png(bytestring=svg, scale=2)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(png)
        os.replace(tmp, cached)
    except OSError:
        pass  # no cache: slower next time, same output
    return png


def _document_rels(links: list[str], images: int) -> str:
    rels = [
        ("rIdStyles", "styles", "styles.xml", ""),
        ("rIdSettings", "settings", "settings.xml", ""),
        ("rIdNumbering", "numbering", "numbering.xml", ""),
        ("rIdFootnotes", "footnotes", "footnotes.xml", ""),
        ("rIdHeaderDefault", "header", "header1.xml", ""),
        ("rIdHeaderFirst", "header", "header2.xml", ""),
    ]
    rels += [(f"rIdLink{n}", "hyperlink", href, ' TargetMode="External"') for n, href in enumerate(links, 1)]
    rels += [(f"rIdImage{n}", "image", f"media/image{n}.png", "") for n in range(1, images + 1)]
    body = "".join(
        f'<Relationship Id="{rid}" Type="{_REL}{kind}" Target="{_attr(target)}"{mode}/>'
        for rid, kind, target, mode in rels
    )
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}'
            "</Relationships>")


def _core_xml(title: str, author: str, keywords: str, date: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_esc(title)}</dc:title><dc:creator>{_esc(author)}</dc:creator>"
        f"<cp:keywords>{_esc(keywords)}</cp:keywords>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{_esc(date)}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{_esc(date)}</dcterms:modified>'
        "</cp:coreProperties>"
    )


APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>apdoc</Application></Properties>"
)


def write_docx(html: str) -> bytes:
    """The intermediate XHTML document → the bytes of a .docx file (deterministic)."""
    root = etree.fromstring(html.encode("utf-8"))
    writer = _Writer(root)
    document = writer.document_xml()
    doc = writer.doc
    date = writer.meta.get("date") or FIXED_DATE
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELS),
        ("docProps/core.xml", _core_xml(writer.title, writer.meta.get("author", ""),
                                        writer.meta.get("keywords", ""), date)),
        ("docProps/app.xml", APP_XML),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", _document_rels(doc.links, len(doc.images))),
        ("word/styles.xml", _styles()[0]),
        ("word/settings.xml", SETTINGS),
        ("word/numbering.xml", _numbering_xml(doc.nums)),
        ("word/footnotes.xml", _footnotes_xml(doc.footnotes)),
        ("word/header1.xml", _header_xml(doc.document_number)),
        ("word/header2.xml", _empty_header_xml()),
        *((f"word/media/image{n}.png", png) for n, png in enumerate(doc.images, 1)),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text if isinstance(text, bytes) else text.encode("utf-8"))
    return buffer.getvalue()
