"""Word runs: how much of the seed's text a built document holds.

A word run is four consecutive words within one paragraph (or table cell, or footnote); a
shorter paragraph is one run. Words are compared case-folded, with quotes, list markers
and dash styles normalised, because those are Word's rendering, not the plan's text.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RUN = 4
_ARTEFACTS = re.compile(r"\[bookmark: [^\]]*\]|\[image: Diagram")
_FOOTNOTE_REF = re.compile(r"\[footnoteRef:\d+\]")
_FOOTNOTE_TEXT = re.compile(r"\[\d+:\s+(.*?)\]\s*$")
_LIST_MARKER = re.compile(r"^\s*(?:·|\d+\.)\s+")
_EDGE = "\"'“”‘’[](),.;:"


def seed_segments(path: Path) -> list[str]:
    """The seed's paragraphs and cells, footnote texts split out, extraction artefacts removed."""
    out = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        line = _ARTEFACTS.sub("", line)
        parts = re.split(r"(?=\[\d+:\s)", line)  # footnote texts follow their paragraph
        for part in parts:
            note = _FOOTNOTE_TEXT.match(part)
            if note:
                out.append(note.group(1))
                continue
            out.extend(s for s in _FOOTNOTE_REF.split(part))
    return [_LIST_MARKER.sub("", s) for s in out if s.strip()]


def words(text: str) -> list[str]:
    out = []
    for word in text.replace("–", "-").split():
        word = word.strip(_EDGE).casefold()
        if word:
            out.append(word)
    return out


def runs(segments: list[str]) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for segment in segments:
        tokens = words(segment)
        if 0 < len(tokens) < RUN:
            found.add(tuple(tokens))
        found.update(tuple(tokens[i : i + RUN]) for i in range(len(tokens) - RUN + 1))
    return found


def coverage(seed: list[str], built: list[str]) -> tuple[float, list[str]]:
    """Share of the seed's word runs found in the built segments, and a sample of the missing ones."""
    wanted = runs(seed)
    have = runs(built)
    # A short seed segment also counts when it stands inside a longer built paragraph.
    joined = {" ".join(words(s)) for s in built}
    missing = {m for m in wanted - have if len(m) >= RUN or not any(" ".join(m) in j for j in joined)}
    return 1 - len(missing) / len(wanted), [" ".join(m) for m in sorted(missing)[:40]]


def docx_segments(path: Path) -> list[str]:
    """Paragraphs of a DOCX body (tables included) and of its footnotes."""
    out = []
    with zipfile.ZipFile(path) as z:
        for part in ("word/document.xml", "word/footnotes.xml"):
            if part not in z.namelist():
                continue
            root = etree.fromstring(z.read(part))
            for p in root.iter(f"{W}p"):
                pieces = []
                for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}footnoteReference"):
                    pieces.append(node.text or "" if node.tag == f"{W}t" else " ")
                out.append("".join(pieces))
    return out


def html_segments(path: Path) -> list[str]:
    """Block elements of an HTML page (table of contents left out): paragraphs, list items, cells, headings."""
    import lxml.html

    body = lxml.html.fromstring(path.read_bytes()).find("body")
    for nav in body.iter("nav"):
        nav.getparent().remove(nav)
    for mark in body.xpath("//sup[@class='footnote-ref'] | //a[@class='footnote-back']"):
        mark.drop_tree()
    blocks = ("p", "li", "td", "th", "h1", "h2", "h3", "caption")
    out = []
    for element in body.iter(*blocks):
        if any(child.tag in blocks or child.tag in ("ul", "ol") for child in element):
            # only the text that is not inside a nested block
            text = (element.text or "") + "".join(
                (c.tail or "") if c.tag in blocks or c.tag in ("ul", "ol") else "".join(c.itertext()) + (c.tail or "")
                for c in element
            )
        else:
            text = "".join(element.itertext())
        out.append(text)
    return out
