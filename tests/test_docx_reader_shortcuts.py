"""The DOCX reader's per-paragraph, per-run and per-cell short cuts for import's throughput
(issue 20) give what the long way gave: each is checked against the code it replaced, kept here
as the reference, on families of inputs (warnings included: their order is output too)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import groupby

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.intermediate import BOOKMARKED
from apdoc.ooxml import W
from apdoc.readers.docx.blocks import BULLET_TEXT, NO_PARAGRAPH, BlockReader, Para, _drop_prefix, _opens
from apdoc.readers.docx.inline import (
    IMPLICIT,
    LAYERS,
    SILENT_CHARACTER_STYLES,
    Format,
    Piece,
    RunReader,
    append_text,
    build_inline,
    merge_numbers,
)
from apdoc.readers.docx.noise import field_meaning, link_targets
from apdoc.readers.docx.ns import A, child, grandchild, localname, on, val
from apdoc.readers.docx.numbers import (
    COLUMNS,
    LEVEL,
    OUTLINE_LEVEL,
    SIGNED_TWIPS,
    number,
)
from apdoc.readers.docx.styles import GENERATED_NAME, Numbering, Styles, style_key
from apdoc.readers.docx.tables import fill_table

OTHER = "{urn:other}"

# --- the reference: the reader's code as it was (main bc2971d) ---------------------------------


def _old_apply(fmt: Format, props: etree._Element) -> Format:
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


@dataclass
class _OldRuns:
    styles: Styles
    runs: RunReader  # for _child, unchanged

    def run_format(self, run: etree._Element) -> Format:
        rpr = child(run, W + "rPr")
        fmt = Format(link=run.get(A + "link") or "")
        style_id = val(child(rpr, W + "rStyle")) if rpr is not None else None
        apdoc = self.styles.apdoc_id(style_id) if style_id else None
        if apdoc and apdoc not in SILENT_CHARACTER_STYLES and apdoc not in IMPLICIT:
            fmt = replace(fmt, style=apdoc)
        sources = [s.find(W + "rPr") for s in self.styles.chain(style_id)] if style_id and not apdoc else []
        for props in [*reversed(sources), rpr]:
            if props is not None:
                fmt = _old_apply(fmt, props)
        return fmt

    def pieces(self, paragraph: etree._Element) -> Iterator[Piece]:
        for run in paragraph.iter(W + "r"):
            if next(run.iterancestors(W + "p"), None) is not paragraph:
                continue
            fmt = self.run_format(run)
            kind = "number" if run.get(A + "seq") else "text"
            for node in run:
                yield from self.runs._child(node, fmt, kind)


def _old_paragraph(reader: BlockReader, runs: _OldRuns, el: etree._Element) -> Para:
    ppr = child(el, W + "pPr")
    style = val(child(ppr, W + "pStyle")) if ppr is not None else None
    style = style or reader.styles.defaults.get("paragraph")
    para = Para(el, int(el.get(A + "n", "0")), style, reader.styles.apdoc_id(style),
                merge_numbers(list(runs.pieces(el))),
                drawing=any(True for _ in el.iter(W + "drawing", W + "pict", W + "object")))
    para.bookmarks = [b.get(W + "name", "") for b in el.iter(W + "bookmarkStart")]
    own_level = number(child(ppr, W + "outlineLvl"), W + "val", OUTLINE_LEVEL, reader.warn) \
        if ppr is not None else None
    para.heading = own_level + 1 if own_level is not None and own_level < 9 else \
        reader.styles.heading_level(style)
    para.annex = para.apdoc == "AnnexNoTitle"
    para.caption = reader.styles.caption_kind(style)
    num_pr = child(ppr, W + "numPr") if ppr is not None else None
    if num_pr is None or child(num_pr, W + "numId") is None:
        num_pr = reader.styles.first(style, "w:pPr/w:numPr")
    num_id = val(child(num_pr, W + "numId")) if num_pr is not None else None
    level = number(child(num_pr, W + "ilvl"), W + "val", LEVEL, reader.warn, 0) if num_pr is not None else 0
    para.numbered = bool(num_id and num_id != "0")
    if para.numbered and not para.heading and not para.annex:
        kind = reader.numbering.list_kind(num_id or "", level)
        if kind is not None:
            para.listing = (kind[0], kind[1], level, num_id or "")
    ind = child(ppr, W + "ind") if ppr is not None else None
    indent = number(ind, W + "left", SIGNED_TWIPS, reader.warn) if ind is not None and ind.get(W + "left") \
        else number(ind, W + "start", SIGNED_TWIPS, reader.warn)
    para.indented = (indent or 0) > 0
    if para.listing is None and para.apdoc in ("enumlev1", "enumlev2") and BULLET_TEXT.match(para.text):
        para.listing = ("ul", "", int(para.apdoc[-1]) - 1, "typed")
        para.pieces = _drop_prefix(para.pieces, 2)
    return para


def _old_generated(styles: Styles, sid: str | None) -> bool:
    return bool(GENERATED_NAME.fullmatch(style_key(styles.name(sid)))) if sid else False


def _old_link_targets(root: etree._Element) -> set[str]:
    names = {el.get(W + "anchor") for el in root.iter(W + "hyperlink") if el.get(W + "anchor")}
    instructions = [node.text or "" for node in root.iter(W + "instrText")]
    instructions += [node.get(W + "instr", "") for node in root.iter(W + "fldSimple")]
    for instruction in instructions:
        link, _sequence = field_meaning(instruction)
        if link and link.startswith("#"):
            names.add(link[1:])
    return names


def _old_empty(para: Para) -> bool:
    return not para.text.strip() and not any(p.kind in ("footnote", "br") for p in para.pieces) \
        and not para.drawing


def _old_build_inline(parent: etree._Element, pieces: list[Piece], footnote, link, layer: int = 0) -> None:
    while layer < len(LAYERS) and not any(LAYERS[layer][1](p.fmt) for p in pieces):
        layer += 1
    if layer == len(LAYERS):
        for piece in pieces:
            if piece.kind in ("text", "number"):
                if piece.kind == "number":
                    number_span = etree.SubElement(parent, "span", {"class": "number"})
                    number_span.text = piece.text
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
            _old_build_inline(parent, stretch, footnote, link, layer + 1)
            continue
        if name == "a":
            holder = etree.SubElement(parent, "a", {"href": link(str(value))})
        elif name == "span":
            holder = etree.SubElement(parent, "span", {"class": str(value)})
        elif name == "vert":
            holder = etree.SubElement(parent, str(value))
        else:
            holder = etree.SubElement(parent, name)
        _old_build_inline(holder, stretch, footnote, link, layer + 1)


def _old_opens(parent: etree._Element, node: etree._Element) -> bool:
    if (parent.text or "").strip():
        return False
    first = next((c for c in parent if c.tag not in NO_PARAGRAPH), None)
    return first is node


def _old_place_ids(reader: BlockReader, para: Para, element: etree._Element) -> None:
    if reader.positions and para.number and element.get("data-paragraph") is None:
        element.set("data-paragraph", str(para.number))
    if not para.bookmarks:
        return
    ids = list(dict.fromkeys(reader.anchor_ids[name] for name in para.bookmarks
                             if name in reader.anchor_ids and reader.anchor_ids[name] not in reader.placed))
    if not ids:
        return
    chain = []
    node: etree._Element | None = element
    while node is not None and node.tag != "body":
        if node.tag in BOOKMARKED:
            chain.append(node)
        parent = node.getparent()
        if parent is None or not _old_opens(parent, node):
            break
        node = parent
    free = [c for c in chain if c.get("id") is None]
    for element_id in reversed(ids):
        wanted = reader.element_tags.get(element_id)
        target = next((c for c in free if c.tag == wanted), None) if wanted else None
        target = target if target is not None else (free[0] if free else None)
        if target is None:
            reader.warn(para.el, f"the anchor of {element_id!r} has no element left to name")
            continue
        target.set("id", element_id)
        reader.placed.add(element_id)
        free.remove(target)


def _old_fill_table(table: etree._Element, tbl: etree._Element, fill, warn) -> list[etree._Element]:
    rows = [tr for tr in tbl if tr.tag == W + "tr"]
    header_count = 0
    for tr in rows:
        if not on(tr.find(f"{W}trPr/{W}tblHeader")):
            break
        header_count += 1
    if header_count == len(rows):
        header_count = 0
    sections = {"thead": etree.SubElement(table, "thead")} if header_count else {}
    sections["tbody"] = etree.SubElement(table, "tbody")
    above: dict[int, list] = {}
    out_rows = []
    for n, tr in enumerate(rows):
        header = n < header_count
        row = etree.SubElement(sections["thead" if header else "tbody"], "tr")
        out_rows.append(row)
        column = number(tr.find(f"{W}trPr/{W}gridBefore"), W + "val", COLUMNS, warn, 0)
        for tc in [tc for tc in tr if tc.tag == W + "tc"]:
            tc_pr = child(tc, W + "tcPr")
            span = max(1, number(child(tc_pr, W + "gridSpan"), W + "val", COLUMNS, warn, 1)) if tc_pr is not None else 1
            merge = child(tc_pr, W + "vMerge") if tc_pr is not None else None
            if merge is not None and (val(merge) or "continue") == "continue" and column in above:
                above[column][1] += 1
                above[column][0].set("rowspan", str(above[column][1]))
                column += span
                continue
            cell = etree.SubElement(row, "th" if header else "td")
            if span > 1:
                cell.set("colspan", str(span))
            for col in range(column, column + span):
                above.pop(col, None)
            if merge is not None:
                above[column] = [cell, 1]
            fill([c for c in tc if c.tag != W + "tcPr"], cell, "Tablehead" if header else "Tabletext")
            column += span
    if not len(sections["tbody"]):
        table.remove(sections["tbody"])
    return out_rows


# --- the inputs -------------------------------------------------------------------------------

STYLES_XML = f"""<w:styles xmlns:w="{W[1:-1]}">
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
  <w:style w:type="paragraph" w:styleId="H1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/></w:style>
  <w:style w:type="paragraph" w:styleId="Odd"><w:name w:val="Odd"/>
    <w:pPr><w:outlineLvl w:val="x"/><w:numPr><w:numId w:val="1"/><w:ilvl w:val="9"/></w:numPr></w:pPr></w:style>
  <w:style w:type="paragraph" w:styleId="Listed"><w:name w:val="Listed"/><w:basedOn w:val="Odd"/></w:style>
  <w:style w:type="paragraph" w:styleId="Cap"><w:name w:val="Table_No &amp; title"/></w:style>
  <w:style w:type="paragraph" w:styleId="Enum"><w:name w:val="enumlev1"/></w:style>
  <w:style w:type="paragraph" w:styleId="Annex"><w:name w:val="Annex_No &amp; title"/></w:style>
  <w:style w:type="paragraph" w:styleId="Toc"><w:name w:val="TOC 1"/></w:style>
  <w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/><w:rPr><w:b/><w:i w:val="0"/></w:rPr></w:style>
  <w:style w:type="character" w:styleId="Code"><w:name w:val="Code"/><w:basedOn w:val="Strong"/>
    <w:rPr><w:rFonts w:ascii="Courier New"/><w:vertAlign w:val="superscript"/></w:rPr></w:style>
  <w:style w:type="character" w:styleId="Link"><w:name w:val="Hyperlink"/><w:rPr><w:u/></w:rPr></w:style>
</w:styles>"""
NUMBERING_XML = f"""<w:numbering xmlns:w="{W[1:-1]}">
  <w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl>
    <w:lvl w:ilvl="1"><w:numFmt w:val="lowerLetter"/></w:lvl></w:abstractNum>
  <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"""

values = st.sampled_from(["0", "1", "3", "9", "10", "x", "-2", "true", "off", "none", "single", "superscript",
                          "subscript", "F0B7", "001F", "720", "2in", "Courier New", "Arial", ""])


@st.composite
def elements(draw: st.DrawFn, tags: list[str], attributes: list[str], depth: int = 0,
             max_size: int = 4) -> list[etree._Element]:
    """Elements of these tags (in this order of choice), with attributes among these."""
    out = []
    for tag in draw(st.lists(st.sampled_from(tags), max_size=max_size)):
        el = etree.Element(tag)
        for attr in draw(st.lists(st.sampled_from(attributes), max_size=2)) if attributes else []:
            el.set(attr, draw(values))
        out.append(el)
    return out


RPR_TAGS = [W + t for t in ("b", "i", "u", "vertAlign", "rFonts", "rStyle", "color")] + [OTHER + "b"]
RPR_ATTRS = [W + "val", W + "ascii", W + "hAnsi", OTHER + "val"]
RUN_TAGS = [W + t for t in ("t", "t", "delText", "tab", "ptab", "br", "cr", "noBreakHyphen", "sym",
                            "footnoteReference", "endnoteReference", "drawing", "pict")] + [OTHER + "t"]
RUN_ATTRS = [W + "type", W + "char", W + "id"]
TEXTS = st.sampled_from(["", " ", "a", "–\tb", " x ", "\t", "\u3000", "12"])


@st.composite
def runs(draw: st.DrawFn) -> etree._Element:
    run = etree.Element(W + "r")
    if draw(st.booleans()):
        rpr = etree.SubElement(run, W + "rPr")
        for el in draw(elements(RPR_TAGS, RPR_ATTRS)):
            if el.tag == W + "rStyle":
                el.set(W + "val", draw(st.sampled_from(["Strong", "Code", "Link", "Missing", ""])))
            rpr.append(el)
    for attr in draw(st.lists(st.sampled_from([A + "link", A + "seq"]), max_size=2)):
        run.set(attr, draw(st.sampled_from(["", "#b1", "http://x", "Table"])))
    for el in draw(elements(RUN_TAGS, RUN_ATTRS)):
        if el.tag in (W + "t", W + "delText", OTHER + "t"):
            el.text = draw(TEXTS)
        run.append(el)
    return run


PPR_TAGS = [W + t for t in ("pStyle", "outlineLvl", "numPr", "ind", "jc")] + [OTHER + "pStyle"]
PPR_ATTRS = [W + "val", W + "left", W + "start"]


@st.composite
def paragraphs(draw: st.DrawFn, depth: int = 1) -> etree._Element:
    """A w:p as the reader meets it after normalisation, and some it should never meet: runs in
    a wrapper, a paragraph nested in a run, properties given twice."""
    p = etree.Element(W + "p")
    if draw(st.booleans()):
        p.set(A + "n", str(draw(st.integers(0, 99))))
    if draw(st.integers(0, 4)):
        ppr = etree.SubElement(p, W + "pPr")
        for el in draw(elements(PPR_TAGS, PPR_ATTRS)):
            if el.tag == W + "pStyle":
                el.set(W + "val", draw(st.sampled_from(["Normal", "H1", "Odd", "Listed", "Cap", "Enum", "Annex",
                                                        "Toc", "Missing", ""])))
            if el.tag == W + "numPr":
                for inner in draw(elements([W + "numId", W + "ilvl"], [W + "val"])):
                    if inner.tag == W + "numId":
                        inner.set(W + "val", draw(st.sampled_from(["0", "1", "2", "7"])))
                    el.append(inner)
            ppr.append(el)
    for kind in draw(st.lists(st.sampled_from(["run", "run", "bookmark", "wrapped", "nested", "drawing"]),
                              max_size=5)):
        if kind == "run":
            p.append(draw(runs()))
        elif kind == "bookmark":
            etree.SubElement(p, W + "bookmarkStart", {W + "name": draw(st.sampled_from(["b0", "b1", "b2"]))})
        elif kind == "wrapped":
            etree.SubElement(p, OTHER + "wrap").append(draw(runs()))
        elif kind == "drawing":
            etree.SubElement(etree.SubElement(p, W + "r"), W + "object")
        elif depth:
            draw(runs()).append(draw(paragraphs(depth - 1)))
    return p


def _readers() -> tuple[BlockReader, list[str]]:
    warnings: list[str] = []

    def warn(el: etree._Element, message: str) -> None:
        warnings.append(f"{localname(el)}: {message}")

    styles = Styles.read(etree.fromstring(STYLES_XML), warn)
    numbering = Numbering.read(etree.fromstring(NUMBERING_XML), styles, warn)
    reader = BlockReader(styles, numbering, RunReader(styles, warn), {"b0": "x", "b1": "y", "b2": "x"}, {},
                         lambda _parent, _note: None, lambda href: href, warn)
    return reader, warnings


# --- paragraphs, runs and their formats ----------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(st.lists(paragraphs(), min_size=1, max_size=4))
def test_paragraphs_are_read_as_before(ps: list[etree._Element]) -> None:
    new, new_warnings = _readers()
    old, old_warnings = _readers()
    old_runs = _OldRuns(old.styles, old.runs)
    for p in ps:  # several: what is asked once per style is asked again of the same reader
        para, reference = new.paragraph(p), _old_paragraph(old, old_runs, p)
        assert para == reference
        assert para.empty == _old_empty(reference)
        for sid in (para.style, para.style, None, ""):  # asked twice: the second answer from the memo
            assert new.styles.generated(sid) == _old_generated(old.styles, sid)
            assert new.styles.apdoc_id(sid) == old.styles._apdoc_id(sid)
    assert new_warnings == old_warnings


@settings(max_examples=300, deadline=None)
@given(st.lists(runs(), min_size=1, max_size=4))
def test_run_formats_are_as_before(given_runs: list[etree._Element]) -> None:
    new, _ = _readers()
    old, _ = _readers()
    old_runs = _OldRuns(old.styles, old.runs)
    for run in given_runs * 2:  # the second time from what was kept of the first
        assert new.runs.run_format(run) == old_runs.run_format(run)


# --- pieces → XHTML ------------------------------------------------------------------------------

formats = st.builds(Format, link=st.sampled_from(["", "", "#a", "http://x"]), style=st.sampled_from(["", "", "S"]),
                    bold=st.booleans(), italic=st.booleans(), underline=st.booleans(),
                    vert=st.sampled_from(["", "", "sup"]), code=st.booleans())
singles = st.sampled_from([Format(link="#a"), Format(style="S"), Format(bold=True), Format(italic=True),
                           Format(underline=True), Format(vert="sub"), Format(code=True)])  # one layer each
plain_or_not = st.one_of(st.just(Format()), singles, formats)
pieces = st.lists(st.builds(Piece, st.sampled_from(["text", "text", "br", "footnote", "number", "other"]),
                            st.sampled_from(["", " ", "a", "b c"]), plain_or_not, st.sampled_from(["", "3"])),
                  max_size=7)


@settings(max_examples=500, deadline=None)
@given(pieces, st.sampled_from(["", "x"]), st.booleans())
def test_inline_built_as_before(given_pieces: list[Piece], text: str, with_child: bool) -> None:
    def footnote(parent: etree._Element, note: str) -> None:
        etree.SubElement(parent, "span", {"class": "footnote"}).text = note

    trees = []
    for build in (build_inline, _old_build_inline):
        parent = etree.Element("p")
        parent.text = text
        if with_child:
            etree.SubElement(parent, "b").tail = text
        build(parent, given_pieces, footnote, lambda href: href.upper())
        trees.append(etree.tostring(parent))
    assert trees[0] == trees[1]


# --- ids from bookmarks -----------------------------------------------------------------------------

XHTML_TAGS = ["table", "caption", "colgroup", "tbody", "tr", "td", "th", "p", "ul", "li", "h2", "div", "span"]


@st.composite
def xhtml(draw: st.DrawFn, depth: int = 3) -> etree._Element:
    root = etree.Element("body")

    def fill(parent: etree._Element, depth: int) -> None:
        if draw(st.integers(0, 3)) == 0:
            parent.text = draw(st.sampled_from([" ", "t", "\n"]))
        for tag in draw(st.lists(st.sampled_from(XHTML_TAGS), min_size=0 if depth < 3 else 1, max_size=3)):
            node = etree.SubElement(parent, tag)
            if draw(st.integers(0, 4)) == 0:
                node.set("id", "taken")
            if depth:
                fill(node, depth - 1)

    fill(root, depth)
    return root


@settings(max_examples=400, deadline=None)
@given(xhtml(), st.data())
def test_ids_placed_as_before(root: etree._Element, data: st.DataObject) -> None:
    nodes = [n for n in root.iter() if n is not root]
    bookmarks = data.draw(st.lists(st.sampled_from(["b0", "b1", "b2", "b3", "b4"]), max_size=4))
    tags = data.draw(st.dictionaries(st.sampled_from(["x", "y", "z"]), st.sampled_from(["td", "tr", "p", "li", "th"])))
    chosen = data.draw(st.lists(st.integers(0, len(nodes) - 1), min_size=1, max_size=3))
    outcomes = []
    for place in (BlockReader.place_ids, _old_place_ids):
        tree = copy.deepcopy(root)
        copies = [n for n in tree.iter() if n is not tree]
        reader, warnings = _readers()
        reader.anchor_ids = {"b0": "x", "b1": "y", "b2": "x", "b3": "z"}
        reader.element_tags = tags
        for n, index in enumerate(chosen):
            para = Para(etree.Element(W + "p"), n, None, None, [], bookmarks=bookmarks[n:])
            place(reader, para, copies[index])
        outcomes.append((etree.tostring(tree), warnings, reader.placed))
    assert outcomes[0] == outcomes[1]
    for node in nodes:
        parent = node.getparent()
        assert _opens(parent, node) == _old_opens(parent, node)


# --- tables -------------------------------------------------------------------------------------

@st.composite
def tables(draw: st.DrawFn) -> etree._Element:
    tbl = etree.Element(W + "tbl")
    for _ in range(draw(st.integers(0, 4))):
        tr = etree.SubElement(tbl, draw(st.sampled_from([W + "tr", W + "tr", W + "tr", OTHER + "tr"])))
        for el in draw(elements([W + "trPr", W + "trPr", OTHER + "trPr"], [], max_size=2)):
            for inner in draw(elements([W + "tblHeader", W + "gridBefore", OTHER + "tblHeader"], [W + "val"])):
                el.append(inner)
            tr.append(el)
        for _ in range(draw(st.integers(0, 4))):
            tc = etree.SubElement(tr, draw(st.sampled_from([W + "tc", W + "tc", W + "tc", W + "p"])))
            if draw(st.booleans()):
                tc.append(etree.Element(W + "tcPr"))
                for inner in draw(elements([W + "gridSpan", W + "vMerge", W + "vMerge", W + "shd"], [W + "val"])):
                    tc[0].append(inner)
            etree.SubElement(tc, W + "p").set(A + "n", str(len(tbl)))
    return tbl


@settings(max_examples=400, deadline=None)
@given(tables())
def test_tables_filled_as_before(tbl: etree._Element) -> None:
    outcomes = []
    for fill_with in (fill_table, _old_fill_table):
        table, calls, warnings = etree.Element("table"), [], []

        def fill(items: list[etree._Element], cell: etree._Element, default: str) -> None:
            calls.append(([i.get(A + "n") or i.tag for i in items], default))  # noqa: B023
            cell.text = default

        rows = fill_with(table, tbl, fill, lambda el, message: warnings.append(message))  # noqa: B023
        outcomes.append((etree.tostring(table), calls, warnings, [etree.tostring(r) for r in rows]))
    assert outcomes[0] == outcomes[1]


# --- small helpers ------------------------------------------------------------------------------

TAGS = [W + "trPr", W + "tcPr", W + "gridBefore", W + "tblHeader", OTHER + "trPr", "trPr"]


@st.composite
def trees(draw: st.DrawFn, depth: int = 2) -> etree._Element:
    """An element whose children (and theirs) mix these tags and comments."""
    root = etree.Element(W + "tr")

    def fill(parent: etree._Element, depth: int) -> None:
        for kind in draw(st.lists(st.sampled_from([*TAGS, "comment"]), max_size=4)):
            if kind == "comment":
                parent.append(etree.Comment("x"))
                continue
            node = etree.SubElement(parent, kind, {"n": str(len(parent))})
            if depth:
                fill(node, depth - 1)

    fill(root, depth)
    return root


@settings(max_examples=300, deadline=None)
@given(trees(), st.sampled_from(TAGS), st.sampled_from(TAGS))
def test_grandchild_is_find(root: etree._Element, tag: str, inner: str) -> None:
    assert grandchild(root, tag, inner) is root.find(f"{tag}/{inner}")


def test_white_space_is_what_strip_takes() -> None:
    """Para.empty asks str.isspace() of each piece where the old code stripped their join."""
    assert all((chr(c).strip() == "") == chr(c).isspace() for c in range(0x110000))



instructions = st.lists(st.sampled_from([' SEQ Table \\* ARABIC ', ' HYPERLINK \\l "b1" ', 'HYPERLINK "http://x"',
                                         ' REF b2 \\h ', 'REF b3', ' HYPERLINK \\l "b1" \\o "tip"', '"', '']),
                        max_size=6)


@settings(max_examples=200, deadline=None)
@given(instructions, instructions, st.lists(st.sampled_from(["", "a", "b1"]), max_size=3))
def test_link_targets_as_before(texts: list[str], simple: list[str], anchors: list[str]) -> None:
    root = etree.Element(W + "body")
    for text in texts:
        etree.SubElement(etree.SubElement(root, W + "r"), W + "instrText").text = text
    for instr in simple:
        etree.SubElement(root, W + "fldSimple", {W + "instr": instr})
    for anchor in anchors:
        etree.SubElement(root, W + "hyperlink", {W + "anchor": anchor})
    assert link_targets(root) == _old_link_targets(root)
