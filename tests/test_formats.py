"""PDF, HTML and Markdown come from the same layout as the DOCX and hold the same TD."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from apdoc.build import BuildRequest, build_formats
from conftest import SEED_PLAN, SEED_TEXT
from textcompare import coverage, seed_segments

CAPTION = re.compile(r"Table (\d+) – ")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("formats")
    targets = {fmt: folder / f"td.{fmt}" for fmt in ("pdf", "html", "md")}
    build_formats(BuildRequest(SEED_PLAN, targets))
    return targets


@pytest.fixture(scope="module")
def pdf_pages(outputs: dict[str, Path]) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(outputs["pdf"]).pages]


def test_pdf_holds_the_seed_text(pdf_pages: list[str]) -> None:
    # PDF text comes out line by line: compare lines, so runs are cut at line ends (hence 97%).
    lines = [line for page in pdf_pages for line in page.splitlines()]
    share, missing = coverage(seed_segments(SEED_TEXT), [" ".join(lines)])
    assert share >= 0.97, missing


def test_pdf_captions_in_order(pdf_pages: list[str]) -> None:
    text = "\n".join(pdf_pages)
    assert [int(n) for n in CAPTION.findall(text)] == list(range(1, 14))


def test_pdf_running_header_from_page_two(pdf_pages: list[str], outputs: dict[str, Path]) -> None:
    assert "- 1 -" not in pdf_pages[0]
    for number, page in enumerate(pdf_pages[1:], 2):
        assert f"- {number} -\nTSAG-TD XXX" in page, page[-80:]


def test_pdf_uses_only_the_times_metric_font(outputs: dict[str, Path]) -> None:
    """The running header too: a margin box inherits its font from the root, not from <body>."""
    from pypdf import PdfReader

    fonts = {
        font.get_object()["/BaseFont"].split("+")[-1]
        for page in PdfReader(outputs["pdf"]).pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    assert fonts and all(name.startswith(("Liberation-Serif", "TeXGyreTermes")) for name in fonts), fonts


def test_pdf_outline_and_metadata(outputs: dict[str, Path]) -> None:
    from pypdf import PdfReader

    reader = PdfReader(outputs["pdf"])
    titles = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    assert "1 Introduction" in titles and "Table 13 – Identification of documents that contributed to this " \
        "action plan" in titles
    assert reader.metadata.title.startswith("Draft updated")
    assert len(reader.pages[0].mediabox) == 4 and round(float(reader.pages[0].mediabox.width)) == 595  # A4


def test_pdf_matrix_links_to_the_action_item_tables(outputs: dict[str, Path]) -> None:
    from pypdf import PdfReader

    reader = PdfReader(outputs["pdf"])
    internal = 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object()
            if (action.get("/Subtype") == "/Link" and "/Dest" in action) or ("/A" in action and \
                    action["/A"].get("/S") == "/GoTo"):
                internal += 1
    assert internal >= 26  # one or more per matrix row



def test_pdf_pages_are_those_of_the_layout_with_all_its_ids() -> None:
    """The PDF writer hands weasyprint the layout without the ids of paragraphs, rows and cells
    (a quarter of its time went to styling them one by one): every page is drawn as from the
    layout with all its ids, and the chapters, tables, figures, footnotes and link targets are
    still named destinations."""
    import io

    from pypdf import PdfReader
    from weasyprint import HTML

    from apdoc.layout.render import render_html
    from apdoc.plan.load import load_plan
    from apdoc.writers.pdf import PDF_VARIANT, write_pdf

    html = render_html(load_plan(SEED_PLAN))
    ours, whole = (PdfReader(io.BytesIO(pdf)) for pdf in (
        write_pdf(html), HTML(string=html).render().write_pdf(pdf_variant=PDF_VARIANT)))
    assert len(ours.pages) == len(whole.pages) == 25
    for number, (page, expected) in enumerate(zip(ours.pages, whole.pages, strict=True), 1):
        assert page.get_contents().get_data() == expected.get_contents().get_data(), f"page {number}"
    names = set(ours.named_destinations)
    assert names < set(whole.named_destinations)
    page = lxml.html.fromstring(html)
    linked = {href[1:] for href in page.xpath("//a/@href") if href.startswith("#")}
    landmarks = set(page.xpath("//h1/@id | //h2/@id | //h3/@id | //section/@id | //table/@id | //figure/@id"
                               " | //span[@class='footnote']/@id"))
    assert linked and landmarks and linked | landmarks == names
    assert not [name for name in names if re.search(r"-(r\d+|c\d+|p\d+|i\d+)$", name)]  # no row, cell, paragraph, item


def test_html_has_anchors_for_items_and_rows(outputs: dict[str, Path]) -> None:
    page = lxml.html.fromstring(outputs["html"].read_bytes())
    ids = set(page.xpath("//@id"))
    assert {f"ap-AP{n}" for n in ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2", "3", "4", "5")} <= ids
    assert {"c-01", "c-16", "c-31"} <= ids
    captions = [CAPTION.match(" ".join(c.text_content().split())) for c in page.iter("caption")]
    assert [int(c.group(1)) for c in captions if c] == list(range(1, 14))
    assert len(page.xpath("//section[@id='footnotes']//li")) == 4
    assert not page.xpath("//link | //script | //img[starts-with(@src, 'http')]")  # self-contained


def test_markdown_holds_the_seed_text(outputs: dict[str, Path]) -> None:
    text = outputs["md"].read_text(encoding="utf-8")
    unescaped = re.sub(r"\\(.)", r"\1", text)
    segments = re.split(r"\n|<br>|\|", unescaped)
    share, missing = coverage(seed_segments(SEED_TEXT), segments)
    assert share >= 0.97, missing


def test_markdown_tables_captions_and_footnotes(outputs: dict[str, Path]) -> None:
    text = outputs["md"].read_text(encoding="utf-8")
    assert [int(n) for n in re.findall(r"^\*\*Table (\d+) – ", text, re.M)] == list(range(1, 14))
    assert re.findall(r"^\[\^(\d)\]: ", text, re.M) == ["1", "2", "3", "4"]
    header = next(line for line in text.splitlines() if line.startswith("| # |"))
    assert header.count("|") == 14  # 13 columns: the two-row header folded into one
    rows = [line.split(" | ")[0] for line in text.splitlines() if re.match(r"\| \d\d \|", line)]
    assert rows == [f"| {n:02d}" for n in [*range(1, 17), 19, 21, *range(24, 32)]]


@pytest.mark.parametrize("fmt", ["pdf", "md"])
def test_deterministic(tmp_path: Path, outputs: dict[str, Path], fmt: str) -> None:
    again = build_formats(BuildRequest(SEED_PLAN, {fmt: tmp_path / f"again.{fmt}"}))[0]
    assert again.read_bytes() == outputs[fmt].read_bytes()


def test_figure_in_html_and_pdf(outputs: dict[str, Path], pdf_pages: list[str]) -> None:
    page = lxml.html.fromstring(outputs["html"].read_bytes())
    (figure,) = page.xpath("//figure[@id='fig-pillars']")
    texts = [t.text for t in figure.iter("{http://www.w3.org/2000/svg}text", "text")]
    assert {"Raising awareness", "AP1.1", "AP5", "AP4"} <= set(texts)
    assert "Figure 1 – The four pillars of the action plan and their action items" in "\n".join(pdf_pages)


def test_figure_in_markdown_as_text_from_the_plan(outputs: dict[str, Path]) -> None:
    """Markdown cannot show the drawing: it lists each pillar and its items, as the plan gives them."""
    from apdoc.layout import Layout
    from apdoc.plan import load_plan

    (figure,) = Layout(load_plan(SEED_PLAN)).figures
    markdown = outputs["md"].read_text(encoding="utf-8")
    lines = "\n".join(f"- {p.name}: {', '.join(p.action_items)}" for p in figure.pillars)
    assert f"{lines}\n\n**Figure 1 – {figure.title}**" in markdown


def test_markdown_action_item_tables_pair_each_label_with_its_text(outputs: dict[str, Path]) -> None:
    """Pipe tables cannot merge cells: an action item's rows come out as label | text pairs."""
    from lxml import etree
    from markdown_it import MarkdownIt

    from apdoc.layout import render_html
    from apdoc.plan import load_plan

    layout = etree.fromstring(render_html(load_plan(SEED_PLAN)).encode())
    page = lxml.html.fromstring(MarkdownIt("commonmark").enable("table").render(
        outputs["md"].read_text(encoding="utf-8")))
    pairs = {(" ".join(tr[0].text_content().split()), " ".join(tr[1].text_content().split()))
             for tr in page.iter("tr") if len(tr) == 2}
    checked = 0
    for label_row in layout.xpath("//table[@class='ap']//tr[@class='label']"):
        label = " ".join("".join(label_row.itertext()).split())
        content = label_row.getnext()
        text = " ".join(" ".join(content.itertext()).split())
        words = text.split()[:6]
        assert any(lab == label and all(w in txt for w in words) for lab, txt in pairs), (label, words)
        checked += 1
    assert checked >= 11 * 7


def test_pdf_a_field_longer_than_a_page_follows_its_label_and_repeats_the_header(mini_plan: Path, edit,
                                                                                 tmp_path: Path) -> None:
    # Kept whole, such a row started on a page of its own (its label left alone at the foot of the
    # page before) and its continuation pages had no header row.
    paragraph = ("The group reviews the outcomes of each study period against the indicators agreed, "
                 "and reports on the progress of every action item to the next meeting. ") * 6
    field = "|\n" + "\n\n".join(f"    {n} {paragraph.strip()}" for n in range(30))
    edit(mini_plan / "action-items/AP1.yaml", "learning_and_feedback: |", f"learning_and_feedback: {field}\n")
    build_formats(BuildRequest(mini_plan, {"pdf": tmp_path / "td.pdf"}))
    from pypdf import PdfReader

    pages = [" ".join(page.extract_text().split()) for page in PdfReader(tmp_path / "td.pdf").pages]
    holding = [n for n, page in enumerate(pages) if "reports on the progress of every action item" in page]
    assert len(holding) >= 3
    assert "Learning and Feedback 0 The group reviews" in pages[holding[0]]
    for n in holding[1:]:
        assert "AP# AP1 AP Short Name “First”" in pages[n]
