"""apply's look for tracked edits in a field's shown result (readers/docx/fields.py) parses the
document part again only when its bytes hold a tracked edit's tag: what it finds is what the
scan of every paragraph of the parsed part finds (it looks through only those holding a tracked
edit), whatever the edits, the namespace's prefix or the encoding."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.ooxml import MAIN_PART, W
from apdoc.readers.docx import fields
from apdoc.readers.docx.fields import FieldEdit
from apdoc.readers.docx.revisions import Revision
from apply_edits import AUTHOR, Docx, replace_words, set_field_result

KEY_OUTCOMES = "Identified list of value propositions"


def _none_is_the_build_s(_mark: Revision) -> bool:
    return False


def _with_part(td: bytes, part: bytes) -> bytes:
    doc = Docx(td)
    doc.parts[MAIN_PART] = part
    return doc.data()


def _renamed_prefix(part: bytes, prefix: str) -> bytes:
    """The part with the WordprocessingML namespace's elements under another prefix ("" for the
    default namespace: the attributes keep `w:`, which an attribute needs)."""
    if prefix == "w:":
        return part
    tags = part.replace(b"<w:", f"<{prefix}".encode()).replace(b"</w:", f"</{prefix}".encode())
    uri = b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    declaration = b"xmlns:" + prefix[:-1].encode() + b"=" + uri if prefix else b"xmlns=" + uri
    return tags.replace(b"xmlns:w=" + uri, b"xmlns:w=" + uri + b" " + declaration, 1)


EDITS: dict[str, Callable[[etree._Element], None]] = {
    "a table's number, tracked": lambda root: set_field_result(root, "SEQ Table", 1, "9"),
    "a figure's number, tracked": lambda root: set_field_result(root, "SEQ Figure", 0, "7"),
    "a table's number typed over untracked": lambda root: set_field_result(root, "SEQ Table", 2, "8", tracked=False),
    "a word elsewhere, tracked": lambda root: replace_words(root, KEY_OUTCOMES, "enhance", "raise"),
}
TRACKED_IN_FIELDS = {"a table's number, tracked", "a figure's number, tracked"}


def _every_paragraph_scanned(root: etree._Element, is_build_mark: Callable[[Revision], bool]) -> list[FieldEdit]:
    """The rule as it was first written: every paragraph of the part looked through."""
    found = (fields.edit_in(number, paragraph, is_build_mark) for number, paragraph in enumerate(root.iter(W + "p"), 1))
    return [edit for edit in found if edit is not None]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.sets(st.sampled_from(sorted(EDITS))), prefix=st.sampled_from(["w:", "q:", ""]),
       encoding=st.sampled_from(["UTF-8", "UTF-16"]), built=st.booleans())
def test_what_is_found_is_what_every_paragraph_s_scan_finds(td: bytes, edits: set[str], prefix: str, encoding: str,
                                                              built: bool) -> None:
    """`built`: the edits are the build's own marks (a --compare-to build's), never reported."""
    doc = Docx(td)
    root = doc.xml()
    for edit in sorted(edits):
        EDITS[edit](root)
    is_build_mark = (lambda mark: mark.author == AUTHOR) if built else _none_is_the_build_s
    part = _renamed_prefix(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), prefix)
    if encoding != "UTF-8":
        part = etree.tostring(etree.fromstring(part), xml_declaration=True, encoding=encoding)
    reparsed = etree.fromstring(part)
    assert [el.tag for el in reparsed.iter()] == [el.tag for el in root.iter()]  # the same part, spelt otherwise
    found = fields.edits_in_field_results(_with_part(td, part), "TD.docx", is_build_mark)
    assert found == _every_paragraph_scanned(reparsed, is_build_mark)
    assert len(found) == (0 if built else len(edits & TRACKED_IN_FIELDS))


def test_a_part_without_a_tracked_edit_is_not_parsed_again(td: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    with zipfile.ZipFile(io.BytesIO(td)) as package:
        part = etree.fromstring(package.read(MAIN_PART))
    assert not any(el.tag in fields.TRACKED for el in part.iter())  # (a border's w:insideH is no w:ins)

    def parsed(*_args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(fields, "parse_xml", parsed)
    assert fields.edits_in_field_results(td, "TD.docx", _none_is_the_build_s) == []
