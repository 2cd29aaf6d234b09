"""What readers other than Word and LibreOffice make of the TD: pandoc's DOCX reader."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from lxml import etree

from apdoc.build import build


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
