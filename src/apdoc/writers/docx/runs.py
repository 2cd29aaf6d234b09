"""Inline content → runs: HTML whitespace collapsing, run properties, hyperlinks, tracked
changes (w:ins, w:del), SEQ fields, footnote references; and bookmarks, which share the
tracked changes' id sequence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ...anchors import bookmark_name as bookmark_name  # where the tests name a bookmark from
from .look import look
from .ooxml import Templates, make, qname

# rPr children in schema order; a property is "name" or "name:value".
RUN_PROPERTY_ORDER = ("rStyle", "rFonts", "b", "i", "u", "vertAlign")
W_P, W_PPR, W_ID, W_NAME = qname("w:p"), qname("w:pPr"), qname("w:id"), qname("w:name")
COLLAPSIBLE = re.compile(r"[ \n\r]+")  # HTML whitespace but the tab, which is a tab


@dataclass
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
        # Copied and given their ids: copying an element is cheaper than making one with its
        # attributes, and a large TD has a bookmark for nearly every paragraph.
        self._made = {name: make(name, {"w:id": 0, **attributes}) for name, attributes in (
            ("w:ins", {"w:author": author, "w:date": date}), ("w:del", {"w:author": author, "w:date": date}),
            ("w:bookmarkStart", {"w:name": ""}), ("w:bookmarkEnd", {}),
        )}

    def _copy(self, name: str, number: str) -> etree._Element:
        element = self._made[name].__copy__()
        element.set(W_ID, number)
        return element

    def next_id(self) -> int:
        self.count += 1
        return self.count

    def revision(self, kind: str) -> etree._Element:
        """An empty w:ins or w:del (a row's or a paragraph mark's change); runs go inside it."""
        return self._copy(f"w:{kind}", str(self.next_id()))

    def bookmarked(self, paragraph: etree._Element, count: int) -> etree._Element:
        """`paragraph` (its w:pPr only) with room for `count` bookmarks around its content: what
        `name_bookmarks` fills once the content is in (a template: one copy, not one per element)."""
        for _ in range(count):
            paragraph.append(self._copy("w:bookmarkStart", "0"))
        for _ in range(count):
            paragraph.append(self._copy("w:bookmarkEnd", "0"))
        return paragraph

    def name_bookmarks(self, paragraph: etree._Element, names: list[str]) -> None:
        """Number and name the bookmarks of a paragraph made by `bookmarked` (its content in
        since), and move their ends after the content: as `bookmark` leaves them."""
        count = len(names)
        if not count:
            return
        ends = [paragraph[1 + count + n] for n in range(count)]  # taken before any moves
        for n, name in enumerate(names):
            self.count += 1
            number = str(self.count)
            start = paragraph[1 + n]
            start.set(W_ID, number)
            start.set(W_NAME, name)
            ends[n].set(W_ID, number)
            paragraph.append(ends[n])

    def bookmark(self, block: etree._Element, names: list[str]) -> None:
        """Wrap a paragraph's content in bookmarks of these names (outermost first)."""
        if block.tag != W_P:
            return
        at = 1 if len(block) and block[0].tag == W_PPR else 0
        for name in names:
            number = str(self.next_id())
            start = self._copy("w:bookmarkStart", number)
            start.set(W_NAME, name)
            block.insert(at, start)
            at += 1
            block.append(self._copy("w:bookmarkEnd", number))


def run_properties(props: tuple[str, ...]) -> etree._Element | None:
    if not props:
        return None
    rpr = make("w:rPr")
    for prop in sorted(set(props), key=lambda p: RUN_PROPERTY_ORDER.index(p.split(":", 1)[0])):
        name, _, value = prop.partition(":")
        if name == "rStyle":
            rpr.append(make("w:rStyle", {"w:val": value}))
        elif name == "rFonts":
            rpr.append(make("w:rFonts", {"w:ascii": value, "w:hAnsi": value, "w:cs": value}))
        elif name in ("b", "i"):
            rpr.extend([make(f"w:{name}"), make(f"w:{name}Cs")])
        elif name == "u":
            rpr.append(make("w:u", {"w:val": "single"}))
        elif name == "vertAlign":
            rpr.append(make("w:vertAlign", {"w:val": value}))
    return rpr


def collapse_whitespace(runs: list[Run], joins: str | None = None) -> list[tuple[Run, str]]:
    """Runs of spaces and newlines become one space, trimmed at the paragraph's ends, as in HTML.

    With tracked changes there are two texts, accepted and rejected: a space is dropped only
    when every text the run belongs to already ends with one. `joins`: the paragraph's mark is
    inserted ("ins") or deleted ("del"), so in one of the texts the paragraph goes on into the
    next, and a space at its end that belongs to that text only stays."""
    goes_on = {"ins": "del", "del": "ins"}.get(joins or "")
    pieces: list[tuple[Run, str]] = []
    space = {"ins": True, "del": True}  # at paragraph start, leading spaces vanish
    for run in runs:
        views = ("ins", "del") if run.rev is None else (run.rev,)
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


def append_runs(paragraph: etree._Element, runs: list[Run], annotations: Annotations, templates: Templates,
                joins: str | None = None) -> None:
    """The runs of a paragraph, inside their hyperlinks and tracked changes (a change sits
    inside a hyperlink, never around one); `joins`: see collapse_whitespace."""
    link: etree._Element | None = None
    change: etree._Element | None = None
    open_link: tuple[str, str] | None = None
    open_change: str | None = None
    for run, text in collapse_whitespace(runs, joins):
        if open_change is not None and (run.link != open_link or run.rev != open_change):
            change, open_change = None, None
        if run.link != open_link:
            link = None if run.link is None else _hyperlink(run.link)
            if link is not None:
                paragraph.append(link)
            open_link = run.link
        if open_change is None and run.rev is not None:
            change, open_change = annotations.revision(run.rev), run.rev
            (link if link is not None else paragraph).append(change)
        container = change if change is not None else link if link is not None else paragraph
        container.extend(run_elements(run, text, templates))


def _hyperlink(link: tuple[str, str]) -> etree._Element:
    kind, target = link
    return make("w:hyperlink", {"w:anchor": target} if kind == "anchor" else {"r:id": target})


def _run(templates: Templates, props: tuple[str, ...], *content: etree._Element) -> etree._Element:
    def build() -> etree._Element:
        rpr = run_properties(props)
        return make("w:r") if rpr is None else make("w:r", None, rpr)

    run = templates.copy(("w:r", props), build)
    run.extend(content)
    return run


def _preserved(templates: Templates, tag: str, text: str) -> etree._Element:
    element = templates.copy((tag, "preserve"), lambda: make(tag, {"xml:space": "preserve"}))
    element.text = text
    return element


def run_elements(run: Run, text: str, templates: Templates) -> list[etree._Element]:
    """The w:r elements of one run (a field is five)."""
    props = run.props
    text_tag = "w:delText" if run.rev == "del" else "w:t"
    if run.kind == "br":
        return [_run(templates, props, make("w:br"))]
    if run.kind == "drawing" and run.drawing is not None:
        return [_run(templates, (), run.drawing)]
    if run.kind == "footnote":
        style = (f"rStyle:{look().styles.footnote_reference}",)
        return [_run(templates, style, make("w:footnoteReference", {"w:id": run.footnote}))]
    if run.kind == "footnoteRef":
        return [_run(templates, props, make("w:footnoteRef"))]
    if run.kind == "seq":
        instruction = "w:delInstrText" if run.rev == "del" else "w:instrText"
        return [
            _run(templates, props, make("w:fldChar", {"w:fldCharType": "begin"})),
            _run(templates, props, _preserved(templates, instruction, f" SEQ {run.field} \\* ARABIC ")),
            _run(templates, props, make("w:fldChar", {"w:fldCharType": "separate"})),
            _run(templates, props, _preserved(templates, text_tag, run.text)),
            _run(templates, props, make("w:fldChar", {"w:fldCharType": "end"})),
        ]
    if text and "\t" not in text:  # one copy of a run that holds its text element already
        run_element = templates.copy(("w:r", props, text_tag), lambda: _run(templates, props, make(
            text_tag, {"xml:space": "preserve"})))
        run_element[-1].text = text
        return [run_element]
    content: list[etree._Element] = []
    for n, part in enumerate(text.split("\t")):
        if n:
            content.append(make("w:tab"))
        if part:
            content.append(_preserved(templates, text_tag, part))
    return [_run(templates, props, *content)]
