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
from pydantic import BaseModel, ConfigDict, ValidationError

from ...defaults import PACKAGED_TEMPLATES
from ...diagnostics import Diagnostic, PlanError, display_path
from ...ooxml import NAMESPACES, qname

STYLES_FILE = "styles.xml"
THEME_FILE = "theme1.xml"
LOOK_FILE = "docx-look.toml"


def parts_dir() -> Path:
    """The one folder every DOCX look file is read from (styles.xml, docx-look.toml,
    theme1.xml): the packaged templates/, beside the Jinja templates and td.css."""
    return PACKAGED_TEMPLATES


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


class Captions(_Strict):
    caption: Caption  # a table's
    figcaption: Caption  # a figure's

    def of(self, tag: str) -> Caption | None:
        """The look of a caption element (`caption`, `figcaption`); None for any other tag."""
        return getattr(self, tag) if tag in type(self).model_fields else None


class ListPlaces(_Strict):
    body: ListIndents
    table: ListIndents


LevelFormats = tuple[tuple[str, str], ...]  # (numFmt, lvlText) of each level


class ListFormats(_Strict):
    bullet: LevelFormats
    decimal: LevelFormats
    lowerRoman: LevelFormats
    lowerLetter: LevelFormats

    def of(self, kind: str) -> LevelFormats:
        return tuple(getattr(self, kind))


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
    captions: Captions
    list_indents: ListPlaces
    list_formats: ListFormats
    running_header: RunningHeader

    def indents(self, in_table: bool) -> ListIndents:
        return self.list_indents.table if in_table else self.list_indents.body


@lru_cache(maxsize=1)
def look() -> Look:
    """The look file, checked: a broken one, or one naming a style styles.xml lacks, is an
    error that names the file (Word would silently fall back to Normal)."""
    path = parts_dir() / LOOK_FILE
    try:
        with path.open("rb") as file:
            result = Look.model_validate(tomllib.load(file))
    except tomllib.TOMLDecodeError as exc:
        raise _look_error(str(exc)) from None
    except ValidationError as exc:
        raise _look_error("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from None
    missing = [f"{style} ({kind})" for style, kind in _named_styles(result) if style_kinds().get(style) != kind]
    if missing:
        raise _look_error(f"not a style of that type in {STYLES_FILE}: {', '.join(missing)}")
    return result


def _look_error(message: str) -> PlanError:
    return PlanError([Diagnostic(display_path(parts_dir() / LOOK_FILE), 0, 0, message)])


def _named_styles(result: Look) -> list[tuple[str, str]]:
    """Every style id the look names, with the type it must have in styles.xml."""
    styles = result.styles
    paragraph = [styles.normal, *styles.headings, styles.annex_heading, styles.quotation, *styles.list_levels,
                 styles.table_text, styles.table_head, styles.figure, styles.footnote_text, styles.header,
                 result.captions.caption.style, result.captions.figcaption.style]
    return ([(style, "paragraph") for style in paragraph] + [(styles.table, "table")]
            + [(style, "character") for style in (styles.footnote_reference, styles.hyperlink)])


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
