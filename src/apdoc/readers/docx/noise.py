"""Word's noise, normalised away before the structure is read.

Wrappers that carry no text of their own are unwrapped (content controls `w:sdt` wherever
they stand, `w:smartTag`, `w:customXml`, bidi `w:dir`/`w:bdo`); marks that carry nothing are
removed (`w:proofErr`, `w:lastRenderedPageBreak`, permissions, `_GoBack` and every bookmark that
is not an anchor); fields are reduced to their shown result, a `HYPERLINK` field's result
becoming a link and a `SEQ` field's result a generated number; hyperlinks become a mark on
their runs. Runs split by rsid need nothing here: the inline reader merges runs of equal format.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from ...ooxml import MC, M, R, W
from .ns import A, remove, unwrap

WRAPPERS = ("sdt", "smartTag", "customXml", "dir", "bdo")
WRAPPER_PROPERTIES = ("sdtPr", "sdtEndPr", "smartTagPr", "customXmlPr")
EMPTY_MARKS = ("proofErr", "lastRenderedPageBreak", "permStart", "permEnd", "noProof")


def unwrap_noise(root: etree._Element, warn: Callable[[etree._Element, str], None]) -> None:
    """Unwrap content controls and the like, drop empty marks; what goes with content is warned."""
    for el in list(root.iter(*(W + n for n in WRAPPER_PROPERTIES))):
        remove(el)
    for el in list(root.iter(W + "sdtContent")):
        unwrap(el)
    for el in list(root.iter(*(W + n for n in WRAPPERS))):
        unwrap(el)
    for el in list(root.iter(*(W + n for n in EMPTY_MARKS))):
        if el.getparent() is not None and el.getparent().tag != W + "rPr":
            remove(el)
    for el in list(root.iter(MC + "AlternateContent")):
        choice = el.find(MC + "Choice")
        for child in [c for c in el if c is not choice]:
            el.remove(child)
        if choice is not None:
            unwrap(choice)
        unwrap(el)
    dropped = []
    for el in list(root.iter(W + "txbxContent", M + "oMath", M + "oMathPara")):
        if el.getparent() is not None:
            dropped.append((next(el.iterancestors(W + "p"), el.getparent()),
                            "a text box" if el.tag == W + "txbxContent" else "an equation"))
            # the shape around a text box goes with it: it is no picture
            remove(next(el.iterancestors(W + "pict", W + "drawing"), el))
    for where, what in dropped:
        warn(where, f"{what} is not read")


_BETWEEN_BLOCKS = (W + "body", W + "tc", W + "tbl", W + "tr", W + "footnote")
_BOOKMARK_START, _NAME = W + "bookmarkStart", W + "name"


def keep_bookmarks(root: etree._Element, keep: Callable[[str], bool], dropped: set[str] | None = None) -> None:
    """Only anchors stay (`keep(name)`; the names of those that go are added to `dropped`); a
    bookmark that starts between blocks moves into the next paragraph."""
    for el in list(root.iter(_BOOKMARK_START)):  # (100k in the 100× TD: the names made once)
        name = el.get(_NAME)
        if not keep(name or ""):
            if dropped is not None and name:
                dropped.add(name)
            remove(el)
            continue
        if el.getparent().tag in _BETWEEN_BLOCKS:
            following = next(el.itersiblings(W + "p", W + "tbl", W + "tr", W + "tc"), None)
            target = following if following is None or following.tag == W + "p" else \
                next(following.iter(W + "p"), None)
            if target is not None:
                ppr = target.find(W + "pPr")
                target.insert(1 if ppr is not None else 0, el)
    # A bookmark names where it starts; its end can land anywhere after editing. The ends go
    # last (a start moved into a paragraph lands where it would among them), in one call.
    etree.strip_elements(root, W + "bookmarkEnd")


@dataclass
class _Field:
    instruction: str = ""
    in_result: bool = False
    link: str | None = None
    sequence: str | None = None


def field_meaning(instruction: str) -> tuple[str | None, str | None]:
    """(link, sequence) of a field instruction: `HYPERLINK "url"` → url, `HYPERLINK \\l "b"` → "#b",
    `SEQ Table \\* ARABIC` → sequence "Table". Other fields: their result is plain text."""
    try:
        words = shlex.split(instruction.replace("\\", "\\\\"), posix=True)
    except ValueError:
        words = instruction.split()
    words = [x.replace("\\\\", "\\") for x in words]
    if not words:
        return None, None
    name = words[0].upper()
    if name == "HYPERLINK":
        target, anchor = "", ""
        rest = iter(words[1:])
        for word in rest:
            if word.lower() == "\\l":
                anchor = next(rest, "")
            elif not word.startswith("\\") and not target:
                target = word
            elif word.lower() in ("\\o", "\\t"):
                next(rest, None)
        return (f"#{anchor}" if anchor else target) or None, None
    if name == "REF" and len(words) > 1 and any(w.lower() == "\\h" for w in words[2:]):
        return f"#{words[1]}", None  # a cross-reference made a hyperlink
    if name == "SEQ" and len(words) > 1:
        return None, words[1]
    return None, None


def _mark_run(run: etree._Element, link: str | None, sequence: str | None) -> None:
    if link is not None and run.get(A + "link") is None:
        run.set(A + "link", link)
    if sequence is not None and run.get(A + "seq") is None:
        run.set(A + "seq", sequence)


def resolve_fields(root: etree._Element, stack: list[_Field] | None = None) -> None:
    """Complex and simple fields → their shown result; the instructions and field chars go.
    `stack`: the complex fields still open at the end of the previous chunk of the part (a field
    may span paragraphs); it is carried on in place."""
    stack = stack if stack is not None else []
    for run in list(root.iter(W + "r")):
        for child in list(run):
            tag = child.tag
            if tag == W + "fldChar":
                kind = child.get(W + "fldCharType")
                if kind == "begin":
                    stack.append(_Field())
                elif kind == "separate" and stack:
                    top = stack[-1]
                    top.in_result = True
                    top.link, top.sequence = field_meaning(top.instruction)
                elif kind == "end" and stack:
                    stack.pop()
                run.remove(child)
            elif tag in (W + "instrText", W + "delInstrText"):
                if stack and not stack[-1].in_result:
                    stack[-1].instruction += child.text or ""
                run.remove(child)
            elif stack and tag != W + "rPr":
                if not all(f.in_result for f in stack):
                    run.remove(child)  # part of an instruction (a nested field's result inside it)
                    continue
                link = next((f.link for f in reversed(stack) if f.link), None)
                sequence = next((f.sequence for f in reversed(stack) if f.sequence), None)
                _mark_run(run, link, sequence)
    for simple in list(root.iter(W + "fldSimple")):
        link, sequence = field_meaning(simple.get(W + "instr", ""))
        for run in simple.iter(W + "r"):
            _mark_run(run, link, sequence)
        unwrap(simple)


def resolve_hyperlinks(root: etree._Element, targets: dict[str, str]) -> None:
    """`w:hyperlink` → a link mark on its runs (external: the relationship's target; internal:
    `#bookmark`), then unwrapped."""
    for link in list(root.iter(W + "hyperlink")):
        rid = link.get(R + "id")
        href = targets.get(rid, "") if rid else ""
        anchor = link.get(W + "anchor")
        if anchor:
            href = f"{href}#{anchor}" if href else f"#{anchor}"
        for run in link.iter(W + "r"):
            _mark_run(run, href or None, None)
        unwrap(link)


def link_targets(root: etree._Element) -> set[str]:
    """The bookmarks that internal links point to (before the links are resolved): `w:anchor`,
    `HYPERLINK \\l "name"` and `REF name \\h` fields."""
    names = {el.get(W + "anchor") for el in root.iter(W + "hyperlink") if el.get(W + "anchor")}
    instructions = [node.text or "" for node in root.iter(W + "instrText")]
    instructions += [node.get(W + "instr", "") for node in root.iter(W + "fldSimple")]
    for instruction in set(instructions):  # a set of names: each instruction read once (SEQs repeat)
        link, _sequence = field_meaning(instruction)
        if link and link.startswith("#"):
            names.add(link[1:])
    return names
