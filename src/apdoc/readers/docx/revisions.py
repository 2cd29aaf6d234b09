"""Tracked changes: every mark is recorded, then one view of the document is made.

A view decides mark by mark (`accept(revision) -> bool`): a run is shown iff every mark
around it says so (an accepted insertion shows, a rejected one hides; an accepted deletion
hides, a rejected one shows). A TD built with `--compare-to` and then edited at a meeting holds
the build's marks and the meeting's, so the decision has to be per mark, not all-or-nothing.
Moves count once: `w:moveFrom` as a deletion, `w:moveTo` as an insertion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from ...ooxml import W
from .locate import describe, paragraph_number, paragraph_of
from .ns import A, remove, snippet, text_of, unwrap

INSERTIONS = ("ins", "moveTo")
DELETIONS = ("del", "moveFrom")
PROPERTY_CHANGES = ("rPrChange", "pPrChange", "tblPrChange", "trPrChange", "tcPrChange", "sectPrChange",
                    "tblGridChange", "tblPrExChange")
RANGE_MARKERS = ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
                 "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart",
                 "customXmlDelRangeEnd", "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd",
                 "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd")


@dataclass(frozen=True)
class Revision:
    """One tracked change as found in the file.

    kind: `ins`, `del`, `moveFrom`, `moveTo` (text); `paragraph-ins`, `paragraph-del` (a paragraph
    mark: hidden, the paragraph merges with the next); `row-ins`, `row-del`; `cell-ins`, `cell-del`;
    `numbering-ins`/`numbering-del`/`numbering-change`; `rPrChange`, `pPrChange`, `tblPrChange`,
    `trPrChange`, `tcPrChange`, `sectPrChange`, `tblGridChange`, `tblPrExChange` (formatting).
    """

    kind: str
    id: str
    author: str
    date: str
    part: str  # "document" or "footnotes"
    paragraph: int  # 1-based, in document order within the part (0: none)
    where: str  # e.g. "table 2, row 3, cell 1, paragraph 40"
    text: str  # the changed text (or the paragraph's, for marks and formatting), shortened

    @property
    def is_insertion(self) -> bool:
        return self.kind in ("ins", "moveTo", "paragraph-ins", "row-ins", "cell-ins")

    @property
    def is_deletion(self) -> bool:
        return self.kind in ("del", "moveFrom", "paragraph-del", "row-del", "cell-del")

    @property
    def is_formatting(self) -> bool:
        return self.kind in PROPERTY_CHANGES or self.kind.startswith("numbering-")


def _kind(el: etree._Element) -> str | None:
    """The kind of a tracked-change element, from what it is and where it stands."""
    name = etree.QName(el).localname
    parent = el.getparent()
    parent_name = etree.QName(parent).localname if parent is not None else ""
    if name in PROPERTY_CHANGES:
        return name
    if name == "numberingChange":
        return "numbering-change"
    if name in ("cellIns", "cellDel"):
        return "cell-ins" if name == "cellIns" else "cell-del"
    if name not in INSERTIONS + DELETIONS:
        return None
    inserted = name in INSERTIONS
    grand = parent.getparent() if parent is not None else None
    if parent_name == "rPr" and grand is not None and grand.tag == W + "pPr":
        return "paragraph-ins" if inserted else "paragraph-del"
    if parent_name == "trPr":
        return "row-ins" if inserted else "row-del"
    if parent_name == "numPr":
        return "numbering-ins" if inserted else "numbering-del"
    if parent_name == "rPr":  # a mark on a run's properties: nothing to show or hide
        return None
    return name


_MARK_TAGS = tuple(W + n for n in (*INSERTIONS, *DELETIONS, *PROPERTY_CHANGES, "numberingChange",
                                   "cellIns", "cellDel"))


def collect(root: etree._Element, part: str, prefix: str = "") -> list[tuple[etree._Element, Revision]]:
    """Every tracked change in a part, in document order, with where it is."""
    found = []
    for el in root.iter(*_MARK_TAGS):
        kind = _kind(el)
        if kind is None:
            continue
        if kind in ("ins", "del", "moveFrom", "moveTo"):
            text = text_of(el)
        elif kind.startswith("row-"):
            text = text_of(el.getparent().getparent())
        else:
            p = paragraph_of(el)
            text = text_of(p) if p is not None else text_of(el.getparent())
        holder = el.getparent().getparent() if kind.startswith(("row-", "cell-")) else el  # the w:tr, w:tc
        found.append((el, Revision(
            kind=kind, id=el.get(W + "id", ""), author=el.get(W + "author", ""), date=el.get(W + "date", ""),
            part=part, paragraph=paragraph_number(holder), where=describe(holder, prefix), text=snippet(text),
        )))
    return found


def _detached(el: etree._Element, root: etree._Element) -> bool:
    top = el
    for top in el.iterancestors():  # noqa: B007 - the last ancestor is the tree's top
        pass
    return top is not root and el is not root


def _show_deleted(el: etree._Element) -> None:
    """Deleted text made visible again: its w:delText and w:delInstrText become ordinary."""
    for node in el.iter(W + "delText", W + "delInstrText"):
        node.tag = W + ("t" if node.tag == W + "delText" else "instrText")
    unwrap(el)


def _swap_properties(change: etree._Element) -> None:
    """The rejected view of a formatting change: the old properties replace the new."""
    holder = change.getparent()
    old = change[0] if len(change) else None
    keep = {W + "rPr", W + "sectPr", W + "ins", W + "del", W + "moveFrom", W + "moveTo", change.tag}
    if holder.tag == W + "rPr":
        keep = {W + "ins", W + "del", W + "moveFrom", W + "moveTo", change.tag}
    for child in list(holder):
        if child.tag not in keep:
            holder.remove(child)
    if old is not None:
        for n, child in enumerate(list(old)):
            holder.insert(n, child)
    holder.remove(change)


def _keep_anchors(el: etree._Element) -> None:
    """The bookmarks that start inside hidden text stay where it was: LibreOffice puts a
    paragraph's bookmark inside the deletion of a changed first word, and the bookmark still
    anchors the paragraph (its heading, footnote or item keeps its id)."""
    parent = el.getparent()
    at = parent.index(el)
    for start in list(el.iter(W + "bookmarkStart")):
        parent.insert(at, start)
        at += 1


def apply_view(root: etree._Element, marks: list[tuple[etree._Element, Revision]],
               accept: Callable[[Revision], bool]) -> None:
    """Make one view of the part in place: marks are resolved, hidden content removed."""
    merge: list[etree._Element] = []
    for el, revision in marks:
        if _detached(el, root):
            continue  # inside something another mark already removed
        accepted = accept(revision)
        kind = revision.kind
        shown = accepted if revision.is_insertion else not accepted
        if kind in ("ins", "moveTo", "del", "moveFrom"):
            if not shown:
                _keep_anchors(el)
                remove(el)
            elif revision.is_deletion:
                _show_deleted(el)
            else:
                unwrap(el)
        elif kind.startswith("paragraph-"):
            if not shown:
                merge.append(el.getparent().getparent().getparent())
            remove(el)
        elif kind.startswith(("row-", "cell-")):
            target = el.getparent().getparent()
            remove(el)
            if not shown:
                remove(target)
        elif kind in PROPERTY_CHANGES and not accepted:
            _swap_properties(el)
        else:
            remove(el)
    for p in merge:
        _merge_with_next(p, root)
    for el in list(root.iter(*(W + n for n in RANGE_MARKERS))):
        remove(el)


# What a paragraph shows besides text: when none of it is left, nothing of the paragraph is.
VISIBLE = tuple(W + n for n in ("t", "delText", "tab", "br", "cr", "sym", "drawing", "pict", "object",
                                "footnoteReference", "endnoteReference", "fldSimple", "instrText"))


def _merge_with_next(p: etree._Element, root: etree._Element) -> None:
    """A hidden paragraph mark: the paragraph's content joins the next paragraph, which keeps its
    own properties (they live in its mark). At the end of a cell or before a table it stays,
    unless nothing in it shows: a paragraph wholly hidden is gone, and with it the bookmarks of
    the elements it gave (they are not in this view: left, they would name another element)."""
    if _detached(p, root):
        return
    following = p.getnext()
    while following is not None and following.tag not in (W + "p", W + "tbl", W + "sectPr"):
        following = following.getnext()  # bookmark ends and other range marks between paragraphs
    hidden = next(p.iter(*VISIBLE), None) is None
    last_in_cell = following is None and p.getparent() is not None and p.getparent().tag == W + "tc" \
        and sum(1 for c in p.getparent() if c.tag in (W + "p", W + "tbl")) == 1
    if hidden and not last_in_cell:  # (a section break in its mark goes too: it was inserted or deleted)
        remove(p)
        return
    if following is None or following.tag != W + "p":
        return
    at = 1 if len(following) and following[0].tag == W + "pPr" else 0
    for child in [c for c in p if c.tag != W + "pPr"]:
        following.insert(at, child)
        at += 1
    following.set(A + "n", p.get(A + "n", following.get(A + "n", "0")))
    remove(p)
