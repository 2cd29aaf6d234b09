"""The DOCX writer's text (xmltext.py, runs.py) is what lxml writes for the same elements:
escaping of hostile text, runs of every kind, paragraphs, and a refused character refused."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape as xml_escape

import pytest
from lxml import etree

from apdoc.ooxml import qname
from apdoc.writers.docx import write_docx
from apdoc.writers.docx.document import Writer
from apdoc.writers.docx.elements import make
from apdoc.writers.docx.runs import Run, run_xml
from apdoc.writers.docx.tables import without_mark
from apdoc.writers.docx.xmltext import Fragment, as_element, elements_text, escape, quote

HOSTILE = ["plain", "{{ x }}", "{% if %}", "<b>", "a & b", "&amp;", "]]>", 'say "so"', "it's", "a\tb", "a\nb",
           "a\rb", "\u00a0\u200d\u2028", "😀 \U0001f9ea", "\x7f\x85", "<![CDATA[x]]>", "<!-- c -->", "&#13;", ""]
REFUSED = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff", "\ud800", "\udfff"]


def lxml_text(text: str) -> str:
    written = etree.tostring(make("t", text=text), encoding="unicode")
    return written.removeprefix("<t>").removesuffix("</t>") if text else ""


def lxml_attribute(value: str) -> str:
    written = etree.tostring(make("t", {"val": value}), encoding="unicode")
    return written.removeprefix('<t val="').removesuffix('"/>')


@pytest.mark.parametrize("text", HOSTILE)
def test_text_and_attributes_are_escaped_as_lxml_escapes_them(text: str) -> None:
    assert escape(text) == lxml_text(text)
    assert quote(text) == lxml_attribute(text)


@pytest.mark.parametrize("text", REFUSED)
def test_what_lxml_refuses_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        lxml_text(f"a{text}b")
    with pytest.raises(ValueError):
        escape(f"a{text}b")
    with pytest.raises(ValueError):
        quote(f"a{text}b")


def run_element(run: Run, text: str) -> list[etree._Element]:
    """The w:r elements of a run, built element by element (the writer's former way)."""
    properties = make("w:rPr")
    for name in ("b", "i"):
        if name in run.props:
            properties.extend([make(f"w:{name}"), make(f"w:{name}Cs")])
    if "u" in run.props:
        properties.append(make("w:u", {"w:val": "single"}))

    def made(*content: etree._Element) -> etree._Element:
        return make("w:r", None, *([properties.__copy__()] if run.props else []), *content)

    text_tag = "w:delText" if run.rev == "del" else "w:t"
    if run.kind == "br":
        return [made(make("w:br"))]
    if run.kind == "seq":
        instruction = make("w:instrText", {"xml:space": "preserve"}, text=f" SEQ {run.field} \\* ARABIC ")
        value = make(text_tag, {"xml:space": "preserve"}, text=run.text)
        return [made(make("w:fldChar", {"w:fldCharType": "begin"})), made(instruction),
                made(make("w:fldChar", {"w:fldCharType": "separate"})), made(value),
                made(make("w:fldChar", {"w:fldCharType": "end"}))]
    content: list[etree._Element] = []
    for n, part in enumerate(text.split("\t")):
        content += [make("w:tab")] if n else []
        content += [make(text_tag, {"xml:space": "preserve"}, text=part)] if part else []
    return [made(*content)]


@pytest.mark.parametrize("run", [Run("plain"), Run("bold", ("i", "b")), Run("gone", rev="del"), Run("a\tb\t", ("u",)),
                                 Run("\t"), Run(""), Run("", ("b",), kind="br"),
                                 Run("7", ("b",), kind="seq", field='Tab&"le'),
                                 *(Run(text, ("b",)) for text in HOSTILE)])
def test_a_run_written_as_text_is_the_run_built_as_elements(run: Run) -> None:
    assert run_xml(run, run.text) == elements_text(run_element(run, run.text))


def writer() -> Writer:
    return Writer(etree.fromstring("<html><head><title>t</title></head><body/></html>"))


@pytest.mark.parametrize("text", HOSTILE)
def test_a_paragraph_written_as_text_parses_to_what_lxml_writes_back(text: str) -> None:
    made = writer()
    made.state.pending_anchors = ["_a_1", "_b_2"]
    runs = [Run(text), Run(" linked ", link=("anchor", "_x&y")), Run(text, ("b",), rev="ins"),
            Run("out", link=("id", "rIdLink1"), rev="del")]
    paragraph = made.paragraph(runs, "Normal", numbering=(3, 1), rev=None, mark="ins")
    assert elements_text([as_element(paragraph)]) == paragraph.xml
    element = as_element(paragraph)
    changes = [int(e.get(qname("w:id"))) for e in element.iter(qname("w:ins"), qname("w:del"))]
    assert changes == list(range(1, 3 + bool(text)))  # the mark's, then the runs' (an empty run has none)
    bookmarks = [int(e.get(qname("w:id"))) for e in element.iter(qname("w:bookmarkStart"))]
    assert bookmarks == [len(changes) + 1, len(changes) + 2]  # numbered after the changes


def test_a_paragraph_mark_taken_out_of_the_text_is_taken_out_of_the_element() -> None:
    paragraph = writer().paragraph([], "Normal", rev="del")
    element = as_element(paragraph)
    assert not paragraph.has_runs and paragraph.mark is not None
    expected = without_mark(element)
    assert elements_text([expected]) == paragraph.unmarked().xml
    assert "w:rPr" not in paragraph.unmarked().xml
    assert without_mark(Fragment("<w:p/>")) == Fragment("<w:p/>")


def test_hostile_text_comes_back_out_of_the_docx_as_it_went_in() -> None:
    words = ["{{ x }}", "<b>", "a&b", "]]>", '"q"', "😀", "\u00a0"]
    body = "".join(f"<p>{xml_escape(word)}</p>" for word in words)
    html = f"<html><head><title>t</title></head><body>{body}</body></html>"
    with zipfile.ZipFile(io.BytesIO(write_docx(html))) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
    assert [t.text for t in document.iter(qname("w:t"))] == words
