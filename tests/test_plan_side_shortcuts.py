"""Shortcuts in the making of the plan's own TD (issue 20: `apply` lays out and writes the plan
every time) give what the general way gives: plain paragraphs and lists of Markdown written
without the parser, tags stripped by a regex, a paragraph of one run collapsed at once, a
paragraph of text alone written at once, text escaped after one look for what needs it,
bookmark names written unquoted."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jinja2 import Environment
from jinja2.filters import do_striptags
from lxml import etree
from markupsafe import Markup

from apdoc.anchors import bookmark_name
from apdoc.layout.prose import Renderer, _parser, plain_blocks, plain_blocks_html
from apdoc.layout.render import _environment, striptags
from apdoc.writers.docx import document, write_docx
from apdoc.writers.docx.document import Writer, text_alone
from apdoc.writers.docx.elements import make
from apdoc.writers.docx.runs import Run, collapsed_in_each_view, one_run_collapsed
from apdoc.writers.docx.state import Context
from apdoc.writers.docx.xmltext import Fragment, escape, quote

# Paragraphs of plain lines and bullet lists, between them blank lines or not, and now and then
# something that may be syntax or whitespace the parser trims, somewhere.
PLAIN = st.text(st.sampled_from("ab\u00e9\u2019\"'=.,:;~|^%$/()?&![]>"), min_size=1, max_size=4)
LINES = st.lists(PLAIN, min_size=1, max_size=4).map(" ".join)
PARAGRAPHS = st.lists(LINES, min_size=1, max_size=3).map("\n".join)
LISTS = st.lists(LINES.map("- {}".format), min_size=1, max_size=3).map("\n".join)
SEPARATORS = st.sampled_from(["\n\n", "\n\n", "\n\n", "\n", "\n\n\n", "\n \n", "\n\t\n", "\n    ", "\n  ", "\r\n"])
AT_ALL = st.text(st.sampled_from("a \t\n\u00a0\u2003\r\x00\x0b&<>\"'`*_[]()^!#-+=.)1~\\:|%$"), min_size=1, max_size=3)


@st.composite
def markdown_texts(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(st.one_of(PARAGRAPHS, LISTS), min_size=1, max_size=4))
    text = blocks[0]
    for block in blocks[1:]:
        text += draw(SEPARATORS) + block
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(AT_ALL) + text[at:]
    return draw(st.sampled_from(["", "\n", "\n\n"])) + text + draw(st.sampled_from(["", "\n", "\n\n", " "]))


@settings(max_examples=3000, deadline=None)
@given(markdown_texts(), st.sampled_from([None, "", "ch-a-b0", 'q"<&\'']))
@example("Intro [b-Ref] & more:\n\n- one;\n- two.\n\nAfter.\n", "x")
@example("- a\n\n- b", None)
@example("a [b](c) d", None)
@example("a [^fn] b", "x")
def test_plain_blocks_are_written_as_the_parser_writes_them(text: str, id_prefix: str | None) -> None:
    blocks = plain_blocks(text)
    if blocks is not None:
        assert plain_blocks_html(blocks, id_prefix) == Renderer({})._render_tokens(_parser().parse(text), id_prefix)


def test_the_texts_tried_hold_plain_blocks() -> None:
    """The shortcut is taken for texts of paragraphs and lists (else the test above compares nothing)."""
    assert plain_blocks("Intro [b-Ref] & more:\n\n- one;\n- two.\n\nAfter.\n") == [
        ("p", ["Intro [b-Ref] & more:"]), ("ul", ["one;", "two."]), ("p", ["After."])]
    assert plain_blocks("a\nb\n\nc") == [("p", ["a\nb"]), ("p", ["c"])]
    assert plain_blocks("a [b](c) d") is None  # a link: the parser's


# Markup with tags, comments, entities and whitespace, whole or cut anywhere.
MARKUP = st.lists(st.sampled_from(["<p>", "</td>", '<a href="x>y">', "<", ">", "<!--", "-->", "<!-- c -->", "&amp;",
                                   "&lt;b&gt;", "&#9;", "&nbsp;", "&", " ", "\n", "\t", "\u00a0", "\u2003", "x", "é"]),
                  max_size=12).map("".join)


@settings(max_examples=3000, deadline=None)
@given(MARKUP, st.booleans())
@example("<td><p>a</p></td> <td>&lt;b&gt;</td>", True)
@example("a < b <!-- c > d", False)
def test_tags_stripped_by_the_regex_are_those_jinja_strips(text: str, as_markup: bool) -> None:
    value = Markup(text) if as_markup else text
    assert striptags(value) == do_striptags(value)


def test_the_layout_strips_tags_with_the_regex_as_jinja_does() -> None:
    source = "{{ cells | striptags | length }}|{{ cells | striptags }}"
    cells = Markup("<td>a&amp;b</td>\n  <td class='x'>c</td><!-- d -->")
    ours = _environment(None)
    assert ours.filters["striptags"] is striptags
    assert ours.from_string(source).render(cells=cells) == Environment(autoescape=True).from_string(source).render(
        cells=cells)


# Text with whitespace of every kind, what lxml escapes and what it refuses.
TEXT = st.text(st.one_of(st.sampled_from(" \t\n\r\x0b\x0c\x00\x1f\x85\u00a0\u2028&<>\"'\ufffe\uffff\ud800\udfff"),
                         st.characters()), max_size=12)


@settings(max_examples=2000, deadline=None)
@given(TEXT, st.sampled_from([None, "ins", "del"]))
@example(" a  b\n", None)
@example("\t a \t", "ins")
def test_one_run_is_collapsed_as_each_view_collapses_it(text: str, joins: str | None) -> None:
    assert one_run_collapsed(Run(text)) == collapsed_in_each_view([Run(text)], joins)


def lxml_text(text: str) -> str:
    written = etree.tostring(make("t", text=text), encoding="unicode")
    return written.removeprefix("<t>").removesuffix("</t>") if text else ""


def lxml_attribute(value: str) -> str:
    return etree.tostring(make("t", {"val": value}), encoding="unicode").removeprefix('<t val="').removesuffix('"/>')


def refused_or(write: Callable[[str], str], text: str) -> str:
    try:
        return write(text)
    except ValueError:
        return "refused"


@settings(max_examples=3000, deadline=None)
@given(TEXT)
def test_text_escaped_after_one_look_is_what_lxml_writes(text: str) -> None:
    assert refused_or(escape, text) == refused_or(lxml_text, text)
    assert refused_or(quote, text) == refused_or(lxml_attribute, text)


@settings(max_examples=2000, deadline=None)
@given(st.text(st.one_of(st.sampled_from(" -._&<>\"'\t\n\r\x00"), st.characters(exclude_categories=["Cs"]))))
def test_a_bookmark_name_needs_no_quoting(element_id: str) -> None:
    name = bookmark_name(element_id)
    assert quote(name) == name


def written_paragraph(write: Callable[[Writer], Fragment], anchors: list[str]) -> tuple[str, bool, int] | str:
    """A paragraph written by a new writer with these anchors waiting, and what it leaves."""
    writer = Writer(None)
    writer.annotations.next_id()  # ids go on from where the document is
    writer.state.pending_anchors = list(anchors)
    try:
        fragment = write(writer)
    except ValueError:
        return "refused"
    assert writer.state.pending_anchors == []
    return fragment.xml, fragment.has_runs, writer.annotations.count


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.none(), TEXT), st.sampled_from(["Normal", "Tabletext", "a&b"]),
       st.lists(st.text("ab_1", min_size=1), max_size=2))
@example("a\tb  c ", "Normal", ["_ap1"])
@example(" \n ", "Normal", [])
def test_a_paragraph_of_text_alone_is_the_paragraph_of_its_one_run(text: str | None, style: str,
                                                                   anchors: list[str]) -> None:
    runs = [Run(text)] if text else []
    assert written_paragraph(lambda writer: writer.plain_paragraph(text, style), anchors) == written_paragraph(
        lambda writer: writer.paragraph(runs, style), anchors)


# Paragraphs the shortcut takes and those it must leave: with inline elements, a comment, tracked
# changes of their own or around them, a split paragraph's mark, a move; in cells, items, quotes.
PARAGRAPHS_OF_EVERY_KIND = (
    '<p id="a">plain</p><p class="Tabletext">  spaced\n out\t tab </p><p></p><p id="e"> </p>'
    '<p>with <strong>bold</strong></p><p>a <!-- c --> comment</p><p data-rev="ins">inserted</p>'
    '<p data-rev-mark="del">split</p><div data-rev="del"><p id="d">in a deleted div</p></div>'
    '<p data-rev="del" data-move="from">moved</p><p data-rev="ins" data-move="to">moved</p>'
    '<blockquote><p>quoted</p></blockquote><ul><li><p id="i">item</p><p>more</p></li></ul>'
    '<table id="t"><tbody><tr id="r"><td id="c"><p id="cp">x</p></td><td><p></p></td></tr>'
    '<tr data-rev="ins"><td><p>new</p></td><td><p data-rev-mark="ins">row</p></td></tr></tbody></table>'
    '<p>a &amp; b &lt; c</p>'
)


def test_paragraphs_of_text_alone_written_at_once_are_the_document_written_the_general_way(
        monkeypatch: pytest.MonkeyPatch) -> None:
    html = f'<html lang="en"><head><title>T</title></head><body>{PARAGRAPHS_OF_EVERY_KIND}</body></html>'
    taken: list[str | None] = []

    def counted(paragraph: etree._Element, ctx: Context) -> bool:
        alone = text_alone(paragraph, ctx)
        if alone:
            taken.append(paragraph.text)
        return alone

    monkeypatch.setattr(document, "text_alone", counted)
    shortcut = write_docx(html)
    assert taken == ["plain", "  spaced\n out\t tab ", None, " ", "quoted", "x", None, "a & b < c"]
    monkeypatch.setattr(document, "text_alone", lambda paragraph, ctx: False)
    assert write_docx(html) == shortcut
