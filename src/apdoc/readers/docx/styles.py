"""Styles and numbering, read by name: LibreOffice renames style ids (`enumlev1` → `Enumlev1`,
`Tablecentre` → `Tabletextcentred`) and renumbers `numId`s, but keeps names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from lxml import etree

from ...defaults import packaged_template
from ...ooxml import W
from .ns import val
from .numbers import LEVEL, OUTLINE_LEVEL, Warn, number

APDOC_STYLES = packaged_template("styles.xml")
# Styles whose meaning the structure already carries: no class in the XHTML.
IMPLICIT = {"Normal", "Heading1", "Heading2", "Heading3", "AnnexNoTitle", "TableNotitle", "Figure",
            "FigureNotitle", "Tabletext", "Tablehead", "enumlev1", "enumlev2", "Quotation", "FootnoteText",
            "DefaultParagraphFont", "FootnoteReference", "Hyperlink", "TableNormal", "TableGrid"}
CAPTION_NAMES = {"table_no & title": "table", "figure_no & title": "figure", "caption": "either"}
T = TypeVar("T")
GENERATED_NAME = re.compile(r"toc \d|toc heading|table of figures|index \d|index heading")
HEADING_NAME = re.compile(r"heading\s*([1-9])")
_UNKNOWN = object()  # not in the memo yet


def style_key(name: str) -> str:
    """Names compared as LibreOffice and Word may respell them: case and spacing aside."""
    return re.sub(r"\s+", " ", name.strip().lower())


@lru_cache(maxsize=1)
def apdoc_style_ids() -> dict[str, str]:
    """apdoc's own styles: name key → style id (what the writer's classes name)."""
    root = etree.parse(str(APDOC_STYLES)).getroot()
    out = {}
    for style in root.iter(W + "style"):
        name = style.find(W + "name")
        if name is not None:
            out[style_key(val(name) or "")] = style.get(W + "styleId", "")
    return out


@dataclass
class Styles:
    by_id: dict[str, etree._Element] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)  # type → default style id
    memo: dict[tuple[str, str | None, str], object] = field(default_factory=dict)  # per style: asked once
    warn: Warn = lambda _el, _message: None  # a value not of its type, in the styles part
    based_on: dict[str, str] = field(default_factory=dict)  # style id → the id it is based on (no rings)

    def _memo(self, what: str, sid: str | None, compute: Callable[[], T], extra: str = "") -> T:
        key = (what, sid, extra)
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]  # type: ignore[return-value]

    @classmethod
    def read(cls, root: etree._Element | None, warn: Warn | None = None) -> Styles:
        styles = cls(warn=warn) if warn is not None else cls()
        for style in root.iter(W + "style") if root is not None else ():
            sid = style.get(W + "styleId", "")
            styles.by_id[sid] = style
            if (style.get(W + "default") or "").lower() in ("1", "true", "on"):
                styles.defaults[style.get(W + "type", "paragraph")] = sid
            parent = val(style.find(W + "basedOn"))
            if parent:
                styles.based_on[sid] = parent
        styles._break_rings()
        return styles

    def _break_rings(self) -> None:
        """Styles based on each other in a ring: the ring's style that comes first in the part
        (the one a document is least likely to have based on another: `Normal` before headings)
        is read as based on no style, with a warning; each style is walked once."""
        order = {sid: n for n, sid in enumerate(self.by_id)}
        done: set[str] = set()
        for sid in list(self.based_on):
            path: list[str] = []
            on_path: set[str] = set()
            node: str | None = sid
            while node is not None and node not in done and node not in on_path:
                path.append(node)
                on_path.add(node)
                node = self.based_on.get(node)
            if node is not None and node in on_path:
                ring = path[path.index(node):]
                closing = min(ring, key=lambda s: order.get(s, len(order)))
                ring = ring[ring.index(closing):] + ring[:ring.index(closing)]
                shown = " → ".join(self.name(s) for s in [*ring[:5], *(["…"] if len(ring) > 5 else []), closing])
                del self.based_on[closing]
                self.warn(self.by_id[closing], f"styles based on each other in a ring ({shown}): "
                                               f"{self.name(closing)!r} is read as based on no style")
            done.update(path)

    def name(self, sid: str | None) -> str:
        style = self.by_id.get(sid or "")
        return (val(style.find(W + "name")) or sid or "") if style is not None else (sid or "")

    def chain(self, sid: str | None) -> list[etree._Element]:
        """A style and those it is based on (nearest first; loops cut)."""
        return self._memo("chain", sid, lambda: self._chain(sid))

    def _chain(self, sid: str | None) -> list[etree._Element]:
        out: list[etree._Element] = []
        while sid and sid in self.by_id and len(out) < 20:
            style = self.by_id[sid]
            if style in out:
                break
            out.append(style)
            sid = self.based_on.get(sid)
        return out

    def apdoc_id(self, sid: str | None) -> str | None:
        """The apdoc style id with the same name as this style (or one it is based on)."""
        known = self.memo.get(("apdoc", sid, ""), _UNKNOWN)  # asked of every styled run: no lambda then
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        return self._memo("apdoc", sid, lambda: self._apdoc_id(sid))

    def _apdoc_id(self, sid: str | None) -> str | None:
        ids = apdoc_style_ids()
        for style in self.chain(sid):
            found = ids.get(style_key(val(style.find(W + "name")) or ""))
            if found:
                return found
        return ids.get(style_key(sid or "")) if sid else None

    def first(self, sid: str | None, path: str) -> etree._Element | None:
        """The nearest element at `path` (e.g. `w:pPr/w:numPr`) along the style chain."""
        return self._memo("first", sid, lambda: self._first(sid, path), path)

    def _first(self, sid: str | None, path: str) -> etree._Element | None:
        for style in self.chain(sid):
            found = style.find(path.replace("w:", W))
            if found is not None:
                return found
        return None

    def heading_level(self, sid: str | None) -> int:
        """1–9 for a heading style (by name, or the outline level it sets), else 0."""
        return self._memo("heading", sid, lambda: self._heading_level(sid))

    def _heading_level(self, sid: str | None) -> int:
        for style in self.chain(sid):
            match = HEADING_NAME.fullmatch(style_key(val(style.find(W + "name")) or ""))
            if match:
                return int(match.group(1))
        outline = self.first(sid, "w:pPr/w:outlineLvl")
        level = number(outline, W + "val", OUTLINE_LEVEL, self.warn)
        return level + 1 if level is not None and level < 9 else 0

    def generated(self, sid: str | None) -> bool:
        """A style of what Word generates (tables of contents, of figures, indexes): not content."""
        if not sid:
            return False
        known = self.memo.get(("generated", sid, ""), _UNKNOWN)  # asked of every paragraph: no lambda then
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        return self._memo("generated", sid, lambda: bool(GENERATED_NAME.fullmatch(style_key(self.name(sid)))))

    def caption_kind(self, sid: str | None) -> str | None:
        """"table", "figure" or "either" for a caption style, else None."""
        return self._memo("caption", sid, lambda: self._caption_kind(sid))

    def _caption_kind(self, sid: str | None) -> str | None:
        for style in self.chain(sid):
            kind = CAPTION_NAMES.get(style_key(val(style.find(W + "name")) or ""))
            if kind:
                return kind
        return None


@dataclass
class Numbering:
    """numId → abstractNum → the number format of each level (overrides applied)."""

    formats: dict[str, dict[int, str]] = field(default_factory=dict)  # numId → level → numFmt
    restarts: set[tuple[str, int]] = field(default_factory=set)  # (numId, level) that start again at 1

    @classmethod
    def read(cls, root: etree._Element | None, styles: Styles, warn: Warn | None = None) -> Numbering:
        numbering = cls()
        warn = warn or styles.warn
        if root is None:
            return numbering
        abstract = {a.get(W + "abstractNumId"): a for a in root.iter(W + "abstractNum")}
        nums = {n.get(W + "numId"): n for n in root.iter(W + "num")}
        for num_id, num in nums.items():
            base = abstract.get(val(num.find(W + "abstractNumId")))
            base = _follow_style_link(base, abstract, nums, styles)
            levels = _levels(base, warn) if base is not None else {}
            for override in num.iter(W + "lvlOverride"):
                level = number(override, W + "ilvl", LEVEL, warn, 0)
                if override.find(W + "startOverride") is not None:
                    numbering.restarts.add((num_id or "", level))
                lvl = override.find(W + "lvl")
                if lvl is not None and lvl.find(W + "numFmt") is not None:
                    levels[level] = val(lvl.find(W + "numFmt")) or "decimal"
            numbering.formats[num_id or ""] = levels
        return numbering

    def list_kind(self, num_id: str, level: int) -> tuple[str, str] | None:
        """("ul"|"ol", class) of a numbered paragraph; None when it is not a list."""
        levels = self.formats.get(num_id)
        if not levels or num_id == "0":
            return None
        fmt = levels.get(level, levels.get(0, "decimal"))
        if fmt == "none":
            return None
        if fmt == "bullet":
            return "ul", ""
        # A nested list keeps its list's kind (Word shows 1. a) i) for one decimal list).
        first = levels.get(0, fmt)
        kind = first if first != "bullet" else fmt
        return "ol", {"lowerRoman": "lower-roman", "lowerLetter": "lower-alpha",
                      "upperRoman": "upper-roman", "upperLetter": "upper-alpha"}.get(kind, "")


def _levels(abstract: etree._Element, warn: Warn) -> dict[int, str]:
    return {number(lvl, W + "ilvl", LEVEL, warn, 0): val(lvl.find(W + "numFmt")) or "decimal"
            for lvl in abstract.iter(W + "lvl")}


def _follow_style_link(base: etree._Element | None, abstract: dict, nums: dict,
                       styles: Styles) -> etree._Element | None:
    """An abstractNum that only points at a numbering style (`w:numStyleLink`): the list it names."""
    link = base.find(W + "numStyleLink") if base is not None else None
    if link is None:
        return base
    target = styles.first(next((sid for sid, s in styles.by_id.items()
                                if val(s.find(W + "name")) == val(link) or sid == val(link)), None),
                          "w:pPr/w:numPr/w:numId")
    num = nums.get(val(target)) if target is not None else None
    linked = abstract.get(val(num.find(W + "abstractNumId"))) if num is not None else None
    return linked if linked is not None and linked.find(W + "numStyleLink") is None else base
