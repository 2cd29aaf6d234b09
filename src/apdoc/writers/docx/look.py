"""The look of the DOCX, read from the folder of look files (`parts_dir()`), never decided here.

That folder holds the styles part (`styles.xml`, copied into the package as is), the theme
(`theme1.xml`) and `docx-look.toml`: the default style of each element of the intermediate
XHTML, list and heading indents, the page, the caption sequences. A look change is a change
to these files (docs/layout-vocabulary.md).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from lxml import etree
from pydantic import BaseModel, ConfigDict

from .ooxml import NAMESPACES, qname

STYLES_FILE = "styles.xml"
THEME_FILE = "theme1.xml"
LOOK_FILE = "docx-look.toml"


def parts_dir() -> Path:
    """The one folder every DOCX look file is read from."""
    return Path(__file__).parent.parent / "docx_parts"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Page(_Strict):
    width: int
    height: int
    margin: int
    header_distance: int
    default_tab_stop: int

    def text_width(self, landscape: bool) -> int:
        return (self.height if landscape else self.width) - 2 * self.margin


class ListIndents(_Strict):
    first: int
    step: int
    continuation: int

    def left(self, level: int) -> int:
        return self.first + self.step * level

    def hanging(self, level: int) -> int:
        return self.first if level == 0 else self.step


class Caption(_Strict):
    style: str
    sequence: str


class Styles(_Strict):
    normal: str
    headings: tuple[str, str, str]
    annex_heading: str
    quotation: str
    list_levels: tuple[str, ...]
    table_text: str
    table_head: str
    table: str
    figure: str
    footnote_text: str
    footnote_reference: str
    hyperlink: str
    header: str

    def list_level(self, level: int) -> str:
        return self.list_levels[min(level, len(self.list_levels) - 1)]


class RunningHeader(_Strict):
    before_page: str
    after_page: str


class Look(_Strict):
    code_font: str
    heading_indent: int
    page: Page
    styles: Styles
    captions: dict[str, Caption]
    list_indents: dict[str, ListIndents]
    list_formats: dict[str, tuple[tuple[str, str], ...]]
    running_header: RunningHeader

    def indents(self, in_table: bool) -> ListIndents:
        return self.list_indents["table" if in_table else "body"]


@lru_cache(maxsize=1)
def look() -> Look:
    with (parts_dir() / LOOK_FILE).open("rb") as file:
        return Look.model_validate(tomllib.load(file))


@lru_cache(maxsize=1)
def styles_part() -> bytes:
    """styles.xml as shipped: it goes into the package unchanged."""
    return (parts_dir() / STYLES_FILE).read_bytes()


@lru_cache(maxsize=1)
def theme_part() -> bytes:
    return (parts_dir() / THEME_FILE).read_bytes()


@lru_cache(maxsize=1)
def style_kinds() -> dict[str, str]:
    """The type (paragraph, character, table, numbering) of each style id in styles.xml."""
    root = etree.fromstring(styles_part())
    return {
        style.get(qname("w:styleId")): style.get(qname("w:type"))
        for style in root.iterfind("w:style", NAMESPACES)
    }


@lru_cache(maxsize=1)
def style_fonts() -> tuple[str, ...]:
    """The fonts styles.xml names, and the code font: what the font table lists."""
    root = etree.fromstring(styles_part())
    fonts = {look().code_font}
    for fonts_element in root.iter(qname("w:rFonts")):
        for script in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            if fonts_element.get(qname(script)):
                fonts.add(fonts_element.get(qname(script)))
    return tuple(sorted(fonts))
