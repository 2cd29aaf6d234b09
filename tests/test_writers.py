"""Writers on small fragments of the intermediate XHTML, and the writers' registry.

A writer is a function from the intermediate document to bytes, so each case here is a few
lines of XHTML (docs/layout-vocabulary.md) and the exact output expected.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from apdoc.build import BuildRequest, build_formats
from apdoc.writers import WRITERS, Writer, register, writer
from apdoc.writers.markdown import write_markdown
from conftest import MINI_PLAN, run_cli


def markdown(body: str) -> str:
    html = f'<html xmlns:svg="http://www.w3.org/2000/svg"><head><title>T</title></head><body>{body}</body></html>'
    return write_markdown(html).decode("utf-8")


def test_markdown_table_with_row_spans_repeats_nothing_and_keeps_the_columns() -> None:
    out = markdown(
        "<table><thead><tr><th>Item</th><th>Text</th><th>Note</th></tr></thead><tbody>"
        '<tr><td rowspan="2">AP1</td><td>first</td><td>a</td></tr>'
        "<tr><td>second</td><td>b</td></tr>"
        '<tr><td>AP2</td><td colspan="2" rowspan="2">wide</td></tr>'
        "<tr><td>AP3</td></tr></tbody></table>"
    )
    assert out == (
        "<!-- T -->\n\n"
        "| Item | Text | Note |\n|---|---|---|\n"
        "| AP1 | first | a |\n|  | second | b |\n"
        "| AP2 | wide |  |\n| AP3 |  |  |\n"
    )


def test_markdown_nested_list_is_indented_under_its_item() -> None:
    out = markdown("<ul><li><p>one</p><ol><li>two</li><li>three</li></ol></li><li>four</li></ul>")
    assert out == "<!-- T -->\n\n- one\n  1. two\n  2. three\n- four\n"


def test_markdown_footnote_becomes_a_numbered_note_at_the_end() -> None:
    out = markdown('<p>Text<span class="footnote">A <em>short</em> note.</span> goes on.</p>')
    assert out == "<!-- T -->\n\nText[^1] goes on.\n\n[^1]: A *short* note.\n"


def test_markdown_shows_the_current_text_of_a_marked_run() -> None:
    # Markdown has no revision marks (`apdoc diff --format md` shows changes): the text as it is now.
    out = markdown('<p data-rev="mod">The <del>old</del><ins>new</ins> <em>text</em>.</p>')
    assert out == "<!-- T -->\n\nThe new *text*.\n"


def test_markdown_escapes_text_that_would_be_markup() -> None:
    assert markdown("<p>a*b* | [c] &lt;d&gt;</p>") == "<!-- T -->\n\na\\*b\\* \\| \\[c\\] \\<d\\>\n"


# --- the registry -----------------------------------------------------------------


def write_plain_text(html: str) -> bytes:
    """A toy writer: the document's text, one line per block."""
    body = etree.fromstring(html.encode("utf-8")).find("body")
    lines = (" ".join("".join(p.itertext()).split()) for p in body.iter("h1", "h2", "h3", "p"))
    return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")


@pytest.fixture
def plain_text_writer() -> Iterator[Writer]:
    """The toy writer registered for one test (the registry is restored after it)."""
    before = dict(WRITERS)
    yield register(Writer("txt", suffix="text", function=write_plain_text))
    WRITERS.clear()
    WRITERS.update(before)


def test_a_registered_writer_builds_like_the_others(plain_text_writer: Writer, tmp_path: Path) -> None:
    (path,) = build_formats(BuildRequest(MINI_PLAN, {"txt": None}, folder=tmp_path))
    assert path.suffix == ".text"  # the writer's suffix, not its name
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "INTERNATIONAL TELECOMMUNICATION UNION" and "A small plan with other items" in lines
    assert writer("txt") is plain_text_writer


def test_a_registered_writer_is_a_cli_format_and_part_of_all(plain_text_writer: Writer, tmp_path: Path) -> None:
    code, _, err = run_cli("build", "--plan", str(MINI_PLAN), "--format", "txt", "-o", str(tmp_path / "td.txt"))
    assert code == 0, err
    assert (tmp_path / "td.txt").read_text(encoding="utf-8").strip()
    code, _, err = run_cli("build", "--plan", str(MINI_PLAN), "--format", "all", "-o", str(tmp_path / "all"))
    assert code == 0, err
    assert sorted(p.suffix for p in (tmp_path / "all").iterdir()) == [".docx", ".html", ".md", ".pdf", ".text"]


def test_a_writer_without_revision_marks_is_refused_with_compare_to(tmp_path: Path) -> None:
    code, _, err = run_cli("build", "--plan", str(MINI_PLAN), "--format", "md", "--compare-to", str(MINI_PLAN))
    assert code == 2
    assert "--compare-to marks DOCX, PDF and HTML; for Markdown use `apdoc diff REF --format md`" in err


def test_an_unknown_writer_names_the_ones_there_are() -> None:
    with pytest.raises(KeyError, match="no writer 'odt'; there are docx, pdf, html, md"):
        writer("odt")


PDF_INPUT = (
    "<!DOCTYPE html>\n"
    '<html><head><title>T</title><style>td > p { color: red } p:empty { height: 1em; color: #c01c28 }</style></head>'
    "<body>"
    '<h1 id="ch-a"><span class="number">1</span>A</h1>'
    '<p id="ch-a-b0-p0">See <a href="#tab-t-r0">the row</a>.<span class="footnote" id="fn-x">Note</span></p>'
    '<p id="ch-a-b1-p0"></p>after the empty paragraph'
    '<table id="tab-t"><tbody><tr id="tab-t-r0"><td id="tab-t-r0-c0"><p id="tab-t-r0-c0-p0">x</p></td></tr>'
    '<tr id="tab-t-r1"><td id="tab-t-r1-c0"></td></tr></tbody></table>'
    '<ul id="ch-a-b2"><li id="ch-a-b2-i0">item</li></ul>'
    '<figure id="fig-f"><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs>'
    '<linearGradient id="shade"/></defs><rect id="box" width="5" height="5" fill="url(#shade)"/></svg></figure>'
    "</body></html>"
)


def test_the_pdf_gets_only_the_ids_of_landmarks_and_link_targets() -> None:
    """weasyprint styles each element with an id (and all inside it) one by one: the ids only
    revision marks and Word import need (paragraphs, lists, rows, cells) are not handed to it."""
    from apdoc.writers.pdf import for_weasyprint

    ids = etree.fromstring(for_weasyprint(PDF_INPUT), etree.HTMLParser()).xpath("//@id")
    assert sorted(ids) == ["box", "ch-a", "fig-f", "fn-x", "shade", "tab-t", "tab-t-r0"]


def test_the_pdf_input_is_written_back_as_html_that_parses_to_the_same_tree() -> None:
    """Written as XML the document would reach weasyprint's HTML parser changed: `<p/>` opens a
    paragraph that takes in what follows, and the stylesheet's `>` becomes `&gt;` (no rule)."""
    from apdoc.writers.pdf import for_weasyprint

    out = for_weasyprint(PDF_INPUT)
    assert out.startswith("<!DOCTYPE html>")
    assert "td > p { color: red }" in out
    parse = etree.HTMLParser()
    shape = [(e.tag, (e.text or "").strip(), (e.tail or "").strip()) for e in etree.fromstring(out, parse).iter()]
    assert shape == [(e.tag.rpartition("}")[2], (e.text or "").strip(), (e.tail or "").strip())
                     for e in etree.fromstring(PDF_INPUT, parse).iter()]
    assert ("p", "", "after the empty paragraph") in shape  # the text stays after the empty paragraph


@pytest.mark.parametrize("selector", ["#ch-a-b0-p0", "p[id$='-p0']", "@media print { p:not(#ch-a-b1-p0)"])
def test_a_stylesheet_that_selects_by_id_keeps_every_id_for_the_pdf(selector: str) -> None:
    """A template's own td.css may style an element by its id: the PDF then looks as it says."""
    from apdoc.writers.pdf import for_weasyprint

    closing = "}" * (selector.count("{") + 1)
    html = PDF_INPUT.replace("<style>", f"<style>{selector} {{ color: #c01c28 {closing} ")
    ids = etree.fromstring(for_weasyprint(html), etree.HTMLParser()).xpath("//@id")
    assert sorted(ids) == sorted(etree.fromstring(PDF_INPUT, etree.HTMLParser()).xpath("//@id"))
