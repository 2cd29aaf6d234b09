"""The DOCX reader's and the layout-run-backwards' short cuts for import's throughput (issue 20)
give what the long way gave: each is checked against the code it replaced, kept here as the
reference, on families of inputs (the whole import: tests/test_import*.py)."""

from __future__ import annotations

import copy
import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.ooxml import W
from apdoc.readers.docx.inline import Format, Piece, strip_pieces
from apdoc.readers.docx.noise import keep_bookmarks
from apdoc.readers.docx.ns import child, localname, remove
from apdoc.unlayout.inline import _BLOCK_TAG, _first_group, canonical

OTHER = "{urn:other}"
TAGS = [W + "pPr", W + "rPr", W + "r", W + "t", OTHER + "pPr", "pPr"]


@st.composite
def trees(draw: st.DrawFn, depth: int = 2) -> etree._Element:
    """An element whose children mix tags (the same local name in other namespaces too),
    comments and processing instructions."""
    root = etree.Element(W + "p")
    for kind in draw(st.lists(st.sampled_from([*TAGS, "comment", "pi"]), max_size=8)):
        if kind == "comment":
            root.append(etree.Comment("x"))
        elif kind == "pi":
            root.append(etree.ProcessingInstruction("x"))
        else:
            node = etree.SubElement(root, kind, {"n": str(len(root))})
            if depth and draw(st.booleans()):
                node.append(draw(trees(depth - 1)))
    return root


@settings(max_examples=300, deadline=None)
@given(trees(), st.sampled_from(TAGS))
def test_child_is_find(root: etree._Element, tag: str) -> None:
    assert child(root, tag) is root.find(tag)


# --- bookmarks: the ends stripped in one call (etree.strip_elements), after the starts ---------

def _keep_bookmarks_two_walks(root: etree._Element, keep: set[str]) -> None:
    """keep_bookmarks as it was: the starts first, then every end removed one by one."""
    for el in list(root.iter(W + "bookmarkStart")):
        if el.get(W + "name") not in keep:
            remove(el)
            continue
        if el.getparent().tag in (W + "body", W + "tc", W + "tbl", W + "tr", W + "footnote"):
            following = next(el.itersiblings(W + "p", W + "tbl", W + "tr", W + "tc"), None)
            target = following if following is None or following.tag == W + "p" else \
                next(following.iter(W + "p"), None)
            if target is not None:
                ppr = target.find(W + "pPr")
                target.insert(1 if ppr is not None else 0, el)
    for el in list(root.iter(W + "bookmarkEnd")):
        remove(el)


@st.composite
def bodies(draw: st.DrawFn) -> etree._Element:
    """A body of paragraphs and tables with bookmark starts and ends anywhere a producer puts
    them: between blocks, rows and cells, at a paragraph's start (before its pPr too), in runs."""
    names = iter(range(10_000))

    def marks(parent: etree._Element) -> None:
        for kind in draw(st.lists(st.sampled_from(["start", "end"]), max_size=2)):
            n = next(names)
            etree.SubElement(parent, W + ("bookmarkStart" if kind == "start" else "bookmarkEnd"),
                             {W + "id": str(n), W + "name": f"b{n % 4}"})

    def paragraph(parent: etree._Element) -> None:
        p = etree.SubElement(parent, W + "p")
        marks(p)
        if draw(st.booleans()):
            etree.SubElement(p, W + "pPr")
        for _ in range(draw(st.integers(0, 2))):
            marks(p)
            etree.SubElement(etree.SubElement(p, W + "r"), W + "t").text = "x"
        marks(p)

    def blocks(parent: etree._Element, depth: int) -> None:
        for _ in range(draw(st.integers(0 if depth else 1, 3))):
            marks(parent)
            if depth and draw(st.integers(0, 3)) == 0:
                tbl = etree.SubElement(parent, W + "tbl")
                for _ in range(draw(st.integers(1, 2))):
                    marks(tbl)
                    tr = etree.SubElement(tbl, W + "tr")
                    for _ in range(draw(st.integers(1, 2))):
                        marks(tr)
                        blocks(etree.SubElement(tr, W + "tc"), depth - 1)
            else:
                paragraph(parent)
        marks(parent)

    body = etree.Element(W + "body")
    blocks(body, 2)
    return body


@settings(max_examples=300, deadline=None)
@given(bodies(), st.sets(st.sampled_from(["b0", "b1", "b2", "b3"])))
def test_bookmark_ends_stripped_at_once_as_one_by_one(body: etree._Element, keep: set[str]) -> None:
    reference = copy.deepcopy(body)
    _keep_bookmarks_two_walks(reference, keep)
    keep_bookmarks(body, keep.__contains__)
    assert etree.tostring(body) == etree.tostring(reference)


# --- pieces stripped without copying those that keep their text --------------------------------

def _strip_pieces_copying(pieces: list[Piece]) -> list[Piece]:
    out = list(pieces)
    while out and out[0].kind == "text" and not out[0].text.strip(" \t\n"):
        out.pop(0)
    if out and out[0].kind == "text":
        out[0] = replace(out[0], text=out[0].text.lstrip(" \n"))
    while out and out[-1].kind == "text" and not out[-1].text.strip(" \t\n"):
        out.pop()
    if out and out[-1].kind == "text":
        out[-1] = replace(out[-1], text=out[-1].text.rstrip(" \n"))
    return out


pieces = st.lists(st.builds(Piece, st.sampled_from(["text", "text", "br", "footnote", "number"]),
                            st.text(alphabet=" \t\nab", max_size=4),
                            st.builds(Format, bold=st.booleans())), max_size=5)


@settings(max_examples=500, deadline=None)
@given(pieces)
def test_pieces_stripped_as_before(given_pieces: list[Piece]) -> None:
    assert strip_pieces(given_pieces) == _strip_pieces_copying(given_pieces)


# --- canonical(): the block tags' group taken by a function, not a template ---------------------

@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["<p>", "</p>", "<ul>", "</li>", "<br/>", "<div class='x'>", "<pre>", " ",
                                 "\n", "a", "<strong>", "</strong>", "<pa>"]), max_size=12))
def test_block_tags_collapsed_as_the_template_did(parts: list[str]) -> None:
    text = "".join(parts)
    assert _BLOCK_TAG.sub(_first_group, text) == _BLOCK_TAG.sub(r"\1", text)
    assert re.sub(r"\s+", " ", text) == re.sub(re.compile(r"\s+"), " ", text)


def test_canonical_of_blocks() -> None:
    div = etree.fromstring("<div><p> a  <strong>b</strong>\n</p><ul><li>c<br/>d</li></ul></div>")
    assert canonical(list(div)) == "<p>a <strong>b</strong></p><ul><li>c<br/>d</li></ul>"


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A[a-zA-Z_][a-zA-Z0-9_.-]{0,12}\Z"), st.sampled_from(["", "urn:x", W[1:-1]]))
def test_localname_is_the_qnames(name: str, namespace: str) -> None:
    element = etree.Element(f"{{{namespace}}}{name}" if namespace else name)
    assert localname(element) == etree.QName(element).localname
