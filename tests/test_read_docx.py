"""The DOCX reader (issue 13): a DOCX → the intermediate XHTML, whatever Word did to it.

Round trip at the XHTML level: what the layout gave the DOCX writer is what the reader gives
back (text per block, list nesting, table spans, footnotes, styles), also through Word-shaped
noise and through LibreOffice; views of tracked changes; hostile packages refused.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from apdoc.layout import render_html
from apdoc.plan import load_plan
from apdoc.readers import DocxError, read_docx
from apdoc.writers.docx import _bookmark_name, write_docx
from conftest import MINI_PLAN, SEED_PLAN
from docx_shape import body_shape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"


@cache
def layout(plan: Path) -> str:
    return render_html(load_plan(plan))


@cache
def built(plan: Path) -> bytes:
    return write_docx(layout(plan))


def anchors_of(html: str) -> dict[str, str]:
    """What the caller passes: bookmark name → element id, for every id of the layout."""
    root = etree.fromstring(html.encode())
    return {_bookmark_name(el.get("id")): el.get("id") for el in root.iter() if el.get("id")}


def read(data: bytes, html: str | None = None, **options) -> etree._Element:
    result = read_docx(data, source="TD.docx", bookmark_ids=anchors_of(html) if html else {}, **options)
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


def test_ids_come_from_bookmarks_and_name_the_element_where_they_start() -> None:
    html = layout(SEED_PLAN)
    expected = {el.get("id"): (el.tag, "".join(el.itertext()))
                for el in etree.fromstring(html.encode()).iter() if el.get("id")}
    root = read(built(SEED_PLAN), html)
    found = {el.get("id"): el for el in root.find("body").iter() if el.get("id")}
    bookmarked = {_bookmark_name(i) for i in expected} & {
        el.get(W + "name") for el in document_xml(built(SEED_PLAN)).iter(W + "bookmarkStart")}
    assert len(bookmarked) >= 5  # the writer bookmarks the targets of internal links (tables)
    assert {i for i in found if i != "cover"} == {expected_id for expected_id in expected
                                                  if _bookmark_name(expected_id) in bookmarked}
    for element_id, element in found.items():
        tag, text = expected[element_id]
        assert element.tag == tag, element_id
        got = "".join("".join(element.itertext()).split())  # words without the spaces between blocks
        assert got == "".join(text.split()), element_id


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
