"""Layout: the intermediate XHTML, its ids, numbers, and the safety of templates."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from apdoc.diagnostics import PlanError
from apdoc.layout import render_html
from apdoc.plan import load_plan

XHTML_TEXT = etree.XPath("string()")


def tree(plan_dir: Path) -> etree._Element:
    return etree.fromstring(render_html(load_plan(plan_dir)).encode("utf-8"))


def text_of(element: etree._Element) -> str:
    return " ".join(XHTML_TEXT(element).split())


def test_ids_are_unique(mini_plan: Path) -> None:
    ids = Counter(e.get("id") for e in tree(mini_plan).iter() if e.get("id"))
    assert [i for i, n in ids.items() if n > 1] == []
    assert {"ap-AP1", "ap-AP2-enablers", "c-9-documents", "tab-terms-r1-c2", "fn-only"} <= set(ids)


def test_ids_are_stable_when_other_content_changes(mini_plan: Path, edit) -> None:
    before = {e.get("id"): text_of(e) for e in tree(mini_plan).iter() if e.get("id")}
    edit(mini_plan / "action-items/AP1.yaml", "short_name: First", "short_name: Premier")
    after = {e.get("id"): text_of(e) for e in tree(mini_plan).iter() if e.get("id")}
    assert set(before) == set(after)
    changed = {i for i in before if before[i] != after[i]}
    assert changed == {"ap-AP1", "ap-AP1-short-name"}


def test_table_numbers_follow_document_order(mini_plan: Path) -> None:
    captions = [text_of(c) for c in tree(mini_plan).iter("caption")]
    assert captions == ["Table 1 – Terms used here", "Table 2 – Action plan on “First”",
                        "Table 3 – Action plan on “Second”"]


def test_headings_are_numbered_from_order(mini_plan: Path) -> None:
    headings = [text_of(h) for h in tree(mini_plan).iter("h1", "h2")]
    assert headings == ["1 Scope", "1.1 Detail", "2 Actions and the matrix", "Annex A – References"]


def test_action_item_header_and_default_objective(mini_plan: Path) -> None:
    root = tree(mini_plan)
    label = root.find(".//*[@id='ap-AP2-label']")
    assert text_of(label) == "AP2, AP2.1 – AP2.2"
    assert text_of(root.find(".//*[@id='ap-AP1-objective']")) == "Do the first thing."
    assert text_of(root.find(".//*[@id='ap-AP2-objective']")) == "A different objective."


def test_targets_as_data(mini_plan: Path) -> None:
    root = tree(mini_plan)
    cell = root.find(".//*[@id='c-9-documents']")
    assert text_of(cell) == "AP2.1 or New AP"
    assert cell.find(".//a").get("href") == "#ap-AP2"  # a sub-item links to its parent's table


HOSTILE = ["{{ 7*7 }}", "{% raw %}", "<b>&amp;</b>", "]]>", "$x", "<script>alert(1)</script>", "{#", "&lt;"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_looks_like_code_comes_out_as_written(mini_plan: Path, edit, text: str) -> None:
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    edit(mini_plan / "action-items/AP1.yaml", "statement: Do the first thing.", f"statement: {quoted}")
    root = tree(mini_plan)
    assert text_of(root.find(".//*[@id='ap-AP1-statement']")) == f"AP1 – {text}"
    assert root.find(".//*[@id='ap-AP1-statement']//b") is None
    assert root.find(".//script") is None


def test_template_override_beside_the_plan(mini_plan: Path) -> None:
    templates = mini_plan.parent / "templates"
    templates.mkdir()
    (templates / "td.html.j2").write_text(
        "<html><body><p>{{ layout.document.cover.title }}</p></body></html>", encoding="utf-8"
    )
    assert render_html(load_plan(mini_plan)) == "<html><body><p>A small plan with other items</p></body></html>"


def test_template_typo_names_the_template_and_line(mini_plan: Path) -> None:
    templates = mini_plan.parent / "templates"
    templates.mkdir()
    (templates / "td.html.j2").write_text("<html>\n<p>{{ layout.documnet }}</p>\n</html>", encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        render_html(load_plan(mini_plan))
    (d,) = caught.value.diagnostics
    assert d.path.endswith("templates/td.html.j2") and d.line == 2
    assert "documnet" in d.message


@pytest.mark.parametrize(
    ("expression", "message"),
    [("{{ range(10**9) | list }}", "OverflowError"), ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero")],
)
def test_an_exception_in_a_template_is_a_template_error_at_its_line(
    mini_plan: Path, expression: str, message: str
) -> None:
    templates = mini_plan.parent / "templates"
    templates.mkdir()
    (templates / "td.html.j2").write_text(f"<html>\n\n<p>{expression}</p>\n</html>", encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        render_html(load_plan(mini_plan))
    (d,) = caught.value.diagnostics
    assert d.path.endswith("templates/td.html.j2") and d.line == 3
    assert d.message.startswith(f"template error: {message}")


def test_templates_cannot_reach_python_internals(mini_plan: Path) -> None:
    templates = mini_plan.parent / "templates"
    templates.mkdir()
    (templates / "td.html.j2").write_text(
        "{{ layout.__class__.__init__.__globals__['os'].system('true') }}", encoding="utf-8"
    )
    with pytest.raises(PlanError) as caught:
        render_html(load_plan(mini_plan))
    assert "unsafe" in caught.value.diagnostics[0].message or "__class__" in caught.value.diagnostics[0].message


def test_text_that_looks_like_code_comes_out_as_written_in_every_format(mini_plan: Path, edit, tmp_path) -> None:
    import lxml.html
    from markdown_it import MarkdownIt

    from apdoc.build import BuildRequest, build_formats
    from textcompare import docx_segments

    statement = " ".join(HOSTILE)
    quoted = '"' + statement.replace("\\", "\\\\").replace('"', '\\"') + '"'
    edit(mini_plan / "action-items/AP1.yaml", "statement: Do the first thing.", f"statement: {quoted}")
    targets = {fmt: tmp_path / f"td.{fmt}" for fmt in ("docx", "html", "md", "pdf")}
    build_formats(BuildRequest(mini_plan, targets))
    expected = f"AP1 – {statement}"
    assert expected in [" ".join(s.split()) for s in docx_segments(targets["docx"])]
    page = lxml.html.fromstring(targets["html"].read_bytes())
    assert " ".join(page.get_element_by_id("ap-AP1-statement").text_content().split()) == expected
    markdown = targets["md"].read_text(encoding="utf-8")
    rendered = lxml.html.fromstring(MarkdownIt("commonmark").enable("table").render(markdown))
    assert expected in [" ".join(p.text_content().split()) for p in rendered.iter("p")]
    from pypdf import PdfReader

    pdf_text = " ".join(" ".join(p.extract_text() for p in PdfReader(targets["pdf"]).pages).split())
    assert expected in pdf_text


LONG_PARAGRAPH = ("The group reviews the outcomes of each study period against the indicators agreed, "
                  "and reports on the progress of every action item to the next meeting. ") * 6


def long_field(paragraphs: int) -> str:
    """A YAML block scalar of `paragraphs` paragraphs, indented for a field of an action item's table."""
    return "|\n" + "\n\n".join("    " + LONG_PARAGRAPH.strip() for _ in range(paragraphs))


def test_only_a_row_with_more_text_than_a_page_holds_may_break(mini_plan: Path, edit) -> None:
    # 30 paragraphs (30,000 characters) fill several pages; 4 (a page's worth) may still fit on one.
    edit(mini_plan / "action-items/AP1.yaml", "learning_and_feedback: |", f"learning_and_feedback: {long_field(30)}\n")
    edit(mini_plan / "action-items/AP2.yaml", "enablers: Everyone.", f"enablers: {long_field(4)}")
    edit(mini_plan / "chapters/1-scope.yaml", "[Item, One action, here]",
         f"[Item, One action, '{LONG_PARAGRAPH * 25}']")
    edit(mini_plan / "chapters/2-matrix.yaml", "comments: None yet.", f"comments: {LONG_PARAGRAPH * 25}")
    root = tree(mini_plan)
    breakable = {tr.get("id") for tr in root.iter("tr") if "breakable" in (tr.get("class") or "").split()}
    assert breakable == {"ap-AP1-learning_and_feedback-row", "tab-terms-r1", "c-9"}
    assert root.find(".//*[@id='ap-AP2-enablers-row']").get("class") is None
