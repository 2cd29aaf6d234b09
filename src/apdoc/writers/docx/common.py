"""What the DOCX modules share: namespaces, the vocabulary's tag sets, the styles part."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

PARTS = Path(__file__).parent.parent / "docx_parts"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = (
    f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)
FIXED_DATE = "2000-01-01T00:00:00Z"

PAGE_WIDTH, PAGE_HEIGHT, MARGIN, HEADER_DISTANCE = 11906, 16838, 1134, 567
TEXT_WIDTH = {False: PAGE_WIDTH - 2 * MARGIN, True: PAGE_HEIGHT - 2 * MARGIN}  # by landscape

BLOCKS = {"p", "h1", "h2", "h3", "ul", "ol", "blockquote", "table", "section", "div", "figure"}
SVG = "{http://www.w3.org/2000/svg}svg"
EMU_PER_PX = 9525  # 96 px to the inch
INLINE = {"strong", "b", "em", "i", "u", "sup", "sub", "a", "br", "span", "code", "ins", "del"}
REVISIONS = ("ins", "del")  # data-rev values and inline tags that become Word tracked changes
CAPTIONS = ("caption", "figcaption")  # their <span class="number"> becomes a SEQ field
# List kinds → numbering definitions (abstractNum ids: body, in tables).
LIST_KINDS = {"bullet": (0, 1), "decimal": (2, 3), "lowerRoman": (4, 5), "lowerLetter": (6, 7)}
LIST_CLASSES = {"lower-roman": "lowerRoman", "lower-alpha": "lowerLetter", "decimal": "decimal"}
# Heading numbers 1, 2.1, 2.3.1 as Word's own outline numbering, so that Word and LibreOffice
# renumber after Accept or Reject All; numbers of another shape (annex A.1) stay text.
HEADING_ABSTRACT = 8
HEADING_NUMBER = re.compile(r"\d+(?:\.\d+){0,2}")


def escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    return escape_text(text).replace('"', "&quot;")


@lru_cache(maxsize=1)
def styles() -> tuple[str, dict[str, str]]:
    """styles.xml and the type of each style id in it."""
    xml = (PARTS / "styles.xml").read_text(encoding="utf-8")
    kinds = dict(
        (sid, kind) for kind, sid in re.findall(r'<w:style w:type="(\w+)"[^>]*?w:styleId="([^"]+)"', xml)
    )
    return xml, kinds


def col_width(col: etree._Element) -> float:
    """A column's relative width from its `style="width: N%"` (1 when it has none)."""
    match = re.search(r"width:\s*([0-9.]+)%", col.get("style") or "")
    return float(match.group(1)) if match else 1.0


def classes(element: etree._Element) -> list[str]:
    return (element.get("class") or "").split()


def style_of(element: etree._Element, kind: str) -> str | None:
    kinds = styles()[1]
    return next((c for c in classes(element) if kinds.get(c) == kind), None)


@dataclass
class Run:
    text: str
    props: tuple[str, ...] = ()  # rPr children, in schema order
    kind: str = "text"  # text | br | footnote | field
    link: tuple[str, str] | None = None  # ("anchor"|"id", target)
    footnote: int = 0
    rev: str | None = None  # "ins" | "del": a tracked change
    drawing: str = ""  # kind "drawing": the w:drawing element
    field: str = ""  # kind "seq": the sequence's name (Table, Figure); text is its current value


@dataclass
class Context:
    style: str = "Normal"
    in_table: bool = False
    landscape: bool = False
    rev: str | None = None  # everything inside is inserted ("ins") or deleted ("del")


RPR_ORDER = ["rStyle", "rFonts", "b", "i", "u", "vertAlign"]


def run_properties(props: tuple[str, ...]) -> str:
    if not props:
        return ""
    ordered = sorted(set(props), key=lambda p: RPR_ORDER.index(p.split(":", 1)[0]))
    out = []
    for prop in ordered:
        name, _, value = prop.partition(":")
        if name == "rStyle":
            out.append(f'<w:rStyle w:val="{value}"/>')
        elif name == "rFonts":
            out.append(f'<w:rFonts w:ascii="{value}" w:hAnsi="{value}" w:cs="{value}"/>')
        elif name == "b":
            out.append("<w:b/><w:bCs/>")
        elif name == "i":
            out.append("<w:i/><w:iCs/>")
        elif name == "u":
            out.append('<w:u w:val="single"/>')
        elif name == "vertAlign":
            out.append(f'<w:vertAlign w:val="{value}"/>')
    return "<w:rPr>" + "".join(out) + "</w:rPr>"


@dataclass
class Document:
    body: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    nums: list[int] = field(default_factory=list)  # abstractNum id of each w:num (numId = index + 1)
    links: list[str] = field(default_factory=list)  # external targets (rId = "rIdLink<n>")
    images: list[bytes] = field(default_factory=list)  # PNG pictures (rId = "rIdImage<n>")
    link_ids: dict[str, int] = field(default_factory=dict)
    targets: set[str] = field(default_factory=set)  # element ids that internal links point to
    annotations: int = 0  # bookmarks and tracked changes share one id sequence
    sections: int = 0
    document_number: str = ""


def bookmark_name(element_id: str) -> str:
    clean = re.sub(r"[^A-Za-z0-9_]", "_", element_id)[:28]
    digest = hashlib.sha1(element_id.encode("utf-8")).hexdigest()[:8]
    return f"_{clean}_{digest}"


