"""What readers other than Word and LibreOffice make of the TD: pandoc's DOCX reader, and a
screen reader's view of the PDF (its tags, as poppler and pypdf read them)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from apdoc.build import BuildRequest, build, build_formats


def _pandoc_blocks(docx: Path) -> list[Any]:
    pandoc = shutil.which("pandoc")
    assert pandoc, "pandoc is missing: `make test` installs it (Debian package pandoc)"
    result = subprocess.run([pandoc, str(docx), "-t", "json"], capture_output=True, check=True, timeout=120)
    return json.loads(result.stdout)["blocks"]


def _plain(inlines: list[Any]) -> str:
    out = []
    for inline in inlines:
        if inline["t"] == "Str":
            out.append(inline["c"])
        elif inline["t"] in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif inline["t"] in ("Emph", "Strong", "Underline", "SmallCaps", "Strikeout", "Superscript", "Subscript"):
            out.append(_plain(inline["c"]))
        elif inline["t"] in ("Span", "Link", "Quoted"):
            out.append(_plain(inline["c"][1]))
    return " ".join("".join(out).split())


def _headers(blocks: list[Any], in_list: bool = False) -> list[tuple[int, str, bool]]:
    """(level, text, inside a list) of every Header, at any depth."""
    found = []
    for block in blocks:
        kind, content = block["t"], block.get("c")
        if kind == "Header":
            found.append((content[0], _plain(content[2]), in_list))
        elif kind in ("BulletList", "OrderedList"):
            items = content if kind == "BulletList" else content[1]
            for item in items:
                found.extend(_headers(item, True))
        elif kind in ("BlockQuote", "Div"):
            found.extend(_headers(content if kind == "BlockQuote" else content[1], in_list))
    return found


def _layout_headings(html: Path) -> list[tuple[int, str]]:
    """The headings of the TD as the layout made them (HTML), their numbers left out: pandoc
    does not show Word's outline numbers (its `--number-sections` makes the same ones)."""
    root = etree.parse(str(html), etree.HTMLParser()).getroot()
    out = []
    for heading in root.iter("h1", "h2", "h3"):
        number = heading.find("span[@class='number']")
        text = "".join(heading.itertext())
        if number is not None:
            text = text.replace("".join(number.itertext()), "", 1)
        out.append((int(heading.tag[1]), " ".join(text.split())))
    return out


def test_pandoc_reads_every_heading_as_a_heading_at_its_level(seed: Path, tmp_path: Path) -> None:
    """Numbering linked to the heading styles, not set on each paragraph: pandoc's reader takes a
    paragraph with a numPr of its own for a list item, whatever its style."""
    docx = build(seed, "docx", tmp_path / "td.docx")
    html = build(seed, "html", tmp_path / "td.html")
    expected = _layout_headings(html)
    assert len(expected) >= 14 and any(text.startswith("Annex") for _, text in expected)
    headers = _headers(_pandoc_blocks(docx))
    assert [(level, text) for level, text, _ in headers] == expected
    assert not [text for _, text, in_list in headers if in_list]


# --- the PDF's structure, as a screen reader gets it ---------------------------------------------


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from conftest import SEED_PLAN

    folder = tmp_path_factory.mktemp("pdf")
    build_formats(BuildRequest(SEED_PLAN, {"pdf": folder / "td.pdf", "html": folder / "td.html"}))
    return folder / "td.pdf", folder / "td.html"


def _structure(pdf: Path) -> list[tuple[int, str]]:
    """poppler's reading of the structure tree: (depth, element type) of each element."""
    pdfinfo = shutil.which("pdfinfo")
    assert pdfinfo, "pdfinfo is missing: `make test` installs it (Debian package poppler-utils)"
    out = subprocess.run([pdfinfo, "-struct", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [((len(line) - len(line.lstrip())) // 2, line.split()[0].rstrip(":"))
            for line in out.splitlines() if line.strip() and not line.strip().startswith(("/", '"'))]


def test_the_pdf_is_tagged_with_headings_tables_lists_and_a_language(seed_pdf: tuple[Path, Path]) -> None:
    pdf, html = seed_pdf
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    kinds = [kind for _, kind in _structure(pdf)]
    root = etree.parse(str(html), etree.HTMLParser()).getroot()
    for level in (1, 2, 3):
        assert kinds.count(f"H{level}") == len(root.findall(f".//h{level}")), f"H{level}"
    # weasyprint tags a table that runs over several pages once per page (README: tagged PDF)
    assert kinds.count("Table") >= len(root.findall(".//table")) > 0
    assert kinds.count("TH") >= len(root.findall(".//th")) > 0
    # Not list items on paper: the contents list (nav, not printed) and the footnotes (at the
    # foot of their pages)
    printed = [li for li in root.iter("li") if not any(
        a.tag == "nav" or "footnotes" in (a.get("class") or "").split() for a in li.iterancestors())]
    assert kinds.count("LI") == len(printed) > 0
    assert kinds.count("Caption") == len(root.findall(".//caption")) + len(root.findall(".//figcaption"))
    from pypdf import PdfReader

    catalog = PdfReader(pdf).trailer["/Root"]
    assert catalog["/Lang"] == root.get("lang") == "en"
    assert catalog["/MarkInfo"]["/Marked"]


def test_the_pdf_figure_has_its_alternative_text(seed_pdf: tuple[Path, Path]) -> None:
    from pypdf import PdfReader

    pdf, html = seed_pdf
    root = etree.parse(str(html), etree.HTMLParser()).getroot()
    titles = [" ".join("".join(t.itertext()).split()) for t in root.iter("title") if t.getparent().tag == "svg"]
    figures = []
    stack = [PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object()
        if not hasattr(node, "keys"):
            continue
        if node.get("/S") == "/Figure":
            figures.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        stack.extend(kids if isinstance(kids, list) else [kids] if kids is not None else [])
    assert titles and figures == titles
