"""The DOCX writer on small XHTML documents, fed straight to `write_docx` (no plan, no
templates): what each piece of the layout vocabulary becomes in WordprocessingML."""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from lxml import etree

from apdoc.anchors import AnchorMap, bookmark_name, read_anchor_properties
from apdoc.diagnostics import PlanError
from apdoc.writers.docx import look as look_module
from apdoc.writers.docx import write_docx
from apdoc.writers.docx.look import LOOK_FILE, look

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
}


def w(name: str) -> str:
    return f"{{{NS['w']}}}{name}"


def xhtml(body: str, head: str = "") -> str:
    return (f'<html lang="en"><head><title>T</title><meta name="document-number" content="TD 1"/>{head}'
            f"</head><body>{body}</body></html>")


def parts(body: str, head: str = "") -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(write_docx(xhtml(body, head)))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def document(body: str, head: str = "") -> etree._Element:
    return etree.fromstring(parts(body, head)["word/document.xml"])


def paragraph_texts(root: etree._Element) -> list[str]:
    return ["".join(p.xpath(".//w:t/text() | .//w:delText/text()", namespaces=NS))
            for p in root.iterfind(".//w:p", NS)]


def test_row_spans_and_column_spans_make_a_grid_of_merged_cells() -> None:
    root = document(
        "<table><tbody>"
        '<tr><td rowspan="2">A</td><td colspan="2">B</td></tr>'
        "<tr><td>C</td><td>D</td></tr>"
        '<tr><td colspan="3">E</td></tr>'
        "</tbody></table>"
    )
    (table,) = root.iterfind(".//w:tbl", NS)
    assert len(table.findall("w:tblGrid/w:gridCol", NS)) == 3
    rows = table.findall("w:tr", NS)
    shape = [[(c.findtext(".//w:t", namespaces=NS) or "",
               c.find("w:tcPr/w:gridSpan", NS).get(w("val")) if c.find("w:tcPr/w:gridSpan", NS) is not None else "1",
               c.find("w:tcPr/w:vMerge", NS).get(w("val"), "continue") if c.find("w:tcPr/w:vMerge", NS) is not None
               else "")
              for c in row.findall("w:tc", NS)] for row in rows]
    assert shape == [
        [("A", "1", "restart"), ("B", "2", "")],
        [("", "1", "continue"), ("C", "1", ""), ("D", "1", "")],
        [("E", "3", "")],
    ]
    widths = [int(c.get(w("w"))) for c in table.findall("w:tblGrid/w:gridCol", NS)]
    merged_width = int(rows[0].findall("w:tc", NS)[1].find("w:tcPr/w:tcW", NS).get(w("w")))
    assert merged_width == widths[1] + widths[2]


def test_a_header_row_repeats_and_cells_take_the_table_styles() -> None:
    root = document("<table><thead><tr><th>H</th></tr></thead><tbody><tr><td>x</td></tr></tbody></table>")
    header_row, body_row = root.iterfind(".//w:tr", NS)
    assert header_row.find("w:trPr/w:tblHeader", NS) is not None
    assert body_row.find("w:trPr/w:tblHeader", NS) is None
    styles = [p.find("w:pPr/w:pStyle", NS).get(w("val")) for p in root.iterfind(".//w:tc/w:p", NS)]
    assert styles == [look().styles.table_head, look().styles.table_text]


def test_a_nested_list_continues_its_parent_numbering_one_level_down() -> None:
    root = document("<ul><li>one<ul><li>inner</li></ul></li><li>two</li></ul><ol><li>first</li></ol>")
    items = [(p.find("w:pPr/w:pStyle", NS).get(w("val")),
              p.find("w:pPr/w:numPr/w:numId", NS).get(w("val")),
              p.find("w:pPr/w:numPr/w:ilvl", NS).get(w("val")),
              "".join(p.xpath(".//w:t/text()", namespaces=NS)))
             for p in root.iterfind(".//w:body/w:p", NS) if p.find("w:pPr/w:numPr", NS) is not None]
    level1, level2 = look().styles.list_levels
    # numId 1 is always the headings' outline list: the lists are 2 and 3
    assert items == [(level1, "2", "0", "one"), (level2, "2", "1", "inner"), (level1, "2", "0", "two"),
                     (level1, "3", "0", "first")]


def test_list_indents_come_from_the_look() -> None:
    numbering = etree.fromstring(parts("<ul><li>a</li></ul>")["word/numbering.xml"])
    body, table = look().indents(False), look().indents(True)
    bullet_body = numbering.find("w:abstractNum[@w:abstractNumId='0']", NS)
    bullet_table = numbering.find("w:abstractNum[@w:abstractNumId='1']", NS)
    for level in range(3):
        for abstract, indents in ((bullet_body, body), (bullet_table, table)):
            ind = abstract.find(f"w:lvl[@w:ilvl='{level}']/w:pPr/w:ind", NS)
            assert (int(ind.get(w("left"))), int(ind.get(w("hanging")))) == (indents.left(level),
                                                                              indents.hanging(level))
    assert (body.left(0), body.left(1), table.left(1)) == (794, 1191, 680)  # the TD's look today


def test_a_list_item_s_second_paragraph_is_indented_to_its_text() -> None:
    root = document("<ol><li><p>first</p><p>second</p></li></ol>")
    first, second = root.iterfind(".//w:body/w:p", NS)
    assert first.find("w:pPr/w:numPr", NS) is not None
    assert second.find("w:pPr/w:numPr", NS) is None
    assert second.find("w:pPr/w:ind", NS).get(w("left")) == str(look().indents(False).continuation)


def test_a_footnote_is_a_real_footnote() -> None:
    files = parts('<p>Text<span class="footnote" id="fn-a">The <em>note</em>.</span> after.</p>')
    body = etree.fromstring(files["word/document.xml"])
    (reference,) = body.iterfind(".//w:footnoteReference", NS)
    assert reference.get(w("id")) == "1"
    assert paragraph_texts(body) == ["Text after."]
    notes = etree.fromstring(files["word/footnotes.xml"])
    (note,) = notes.xpath("w:footnote[@w:id='1']", namespaces=NS)
    assert note.find(".//w:footnoteRef", NS) is not None
    assert "".join(note.xpath(".//w:t/text()", namespaces=NS)) == "The note."
    assert note.find("w:p/w:pPr/w:pStyle", NS).get(w("val")) == look().styles.footnote_text
    assert note.xpath(".//w:r[w:rPr/w:i]/w:t/text()", namespaces=NS) == ["note"]


def test_inserted_and_deleted_runs_are_tracked_changes() -> None:
    root = document('<p>keep <del>old</del><ins>new</ins> words</p>',
                    '<meta name="revision-author" content="A &amp; B"/>'
                    '<meta name="revision-date" content="2024-05-01T00:00:00Z"/>')
    (paragraph,) = root.iterfind(".//w:body/w:p", NS)
    deletion, insertion = paragraph.find("w:del", NS), paragraph.find("w:ins", NS)
    assert deletion.findtext("w:r/w:delText", namespaces=NS) == "old"
    assert deletion.find("w:r/w:t", NS) is None
    assert insertion.findtext("w:r/w:t", namespaces=NS) == "new"
    assert {deletion.get(w("author")), insertion.get(w("author"))} == {"A & B"}
    assert insertion.get(w("date")) == "2024-05-01T00:00:00Z"
    assert deletion.get(w("id")) != insertion.get(w("id"))
    assert paragraph_texts(root) == ["keep oldnew words"]


def test_a_deleted_paragraph_marks_its_paragraph_mark_too() -> None:
    root = document('<p data-rev="del">gone</p><p>stays</p>')
    gone = root.find(".//w:body/w:p", NS)
    assert gone.find("w:pPr/w:rPr/w:del", NS) is not None
    assert gone.findtext("w:del/w:r/w:delText", namespaces=NS) == "gone"


def test_every_id_is_a_bookmark_and_an_internal_link_goes_to_its_target() -> None:
    root = document('<h1 id="intro"><span class="number">1</span>Intro</h1><p id="unlinked">x</p>'
                    '<p>See <a href="#intro">clause 1</a>.</p>')
    starts = root.findall(".//w:bookmarkStart", NS)
    assert [s.get(w("name")) for s in starts] == [bookmark_name("intro"), bookmark_name("unlinked")]
    heading = starts[0].getparent()
    assert heading.find("w:pPr/w:pStyle", NS).get(w("val")) == look().styles.headings[0]
    assert heading.index(starts[0]) == 1  # right after the paragraph properties
    assert heading[-1].tag == w("bookmarkEnd") and heading[-1].get(w("id")) == starts[0].get(w("id"))
    (link,) = root.iterfind(".//w:hyperlink", NS)
    assert link.get(w("anchor")) == starts[0].get(w("name"))
    assert "".join(link.xpath(".//w:t/text()", namespaces=NS)) == "clause 1"


def test_a_table_row_and_cell_are_anchored_in_the_first_paragraph_they_give() -> None:
    files = parts('<table id="t"><caption>Table <span class="number">1</span> – T</caption>'
                  '<tbody><tr id="t-r0"><td id="t-r0-c0"><p id="t-p">a</p></td><td id="t-r0-c1"></td></tr></tbody>'
                  '</table>')
    root = etree.fromstring(files["word/document.xml"])
    caption, first_cell, empty_cell = (p for p in root.iter(w("p")) if p.find("w:bookmarkStart", NS) is not None)
    names = [[s.get(w("name")) for s in p.findall("w:bookmarkStart", NS)] for p in (caption, first_cell, empty_cell)]
    assert names == [[bookmark_name("t")], [bookmark_name(i) for i in ("t-r0", "t-r0-c0", "t-p")],
                     [bookmark_name("t-r0-c1")]]
    custom = etree.fromstring(files["docProps/custom.xml"])
    properties = {p.get("name"): "".join(p.itertext()) for p in custom}
    ids, tags = read_anchor_properties(properties)
    assert ids[bookmark_name("t-r0-c1")] == "t-r0-c1"
    assert tags == {"t": "table", "t-r0": "tr", "t-r0-c0": "td", "t-p": "p", "t-r0-c1": "td"}


def test_an_anchor_map_of_more_than_999_parts_reads_back_whole() -> None:
    """A plan 100 times the seed's size needs over 999 parts (-1000 sorts before -101 by name)."""
    anchors = [(hashlib.sha256(str(n).encode()).hexdigest(), "p") for n in range(12_000)]
    packer = AnchorMap()
    for element_id, tag in anchors:
        packer.add(bookmark_name(element_id), element_id, tag)
    properties = packer.properties()
    assert len(properties) > 1000
    ids, tags = read_anchor_properties(properties)
    assert len(ids) == len(tags) == len(anchors) and ids[bookmark_name(anchors[-1][0])] == anchors[-1][0]


def test_an_external_link_is_a_relationship_and_text_is_escaped_by_the_xml_library() -> None:
    files = parts('<p>a &lt;b&gt; &amp; "c" <a href="https://example.org/?a=1&amp;b=2">x</a></p>')
    rels = etree.fromstring(files["word/_rels/document.xml.rels"])
    (link,) = etree.fromstring(files["word/document.xml"]).iterfind(".//w:hyperlink", NS)
    (rel,) = rels.xpath("rel:Relationship[@Id=$id]", namespaces=NS, id=link.get(f"{{{NS['r']}}}id"))
    assert rel.get("Target") == "https://example.org/?a=1&b=2" and rel.get("TargetMode") == "External"
    assert paragraph_texts(etree.fromstring(files["word/document.xml"])) == ['a <b> & "c" x']


def test_the_caption_sequence_comes_from_the_look_or_data_seq_not_from_the_caption_text() -> None:
    root = document('<table><caption>Tableau <span class="number">3</span> – t</caption><tr><td>x</td></tr></table>'
                    '<table><caption data-seq="Annex">Table <span class="number">A.1</span></caption>'
                    "<tr><td>y</td></tr></table>")
    instructions = [t.text for t in root.iterfind(".//w:instrText", NS)]
    assert instructions == [f" SEQ {look().captions.caption.sequence} \\* ARABIC ", " SEQ Annex \\* ARABIC "]
    caption = root.find(".//w:body/w:p", NS)
    assert caption.find("w:pPr/w:pStyle", NS).get(w("val")) == look().captions.caption.style


@pytest.fixture
def look_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the look files that the writer reads instead of the shipped ones."""
    folder = tmp_path / "parts"
    shutil.copytree(look_module.parts_dir(), folder)
    monkeypatch.setattr(look_module, "parts_dir", lambda: folder)
    caches = [look_module.look, look_module.styles_part, look_module.theme_part, look_module.style_kinds,
              look_module.style_fonts]
    for cached in caches:
        cached.cache_clear()
    yield folder
    for cached in caches:
        cached.cache_clear()


def test_a_look_change_is_a_change_to_the_look_file_not_to_the_writer(look_folder: Path) -> None:
    look_file = look_folder / LOOK_FILE
    text = look_file.read_text(encoding="utf-8")
    text = text.replace('table_text = "Tabletext"', 'table_text = "Note"').replace("first = 794", "first = 700")
    look_file.write_text(text.replace('sequence = "Table"', 'sequence = "Tableau"'), encoding="utf-8")
    files = parts('<table><caption>Table <span class="number">1</span></caption><tr><td>x</td></tr></table>'
                  "<ul><li>a</li></ul>")
    root = etree.fromstring(files["word/document.xml"])
    assert root.find(".//w:tc/w:p/w:pPr/w:pStyle", NS).get(w("val")) == "Note"
    assert root.find(".//w:instrText", NS).text == " SEQ Tableau \\* ARABIC "
    numbering = etree.fromstring(files["word/numbering.xml"])
    ind = numbering.find("w:abstractNum[@w:abstractNumId='0']/w:lvl[@w:ilvl='1']/w:pPr/w:ind", NS)
    assert ind.get(w("left")) == str(700 + 397)


def test_a_look_naming_a_style_that_styles_xml_lacks_is_an_error_naming_the_file(look_folder: Path) -> None:
    look_file = look_folder / LOOK_FILE
    text = look_file.read_text(encoding="utf-8").replace('hyperlink = "Hyperlink"', 'hyperlink = "Heading1"')
    look_file.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as error:
        write_docx(xhtml("<p>x</p>"))
    message = "error: not a style of that type in styles.xml: Heading1 (character)"
    assert str(error.value).endswith(f"{LOOK_FILE}: {message}")


def test_a_broken_look_file_is_an_error_naming_the_file(look_folder: Path) -> None:
    look_file = look_folder / LOOK_FILE
    look_file.write_text(look_file.read_text(encoding="utf-8").replace("[page]", "[page]\nunknown = 1"),
                         encoding="utf-8")
    with pytest.raises(PlanError, match=f"{LOOK_FILE}: error: page.unknown: Extra inputs are not permitted"):
        write_docx(xhtml("<p>x</p>"))


def test_font_table_and_theme_are_related_and_typed() -> None:
    files = parts("<p>x <code>y</code></p>")
    rels = etree.fromstring(files["word/_rels/document.xml.rels"])
    targets = {r.get("Type").rsplit("/", 1)[1]: r.get("Target") for r in rels}
    assert targets["fontTable"] == "fontTable.xml" and targets["theme"] == "theme/theme1.xml"
    types = etree.fromstring(files["[Content_Types].xml"])
    overrides = {o.get("PartName") for o in types.iterfind("ct:Override", NS)}
    assert {"/word/fontTable.xml", "/word/theme/theme1.xml"} <= overrides
    fonts = [f.get(w("name")) for f in etree.fromstring(files["word/fontTable.xml"])]
    assert look().code_font in fonts and "Times New Roman" in fonts


def test_the_same_xhtml_gives_the_same_bytes_and_python_docx_reads_it() -> None:
    body = '<h1><span class="number">1</span>T</h1><p>a<span class="footnote">n</span></p><ul><li>i</li></ul>'
    data = write_docx(xhtml(body))
    assert data == write_docx(xhtml(body))
    assert [p.text for p in docx.Document(io.BytesIO(data)).paragraphs][:2] == ["T", "a"]


def test_an_element_outside_the_vocabulary_is_refused() -> None:
    with pytest.raises(ValueError, match="<marquee> is not in the layout vocabulary"):
        write_docx(xhtml("<marquee>x</marquee>"))


# A little of everything: headings, footnotes, links, tracked changes, spans, lists, a landscape section.
RICH_BODY = (
    '<h1 id="a"><span class="number">1</span>T</h1><p>x<span class="footnote">n</span> '
    '<a href="#a">l</a> <a href="https://example.org">e</a> <del>d</del><ins>i</ins></p>'
    '<table><caption>Table <span class="number">1</span></caption><thead><tr><th colspan="2">h</th></tr>'
    '</thead><tbody><tr><td rowspan="2">a</td><td>b</td></tr><tr data-rev="del"><td>c</td></tr></tbody></table>'
    '<ol class="lower-roman"><li>a<ol><li>b</li></ol></li></ol>'
    '<section class="landscape"><p>wide</p></section>'
)


def test_every_part_declares_its_namespaces_once_on_its_root() -> None:
    for name, data in parts(RICH_BODY).items():
        if name.endswith((".xml", ".rels")):
            root = etree.fromstring(data)
            assert all(element.nsmap == root.nsmap for element in root.iter(etree.Element)), name
            assert data.count(b"xmlns") == len(root.nsmap), name  # no declaration below the root


def test_openxml_audit_finds_no_problem(tmp_path: Path) -> None:
    audit = pytest.importorskip("openxml_audit")
    path = tmp_path / "fragment.docx"
    path.write_bytes(write_docx(xhtml(RICH_BODY, '<meta name="revision-author" content="x"/>')))
    result = audit.OpenXmlValidator().validate(str(path))
    assert [error.description for error in result.errors] == []
