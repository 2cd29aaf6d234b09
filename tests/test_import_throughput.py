"""The short cuts taken for import's and apply's throughput (issue 20) say what the long way said."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.commands.import_td import read_document, refuse_unreadable_text
from apdoc.diagnostics import PlanError
from apdoc.unlayout.context import local


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A[a-zA-Z_][a-zA-Z0-9_.-]{0,12}\Z"),
       st.sampled_from(["", "urn:x", "http://www.w3.org/1999/xhtml"]))
def test_local_is_the_qnames_local_name(name: str, namespace: str) -> None:
    element = etree.Element(f"{{{namespace}}}{name}" if namespace else name)
    assert local(element) == etree.QName(element).localname
    assert local(etree.Comment("x")) == "" and local(etree.ProcessingInstruction("x")) == ""


@pytest.fixture(scope="module")
def seed_xhtml(td: bytes, tmp_path_factory: pytest.TempPathFactory) -> etree._Element:
    path = tmp_path_factory.mktemp("td") / "td.docx"
    path.write_bytes(td)
    return read_document(path)[0]


@pytest.mark.parametrize("char", ["\x7f", "\x80", "\x9f"])
def test_a_link_target_the_plan_cannot_hold_is_named(seed_xhtml: etree._Element, char: str) -> None:
    root = etree.fromstring(etree.tostring(seed_xhtml))
    refuse_unreadable_text(root, "td.docx")  # the seed holds none
    links = [a for a in root.iter() if a.get("href")]
    assert links
    links[-1].set("href", f"https://example.org/{char}x")
    with pytest.raises(PlanError) as caught:
        refuse_unreadable_text(root, "td.docx")
    assert "cannot be held in a plan file" in str(caught.value.diagnostics[0].message)


def test_apply_reports_where_only_for_the_documents_blocks(seed_xhtml: etree._Element) -> None:
    from apdoc.commands.not_applied import _blocks

    full = _blocks(seed_xhtml)
    texts = _blocks(seed_xhtml, where=False)
    assert [text for text, _ in full] == [text for text, _ in texts]
    assert {where for _, where in texts} == {""} and len({where for _, where in full}) > 10
