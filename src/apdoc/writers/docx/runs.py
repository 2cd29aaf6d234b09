"""Inline content → runs: HTML whitespace collapsing, run properties, hyperlinks, tracked
changes (w:ins, w:del), SEQ fields, footnote references; and bookmarks, which share the
tracked changes' id sequence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lxml import etree

from ...anchors import bookmark_name as bookmark_name  # where the tests name a bookmark from
from ...intermediate import REVISION_MARKS
from .elements import make
from .look import look
from .xmltext import element, elements_text, empty, escape, quote

# rPr children in schema order; a property is "name" or "name:value".
RUN_PROPERTY_ORDER = ("rStyle", "rFonts", "b", "i", "u", "vertAlign")
COLLAPSIBLE = re.compile(r"[ \n\r]+")  # HTML whitespace but the tab, which is a tab


@dataclass(slots=True)
class Run:
    text: str
    props: tuple[str, ...] = ()  # "b", "i", "u", "rStyle:<id>", "rFonts:<font>", "vertAlign:<value>"
    kind: str = "text"  # text | br | footnote | footnoteRef | drawing | seq
    link: tuple[str, str] | None = None  # ("anchor", bookmark name) | ("id", relationship id)
    footnote: int = 0
    rev: str | None = None  # "ins" | "del": a tracked change
    drawing: etree._Element | None = None  # kind "drawing": the w:drawing element
    field: str = ""  # kind "seq": the sequence's name (Table, Figure); text is its current value


class Annotations:
    """Bookmarks and tracked changes: one id sequence, one author and date for every change."""

    def __init__(self, author: str, date: str):
        self.author, self.date, self.count = author, date, 0
        self._by = f' w:author="{quote(author)}" w:date="{quote(date)}"'  # a change's attributes after its id

    def next_id(self) -> int:
        self.count += 1
        return self.count

    def revision(self, kind: str) -> etree._Element:
        """An empty w:ins or w:del, numbered next, as an element (a section break's mark)."""
        return make(f"w:{kind}", {"w:id": self.next_id(), "w:author": self.author, "w:date": self.date})

    def change_start(self, kind: str) -> str:
        """The start tag of a w:ins or w:del (`kind`), numbered next."""
        return f'<w:{kind} w:id="{self.next_id()}"{self._by}>'

    def change_mark(self, kind: str) -> str:
        """An empty w:ins or w:del, numbered next: a row's or a paragraph mark's change."""
        return f'<w:{kind} w:id="{self.next_id()}"{self._by}/>'

    def bookmarks(self, names: list[str]) -> tuple[str, str]:
        """The starts and the ends of bookmarks of these names (outermost first), numbered next:
        what goes before a paragraph's content and after it. The names are `bookmark_name`'s,
        letters, digits and underscores, which an attribute value writes as they are."""
        starts, ends = [], []
        for name in names:
            self.count += 1
            starts.append(f'<w:bookmarkStart w:id="{self.count}" w:name="{name}"/>')
            ends.append(f'<w:bookmarkEnd w:id="{self.count}"/>')
        return "".join(starts), "".join(ends)


@cache
def run_properties(props: tuple[str, ...]) -> str:
    """A run's w:rPr ("" when it has none), its properties in schema order."""
    if not props:
        return ""
    parts = []
    for prop in sorted(set(props), key=lambda p: RUN_PROPERTY_ORDER.index(p.split(":", 1)[0])):
        name, _, value = prop.partition(":")
        if name == "rStyle":
            parts.append(empty("w:rStyle", {"w:val": value}))
        elif name == "rFonts":
            parts.append(empty("w:rFonts", {"w:ascii": value, "w:hAnsi": value, "w:cs": value}))
        elif name in ("b", "i"):  # OOXML names: w:b, w:i
            parts.append(f"<w:{name}/><w:{name}Cs/>")
        elif name == "u":
            parts.append(empty("w:u", {"w:val": "single"}))
        elif name == "vertAlign":
            parts.append(empty("w:vertAlign", {"w:val": value}))
    return element("w:rPr", None, "".join(parts))


def collapse_whitespace(runs: list[Run], joins: str | None = None) -> list[tuple[Run, str]]:
    """Runs of spaces and newlines become one space, trimmed at the paragraph's ends, as in HTML.

    With tracked changes there are two texts, accepted and rejected: a space is dropped only
    when every text the run belongs to already ends with one. `joins`: the paragraph's mark is
    inserted ("ins") or deleted ("del"), so in one of the texts the paragraph goes on into the
    next, and a space at its end that belongs to that text only stays."""
    if len(runs) == 1 and runs[0].kind == "text" and runs[0].rev is None:  # most paragraphs
        return one_run_collapsed(runs[0])
    return collapsed_in_each_view(runs, joins)


def collapsed_in_each_view(runs: list[Run], joins: str | None = None) -> list[tuple[Run, str]]:
    """`collapse_whitespace` the general way: each run in the texts it belongs to."""
    goes_on = {"ins": "del", "del": "ins"}.get(joins or "")
    pieces: list[tuple[Run, str]] = []
    space = {"ins": True, "del": True}  # at paragraph start, leading spaces vanish
    for run in runs:
        views = REVISION_MARKS if run.rev is None else (run.rev,)
        if run.kind != "text":
            pieces.append((run, ""))
            for view in views:
                space[view] = run.kind == "br"
            continue
        text = run.text
        if "  " in text or "\n" in text or "\r" in text:  # else every run of whitespace is one space already
            text = COLLAPSIBLE.sub(" ", text)
        if all(space[view] for view in views):
            text = text.lstrip(" ")
        if not text:
            continue
        for view in views:
            space[view] = text.endswith((" ", "\t"))
        pieces.append((run, text))
    while pieces and pieces[-1][0].kind == "text":
        run, text = pieces[-1]
        if goes_on is not None and run.rev == goes_on:
            break
        stripped = text.rstrip(" ")
        if stripped:
            pieces[-1] = (run, stripped)
            break
        pieces.pop()
    return pieces


def one_run_collapsed(run: Run) -> list[tuple[Run, str]]:
    """`collapse_whitespace` of a paragraph of one run of text in no tracked change."""
    text = collapsed_text(run.text)
    return [(run, text)] if text else []


def collapsed_text(text: str) -> str:
    """The text of a paragraph of one run in no tracked change: collapsed and trimmed at both
    ends, in every view alike."""
    if "  " in text or "\n" in text or "\r" in text:
        text = COLLAPSIBLE.sub(" ", text)
    return text.strip(" ")


def runs_xml(runs: list[Run], annotations: Annotations, joins: str | None = None) -> tuple[str, bool]:
    """The runs of a paragraph as text, inside their hyperlinks and tracked changes (a change
    sits inside a hyperlink, never around one), and whether any run is the paragraph's own
    child (in neither); `joins`: see collapse_whitespace."""
    parts: list[str] = []
    open_link: tuple[str, str] | None = None
    open_change: str | None = None
    direct = False
    for run, text in collapse_whitespace(runs, joins):
        if open_change is not None and (run.link != open_link or run.rev != open_change):
            parts.append(f"</w:{open_change}>")
            open_change = None
        if run.link != open_link:
            if open_link is not None:
                parts.append("</w:hyperlink>")
            if run.link is not None:
                parts.append(_hyperlink(run.link))
            open_link = run.link
        if open_change is None and run.rev is not None:
            parts.append(annotations.change_start(run.rev))
            open_change = run.rev
        direct = direct or (open_link is None and open_change is None)
        parts.append(run_xml(run, text))
    if open_change is not None:
        parts.append(f"</w:{open_change}>")
    if open_link is not None:
        parts.append("</w:hyperlink>")
    return "".join(parts), direct


def _hyperlink(link: tuple[str, str]) -> str:
    kind, target = link
    return f'<w:hyperlink w:anchor="{quote(target)}">' if kind == "anchor" else f'<w:hyperlink r:id="{quote(target)}">'


def _run(props: tuple[str, ...], content: str) -> str:
    inner = run_properties(props) + content
    return f"<w:r>{inner}</w:r>" if inner else "<w:r/>"


def _preserved(tag: str, text: str) -> str:
    return f'<{tag} xml:space="preserve">{escape(text)}</{tag}>' if text else f'<{tag} xml:space="preserve"/>'


def run_xml(run: Run, text: str) -> str:
    """The w:r elements of one run (a field is five), as text."""
    props = run.props
    text_tag = "w:delText" if run.rev == "del" else "w:t"
    if run.kind == "br":
        return _run(props, "<w:br/>")
    if run.kind == "drawing" and run.drawing is not None:
        return _run((), elements_text([run.drawing]))
    if run.kind == "footnote":
        style = (f"rStyle:{look().styles.footnote_reference}",)
        return _run(style, f'<w:footnoteReference w:id="{run.footnote}"/>')
    if run.kind == "footnoteRef":
        return _run(props, "<w:footnoteRef/>")
    if run.kind == "seq":
        instruction = "w:delInstrText" if run.rev == "del" else "w:instrText"
        return "".join((
            _run(props, '<w:fldChar w:fldCharType="begin"/>'),
            _run(props, _preserved(instruction, f" SEQ {run.field} \\* ARABIC ")),
            _run(props, '<w:fldChar w:fldCharType="separate"/>'),
            _run(props, _preserved(text_tag, run.text)),
            _run(props, '<w:fldChar w:fldCharType="end"/>'),
        ))
    return _run(props, text_content(text, text_tag))


def text_content(text: str, text_tag: str = "w:t") -> str:
    """A run's text (`text_tag`: w:t, or w:delText deleted), its tabs each a w:tab."""
    if "\t" not in text:
        return _preserved(text_tag, text) if text else ""
    content: list[str] = []
    for n, part in enumerate(text.split("\t")):
        if n:
            content.append("<w:tab/>")
        if part:
            content.append(_preserved(text_tag, part))
    return "".join(content)
