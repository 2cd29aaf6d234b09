"""Word runs: how much of the seed's text a built document holds."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ARTEFACTS = re.compile(r"\[bookmark: [^\]]*\]|\[footnoteRef:\d+\]|\[image: Diagram")
RUN = 4  # a word run: four consecutive words


def seed_text(path: Path) -> str:
    """The seed without the artefacts of its extraction from Word (and its footnote texts kept)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\[\d+:\s*", " ", text)  # footnote text markers "[1: …]"
    text = re.sub(r"\[footnoteRef:\d+\]", " ", text)
    text = _ARTEFACTS.sub(" ", text)
    return text.replace("·", " ")


def words(text: str) -> list[str]:
    # Punctuation sticks to words; quotes and dashes vary between Word and our output only in spacing.
    return [w.strip("[]") for w in text.split() if w.strip("[]")]


def runs(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + RUN]) for i in range(len(tokens) - RUN + 1)}


def coverage(seed: str, built: str) -> tuple[float, list[str]]:
    """Share of the seed's word runs found in the built text, and a sample of the missing ones."""
    wanted = runs(words(seed))
    have = runs(words(built))
    missing = wanted - have
    return 1 - len(missing) / len(wanted), [" ".join(m) for m in sorted(missing)[:40]]


def docx_text(path: Path) -> str:
    """Body (with tables) and footnotes of a DOCX, paragraph by paragraph."""
    out = []
    with zipfile.ZipFile(path) as z:
        for part in ("word/document.xml", "word/footnotes.xml"):
            if part not in z.namelist():
                continue
            root = etree.fromstring(z.read(part))
            for p in root.iter(f"{W}p"):
                pieces = []
                for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}delText"):
                    pieces.append(node.text or "" if node.tag == f"{W}t" else " ")
                out.append("".join(pieces))
    return "\n".join(out)
