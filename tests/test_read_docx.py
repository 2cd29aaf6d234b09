"""The DOCX reader (issue 13): a DOCX → the intermediate XHTML, whatever Word did to it.

Round trip at the XHTML level: what the layout gave the DOCX writer is what the reader gives
back (text per block, list nesting, table spans, footnotes, styles), also through Word-shaped
noise and through LibreOffice; views of tracked changes; hostile packages refused.
"""

from __future__ import annotations

import io
import random
import subprocess
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.layout import render_html
from apdoc.plan import load_plan
from apdoc.readers import DocxError, Revision, read_docx
from apdoc.writers.docx import write_docx
from apdoc.writers.docx.runs import bookmark_name
from conftest import MINI_PLAN, SEED_PLAN
from docx_shape import body_shape
from test_properties import SENTENCE, write_plan

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
SVG_NS = "http://www.w3.org/2000/svg"


@cache
def layout(plan: Path) -> str:
    return render_html(load_plan(plan))


@cache
def built(plan: Path) -> bytes:
    return write_docx(layout(plan))


def anchors_of(html: str) -> dict[str, str]:
    """What the caller passes: bookmark name → element id, for every id of the layout."""
    root = etree.fromstring(html.encode())
    return {bookmark_name(el.get("id")): el.get("id") for el in root.iter() if el.get("id")}


def read(data: bytes, html: str | None = None, **options) -> etree._Element:
    options.setdefault("bookmark_ids", anchors_of(html) if html else {})
    result = read_docx(data, source="TD.docx", **options)
    return result.xhtml


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


def document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def with_document(data: bytes, root: etree._Element) -> bytes:
    return replace_part(data, "word/document.xml", etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


# --- (1) round trip: layout → DOCX → reader ----------------------------------------------------


@pytest.mark.parametrize("plan", [SEED_PLAN, MINI_PLAN], ids=["seed", "mini"])
def test_the_reader_gives_back_the_layout_it_was_built_from(plan: Path) -> None:
    html = layout(plan)
    expected = body_shape(html)
    got = body_shape(read(built(plan), html))
    assert got == expected
    tags = {tag for item in expected for tag in item[:1]}
    assert {"h1", "h2", "ul", "ol", "table", "td", "th", "caption"} <= tags or plan == MINI_PLAN


def test_the_seed_round_trip_keeps_what_matters_in_it() -> None:
    """The parts of the seed that a reader most easily loses are there, in the reader's words."""
    root = read(built(SEED_PLAN), layout(SEED_PLAN))
    body = root.find("body")
    assert body.find("table").get("id") == "cover" and "CoverTable" in body.find("table").get("class")
    assert body.find("h1").findtext("span") == "1" and body.find("h1/span").get("class") == "number"
    assert body.find(".//h1[@class='annex']") is not None
    matrix = body.find(".//section[@class='landscape']/table")
    assert matrix is not None and matrix.find("thead/tr/th").get("rowspan") == "2"
    assert body.find(".//ol[@class='lower-roman']") is not None
    footnotes = body.findall(".//span[@class='footnote']")
    assert footnotes and all(f.text for f in footnotes)
    assert body.find(".//figure/figcaption/span[@class='number']").text == "1"
    caption = body.find(".//table/caption")
    assert caption is not None and "".join(caption.itertext()).startswith("Table 1 – Definitions")
    links = [a.get("href") for a in body.iter("a")]
    assert "#ap-AP1.4" in links and any(h.startswith("https://") for h in links)


def words_outside_drawings(element: etree._Element) -> str:
    """An element's words without the spaces between blocks, leaving out SVG text (a figure is a
    picture in Word)."""
    return "".join("".join(element.xpath(f".//text()[not(ancestor::*[namespace-uri()='{SVG_NS}'])]")).split())


@pytest.mark.parametrize("plan", [SEED_PLAN, MINI_PLAN], ids=["seed", "mini"])
@pytest.mark.parametrize("passed", [True, False], ids=["ids-passed", "ids-from-the-td"])
def test_ids_come_from_bookmarks_and_name_the_element_where_they_start(plan: Path, passed: bool) -> None:
    """Every id of the layout comes back on an element of its tag with its text: in the
    document and in the footnotes, whether the caller says which bookmark anchors which id or
    the reader takes that from the TD's custom properties."""
    html = layout(plan)
    expected = {el.get("id"): (el.tag, words_outside_drawings(el))
                for el in etree.fromstring(html.encode()).iter() if el.get("id")}
    result = read_docx(built(plan), source="TD.docx", bookmark_ids=anchors_of(html) if passed else None)
    found = {el.get("id"): el for el in result.xhtml.find("body").iter() if el.get("id")}
    assert set(found) == set(expected)
    kinds = {tag for tag, _ in expected.values()}
    assert {"ul", "td", "tr", "table", "section"} <= kinds
    assert plan == MINI_PLAN or {"span", "figure", "li", "h3"} <= kinds
    for element_id, element in found.items():
        tag, text = expected[element_id]
        assert element.tag == tag, element_id
        assert words_outside_drawings(element) == text, element_id
    assert not result.warnings


def test_footnote_ids_survive_the_renames_libreoffice_makes() -> None:
    """LibreOffice drops a footnote's bookmark that starts before the reference mark (the writer
    starts it after) and renames those it keeps `<name>_Copy_1`: the id still comes back."""
    data = built(SEED_PLAN)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        notes = etree.fromstring(archive.read("word/footnotes.xml"))
    for note in notes.iter(W + "footnote"):
        starts = list(note.iter(W + "bookmarkStart"))
        references = list(note.iter(W + "footnoteRef"))
        if starts:
            order = list(note.iter(W + "bookmarkStart", W + "footnoteRef"))
            assert order.index(references[0]) < order.index(starts[0])
    renamed = 0
    for start in notes.iter(W + "bookmarkStart"):
        start.set(W + "name", start.get(W + "name") + "_Copy_1")
        renamed += 1
    assert renamed >= 4
    saved = replace_part(data, "word/footnotes.xml", etree.tostring(notes, xml_declaration=True, encoding="UTF-8"))
    result = read_docx(saved, source="TD.docx")
    assert [s.get("id") for s in result.xhtml.iter("span") if s.get("class") == "footnote"] == \
        ["fn-sio", "fn-associates", "fn-sme", "fn-conference-url"]
    assert not result.warnings


# --- (6) hostile packages --------------------------------------------------------------------------


def zip_of(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


ENTITY_BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
               b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
               b'<w:document xmlns:w="' + W_NS.encode() + b'"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p>'
               b"</w:body></w:document>")
EXTERNAL_ENTITY = (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                   b'<w:document xmlns:w="' + W_NS.encode() + b'"><w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p>'
                   b"</w:body></w:document>")


def hostile_cases() -> dict[str, tuple[Callable[[], bytes], str]]:
    seed = lambda: parts_of(built(MINI_PLAN))  # noqa: E731 - built on demand, once per case
    return {
        "not a zip": (lambda: b"%PDF-1.7 not a word file at all", "not a DOCX file (not a zip archive)"),
        "a damaged zip": (lambda: built(MINI_PLAN)[:200], "not a DOCX file"),
        "OLE (.doc or encrypted)": (lambda: bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504),
                                    "password-protected or binary Word .doc"),
        "no document.xml": (lambda: zip_of({k: v for k, v in seed().items() if k != "word/document.xml"}),
                            "no word/document.xml"),
        "no content types": (lambda: zip_of({k: v for k, v in seed().items() if k != "[Content_Types].xml"}),
                             "no [Content_Types].xml"),
        "entity expansion": (lambda: zip_of(seed() | {"word/document.xml": ENTITY_BOMB}), "DOCTYPE"),
        "external entity": (lambda: zip_of(seed() | {"word/document.xml": EXTERNAL_ENTITY}), "DOCTYPE"),
        "zip bomb": (lambda: zip_of(seed() | {"word/document.xml": b"<a>" + b" " * (300 * 1024 * 1024) + b"</a>"}),
                     "zip bomb"),
        "a zip of other things": (lambda: zip_of({"hello.txt": b"hello"}), "not a DOCX file"),
    }


@pytest.mark.parametrize("case", list(hostile_cases()))
def test_hostile_packages_are_refused_with_a_clear_error(case: str) -> None:
    make, message = hostile_cases()[case]
    with pytest.raises(DocxError) as caught:
        read_docx(make(), source="TD.docx")
    assert str(caught.value).startswith("TD.docx: ") and message in str(caught.value)


def test_a_bomb_whose_headers_lie_is_refused_as_damaged(monkeypatch: pytest.MonkeyPatch) -> None:
    """The zip's headers say the part is small while it inflates to much more: refused, not read."""
    parts = parts_of(built(MINI_PLAN))
    data = zip_of(parts | {"word/document.xml": parts["word/document.xml"] + b" " * (3 * 1024 * 1024)})
    original = zipfile.ZipFile._RealGetContents

    def lying_headers(self: zipfile.ZipFile) -> None:
        original(self)
        for info in self.infolist():
            if info.filename == "word/document.xml":
                info.file_size = 1000

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", lying_headers)
    with pytest.raises(DocxError, match="cannot be read"):
        read_docx(data, source="TD.docx")


def test_a_part_past_the_cap_is_stopped_while_it_inflates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cap on the bytes inflated holds on its own, not only through the headers' sizes."""
    from apdoc.readers.docx import package

    noise = random.Random(13).randbytes(1536 * 1024).hex().encode()  # 3 MB that compress only 2 times
    data = zip_of(parts_of(built(MINI_PLAN)) | {"word/document.xml": b"<a>" + noise + b"</a>"})
    opened = package.open_package(data, "TD.docx")  # the headers pass: 3 MB is no bomb
    monkeypatch.setattr(package, "MAX_ENTRY", 2 * 1024 * 1024)
    with pytest.raises(DocxError, match="inflates past"):
        opened.read("word/document.xml")


def test_xml_in_utf16_with_a_doctype_is_refused_too() -> None:
    data = zip_of(parts_of(built(MINI_PLAN)) | {"word/document.xml": ENTITY_BOMB.decode().replace(
        'version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")})
    with pytest.raises(DocxError, match="DOCTYPE"):
        read_docx(data, source="TD.docx")


# --- (3) views of tracked changes ---------------------------------------------------------------

NS_DECL = f'xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def docx_with_body(body: str) -> bytes:
    """The mini plan's DOCX (its styles and numbering) with a body written by hand."""
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document {NS_DECL}><w:body>{body}</w:body></w:document>'
    return replace_part(built(MINI_PLAN), "word/document.xml", document.encode())


def texts(data: bytes, accept: Callable[[Revision], bool] | None = None) -> list[str]:
    """The text of each block of a view (paragraphs, list items, cells), in order."""
    body = read_docx(data, source="TD.docx", accept=accept).xhtml.find("body")
    return [" ".join("".join(el.itertext()).split()) for el in body.iter("p", "li", "h1", "h2", "h3")]


def run(text: str, deleted: bool = False, props: str = "") -> str:
    tag = "w:delText" if deleted else "w:t"
    return f'<w:r>{props}<{tag} xml:space="preserve">{text}</{tag}></w:r>'


def mark(kind: str, n: int, author: str, content: str) -> str:
    return f'<w:{kind} w:id="{n}" w:author="{author}" w:date="2024-04-19T10:00:00Z">{content}</w:{kind}>'


def by(author: str) -> Callable[[Revision], bool]:
    return lambda revision: revision.author == author


NESTED = ("<w:p>" + run("Keep ") + mark("ins", 1, "Ann", run("new ") + mark("del", 2, "Bob", run("gone ", True)))
          + mark("del", 3, "Bob", run("old ", True)) + run("end") + "</w:p>")


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "Keep new end"),
    (lambda r: False, "Keep old end"),
    (by("Ann"), "Keep new gone old end"),  # Ann's insertion stays, Bob's deletions are undone
    (by("Bob"), "Keep end"),  # Ann's insertion goes, and with it Bob's deletion inside it
], ids=["accept all", "reject all", "Ann's only", "Bob's only"])
def test_nested_marks_of_two_authors_are_decided_one_by_one(accept, expected: str) -> None:
    assert texts(docx_with_body(NESTED), accept) == [expected]


def test_every_mark_is_recorded_with_who_when_and_where() -> None:
    result = read_docx(docx_with_body("<w:p>" + run("Before") + "</w:p>" + NESTED), source="TD.docx")
    assert [(r.kind, r.id, r.author, r.paragraph, r.text) for r in result.revisions] == [
        ("ins", "1", "Ann", 2, "new gone"), ("del", "2", "Bob", 2, "gone"), ("del", "3", "Bob", 2, "old"),
    ]
    assert all(r.date == "2024-04-19T10:00:00Z" and r.where == "paragraph 2" for r in result.revisions)


DELETED_MARK = ('<w:p><w:pPr><w:rPr>' + mark("del", 1, "Ann", "") + "</w:rPr></w:pPr>" + run("alpha")
                + '</w:p><w:p>' + run(" beta") + "</w:p>")
SPLIT = ('<w:p><w:pPr><w:rPr>' + mark("ins", 1, "Ann", "") + "</w:rPr></w:pPr>" + run("first half")
         + "</w:p><w:p>" + mark("ins", 2, "Ann", run("second")) + run(" half") + "</w:p>")


def test_a_deleted_paragraph_mark_merges_the_paragraph_with_the_next() -> None:
    data = docx_with_body(DELETED_MARK)
    assert texts(data) == ["alpha beta"]
    assert texts(data, lambda r: False) == ["alpha", "beta"]
    assert read_docx(data, source="TD.docx").revisions[0].kind == "paragraph-del"


def test_a_paragraph_split_with_tracking_joins_again_when_rejected() -> None:
    data = docx_with_body(SPLIT)
    assert texts(data) == ["first half", "second half"]
    assert texts(data, lambda r: False) == ["first half half"]
    assert texts(data, lambda r: r.kind == "ins") == ["first halfsecond half"]  # the text as typed


def cell(text: str, content: str | None = None) -> str:
    return f"<w:tc><w:p>{content if content is not None else run(text)}</w:p></w:tc>"


ROWS = ("<w:tbl><w:tblGrid><w:gridCol w:w='100'/></w:tblGrid>"
        "<w:tr>" + cell("kept") + "</w:tr>"
        "<w:tr><w:trPr>" + mark("ins", 1, "Ann", "") + "</w:trPr>" + cell("", mark("ins", 2, "Ann", run("added")))
        + "</w:tr><w:tr><w:trPr>" + mark("del", 3, "Ann", "") + "</w:trPr>"
        + cell("", mark("del", 4, "Ann", run("removed", True))) + "</w:tr></w:tbl>")


def test_inserted_and_deleted_rows_come_and_go_with_their_view() -> None:
    data = docx_with_body(ROWS)
    assert texts(data) == ["kept", "added"]
    assert texts(data, lambda r: False) == ["kept", "removed"]
    kinds = [(r.kind, r.where) for r in read_docx(data, source="TD.docx").revisions]
    assert kinds[0] == ("row-ins", "table 1, row 2, paragraph 2") and kinds[2][0] == "row-del"


MOVE = ("<w:p>" + run("One ") + '<w:moveFromRangeStart w:id="9" w:author="Ann" w:name="move1"/>'
        + mark("moveFrom", 10, "Ann", run("moved ", True)) + '<w:moveFromRangeEnd w:id="9"/>' + run("two")
        + "</w:p><w:p>" + run("Three ") + '<w:moveToRangeStart w:id="11" w:author="Ann" w:name="move1"/>'
        + mark("moveTo", 12, "Ann", run("moved ")) + '<w:moveToRangeEnd w:id="11"/>' + run("four") + "</w:p>")


def inserted_paragraph(text: str, bookmark: str, n: int) -> str:
    """A paragraph inserted whole (its mark too) holding a bookmark."""
    return (f'<w:p><w:pPr><w:rPr>{mark("ins", n, "Ann", "")}</w:rPr></w:pPr>'
            f'<w:bookmarkStart w:id="{n}" w:name="{bookmark}"/>{mark("ins", n + 1, "Ann", run(text))}'
            f'<w:bookmarkEnd w:id="{n}"/></w:p>')


@pytest.mark.parametrize("following", ["table", "paragraph", "end"])
def test_a_paragraph_hidden_whole_goes_with_its_bookmarks(following: str) -> None:
    """Rejected, an inserted paragraph is gone whatever follows it (a paragraph mark cannot join
    a table), and its bookmark names nothing: the element it anchored is not in that view."""
    table = "<w:tbl><w:tr><w:tc><w:p>" + run("cell") + "</w:p></w:tc></w:tr></w:tbl>"
    after = {"table": table, "paragraph": "<w:p>" + run("next") + "</w:p>", "end": ""}[following]
    data = docx_with_body("<w:p>" + run("before") + "</w:p>" + inserted_paragraph("added", "_added", 10) + after)
    ids = {"_added": "added"}
    rejected = read_docx(data, source="TD.docx", accept=lambda r: False, bookmark_ids=ids)
    body = rejected.xhtml.find("body")
    assert [" ".join("".join(p.itertext()).split()) for p in body.iter("p")] == \
        ["before", *{"table": ["cell"], "paragraph": ["next"], "end": []}[following]]
    assert not [el for el in body.iter() if el.get("id")] and not rejected.warnings
    accepted = read_docx(data, source="TD.docx", bookmark_ids=ids).xhtml.find("body")
    assert [p.get("id") for p in accepted.iter("p") if "".join(p.itertext()) == "added"] == ["added"]


def test_moved_text_is_read_once_where_the_view_puts_it() -> None:
    data = docx_with_body(MOVE)
    assert texts(data) == ["One two", "Three moved four"]
    assert texts(data, lambda r: False) == ["One moved two", "Three four"]
    assert [r.kind for r in read_docx(data, source="TD.docx").revisions] == ["moveFrom", "moveTo"]


FORMAT = ('<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:pPrChange w:id="1" w:author="Ann"><w:pPr>'
          '<w:pStyle w:val="Normal"/></w:pPr></w:pPrChange></w:pPr>'
          + run("Title", props='<w:rPr><w:b/><w:rPrChange w:id="2" w:author="Ann"><w:rPr/></w:rPrChange></w:rPr>')
          + "</w:p>")


def test_formatting_changes_show_the_old_formatting_when_rejected() -> None:
    data = docx_with_body(FORMAT)
    accepted = read_docx(data, source="TD.docx", positions=False).xhtml.find("body")
    rejected = read_docx(data, source="TD.docx", accept=lambda r: False, positions=False).xhtml.find("body")
    # Heading1 is numbered by its style (styles.xml links it to the outline list): "1 Title"
    assert etree.tostring(accepted[0]) == b'<h1><span class="number">1</span> <strong>Title</strong></h1>'
    assert etree.tostring(rejected[0]) == b"<p>Title</p>"
    assert [r.kind for r in read_docx(data, source="TD.docx", positions=False).revisions] == ["pPrChange", "rPrChange"]


def test_text_in_w_t_inside_a_deletion_is_deleted_text() -> None:
    """Some producers write w:t where w:delText belongs."""
    data = docx_with_body("<w:p>" + run("a ") + mark("del", 1, "Ann", run("b ")) + run("c") + "</w:p>")
    assert texts(data) == ["a c"]
    assert texts(data, lambda r: False) == ["a b c"]
    assert read_docx(data, source="TD.docx").revisions[0].text == "b"


# --- (4) a TD built with --compare-to ---------------------------------------------------------------


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str, str]:
    """The seed built with --compare-to its previous version: (DOCX, current layout, earlier layout)."""
    from test_revisions import marked_layout, previous_plan

    earlier = previous_plan(tmp_path_factory.mktemp("history") / "earlier")
    marked = write_docx(marked_layout(SEED_PLAN, earlier, author="Editor", date="2024-04-19T10:00:00Z"))
    return marked, layout(SEED_PLAN), render_html(load_plan(earlier))


def assert_views(data: bytes, current: str, earlier: str) -> list[Revision]:
    anchors = anchors_of(current)
    accepted = read_docx(data, source="TD.docx", bookmark_ids=anchors)
    rejected = read_docx(data, source="TD.docx", accept=lambda r: False, bookmark_ids=anchors)
    assert after_cover(accepted.xhtml) == after_cover(current)
    assert after_cover(rejected.xhtml) == after_cover(earlier)
    return accepted.revisions


def test_a_marked_build_reads_as_the_current_version_accepted_and_the_earlier_rejected(
        history: tuple[bytes, str, str]) -> None:
    revisions = assert_views(*history)
    assert revisions and {r.author for r in revisions} == {"Editor"}
    assert {"row-ins", "paragraph-ins", "ins"} <= {r.kind for r in revisions}


def after_cover(document: etree._Element | str) -> list[tuple]:
    """The shape of the body from chapter 1 on (the cover is always the current version's)."""
    shape = body_shape(document)
    return shape[shape.index(("h1", False, "Introduction")):]


# --- (2) Word-shaped noise -------------------------------------------------------------------------


def w_el(tag: str, attrs: dict[str, str] | None = None) -> etree._Element:
    return etree.Element(W + tag, {W + k: v for k, v in (attrs or {}).items()})


def wrap(element: etree._Element, tag: str) -> None:
    """Put `element` inside a wrapper (`sdt` gets its sdtPr and sdtContent)."""
    parent = element.getparent()
    index = parent.index(element)
    if tag == "sdt":
        wrapper = w_el("sdt")
        wrapper.append(w_el("sdtPr"))
        content = etree.SubElement(wrapper, W + "sdtContent")
    else:
        wrapper = content = w_el(tag, {"element": "place"} if tag == "smartTag" else None)
    parent.insert(index, wrapper)
    content.append(element)


def split_runs(root: etree._Element, rng: random.Random) -> None:
    """Split runs at random places, as Word does at every editing session (rsids)."""
    for r in list(root.iter(W + "r")):
        t = r.find(W + "t")
        if t is None or len(r) > 2 or not t.text or len(t.text) < 2 or rng.random() < 0.3:
            continue
        cut = rng.randrange(1, len(t.text))
        second = etree.fromstring(etree.tostring(r))
        second.set(W + "rsidR", f"{rng.randrange(16**8):08X}")
        for child in list(second):
            if child.tag not in (W + "rPr", W + "t"):
                second.remove(child)  # a tab before the text stays in the first half
        t.text, second.find(W + "t").text = t.text[:cut], t.text[cut:]
        for node in (t, second.find(W + "t")):
            node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        r.addnext(second)
        if rng.random() < 0.2:
            r.addnext(w_el("proofErr", {"type": "spellStart"}))
        if rng.random() < 0.1:
            r.insert(1 if r.find(W + "rPr") is not None else 0, w_el("lastRenderedPageBreak"))


def fields_for_links(root: etree._Element, rels: dict[str, str]) -> None:
    """w:hyperlink → a HYPERLINK field around the same runs (what many producers write)."""
    for link in list(root.iter(W + "hyperlink")):
        target = f'\\l "{link.get(W + "anchor")}"' if link.get(W + "anchor") else \
            f'"{rels[link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]}"'
        pieces = [w_el("r"), w_el("r"), w_el("r")]
        pieces[0].append(w_el("fldChar", {"fldCharType": "begin"}))
        etree.SubElement(pieces[1], W + "instrText").text = f" HYPERLINK {target} "
        pieces[2].append(w_el("fldChar", {"fldCharType": "separate"}))
        end = w_el("r")
        end.append(w_el("fldChar", {"fldCharType": "end"}))
        for n, piece in enumerate(pieces):
            link.insert(n, piece)
        link.append(end)
        parent, index = link.getparent(), link.getparent().index(link)
        for offset, child in enumerate(list(link)):
            parent.insert(index + offset, child)
        parent.remove(link)


def add_noise(data: bytes, seed: int) -> bytes:
    rng = random.Random(seed)
    root = document_xml(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels_root = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
    rels = {rel.get("Id"): rel.get("Target") for rel in rels_root}
    fields_for_links(root, rels)
    split_runs(root, rng)
    body = root.find(W + "body")
    first = body.find(W + "p")
    first.insert(1, w_el("bookmarkStart", {"id": "900", "name": "_GoBack"}))
    first.append(w_el("bookmarkEnd", {"id": "900"}))
    for p in rng.sample(body.findall(W + "p"), 5):
        wrap(p, "sdt")  # block-level content controls
    for tbl in rng.sample(body.findall(W + "tbl"), 2):
        wrap(tbl, "sdt")
    rows = list(root.iter(W + "tr"))
    for tr in rng.sample(rows, 3):
        wrap(tr, "sdt")
    for tc in rng.sample([tc for tr in rows for tc in tr.findall(W + "tc")], 3):
        wrap(tc, "sdt")
    runs = [r for r in root.iter(W + "r") if r.getparent().tag == W + "p" and r.find(W + "t") is not None]
    for n, r in enumerate(rng.sample(runs, min(9, len(runs)))):
        wrap(r, ("sdt", "smartTag", "customXml")[n % 3])
    return with_document(data, root)


def test_word_noise_reads_as_the_clean_document() -> None:
    html = layout(SEED_PLAN)
    noisy = add_noise(built(SEED_PLAN), seed=13)
    xml = etree.tostring(document_xml(noisy))
    assert b"HYPERLINK" in xml and b"sdtContent" in xml and b"<w:hyperlink" not in xml
    assert body_shape(read(noisy, html)) == body_shape(html)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_word_noise_at_random_places_reads_as_the_clean_document(seed: int) -> None:
    html = layout(MINI_PLAN)
    assert body_shape(read(add_noise(built(MINI_PLAN), seed), html)) == body_shape(html)


# --- (5) LibreOffice -------------------------------------------------------------------------------


def saved_by_libreoffice(data: bytes, tmp_path: Path) -> bytes:
    """The DOCX opened in LibreOffice and saved back as "MS Word 2007 XML"."""
    source = tmp_path / "in" / "TD.docx"
    source.parent.mkdir()
    source.write_bytes(data)
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "out"), str(source)],
                   check=True, capture_output=True, timeout=180)
    return (tmp_path / "out" / "TD.docx").read_bytes()


@pytest.mark.usefixtures("soffice")
def test_a_docx_saved_by_libreoffice_reads_as_the_layout(tmp_path: Path) -> None:
    """LibreOffice renames style ids (enumlev1 → Enumlev1…), renumbers lists and gives a list's
    first item a numbering instance of its own: the reader goes by names and numbering formats."""
    html = layout(SEED_PLAN)
    saved = saved_by_libreoffice(built(SEED_PLAN), tmp_path)
    with zipfile.ZipFile(io.BytesIO(saved)) as archive:
        styles = archive.read("word/styles.xml").decode()
    assert 'w:styleId="enumlev1"' not in styles  # what makes it a test of reading styles by name
    result = read_docx(saved, source="TD.docx", bookmark_ids=anchors_of(html))
    assert body_shape(result.xhtml) == body_shape(html)
    assert not result.warnings
    direct = read(built(SEED_PLAN), html)
    assert ids_in(result.xhtml) == ids_in(direct) and len(ids_in(direct)) > 5  # bookmarks survive


def ids_in(root: etree._Element) -> list[tuple[str, str]]:
    return [(el.tag, el.get("id")) for el in root.find("body").iter() if el.get("id")]


@pytest.mark.usefixtures("soffice")
def test_a_marked_build_saved_by_libreoffice_keeps_both_views(history: tuple[bytes, str, str],
                                                               tmp_path: Path) -> None:
    marked, current, earlier = history
    revisions = assert_views(saved_by_libreoffice(marked, tmp_path), current, earlier)
    assert {"row-ins", "paragraph-ins", "ins"} <= {r.kind for r in revisions}


# --- a TD made by hand: what apdoc's writer never writes -----------------------------------------

HAND_STYLES = """
<w:style w:type="paragraph" w:styleId="Inhoud1"><w:name w:val="toc 1"/></w:style>
<w:style w:type="paragraph" w:styleId="Kop1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="Kop4"><w:name w:val="heading 4"/></w:style>
<w:style w:type="paragraph" w:styleId="ClauseTitle"><w:name w:val="Clause title"/>
  <w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="MyBullets"><w:name w:val="My bullets"/>
  <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Bijschrift"><w:name w:val="caption"/></w:style>
<w:style w:type="paragraph" w:styleId="NoteX"><w:name w:val="My note"/><w:basedOn w:val="Note"/></w:style>
"""
HAND_NUMBERING = f"""<?xml version="1.0" encoding="UTF-8"?><w:numbering {NS_DECL}>
<w:abstractNum w:abstractNumId="10"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="11"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl>
  <w:lvl w:ilvl="1"><w:numFmt w:val="lowerLetter"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="12"><w:lvl w:ilvl="0"><w:numFmt w:val="lowerRoman"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="11"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="12"/></w:num></w:numbering>"""


def styled(style: str, content: str, extra: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra}</w:pPr>{content}</w:p>'


def numbered(num_id: str, level: int, text: str) -> str:
    return styled("Normal", run(text), f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')


HAND_BODY = "".join([
    styled("Inhoud1", run("1\tScope\t3")),  # a table of contents: generated, not content
    styled("Kop1", run("1") + '<w:r><w:tab/><w:t>Scope</w:t></w:r>'),
    styled("MyBullets", run("from the style")), styled("MyBullets", run("second")),
    styled("Normal", run("an ilvl is no list"), '<w:numPr><w:ilvl w:val="1"/></w:numPr>'),
    numbered("2", 0, "one"), numbered("2", 1, "one a"), numbered("2", 0, "two"),
    numbered("3", 0, "roman"),
    styled("enumlev1", run("–") + "<w:r><w:tab/><w:t>typed bullet</w:t></w:r>"),
    styled("ClauseTitle", run("An outline level")),
    styled("Bijschrift", run("Table ") + '<w:fldSimple w:instr=" SEQ Table \\* ARABIC ">' + run("4") + "</w:fldSimple>"
           + run(" – Things")),
    "<w:tbl><w:tblGrid><w:gridCol w:w='100'/></w:tblGrid><w:tr>" + cell("", run("cell")) + "</w:tr></w:tbl>",
    styled("NoteX", run("See ") + '<w:fldSimple w:instr=" HYPERLINK &quot;https://example.org/a b&quot; ">'
           + run("the site") + "</w:fldSimple>" + run(".")),
])


def hand_made(body: str = HAND_BODY) -> bytes:
    data = docx_with_body(body)
    parts = parts_of(data)
    parts["word/styles.xml"] = parts["word/styles.xml"].replace(b"</w:styles>", HAND_STYLES.encode() + b"</w:styles>")
    parts["word/numbering.xml"] = HAND_NUMBERING.encode()
    return zip_of(parts)


def test_a_hand_made_td_reads_by_style_names_and_numbering() -> None:
    body = read_docx(hand_made(), source="TD.docx", positions=False).xhtml.find("body")
    assert [etree.tostring(child, encoding="unicode") for child in body] == [
        '<h1><span class="number">1</span> Scope</h1>',
        "<ul><li>from the style</li><li>second</li></ul>",
        "<p>an ilvl is no list</p>",
        "<ol><li>one<ol><li>one a</li></ol></li><li>two</li></ol>",
        '<ol class="lower-roman"><li>roman</li></ol>',
        "<ul><li>typed bullet</li></ul>",
        "<h2>An outline level</h2>",
        '<table><caption>Table <span class="number">4</span> – Things</caption><colgroup><col style="width: 100%"/>'
        "</colgroup><tbody><tr><td><p>cell</p></td></tr></tbody></table>",
        '<p class="Note">See <a href="https://example.org/a b">the site</a>.</p>',
    ]


def test_what_cannot_be_mapped_is_warned_with_the_paragraph_and_a_quote() -> None:
    math = '<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><m:r><m:t>x</m:t></m:r></m:oMath>'
    body = (styled("Normal", run("first")) + styled("Kop4", run("Deep heading"))
            + styled("Normal", run("A note") + '<w:r><w:endnoteReference w:id="1"/></w:r>')
            + styled("Normal", run("Boxed") + "<w:r><w:pict><w:txbxContent><w:p>" + run("inside")
                     + "</w:p></w:txbxContent></w:pict></w:r>")
            + styled("Normal", run("Sum ") + math)
            + styled("Normal", run("Logo ") + "<w:r><w:drawing/></w:r>"))
    result = read_docx(hand_made(body), source="TD.docx")
    assert result.warnings == [
        "TD.docx: paragraph 4 (\"Boxed\"): warning: a text box is not read",
        "TD.docx: paragraph 6 (\"Sum\"): warning: an equation is not read",
        "TD.docx: paragraph 2 (\"Deep heading\"): warning: a heading of level 4: read as a level 3 heading",
        "TD.docx: paragraph 3 (\"A note\"): warning: an endnote is not read (apdoc has footnotes only)",
        "TD.docx: paragraph 7 (\"Logo\"): warning: a picture in a paragraph with text is not read (only its text is)",
    ]
    assert "inside" not in "".join(result.xhtml.itertext())


def test_a_cross_reference_made_a_hyperlink_links_to_the_element_its_bookmark_names() -> None:
    body = ("<w:p>" + '<w:bookmarkStart w:id="1" w:name="_Ref42"/>' + run("Target") + '<w:bookmarkEnd w:id="1"/></w:p>'
            + "<w:p>" + run("See ") + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> REF _Ref42 \\h </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run("Target") +
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    plain = read_docx(docx_with_body(body), source="TD.docx", positions=False).xhtml.find("body")
    assert etree.tostring(plain[1]) == b'<p>See <a href="#_Ref42">Target</a></p>' and plain[0].get("id") == "_Ref42"
    mapped = read(docx_with_body(body), bookmark_ids={"_Ref42": "tab-x"}, positions=False).find("body")
    assert mapped[1].find("a").get("href") == "#tab-x" and mapped[0].get("id") == "tab-x"


# --- comments, footnote edits, properties, anchors ---------------------------------------------------

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def add_part(data: bytes, name: str, content: str, rel_type: str | None = None) -> bytes:
    """A part added to the package (and related from the main document when `rel_type` is given)."""
    parts = parts_of(data)
    parts[name] = content.encode()
    if rel_type is not None:
        rels = parts["word/_rels/document.xml.rels"].decode()
        rels = rels.replace("</Relationships>", f'<Relationship Id="rIdAdded{len(parts)}" Type="{REL_TYPE}{rel_type}" '
                                                f'Target="{name.removeprefix("word/")}"/></Relationships>')
        parts["word/_rels/document.xml.rels"] = rels.encode()
    return zip_of(parts)


def test_word_comments_are_reported_with_the_text_they_are_on_and_leave_no_trace() -> None:
    body = ("<w:p>" + run("Before ") + '<w:commentRangeStart w:id="5"/>' + run("commented")
            + '<w:commentRangeEnd w:id="5"/><w:r><w:commentReference w:id="5"/></w:r>' + run(" after") + "</w:p>")
    comments = (f'<?xml version="1.0"?><w:comments {NS_DECL}><w:comment w:id="5" w:author="Ann" '
                'w:date="2024-04-19T10:00:00Z"><w:p>' + run("Is this right?") + "</w:p></w:comment></w:comments>")
    data = add_part(docx_with_body(body), "word/comments.xml", comments, "comments")
    result = read_docx(data, source="TD.docx", positions=False)
    assert [(c.id, c.author, c.text, c.anchor, c.paragraph) for c in result.comments] == [
        ("5", "Ann", "Is this right?", "commented", 1)]
    assert etree.tostring(result.xhtml.find("body/p")) == b"<p>Before commented after</p>"


def test_a_tracked_edit_in_a_footnote_has_its_views_and_its_place() -> None:
    body = "<w:p>" + run("Text") + '<w:r><w:footnoteReference w:id="1"/></w:r>' + run(".") + "</w:p>"
    parts = parts_of(docx_with_body(body))
    parts["word/footnotes.xml"] = (
        f'<?xml version="1.0"?><w:footnotes {NS_DECL}><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
        "<w:r><w:tab/></w:r>" + run("A ") + mark("del", 7, "Ann", run("long ", True))
        + mark("ins", 8, "Ann", run("short ")) + run("note") + "</w:p></w:footnote></w:footnotes>").encode()
    data = zip_of(parts)
    accepted = read_docx(data, source="TD.docx", positions=False)
    assert etree.tostring(accepted.xhtml.find("body/p")) == b'<p>Text<span class="footnote">A short note</span>.</p>'
    rejected = read_docx(data, source="TD.docx", accept=lambda r: False, positions=False)
    assert rejected.xhtml.find("body/p/span").text == "A long note"
    assert [(r.kind, r.part, r.where) for r in accepted.revisions] == [
        ("del", "footnotes", "footnote 1, paragraph 1"), ("ins", "footnotes", "footnote 1, paragraph 1")]


def test_custom_properties_are_read() -> None:
    custom = ('<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
              'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
              '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="apdoc.commit">'
              "<vt:lpwstr>c9a3ca9</vt:lpwstr></property></Properties>")
    result = read_docx(add_part(built(MINI_PLAN), "docProps/custom.xml", custom), source="TD.docx")
    assert result.properties == {"apdoc.commit": "c9a3ca9"}


ANCHORED_TABLE = ("<w:tbl><w:tblGrid><w:gridCol w:w='100'/><w:gridCol w:w='100'/></w:tblGrid><w:tr>"
                  + cell("", '<w:bookmarkStart w:id="1" w:name="_row"/><w:bookmarkStart w:id="2" w:name="_cell"/>'
                         '<w:bookmarkStart w:id="3" w:name="_para"/>' + run("first") + '<w:bookmarkEnd w:id="1"/>')
                  + cell("", run("second")) + "</w:tr></w:tbl>"
                  + '<w:bookmarkStart w:id="4" w:name="_between"/><w:bookmarkEnd w:id="4"/><w:p>' + run("after")
                  + '</w:p><w:p><w:bookmarkStart w:id="5" w:name="_GoBack"/>' + run("end") + "</w:p>")
IDS = {"_row": "r", "_cell": "c", "_para": "p", "_between": "after-id", "_GoBack": "no"}


def test_bookmarks_starting_in_a_paragraph_name_it_and_the_elements_it_opens() -> None:
    body = read(docx_with_body(ANCHORED_TABLE), bookmark_ids=IDS).find("body")
    tr = body.find("table/tbody/tr")
    assert (tr.get("id"), tr[0].get("id"), tr[0][0].get("id")) == ("r", "c", "p")
    assert body.find("p").get("id") == "after-id"  # a bookmark between blocks names the next one
    assert body.findall("p")[1].get("id") == "no" or body.findall("p")[1].get("id") is None


def test_element_tags_say_which_element_a_bookmark_names() -> None:
    ids = {"_row": "r", "_cell": "c"}
    body = read(docx_with_body(ANCHORED_TABLE), bookmark_ids=ids, element_tags={"r": "tr", "c": "td"}).find("body")
    tr = body.find("table/tbody/tr")
    assert (tr.get("id"), tr[0].get("id"), tr[0][0].get("id")) == ("r", "c", None)
    untold = read(docx_with_body(ANCHORED_TABLE), bookmark_ids=ids).find("body/table/tbody/tr")
    assert (untold.get("id"), untold[0].get("id"), untold[0][0].get("id")) == (None, "r", "c")


def edited_at_the_meeting(html: str) -> list[tuple]:
    """The layout with the edits tests/lo_edit.py makes, as the Accept All view must show them."""
    root = etree.fromstring(html.encode())
    body = root.find("body")
    first = body.find(".//p[@id='ch-introduction-b0-p0']")
    typed = etree.Element("p")
    typed.text = "A paragraph typed at the meeting."
    first.addnext(typed)
    item = body.find(".//li[@id='ch-introduction-b0-i1']")
    item.text = item.text.replace("To perform a review", "To carry out a review")
    gone = body.find(".//li[@id='ch-resolutions-and-articles-b0-i4']")
    gone.getparent().remove(gone)
    note = body.find(".//span[@class='footnote']")
    if len(note):
        note[-1].tail = (note[-1].tail or "") + " (edited)"
    else:
        note.text += " (edited)"
    return body_shape(root)


@pytest.mark.usefixtures("libreoffice")
def test_edits_made_in_libreoffice_with_record_changes_read_in_both_views(tmp_path: Path) -> None:
    html = layout(SEED_PLAN)
    source, edited = tmp_path / "TD.docx", tmp_path / "edited.docx"
    source.write_bytes(built(SEED_PLAN))
    subprocess.run(["/usr/bin/python3", str(Path(__file__).with_name("lo_edit.py")), str(source), str(edited)],
                   check=True, capture_output=True, timeout=300, cwd=Path(__file__).parent)
    data = edited.read_bytes()
    accepted = read_docx(data, source="TD.docx", bookmark_ids=anchors_of(html))
    rejected = read_docx(data, source="TD.docx", bookmark_ids=anchors_of(html), accept=lambda r: False)
    assert body_shape(rejected.xhtml) == body_shape(html)
    assert body_shape(accepted.xhtml) == edited_at_the_meeting(html)
    kinds = [(r.kind, r.text) for r in accepted.revisions]
    assert ("ins", "A paragraph typed at the meeting.") in kinds and ("del", "To perform a review") in kinds
    assert any(r.part == "footnotes" and r.text == "(edited)" for r in accepted.revisions)
    assert ("paragraph-del", "other entities could be considered to be included as approp…") in kinds


# --- views, as a property: any marks, any decisions ------------------------------------------------

AUTHORS = ("Ann", "Bob", "Cy")
word_marks = st.lists(st.tuples(st.sampled_from(["ins", "del", "moveTo", "moveFrom"]), st.sampled_from(AUTHORS),
                                st.booleans()), max_size=2)


def marked_run(word: str, marks: list[tuple[str, str, bool]], counter: list[int]) -> str:
    """A run of `word` inside its marks (outermost first); w:t or w:delText inside deletions."""
    deleted = any(kind in ("del", "moveFrom") for kind, _a, _t in marks)
    xml = run(word + " ", deleted and not any(plain_t for _k, _a, plain_t in marks))
    for kind, author, _plain in reversed(marks):
        counter[0] += 1
        xml = mark(kind, counter[0], author, xml)
    return xml


def shown(marks: list[tuple[str, str, bool]], accepted: set[str]) -> bool:
    return all((author in accepted) == (kind in ("ins", "moveTo")) for kind, author, _p in marks)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.lists(st.tuples(st.from_regex(r"[a-z]{1,6}", fullmatch=True), word_marks), min_size=1, max_size=6),
       second=st.lists(st.tuples(st.from_regex(r"[a-z]{1,6}", fullmatch=True), word_marks), min_size=1, max_size=6),
       paragraph_mark=st.sampled_from([None, "ins", "del"]), mark_author=st.sampled_from(AUTHORS),
       accepted=st.sets(st.sampled_from(AUTHORS)))
def test_any_marks_read_as_the_decisions_say(first, second, paragraph_mark: str | None, mark_author: str,
                                             accepted: set[str]) -> None:
    counter = [100]
    mark_xml = "" if paragraph_mark is None else \
        f"<w:pPr><w:rPr>{mark(paragraph_mark, 1, mark_author, '')}</w:rPr></w:pPr>"
    body = (f"<w:p>{mark_xml}" + "".join(marked_run(w, m, counter) for w, m in first) + "</w:p><w:p>"
            + "".join(marked_run(w, m, counter) for w, m in second) + "</w:p>")
    words = [[w for w, m in part if shown(m, accepted)] for part in (first, second)]
    joined = paragraph_mark is not None and not shown([(paragraph_mark, mark_author, False)], accepted)
    expected = [" ".join(words[0] + words[1])] if joined else [" ".join(ws) for ws in words]
    assert texts(docx_with_body(body), lambda r: r.author in accepted) == [t for t in expected if t]


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_plans_read_back_as_their_layout(tmp_path_factory: pytest.TempPathFactory, data) -> None:
    """Text of every script, format characters, emoji, through the writer and the reader."""
    count = data.draw(st.integers(min_value=0, max_value=8), label="items")
    names = data.draw(st.lists(SENTENCE, min_size=count, max_size=count), label="names")
    statements = data.draw(st.lists(SENTENCE, min_size=count, max_size=count), label="statements")
    root = tmp_path_factory.mktemp("plan") / "plan"
    write_plan(root, names, statements, data.draw(SENTENCE, label="comment"))
    html = render_html(load_plan(root))
    assert body_shape(read(write_docx(html), html)) == body_shape(html)


def test_a_strict_open_xml_document_reads_as_the_transitional_one() -> None:
    """Word's "Strict Open XML Document" save: other namespace names, the same vocabulary."""
    strict = {b"http://schemas.openxmlformats.org/wordprocessingml/2006/main":
              b"http://purl.oclc.org/ooxml/wordprocessingml/main",
              b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
              b"http://purl.oclc.org/ooxml/officeDocument/relationships"}
    parts = parts_of(built(MINI_PLAN))
    for name, content in parts.items():
        if name.endswith(".xml") and name.startswith("word/"):
            for old, new in strict.items():
                content = content.replace(old, new)
            parts[name] = content
    assert b"purl.oclc.org" in parts["word/document.xml"]
    html = layout(MINI_PLAN)
    assert body_shape(read(zip_of(parts), html)) == body_shape(html)


def test_every_element_made_from_a_paragraph_says_which_paragraph_of_the_file_it_was() -> None:
    """For messages of later stages (`TD.docx: paragraph 143 …`): numbered as warnings are."""
    body = read_docx(hand_made(), source="TD.docx").xhtml.find("body")
    numbered = [(el.tag, el.get("data-paragraph")) for el in body.iter() if el.get("data-paragraph")]
    assert numbered[:4] == [("h1", "2"), ("li", "3"), ("li", "4"), ("p", "5")]
    assert ("caption", "12") in numbered and ("p", "13") in numbered  # the table's cell is paragraph 13
    merged = read_docx(docx_with_body(DELETED_MARK), source="TD.docx").xhtml.find("body/p")
    assert merged.get("data-paragraph") == "1"  # a merged paragraph is where it began
