"""The short cuts of import's unlayout and plan writing (issue 20) give what the long way gives."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.layout.prose import Renderer
from apdoc.unlayout.context import Context
from apdoc.unlayout.inline import _BLOCK_TAG, _first_group, _plain_text_of, _reads_back, canonical

# Text with the whitespace Word and XML give (\r, no-break and ideographic spaces, U+2028) and
# the characters Markdown reads as syntax, so that both sides of every short cut are met.
_CHARS = st.sampled_from([*"ab1 .-#*_[]<>&!`\\", "\t", "\n", "\r", "\xa0", "\u2028", "\u3000", "é", "1."])
_TEXTS = st.lists(_CHARS, max_size=14).map("".join)


def _long_way(markdown: str, elements: list[etree._Element], block: bool, footnotes: dict[str, str]) -> bool:
    """The read-back check as it was before its short cuts: render, parse, compare."""
    renderer = Renderer(footnotes)
    html = str(renderer.block(markdown) if block else renderer.inline(markdown))
    try:
        again = etree.fromstring(f"<div>{html}</div>")
    except etree.XMLSyntaxError:
        return False
    if block:
        return _old_canonical(list(again)) == _old_canonical(elements)
    return _old_canonical([again], own_tag=False) == _old_canonical(elements, own_tag=False)


def _old_canonical(elements: list[etree._Element], *, own_tag: bool = True) -> str:
    """canonical() with the whitespace collapsed by the regular expression it used."""
    from apdoc.unlayout.inline import _canon

    parts: list[str] = []
    for element in elements:
        _canon(element, parts, own_tag)
    return _BLOCK_TAG.sub(_first_group, re.sub(r"\s+", " ", "".join(parts))).strip()


def _element(tag: str, text: str) -> etree._Element:
    element = etree.Element(tag)
    element.text = text
    return element


@settings(max_examples=600, deadline=None)
@given(_TEXTS, st.sampled_from(["p", "td", "li", "div"]), st.booleans(), st.booleans())
def test_plain_text_reads_back_as_the_long_way_says(text: str, tag: str, block: bool, as_typed: bool) -> None:
    element = _element(tag, text)
    markdown = text.strip() if as_typed else text  # what the plain pass writes, or any other text
    if _plain_text_of(markdown, [element], block):
        assert _long_way(markdown, [element], block, {})
    assert _reads_back(Context("x"), markdown, [element], block) == _long_way(markdown, [element], block, {})


def test_the_short_cut_is_taken_for_plain_text_only() -> None:
    assert _plain_text_of("Plain words, 12 of them", [_element("p", " Plain words, 12 of them\n")], True)
    assert _plain_text_of("In a cell", [_element("td", "In a cell")], False)
    assert not _plain_text_of("A *b*", [_element("p", "A *b*")], True)  # Markdown: rendered
    assert not _plain_text_of("Words", [_element("td", "Words")], True)  # a block that is no p
    assert not _plain_text_of("", [_element("p", "")], True)  # nothing: the block renders no p
    parent = _element("p", "A ")
    etree.SubElement(parent, "b").text = "b"
    assert not _plain_text_of("A", [parent], True)  # children: the long way


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_TEXTS, st.sampled_from(["p", "td"]), st.booleans()), min_size=1, max_size=8))
def test_remembered_renderings_answer_as_fresh_ones(cases: list[tuple[str, str, bool]]) -> None:
    """One context remembers what each text renders as; every answer is the one a fresh check gives,
    whatever element the same text is compared with next."""
    ctx = Context("x")
    for text, tag, block in [*cases, *reversed(cases)]:
        for markdown in (text, text.strip(), "x"):
            element = _element(tag, text)
            assert _reads_back(ctx, markdown, [element], block) == _long_way(markdown, [element], block, {})


def test_a_footnote_reference_is_rendered_with_the_footnotes_of_its_chapter() -> None:
    """`[^a]` renders its footnote's text, which differs between chapters: never remembered."""
    ctx = Context("x")
    paragraph = etree.fromstring('<p>A<span class="footnote" id="fn-a">one</span></p>')
    ctx.footnotes = {"a": "one"}
    assert _reads_back(ctx, "A[^a]", [paragraph], True)
    ctx.footnotes = {"a": "two"}
    assert not _reads_back(ctx, "A[^a]", [paragraph], True)
    assert _long_way("A[^a]", [paragraph], True, {"a": "one"}) and not _long_way("A[^a]", [paragraph], True,
                                                                                    {"a": "two"})


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["<p>", "</p>", "<li>", "<br/>", "<strong>", "a", " ", "\n", "\r", "\t", "\xa0",
                                 "\u2028", "\u3000", "\x85", "\u200b"]), max_size=14).map("".join))
def test_whitespace_collapsed_as_the_regular_expression_did(text: str) -> None:
    div = etree.Element("div")
    div.text = text.replace("<", "{")  # the same whitespace in an element's text
    assert canonical([div]) == _old_canonical([div])
    collapsed = _BLOCK_TAG.sub(_first_group, " ".join(text.split())).strip()
    assert collapsed == _BLOCK_TAG.sub(_first_group, re.sub(r"\s+", " ", text)).strip()


def test_split_and_the_regular_expression_agree_on_every_character() -> None:
    """str.split() splits at str.isspace(); `\\s` matches the same characters, all of them."""
    spaces = re.compile(r"\s")
    assert [c for c in map(chr, range(0x110000)) if bool(spaces.match(c)) != c.isspace()] == []


# --- the walks of the whole tree: only the elements wanted, picked out by lxml ------------------

_TAGS = ["p", "li", "h1", "h4", "td", "caption", "span", "del", "ins", "img", "{urn:x}p", "{urn:x}del",
         "{http://www.w3.org/2000/svg}p", "{http://www.w3.org/1999/xhtml}ins"]


@st.composite
def _trees(draw: st.DrawFn) -> etree._Element:
    root = etree.Element("body")
    parents = [root]
    for _ in range(draw(st.integers(1, 25))):
        parent = draw(st.sampled_from(parents))
        if draw(st.integers(0, 9)) == 0:
            parent.append(etree.Comment("c"))
            continue
        child = etree.SubElement(parent, draw(st.sampled_from(_TAGS)))
        child.text, child.tail = draw(st.sampled_from([None, "a", " b "])), draw(st.sampled_from([None, "t"]))
        rev = draw(st.sampled_from([None, "del", "ins"]))
        if rev:
            child.set("data-rev", rev)
        child.set("class", draw(st.sampled_from(["", "TableNotitle", "Figure", "FigureNotitle", "AnnexNoTitle"])))
        parents.append(child)
    return root


def _old_number_paragraphs(ctx: Context, root: etree._Element) -> None:
    from apdoc.unlayout.context import COUNTED, SVG, local

    count = 0
    for element in root.iter():
        if local(element) in COUNTED and not element.tag.startswith(SVG):
            count += 1
            ctx.order[element] = count


def _old_normalise(root: etree._Element) -> None:
    from apdoc.intermediate import ANNEX, classes
    module = importlib.import_module("apdoc.unlayout.normalise")  # the package names its function so
    from apdoc.unlayout.context import local

    for element in [e for e in root.iter() if isinstance(e.tag, str)]:
        if element.get("data-rev") == "del" or local(element) == "del":
            module._remove_keeping_tail(element)
        elif local(element) == "ins":
            module._unwrap(element)
        element.attrib.pop("data-rev", None)
    for p in [e for e in root.iter() if isinstance(e.tag, str) and local(e) == "p"]:
        style = classes(p)
        if "TableNotitle" in style:
            module._table_caption(p)
        elif "Figure" in style or (len(p) == 1 and local(p[0]) == "img" and not (p.text or "").strip()):
            module._figure(p)
        elif "AnnexNoTitle" in style:
            p.tag = module._same_ns(p, "h1")
            p.set("class", ANNEX)


@settings(max_examples=400, deadline=None)
@given(_trees())
def test_paragraphs_numbered_and_revisions_accepted_as_by_the_whole_walk(root: etree._Element) -> None:
    from apdoc.unlayout.normalise import normalise

    new, old = Context("x"), Context("x")
    new.number_paragraphs(root)
    _old_number_paragraphs(old, root)
    assert new.order == old.order
    copy = etree.fromstring(etree.tostring(root))
    normalise(root)
    _old_normalise(copy)
    assert _shape(root) == _shape(copy)


def _shape(el: etree._Element) -> tuple:
    """A tree as names (with their namespace URIs, not the prefixes lxml makes up for an element
    created in a namespace: `ns0` in one tree is `ns1` in its copy), attributes, texts and children."""
    tag = el.tag if isinstance(el.tag, str) else ("comment", el.text)
    return (tag, dict(el.attrib), el.text, el.tail, [_shape(child) for child in el])


# --- yaml_emit: the styles of texts and the order of mappings, remembered ---------------------


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["1", "01", "yes", "no", "a: b", "- x", "x\ny", "'q'", '"', "", " ", "#", "1.5",
                                 "null", "é", "[a]", "a" * 1001]), min_size=1, max_size=6),
       st.booleans(), st.booleans())
def test_remembered_styles_are_the_styles(texts: list[str], key: bool, flow: bool) -> None:
    """A number field's `1` (written plain) and a text's `1` (quoted) are one key to a plain
    dict: the memory tells them apart, in either order."""
    from apdoc.plan.yaml_emit import _Plain, _style, _style_of

    for text in [*texts, *reversed(texts)]:
        for value in (text, _Plain(text)):
            assert _style(value, key=key, flow=flow) == _style_of(text, key, flow, isinstance(value, _Plain))
    assert _style("1") == '"' and _style(_Plain("1")) == "" and _style("1") == '"'


def test_mappings_ordered_by_their_model_whatever_came_before() -> None:
    from apdoc.plan.models import ActionItem, Document
    from apdoc.plan.yaml_emit import _ordered

    for _ in range(2):
        for model in (ActionItem, Document):
            fields = list(model.model_fields)[:4]
            node = {"zz-extra": "x", **{key: "1" for key in reversed(fields)}}
            assert [key for key, _, _ in _ordered(node, [ActionItem, Document])] == [*fields, "zz-extra"]
        assert [key for key, _, _ in _ordered({"b": "1", "a": "2"}, [ActionItem])] == ["b", "a"]


# --- unlayout on the caller's tree itself (import), or on a copy (apply) ------------------------


def test_the_tree_rewritten_in_place_gives_the_plan_its_copy_gives(td: bytes, tmp_path: Path) -> None:
    from apdoc.commands.import_td import read_document
    from apdoc.unlayout import plan_from_xhtml

    path = tmp_path / "td.docx"
    path.write_bytes(td)
    root = read_document(path)[0]
    paragraphs = [p for p in root.iter("p") if (p.text or "").strip()]
    deleted = etree.SubElement(paragraphs[40], "del")  # revision marks, which normalise accepts
    deleted.text, deleted.tail = "gone", " kept"
    inserted = etree.SubElement(paragraphs[60], "ins")
    inserted.text = " added"
    paragraphs[80].set("data-rev", "del")
    shown = etree.tostring(root)
    copied = plan_from_xhtml(root, source="td.docx")
    assert etree.tostring(root) == shown  # the caller's tree as it was
    in_place = plan_from_xhtml(root, source="td.docx", in_place=True)
    assert etree.tostring(root) != shown  # rewritten: the revisions accepted
    assert b"gone" in shown and b"gone" not in etree.tostring(root)
    assert (in_place.files, in_place.warnings, in_place.held, in_place.shown_urls, in_place.titled) == \
        (copied.files, copied.warnings, copied.held, copied.shown_urls, copied.titled)


# --- the footnotes a pass adds, taken back without a copy of them all before each value -----------


def _old_verified(ctx: Context, elements: list[etree._Element], convert: object, *, block: bool) -> str:
    """inline._verified as it was: a copy of every footnote and id before each value."""
    from apdoc.unlayout import inline

    def state() -> tuple[dict[str, str], set[str]]:
        return dict(ctx.footnotes), set(ctx.used_ids.get("footnote", ()))

    saved = state()
    plain = convert(inline.Markdown(ctx))  # type: ignore[operator]
    if inline._reads_back(ctx, plain, elements, block):
        return plain
    after_plain = state()
    inline._restore_footnotes(ctx, saved)
    escaped = convert(inline.Markdown(ctx, escape_text=True, warn=False))  # type: ignore[operator]
    if inline._reads_back(ctx, escaped, elements, block):
        return escaped
    inline._restore_footnotes(ctx, after_plain)
    return plain


_NOTE_TEXTS = st.sampled_from(["a note", "*not emphasis*", "[x](javascript:y)", "[^z] typed", "two  words", "1. one"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["plain", "*starred*", "- dash", "a_b_", ""]),
                          st.lists(st.tuples(st.sampled_from(["fn-a", "fn-b", "", "fn-a"]), _NOTE_TEXTS), max_size=3)),
                min_size=1, max_size=5))
def test_footnotes_taken_back_as_the_copies_did(paragraphs: list[tuple[str, list[tuple[str, str]]]]) -> None:
    from apdoc.unlayout import inline

    def run(verified: object) -> tuple[list[str], dict[str, str], set[str]]:
        ctx = Context("x")
        original, inline._verified = inline._verified, verified  # type: ignore[assignment]
        try:
            out = []
            for text, notes in paragraphs:
                p = _element("p", text)
                for note_id, note in notes:
                    span = etree.SubElement(p, "span", {"class": "footnote", **({"id": note_id} if note_id else {})})
                    span.text, span.tail = note, " then"
                out.append(inline.block_markdown(ctx, [p]))
            return out, ctx.footnotes, set(ctx.used_ids.get("footnote", ()))
        finally:
            inline._verified = original  # type: ignore[assignment]

    assert run(inline._verified) == run(_old_verified)


# --- raw_text by itertext where it reads the same -----------------------------------------------


def _old_raw_text(element: etree._Element) -> str:
    from apdoc.unlayout.context import local

    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if local(child) == "br" else _old_raw_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


@st.composite
def _inline_trees(draw: st.DrawFn) -> etree._Element:
    root = etree.Element("td")
    root.text = draw(st.sampled_from([None, "a", " b\n"]))
    parents = [root]
    for _ in range(draw(st.integers(0, 12))):
        parent = draw(st.sampled_from(parents))
        kind = draw(st.sampled_from(["p", "b", "br", "{urn:x}br", "span", "comment", "pi"]))
        if kind == "comment":
            child = etree.Comment("said")
        elif kind == "pi":
            child = etree.ProcessingInstruction("x", "y")
        else:
            child = etree.Element(kind)
            child.text = draw(st.sampled_from([None, "t", "u v"]))
            parents.append(child)
        parent.append(child)
        child.tail = draw(st.sampled_from([None, "w", "\n"]))
    return root


@settings(max_examples=500, deadline=None)
@given(_inline_trees())
def test_raw_text_reads_as_the_walk_did(root: etree._Element) -> None:
    from apdoc.unlayout.cover import raw_text

    for element in root.iter():
        assert raw_text(element) == _old_raw_text(element)
