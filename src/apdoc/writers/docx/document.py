"""The walk of the intermediate XHTML: blocks, lists, tables, figures, paragraphs and runs."""

from __future__ import annotations

import re
from dataclasses import replace

from lxml import etree

from .common import (
    BLOCKS,
    CAPTIONS,
    EMU_PER_PX,
    FIXED_DATE,
    HEADER_DISTANCE,
    HEADING_ABSTRACT,
    HEADING_NUMBER,
    INLINE,
    LIST_CLASSES,
    LIST_KINDS,
    MARGIN,
    NS,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    REVISIONS,
    SVG,
    TEXT_WIDTH,
    Context,
    Document,
    Run,
    bookmark_name,
    classes,
    col_width,
    escape_attr,
    escape_text,
    run_properties,
    style_of,
)
from .figures import svg_to_png


class Writer:
    def __init__(self, root: etree._Element):
        self.doc = Document()
        head = root.find("head")
        self.meta = {m.get("name"): m.get("content") or "" for m in root.iter("meta") if m.get("name")}
        self.title = (head.findtext("title") if head is not None else "") or ""
        self.doc.document_number = self.meta.get("document-number", "")
        self.doc.targets = {
            a.get("href")[1:] for a in root.iter("a") if (a.get("href") or "").startswith("#")
        }
        self.root = root
        self.list_kinds: dict[int, str] = {}
        self.rev_author = escape_attr(self.meta.get("revision-author") or "apdoc")
        self.rev_date = escape_attr(self.meta.get("revision-date") or FIXED_DATE)

    def revision(self, mark: str) -> str:
        """The attributes of one tracked change (w:ins or w:del)."""
        self.doc.annotations += 1
        return f'w:id="{self.doc.annotations}" w:author="{self.rev_author}" w:date="{self.rev_date}"'

    # --- blocks ---------------------------------------------------------------

    def blocks(self, parent: etree._Element, ctx: Context, out: list[str]) -> None:
        """Children of a block container; loose inline content is gathered into paragraphs."""
        pending: list[Run] = []
        if parent.text and parent.text.strip():
            pending.append(Run(parent.text))
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
                pending.append(Run(child.tail))
        if pending:
            out.append(self.paragraph_xml(pending, ctx.style, rev=ctx.rev))

    def block(self, el: etree._Element, ctx: Context, out: list[str]) -> None:
        tag = el.tag
        if el.get("data-rev") in REVISIONS:
            ctx = replace(ctx, rev=el.get("data-rev"))
        if tag in ("h1", "h2", "h3"):
            style = "AnnexNoTitle" if "annex" in classes(el) else f"Heading{tag[1]}"
            style = style_of(el, "paragraph") or style
            runs: list[Run] = []
            numbering = None
            if el.text:
                runs.append(Run(el.text))
            for child in el:
                if child.tag == "span" and "number" in classes(child):
                    number = "".join(child.itertext())
                    if style == f"Heading{tag[1]}" and HEADING_NUMBER.fullmatch(number) \
                            and number.count(".") == int(tag[1]) - 1:
                        numbering = (self.heading_numbering(), number.count("."))
                    else:
                        runs.extend([Run(number), Run("\t")])
                    if child.tail:
                        runs.append(Run(child.tail.lstrip()))
                else:
                    runs.extend(self.inline(child, ()))
                    if child.tail:
                        runs.append(Run(child.tail))
            out.append(self.paragraph_xml(runs, style, el.get("id"), numbering=numbering, rev=ctx.rev))
        elif tag == "p":
            style = style_of(el, "paragraph") or ctx.style
            out.append(self.paragraph_xml(self.inline_children(el), style, el.get("id"), rev=ctx.rev))
        elif tag in ("ul", "ol"):
            self.list_block(el, ctx, out, depth=0, num_id=None)
        elif tag == "blockquote":
            self.blocks(el, replace(ctx, style="Quotation"), out)
        elif tag == "table":
            self.table(el, ctx, out)
        elif tag == "section" and "landscape" in classes(el):
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

    def list_block(self, el: etree._Element, ctx: Context, out: list[str], depth: int, num_id: int | None) -> None:
        kind = "bullet" if el.tag == "ul" else next(
            (LIST_CLASSES[c] for c in classes(el) if c in LIST_CLASSES), "decimal"
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
            pending: list[Run] = []
            if li.text and li.text.strip():
                pending.append(Run(li.text))

            def flush(runs: list[Run], element_id: str | None = None, rev: str | None = item_ctx.rev) -> None:
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
                    pending.append(Run(child.tail))
            if pending or not numbered:
                flush(pending, li.get("id") if not numbered else None)

    # --- tables ---------------------------------------------------------------

    def table(self, el: etree._Element, ctx: Context, out: list[str]) -> None:
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
        weights = [col_width(c) for c in cols.iter("col")] if cols is not None else []
        if len(weights) != columns:
            weights = [1.0] * columns
        total = TEXT_WIDTH[ctx.landscape]
        grid = [int(total * w / sum(weights)) for w in weights]
        table_style = style_of(el, "table") or "TableGrid"
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
                cell_style = style_of(cell, "paragraph") or ("Tablehead" if cell.tag == "th" else "Tabletext")
                content: list[str] = []
                self.blocks(cell, Context(cell_style, True, ctx.landscape, row_rev), content)
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

    def figure(self, el: etree._Element, ctx: Context, out: list[str]) -> None:
        """An inline SVG becomes a PNG picture (Word needs one), its caption a Figure_No & title below it."""
        svg = el.find(SVG)
        if svg is not None:
            png = svg_to_png(etree.tostring(svg))
            self.doc.images.append(png)
            number = len(self.doc.images)
            width_px, height_px = float(svg.get("width", "640")), float(svg.get("height", "320"))
            cx = min(int(width_px * EMU_PER_PX), TEXT_WIDTH[ctx.landscape] * 635)  # 635 EMU per twip
            cy = int(cx * height_px / width_px)
            name = escape_attr(svg.findtext("{http://www.w3.org/2000/svg}title") or f"Figure {number}")
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
            out.append(self.paragraph_xml([Run("", kind="drawing", drawing=drawing)], "Figure", rev=ctx.rev))
        caption = el.find("figcaption")
        if caption is not None:
            out.append(self.paragraph_xml(self.inline_children(caption), "FigureNotitle", el.get("id"), rev=ctx.rev))

    # --- paragraphs and runs ----------------------------------------------------

    def bookmarked(self, paragraph: str, element_id: str) -> str:
        """Wrap a paragraph's content in a bookmark named after an element id."""
        self.doc.annotations += 1
        n = self.doc.annotations
        start = f'<w:bookmarkStart w:id="{n}" w:name="{bookmark_name(element_id)}"/>'
        end = f'<w:bookmarkEnd w:id="{n}"/>'
        if paragraph.endswith("</w:p>"):
            head_end = paragraph.find("</w:pPr>")
            cut = head_end + len("</w:pPr>") if head_end != -1 else len("<w:p>")
            return paragraph[:cut] + start + paragraph[cut:-len("</w:p>")] + end + "</w:p>"
        return paragraph

    def inline_children(self, el: etree._Element, rev: str | None = None) -> list[Run]:
        runs: list[Run] = []
        if el.text:
            runs.append(Run(el.text, rev=rev))
        for child in el:
            if child.tag in BLOCKS:
                raise ValueError(f"<{child.tag}> inside <{el.tag}> is not in the layout vocabulary")
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
            raise ValueError(f"<{tag}> is not in the layout vocabulary (docs/layout-vocabulary.md)")
        if tag in REVISIONS:
            rev = tag
        if tag == "br":
            return [Run("", kind="br", rev=rev)]
        if tag == "span" and "footnote" in classes(el):
            return [Run("", kind="footnote", footnote=self.footnote(el, rev), rev=rev)]
        parent = el.getparent()
        if tag == "span" and "number" in classes(el) and parent is not None and parent.tag in CAPTIONS:
            # A SEQ field, as Word's Insert Caption makes: Word and LibreOffice renumber it, so
            # Reject All on a TD whose tables shifted shows the earlier numbers, not the current ones.
            sequence = (parent.text or "").split()[-1:] or ["Table"]
            return [Run("".join(el.itertext()), props, kind="seq", field=sequence[0], rev=rev)]
        extra = {
            "strong": ("b",), "b": ("b",), "em": ("i",), "i": ("i",), "u": ("u",),
            "sup": ("vertAlign:superscript",), "sub": ("vertAlign:subscript",), "code": ("rFonts:Courier New",),
        }.get(tag, ())
        if tag == "span":
            style = style_of(el, "character")
            extra = (f"rStyle:{style}",) if style else ()
        if tag == "a":
            href = el.get("href") or ""
            if href.startswith("#"):
                link = ("anchor", bookmark_name(href[1:]))
            elif href:
                link = ("id", self.external(href))
            extra = ("rStyle:Hyperlink",)
        inner = props + extra
        runs: list[Run] = []
        if el.text:
            runs.append(Run(el.text, inner, link=link, rev=rev))
        for child in el:
            runs.extend(self.inline(child, inner, link, rev))
            if child.tail:
                runs.append(Run(child.tail, inner, link=link, rev=rev))
        return runs

    def external(self, href: str) -> str:
        if href not in self.doc.link_ids:
            self.doc.links.append(href)
            self.doc.link_ids[href] = len(self.doc.links)
        return f"rIdLink{self.doc.link_ids[href]}"

    def footnote(self, span: etree._Element, rev: str | None = None) -> int:
        number = len(self.doc.footnotes) + 1
        runs = [Run("", ("rStyle:FootnoteReference",), kind="footnoteRef"), Run("\t")]
        runs += self.inline_children(span)
        self.doc.footnotes.append(
            f'<w:footnote w:id="{number}">{self.paragraph_xml(runs, "FootnoteText", None, rev=rev)}</w:footnote>'
        )
        return number

    def paragraph_xml(self, runs: list[Run], style: str, element_id: str | None = None,
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

    def runs_xml(self, runs: list[Run]) -> str:
        # Collapse whitespace as HTML does: runs of spaces and newlines become one space, trimmed at the ends.
        pieces: list[tuple[Run, str]] = []
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
                    attr = f'w:anchor="{escape_attr(target)}"' if kind == "anchor" else f'r:id="{target}"'
                    out.append(f"<w:hyperlink {attr}>")
                open_link = run.link
            if run.rev != open_rev and run.rev is not None:
                out.append(f"<w:{run.rev} {self.revision(run.rev)}>")
                open_rev = run.rev
            rpr = run_properties(run.props)
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
                    f'<w:r>{rpr}<{text_tag} xml:space="preserve">{escape_text(run.text)}</{text_tag}></w:r>'
                    f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
                )
            else:
                parts = text.split("\t")
                inner = []
                for n, part in enumerate(parts):
                    if n:
                        inner.append("<w:tab/>")
                    if part:
                        inner.append(f'<{text_tag} xml:space="preserve">{escape_text(part)}</{text_tag}>')
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
        self.blocks(body_el, Context(), out)
        if not out or out[-1].startswith(("<w:tbl>", '<w:p><w:pPr><w:spacing w:before="0"/>')):
            out.append("<w:p/>")
        final = self.sect_pr(False)
        self.doc.body = out
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NS}><w:body>'
                + "".join(out) + final + "</w:body></w:document>")

