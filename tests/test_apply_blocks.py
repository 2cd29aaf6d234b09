"""apply's not-applied check keeps each reading's blocks of text and lets the reading's tree go
(a large TD's is hundreds of MB): the blocks it keeps, and those it leaves out later (the
paragraphs of an action item the document adds), are the ones the tree itself gives."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.commands.not_applied import Block, _block_text, _blocks, _texts, blocks_of
from apdoc.intermediate import HEADINGS, NUMBER, PARAGRAPHS
from apdoc.readers.docx import read_docx
from apdoc.unlayout.places import TablePlace, heading_name, mark_cells, place_of


def _blocks_from_the_tree(xhtml: Any, left_out: set[str], where: bool) -> list[tuple[str, str]]:
    """The rule as it was asked of the tree itself, with XPath, once `left_out` was known."""
    found = []
    skipped = set(xhtml.xpath('//*[@id="cover"]//*'))
    for ident in left_out:
        skipped.update(xhtml.xpath(f'//*[@id="{ident}" or @id="{ident}-statement"]/descendant-or-self::*'))
    marks = mark_cells(xhtml)
    clause = "the cover"
    tables: dict[Any, TablePlace] = {}
    for el in xhtml.iter(*PARAGRAPHS):
        if el.tag in HEADINGS:
            clause = heading_name(el)
        if (el.tag == "li" and el.find("p") is not None) or el in skipped:
            continue
        text = " ".join("".join(_texts(el)).split())
        if text and el.getparent() in marks:
            text = "x"
        if text:
            found.append((text, place_of(el, clause, tables) if where else ""))
    return found


@pytest.fixture(scope="module")
def seed_reading(td: bytes) -> etree._Element:
    return read_docx(td, source="TD.docx").xhtml


@pytest.fixture(scope="module")
def ids(seed_reading: etree._Element) -> list[str]:
    found = sorted({str(i) for i in seed_reading.xpath("//@id")})
    assert any(i.startswith("ap-") for i in found) and any(i.endswith("-statement") for i in found)
    return found


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), where=st.booleans())
def test_the_blocks_kept_are_the_trees_whatever_is_left_out(seed_reading: etree._Element, ids: list[str],
                                                              data: st.DataObject, where: bool) -> None:
    left_out = set(data.draw(st.lists(st.sampled_from([i for i in ids if not i.endswith("-statement")]),
                                      max_size=3)))
    expected = _blocks_from_the_tree(seed_reading, left_out, where)
    assert _blocks(seed_reading, left_out, where) == expected


def test_leaving_out_an_added_action_item_leaves_out_its_paragraphs(seed_reading: etree._Element) -> None:
    kept = blocks_of(seed_reading)
    item = next(i for i in seed_reading.xpath("//@id") if str(i).startswith("ap-"))
    fewer = _blocks(seed_reading, {str(item)})
    assert 0 < len(fewer) < len(kept)
    assert [(b.text, b.where) for b in kept if str(item) not in b.within] == fewer


# --- the one walk of blocks_of against the look up from each block it replaced ----------------------

class _OldIdsWithin:
    def __init__(self) -> None:
        self.known: dict[Any, tuple[str, ...]] = {}

    def of(self, el: Any) -> tuple[str, ...]:
        chain = []
        while el is not None and el not in self.known:
            chain.append(el)
            el = el.getparent()
        ids = self.known[el] if el is not None else ()
        for node in reversed(chain):
            own = node.get("id")
            if own:
                ids = (*ids, own)
            self.known[node] = ids
        return ids


def _old_blocks_of(xhtml: Any, where: bool = True) -> list[Block]:
    """blocks_of as it was (main c289ef2): each block looks up its ids and its cell."""
    found = []
    marks = mark_cells(xhtml)
    clause = "the cover"
    tables: dict[Any, TablePlace] = {}
    ids = _OldIdsWithin()
    for el in xhtml.iter(*PARAGRAPHS):
        if el.tag in HEADINGS:
            clause = heading_name(el)
        within = ids.of(el)
        if (el.tag == "li" and el.find("p") is not None) or "cover" in ids.of(el.getparent()):
            continue
        text = " ".join(_block_text(el).split())
        if text and el.getparent() in marks:
            text = "x"
        if text:
            found.append(Block(text, place_of(el, clause, tables) if where else "", within))
    return found


TREE_TAGS = ["table", "caption", "tbody", "thead", "tr", "td", "th", "p", "ul", "li", "h1", "h2", "div",
             "section", "span", "figure", "figcaption", "{urn:x}td", "{urn:x}table"]


@st.composite
def trees(draw: st.DrawFn) -> etree._Element:
    """Trees of the intermediate XHTML's tags, nested any way (tables in cells, cells outside
    rows, paragraphs in paragraphs), some with ids (the cover's among them), texts and numbers, and
    a comment here and there (iterwalk passes over those)."""
    root = etree.Element("html")

    def fill(parent: etree._Element, depth: int) -> None:
        for tag in draw(st.lists(st.sampled_from(TREE_TAGS), max_size=4 if depth else 0)):
            node = etree.SubElement(parent, tag)
            if draw(st.integers(0, 3)) == 0:
                node.set("id", draw(st.sampled_from(["cover", "a", "b", "ap-1", ""])))
            if draw(st.integers(0, 4)) == 0:
                node.set("class", draw(st.sampled_from([NUMBER, "x", f"x {NUMBER}"])))
            node.text = draw(st.sampled_from(["", " ", "t", "1 Heading", "Table 1", "INTERNATIONAL"]))
            node.tail = draw(st.sampled_from(["", " tail"]))
            if draw(st.integers(0, 6)) == 0:
                node.append(etree.Comment("c"))
            fill(node, depth - 1)

    fill(root, 5)
    return root


@settings(max_examples=400, deadline=None)
@given(trees(), st.booleans(), st.integers(0, 3))
def test_one_walk_gives_the_blocks_the_look_ups_gave(root: etree._Element, where: bool, depth: int) -> None:
    # a tree below the whole (a body in its html, a cell in its table): what is around it counts
    start = root
    for _ in range(depth):
        start = next((c for c in start if isinstance(c.tag, str)), start)
    assert blocks_of(start, where) == _old_blocks_of(start, where)


def test_blocks_in_one_place_share_its_name(seed_reading: etree._Element) -> None:
    """A place named once, however many blocks stand in it (a large TD's blocks are held through
    apply's next reading: one string per place, not per block)."""
    kept = blocks_of(seed_reading)
    by_name: dict[str, set[int]] = {}
    for block in kept:
        by_name.setdefault(block.where, set()).add(id(block.where))
    assert len(by_name) < len(kept)  # places with several blocks, in a cell with two paragraphs, say
    assert all(len(objects) == 1 for objects in by_name.values())
