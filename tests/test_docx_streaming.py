"""The DOCX writer streams (issue 15): the XHTML is parsed a piece at a time, document.xml is
written a few blocks (or table rows) at a time, and the anchors' map is packed as it grows.
These tests hold the streamed output to what the whole tree would give, and check that the
pieces in memory stay small."""

from __future__ import annotations

import base64
import io
import json
import zipfile
import zlib

import pytest
from lxml import etree

from apdoc.anchors import PART_LENGTH, AnchorMap, bookmark_name, read_anchor_properties
from apdoc.ooxml import WORD
from apdoc.writers.docx import streaming, write_docx
from apdoc.writers.docx.elements import serialize
from apdoc.writers.docx.package import zip_parts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def xhtml(body: str) -> str:
    return f'<html lang="en"><head><title>T</title></head><body>{body}</body></html>'


def document_xml(body: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(write_docx(xhtml(body)))) as archive:
        return archive.read("word/document.xml")


def rows(count: int) -> str:
    """A table's rows, with rowspans that cross the batches rows are written in."""
    return "".join(f'<tr id="r{n}"><td rowspan="3">a{n}</td><td>b{n}</td></tr><tr><td>c{n}</td></tr>'
                   f"<tr><td>d{n}</td></tr>" for n in range(count))


def test_document_xml_declares_its_namespaces_once_as_the_whole_tree_would() -> None:
    body = ("<h1><span class='number'>1</span> One</h1><p>Text <strong>bold</strong> "
            "<a href='https://example.org/'>link</a><span class='footnote'>note</span></p>"
            "<ul><li>item<ul><li>inner</li></ul></li></ul>"
            f"<table><caption>Table <span class='number'>1</span> – t</caption><tbody>{rows(30)}</tbody></table>"
            f"<section class='landscape'><table><tbody>{rows(5)}</tbody></table></section><p>end</p>")
    xml = document_xml(body)
    assert xml.count(b"xmlns:") == len(WORD)  # on w:document only, never again on a block
    assert serialize(etree.fromstring(xml)) == xml  # what lxml writes for the whole tree


def test_a_table_written_row_by_row_is_the_table_written_whole() -> None:
    """A top-level table is streamed row by row; the same table in a cell is built whole."""
    columns = "<colgroup><col style='width: 30%'/><col style='width: 70%'/></colgroup>"
    table = f"<table>{columns}<tbody>{rows(60)}</tbody></table>"
    streamed = etree.fromstring(document_xml(table)).find(f"{W}body/{W}tbl")
    whole = etree.fromstring(document_xml(f"<table><tbody><tr><td>{table}</td></tr></tbody></table>"))
    nested = whole.find(f"{W}body/{W}tbl/{W}tr/{W}tc/{W}tbl")
    assert len(streamed.findall(f"{W}tr")) == 180 > streaming.BATCH
    assert etree.tostring(streamed) == etree.tostring(nested)


def test_the_body_is_walked_and_written_a_few_blocks_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    count = 12_000  # several of the chunks the XHTML is parsed in
    parsed: list[int] = []  # how many children the XHTML body holds as each is walked
    written: list[int] = []  # how many blocks each write of document.xml takes
    children, write = streaming.XhtmlStream.children, streaming.BodyXml.write

    def spied_children(self: streaming.XhtmlStream):  # type: ignore[no-untyped-def]
        for child in children(self):
            parsed.append(len(self.body))
            yield child

    def spied_write(self: streaming.BodyXml, blocks: list[etree._Element]) -> None:
        written.append(len(blocks))
        write(self, blocks)

    monkeypatch.setattr(streaming.XhtmlStream, "children", spied_children)
    monkeypatch.setattr(streaming.BodyXml, "write", spied_write)
    xml = document_xml("".join(f"<p id='p{n}'>Paragraph {n} of the body.</p>" for n in range(count)))
    assert xml.count(b"<w:p>") == count
    assert len(parsed) == count and max(parsed) < count // 4  # never the whole body at once: a chunk's worth
    assert max(written) <= 2


def packed_whole(anchors: list[tuple[str, str]]) -> dict[str, str]:
    """The anchors' map packed in one go: the format `apdoc import` reads."""
    table = [[bookmark_name(element_id), element_id, tag] for element_id, tag in anchors]
    packed = json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text = base64.b64encode(zlib.compress(packed, 9)).decode("ascii")
    parts = [text[i : i + PART_LENGTH] for i in range(0, len(text), PART_LENGTH)] or [""]
    return {f"apdoc-anchors-{n:03d}": part for n, part in enumerate(parts, 1)}


@pytest.mark.parametrize("count", [0, 1, AnchorMap.BATCH - 1, AnchorMap.BATCH, AnchorMap.BATCH + 1,
                                   2 * AnchorMap.BATCH])
def test_the_anchor_map_packed_batch_by_batch_is_the_map_packed_whole(count: int) -> None:
    anchors = [(f"ch-é{n}-b{n % 7}.p", ("p", "tr", "td")[n % 3]) for n in range(count)]
    packer = AnchorMap()
    for element_id, tag in anchors:
        packer.add(bookmark_name(element_id), element_id, tag)
    properties = packer.properties()
    assert properties == packed_whole(anchors)
    ids, tags = read_anchor_properties(properties)
    assert list(tags.items()) == anchors
    assert list(ids.values()) == [element_id for element_id, _ in anchors]


def test_a_part_zipped_from_a_file_is_the_part_zipped_from_bytes() -> None:
    data = b"<w:document/>" * 100_000
    assert zip_parts([("a.xml", b"1"), ("word/document.xml", io.BytesIO(data))]) == \
        zip_parts([("a.xml", b"1"), ("word/document.xml", data)])
