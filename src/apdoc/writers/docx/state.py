"""The DOCX writer's state, as records (pandoc's WriterState): where the walk stands (`Context`),
what it gathers for the parts around document.xml (`Gathered`), and what it remembers on the way
(`Remembered`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ...anchors import AnchorMap

# Heading numbers are Word's outline numbering: numbering definition (abstractNum) HEADING_ABSTRACT,
# instance (numId) HEADING_NUM_ID, which styles.xml's Heading1–3 name.
HEADING_ABSTRACT = 8
HEADING_NUM_ID = 1


@dataclass
class Context:
    """Where the walk stands: the paragraph style of loose text, inside a table or not, on a
    landscape page or not, and the tracked change everything inside is part of."""

    style: str
    in_table: bool = False
    landscape: bool = False
    rev: str | None = None  # everything inside is inserted ("ins") or deleted ("del")


@dataclass
class Gathered:
    """What the walk gathers for the other parts."""

    footnotes: list[etree._Element] = field(default_factory=list)
    # abstractNum id of each w:num (numId = index + 1); numId 1 (HEADING_NUM_ID) is the headings'
    nums: list[int] = field(default_factory=lambda: [HEADING_ABSTRACT])
    links: list[str] = field(default_factory=list)  # external targets (rId = "rIdLink<n>")
    images: list[bytes] = field(default_factory=list)  # PNG pictures (rId = "rIdImage<n>")
    sections: int = 0
    anchor_map: AnchorMap = field(default_factory=AnchorMap)  # bookmark → id, for the custom properties


@dataclass
class Remembered:
    """What the walk remembers on the way: the anchors waiting for a paragraph, and what a TD
    repeats often enough to make once (a TD has few styles and widths, and many paragraphs and cells)."""

    # Bookmark names waiting for the next paragraph to carry them (apdoc.anchors), and the ids
    # anchored so far.
    pending_anchors: list[str] = field(default_factory=list)
    anchored: set[str] = field(default_factory=set)
    list_kinds: dict[int, str] = field(default_factory=dict)  # numId → list kind
    move_names: dict[tuple[str, str], int] = field(default_factory=dict)  # (from|to, text) → moves seen
    styles_named: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (class attribute, kind) → style
    cell_widths: dict[int, str] = field(default_factory=dict)  # twips → w:tcW
    paragraph_styles: dict[str, str] = field(default_factory=dict)  # style → w:pStyle
