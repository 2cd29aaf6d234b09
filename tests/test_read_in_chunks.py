"""The DOCX reader reads document.xml's body a chunk at a time (readers/docx/body.py, issue 20:
the 100× TD's tree alone was ~300 MB). What it reads must be what one reading of the whole
part gives, whatever the chunks: every test here reads each DOCX in chunks of one block (and
slices of a few hundred bytes) and as one chunk, and compares everything the reader returns,
in both views of the tracked changes — on TDs edited so that what the passes over the part
carry from one chunk to the next is there: tracked changes, a hidden paragraph mark, a field and
a comment spanning paragraphs, a link to a bookmark read before it, a section's properties the
bytes guess wrong."""

from __future__ import annotations

import copy
import gc
import weakref
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.readers.docx import ReadResult, read_docx
from apdoc.readers.docx import body as chunking
from apdoc.readers.docx import reader as reading
from apdoc.readers.docx.locate import number_part
from apdoc.readers.docx.ns import A
from apply_edits import AUTHOR, DATE, Docx, W, add_comment, delete_paragraph_mark, replace_words

VIEWS = {"accept all": None, "reject all": lambda _revision: False}


def _reading(result: ReadResult) -> tuple:
    return (etree.tostring(result.xhtml), result.revisions, result.comments, result.warnings, result.properties)


def _read(data: bytes, monkeypatch: pytest.MonkeyPatch, blocks: int, slice_bytes: int,
          accept: Callable | None) -> tuple:
    with monkeypatch.context() as patch:
        patch.setattr(chunking, "CHUNK_BLOCKS", blocks)
        patch.setattr(chunking, "SLICE", slice_bytes)
        return _reading(read_docx(data, source="TD.docx", accept=accept))


def _top_paragraphs(root: etree._Element) -> list[etree._Element]:
    """The body's own paragraphs that show text, in order."""
    return [p for p in root.find(W + "body") if p.tag == W + "p" and "".join(p.itertext()).strip()]


def _run(text: str) -> etree._Element:
    run = etree.Element(W + "r")
    etree.SubElement(run, W + "t").text = text
    return run


def _tracked(td: bytes) -> bytes:
    doc = Docx(td)
    root = doc.xml()
    paragraphs = _top_paragraphs(root)
    for p in paragraphs[3::7][:6]:
        words = "".join(p.itertext()).split()
        replace_words(root, "".join(p.itertext()), words[0], "Changed")
    delete_paragraph_mark(root, "".join(paragraphs[10].itertext()))
    return doc.data()


def _spanning_field_and_comment(td: bytes) -> bytes:
    """A HYPERLINK field begun in one paragraph and ended forty paragraphs on; a comment whose
    range opens in the third paragraph and closes in the sixtieth; another on one paragraph."""
    doc = Docx(td)
    root = doc.xml()
    paragraphs = _top_paragraphs(root)
    begin, end = paragraphs[2], paragraphs[42]
    for kind, text in (("begin", None), (None, ' HYPERLINK "https://example.org/x" '), ("separate", None)):
        run = etree.SubElement(begin, W + "r")
        if kind:
            etree.SubElement(run, W + "fldChar", {W + "fldCharType": kind})
        else:
            etree.SubElement(run, W + "instrText").text = text
    begin.append(_run("linked words"))
    closing = etree.Element(W + "r")
    etree.SubElement(closing, W + "fldChar", {W + "fldCharType": "end"})
    end.insert(1, closing)
    add_comment(doc, "".join(paragraphs[20].itertext()), "on one paragraph")
    add_comment(doc, "".join(paragraphs[3].itertext()), "on many")
    ident = doc.xml("word/comments.xml")[-1].get(W + "id")
    opened = next(el for el in root.iter(W + "commentRangeEnd") if el.get(W + "id") == ident)
    opened.getparent().remove(opened)
    paragraphs[60].append(opened)
    return doc.data()


def _link_after_bookmark(td: bytes) -> bytes:
    """A bookmark no map knows, in a paragraph of its own after the fifth; the only link to it in
    the last paragraph."""
    doc = Docx(td)
    paragraphs = _top_paragraphs(doc.xml())
    target = etree.Element(W + "p")
    target.append(etree.Element(W + "bookmarkStart", {W + "id": "77001", W + "name": "Foreign"}))
    target.append(_run("The paragraph a link points to"))
    paragraphs[4].addnext(target)
    link = etree.SubElement(paragraphs[-1], W + "hyperlink", {W + "anchor": "Foreign"})
    link.append(_run(" see there"))
    return doc.data()


def _section_guessed_wrong(td: bytes) -> bytes:
    """A tracked change to an early paragraph's properties whose old properties end a landscape
    section: the bytes show one section more than the view accepting it has."""
    doc = Docx(td)
    paragraph = _top_paragraphs(doc.xml())[6]
    ppr = paragraph.find(W + "pPr")
    if ppr is None:
        ppr = etree.Element(W + "pPr")
        paragraph.insert(0, ppr)
    change = etree.SubElement(ppr, W + "pPrChange", {W + "id": "77002", W + "author": AUTHOR, W + "date": DATE})
    old = etree.SubElement(change, W + "pPr")
    if ppr.find(W + "pStyle") is not None:
        old.append(copy.deepcopy(ppr.find(W + "pStyle")))
    sect = etree.SubElement(old, W + "sectPr")
    etree.SubElement(sect, W + "pgSz", {W + "w": "16838", W + "h": "11906", W + "orient": "landscape"})
    return doc.data()


def _long_paragraph(td: bytes) -> bytes:
    """A paragraph of a megabyte of text: no block starts in it where a slice could end."""
    doc = Docx(td)
    paragraph = _top_paragraphs(doc.xml())[8]
    paragraph.append(_run("many words " * 100_000))
    return doc.data()


EDITS = {
    "as built": lambda td: td,
    "tracked changes and a hidden mark": _tracked,
    "a field and a comment across paragraphs": _spanning_field_and_comment,
    "a link after its bookmark": _link_after_bookmark,
    "a section the bytes guess wrong": _section_guessed_wrong,
    "a paragraph of a megabyte": _long_paragraph,
}


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("view", VIEWS)
def test_reading_in_chunks_gives_what_reading_the_whole_part_gives(
        td: bytes, monkeypatch: pytest.MonkeyPatch, edit: str, view: str) -> None:
    data = EDITS[edit](td)
    whole = _read(data, monkeypatch, 10**9, 10**9, VIEWS[view])
    for blocks, slice_bytes in ((1, 300), (3, 4096), (200, 64 * 1024)):
        assert _read(data, monkeypatch, blocks, slice_bytes, VIEWS[view]) == whole, (blocks, slice_bytes)


def test_the_edits_reach_what_the_reader_returns(td: bytes) -> None:
    """The cases above are what they say: each edit shows in the reading (else the comparison
    would prove nothing of it)."""
    html = {name: etree.tostring(read_docx(EDITS[name](td), source="TD.docx").xhtml).decode() for name in EDITS}
    assert "Changed" in html["tracked changes and a hidden mark"]
    assert 'href="https://example.org/x"' in html["a field and a comment across paragraphs"]
    linked = html["a link after its bookmark"]
    assert 'id="Foreign"' in linked and 'href="#Foreign"' in linked
    rejected = read_docx(EDITS["a section the bytes guess wrong"](td), source="TD.docx", accept=lambda _r: False)
    landscape = html["as built"].count('class="landscape"')
    assert etree.tostring(rejected.xhtml).count(b'class="landscape"') == landscape + 1
    comments = read_docx(EDITS["a field and a comment across paragraphs"](td), source="TD.docx").comments
    assert len({c.paragraph for c in comments}) == 2 and all(c.quote for c in comments)


def test_the_body_is_never_held_whole(td: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read in chunks of a few blocks, the body the passes see never holds more than a few
    dozen of the TD's hundreds of blocks."""
    seen: list[int] = []
    numbered = reading.number_part

    def spy(root: etree._Element, counted: object = None, bookmarks: set[str] | None = None) -> None:
        if root.tag == W + "document":
            seen.append(len(root.find(W + "body")))
        numbered(root, counted, bookmarks)

    monkeypatch.setattr(reading, "number_part", spy)
    monkeypatch.setattr(chunking, "CHUNK_BLOCKS", 5)
    monkeypatch.setattr(chunking, "SLICE", 2048)
    read_docx(td, source="TD.docx")
    blocks = len(etree.fromstring(Docx(td).parts["word/document.xml"]).find(W + "body"))
    assert len(seen) > 10 and max(seen) < blocks / 5, (seen, blocks)


@pytest.mark.parametrize(("edit", "readings"), [("as built", 1), ("a link after its bookmark", 2),
                                                 ("a section the bytes guess wrong", 2)])
def test_the_part_is_read_again_only_when_a_guess_was_wrong(td: bytes, monkeypatch: pytest.MonkeyPatch,
                                                            edit: str, readings: int) -> None:
    """A bookmark dropped before the link to it was read, or a section read into the wrong
    orientation, is put right by a second reading that knows; otherwise there is one."""
    counted: list[int] = []
    read = reading.Reader.read

    def spy(self: reading.Reader) -> ReadResult:
        counted.append(1)
        return read(self)

    monkeypatch.setattr(reading.Reader, "read", spy)
    monkeypatch.setattr(chunking, "CHUNK_BLOCKS", 1)
    monkeypatch.setattr(chunking, "SLICE", 1024)
    read_docx(EDITS[edit](td), source="TD.docx")  # accepted, the old properties are no section
    assert len(counted) == readings


def test_an_error_late_in_the_part_is_the_whole_parts_error(td: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """XML that breaks after many chunks were read is refused as a whole part would be: the same
    message, nothing returned."""
    doc = Docx(td)
    text = doc.parts["word/document.xml"]
    at = text.rindex(b"</w:body>")
    doc.parts["word/document.xml"] = text[:at] + b"<w:p><w:r></w:p>" + text[at:]
    data = doc.data()
    messages = []
    for blocks in (10**9, 1):
        monkeypatch.setattr(chunking, "CHUNK_BLOCKS", blocks)
        with pytest.raises(Exception) as raised:
            read_docx(data, source="TD.docx")
        messages.append(str(raised.value))
    assert messages[0] == messages[1] and "not well-formed XML" in messages[0]


def _number_by_walking_up(root: etree._Element) -> None:
    """number_part's rows and cells as they were numbered before: each row's table and each
    cell's row found by walking up from it."""
    for table in root.iter(W + "tbl"):
        rows = [tr for tr in table.iter(W + "tr") if next(tr.iterancestors(W + "tbl"), None) is table]
        for r, tr in enumerate(rows, 1):
            tr.set(A + "r", str(r))
            cells = [tc for tc in tr.iter(W + "tc") if next(tc.iterancestors(W + "tr"), None) is tr]
            for c, tc in enumerate(cells, 1):
                tc.set(A + "c", str(c))


@st.composite
def _tables(draw: st.DrawFn, depth: int = 3) -> etree._Element:
    table = etree.Element(W + "tbl")
    for _row in range(draw(st.integers(0, 3))):
        tr = etree.SubElement(table, W + "tr")
        for _cell in range(draw(st.integers(0, 3))):
            tc = etree.SubElement(tr, W + "tc")
            etree.SubElement(tc, W + "p")
            if depth and draw(st.booleans()):
                tc.append(draw(_tables(depth - 1)))
    return table


@settings(max_examples=200, deadline=None)
@given(st.lists(_tables(), min_size=1, max_size=3))
def test_rows_and_cells_are_numbered_as_by_walking_up(tables: list[etree._Element]) -> None:
    body = etree.Element(W + "body")
    body.extend(tables)
    reference = copy.deepcopy(body)
    _number_by_walking_up(reference)
    number_part(body)
    rows_and_cells = ("r", "c")
    assert [(el.tag, {k: v for k, v in el.attrib.items() if k[len(A):] in rows_and_cells})
            for el in body.iter()] == \
        [(el.tag, dict(el.attrib)) for el in reference.iter()]


def test_what_was_read_is_freed_without_the_collector(td: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """The structure reader's callbacks refer back to the reader: read_docx breaks that cycle, so
    the parsed parts go when it returns, not at the cycle collector's next pass (then its heap
    pages are given back)."""
    readers: list[weakref.ref] = []
    made = reading.Reader.__init__

    def recorded(self: reading.Reader, *args: object, **options: object) -> None:
        made(self, *args, **options)
        readers.append(weakref.ref(self))

    monkeypatch.setattr(reading.Reader, "__init__", recorded)
    was_on = gc.isenabled()
    gc.disable()
    try:
        read_docx(td, source="TD.docx")
        assert readers and all(ref() is None for ref in readers)
    finally:
        if was_on:
            gc.enable()


def test_section_guesses_from_the_bytes() -> None:
    """Each sectPr in order, landscape by its orientation or its width; one never closed ends the
    scan (a part like that does not parse: nothing after it could be a section), so a part of
    many such starts is scanned once, not once a start."""
    landscape = b'<w:sectPr><w:pgSz w:w="16838" w:h="11906"/></w:sectPr>'
    portrait = b'<w:sectPr w:rsidR="1"><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1"/></w:sectPr>'
    turned = b"<q:sectPr><q:pgSz q:orient='landscape' q:w='x'/></q:sectPr>"
    assert chunking.predicted_orientations(landscape + portrait + turned + b"<w:sectPr/>") == [True, False, True, False]
    assert chunking.predicted_orientations(portrait + b"<w:sectPr>" * 100_000) == [False, False]
