"""The plan's comment threads (plan/comments.yaml) put into a built TD as Word comments.

A thread is put on the words it quotes, found in the element it is anchored on (the element's
bookmark, anchors.py, and the paragraphs up to the next element's): `w:commentRangeStart`,
`w:commentRangeEnd` and a `w:commentReference` run in document.xml, its text in comments.xml.
Replies are comments of their own on the same words, tied to the thread in commentsExtended.xml
(`w15:paraIdParent`, `w15:done` for a resolved thread) and given durable ids in commentsIds.xml,
as Word 2013 and later write threads; LibreOffice reads them too. Words a later edit removed
leave the thread on its element's first paragraph, and say so.

The TD is written first, then this adds to its parts: a plan without comments gives the same
bytes as before, and the same threads always the same bytes (ids are counted, not random).
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from ...anchors import bookmark_name
from ...ooxml import (
    COMMENTS_EXTENDED_REL_TYPE,
    COMMENTS_IDS_REL_TYPE,
    CT,
    MC,
    NAMESPACES,
    REL,
    REL_TYPE,
    W14,
    W15,
    W16CID,
    WORD_ML,
    XML,
    W,
)
from .elements import serialize
from .package import zip_parts

IGNORABLE = MC + "Ignorable"
XML_SPACE = XML + "space"
PARTS = {  # part → (content type, relationship type, relationship id)
    "word/comments.xml": (WORD_ML + "comments+xml", REL_TYPE + "comments", "rIdComments"),
    "word/commentsExtended.xml": (WORD_ML + "commentsExtended+xml", COMMENTS_EXTENDED_REL_TYPE,
                                  "rIdCommentsExtended"),
    "word/commentsIds.xml": (WORD_ML + "commentsIds+xml", COMMENTS_IDS_REL_TYPE, "rIdCommentsIds"),
}
# Paragraph and durable ids: counted from here (both below 0x80000000, as Word requires).
FIRST_PARAGRAPH_ID = 0x10000001
FIRST_DURABLE_ID = 0x20000001
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


class Reply(Protocol):
    """A reply as the plan holds it (plan/models.py CommentReply): writers read no plan module."""

    @property
    def author(self) -> str: ...
    @property
    def date(self) -> str: ...
    @property
    def text(self) -> str: ...


class CommentThread(Reply, Protocol):
    """A thread as the plan holds it (plan/models.py CommentThread)."""

    @property
    def anchor(self) -> str: ...
    @property
    def quote(self) -> str: ...
    @property
    def resolved(self) -> bool: ...
    @property
    def replies(self) -> Sequence[Reply]: ...


@dataclass
class Placed:
    """What putting the threads in did: the DOCX, and the threads not on their words."""

    data: bytes
    warnings: list[tuple[CommentThread, str]] = field(default_factory=list)  # each thread with why


def add_comments(data: bytes, threads: Sequence[CommentThread]) -> Placed:
    """The DOCX `data` with `threads` (each with its replies) as Word comments."""
    if not threads:
        return Placed(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    contents = dict(parts)
    document = etree.fromstring(contents["word/document.xml"], etree.XMLParser(huge_tree=True))
    placer = _Placer(document)
    warnings: list[tuple[CommentThread, str]] = []
    entries: list[tuple[CommentThread, int]] = []  # each thread, with its number in the file's order
    next_id = 0
    for thread in threads:
        ids = list(range(next_id, next_id + 1 + len(thread.replies)))
        placed, problem = placer.place(thread, ids)
        if placed:
            entries.append((thread, next_id))
            next_id = ids[-1] + 1
        if problem is not None:
            warnings.append((thread, f"comment by {thread.author or 'someone'} ({_short(thread.text)}): {problem}"))
    if not entries:
        return Placed(data, warnings)
    comments, extended, durable = _comment_parts(entries)
    contents["word/document.xml"] = _serialize(document)
    contents["word/comments.xml"] = comments
    contents["word/commentsExtended.xml"] = extended
    contents["word/commentsIds.xml"] = durable
    contents["[Content_Types].xml"] = _with_content_types(contents["[Content_Types].xml"])
    contents["word/_rels/document.xml.rels"] = _with_relationships(contents["word/_rels/document.xml.rels"])
    names = [name for name, _ in parts]
    at = names.index("word/document.xml") + 1
    names[at:at] = [name for name in PARTS if name not in names]
    return Placed(zip_parts([(name, contents[name]) for name in names]), warnings)


def _short(text: str) -> str:
    words = " ".join(text.split())
    return f"“{words[:57]}…”" if len(words) > 60 else f"“{words}”"


class _Placer:
    """Finds each element's paragraphs and puts comment ranges on words in them."""

    def __init__(self, document: etree._Element):
        self.paragraphs: list[etree._Element] = []
        self.first: dict[str, int] = {}  # bookmark name → index of its paragraph
        starts: list[int] = []  # indexes of paragraphs where an element starts
        for paragraph in document.iter(W + "p"):
            index = len(self.paragraphs)
            self.paragraphs.append(paragraph)
            names = [b.get(W + "name", "") for b in paragraph.iter(W + "bookmarkStart")]
            for name in names:
                self.first.setdefault(name, index)
            if names:
                starts.append(index)
        self.next_start = {start: following for start, following in zip(starts, [*starts[1:], len(self.paragraphs)],
                                                                        strict=True)}

    def place(self, thread: CommentThread, ids: list[int]) -> tuple[bool, str | None]:
        """Put the thread's range and references in: (whether it is in the TD, why it is not on
        its words, None when it is)."""
        index = self.first.get(bookmark_name(thread.anchor)) if thread.anchor else None
        if index is None:
            return False, (f"its element {thread.anchor!r} is not in the TD: not put in (it stays in comments.yaml)"
                           if thread.anchor else "it names no element: not put in (it stays in comments.yaml)")
        own = self.paragraphs[index : self.next_start.get(index, index + 1)]
        lines = [line for line in thread.quote.split("\n") if line.strip()]
        found = _find(own, lines) if lines else None
        if found is None:
            start, end = (own[0], 0), (own[0], len(_text(own[0])))
        else:
            start, end = found
        _mark(start, end, ids)
        if found is None and lines:
            return True, (f"its words ({_short(thread.quote)}) are no longer in {thread.anchor}: "
                          "put on its first paragraph")
        return True, None


def _runs_text(paragraph: etree._Element) -> list[etree._Element]:
    """The w:t of a paragraph as it shows (deleted runs aside), its own only (not a nested one's)."""
    found = []
    for t in paragraph.iter(W + "t"):
        run = t.getparent()
        if run is None or run.getparent() is None or run.getparent().tag in (W + "del", W + "moveFrom"):
            continue
        if next(t.iterancestors(W + "p")) is paragraph:
            found.append(t)
    return found


def _text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in _runs_text(paragraph))


def _find(paragraphs: list[etree._Element], lines: list[str]) -> tuple[tuple[etree._Element, int],
                                                                       tuple[etree._Element, int]] | None:
    """(paragraph, offset) of the first line's start and the last line's end, the lines in
    consecutive paragraphs; the first occurrence."""
    texts = [_text(p) for p in paragraphs]
    for n, text in enumerate(texts):
        first = lines[0].strip()
        at = text.find(first)
        if at < 0:
            continue
        if len(lines) == 1:
            return (paragraphs[n], at), (paragraphs[n], at + len(first))
        last_index = n + len(lines) - 1
        if last_index < len(texts):
            last = lines[-1].strip()
            end = texts[last_index].find(last)
            end = end + len(last) if end >= 0 else len(texts[last_index])
            return (paragraphs[n], at), (paragraphs[last_index], end)
        return (paragraphs[n], at), (paragraphs[-1], len(texts[-1]))
    return None


def _split_at(paragraph: etree._Element, offset: int) -> tuple[etree._Element, bool]:
    """A boundary at `offset` characters into the paragraph's text: (a run-level node, whether
    the boundary is before it (True) or after it (False)); a run is split when the offset is inside it."""
    position = 0
    texts = _runs_text(paragraph)
    for t in texts:
        length = len(t.text or "")
        if offset < position + length:
            run = t.getparent()
            inside = offset - position
            if inside == 0:
                return run, True
            before, after = (t.text or "")[:inside], (t.text or "")[inside:]
            second = copy.deepcopy(run)
            children = list(run)
            at = children.index(t)
            for child in children[at + 1:]:
                run.remove(child)
            t.text = before
            t.set(XML_SPACE, "preserve")
            second_children = list(second)
            for child in second_children[:at]:
                if child.tag != W + "rPr":
                    second.remove(child)
            second_t = second_children[at]
            second_t.text = after
            second_t.set(XML_SPACE, "preserve")
            run.addnext(second)
            return second, True
        position += length
    if texts:
        return texts[-1].getparent(), False
    return paragraph, False  # an empty paragraph: at its end


def _insert(node: etree._Element, before: bool, marker: etree._Element) -> None:
    if node.tag == W + "p":  # at the paragraph's end
        node.append(marker)
    elif before:
        node.addprevious(marker)
    else:
        node.addnext(marker)


def _mark(start: tuple[etree._Element, int], end: tuple[etree._Element, int], ids: list[int]) -> None:
    """commentRangeStart at `start`, commentRangeEnd and a reference run at `end`, for each id
    (a thread's comment and its replies share the words, as Word writes them)."""
    end_node, end_before = _split_at(*end)
    start_node, start_before = _split_at(*start)
    if start_node.tag == W + "p" and start_node is end_node:  # an empty paragraph: a point
        start_before = True
    last = None
    for cid in ids:
        _insert(start_node, True if start_node.tag != W + "p" else start_before,
                etree.Element(W + "commentRangeStart", {W + "id": str(cid)}))
    for cid in ids:
        range_end = etree.Element(W + "commentRangeEnd", {W + "id": str(cid)})
        reference = etree.Element(W + "r")
        etree.SubElement(reference, W + "commentReference", {W + "id": str(cid)})
        if last is None:
            _insert(end_node, end_before, range_end)
        else:
            last.addnext(range_end)
        range_end.addnext(reference)
        last = reference


def _comment_parts(entries: Iterable[tuple[CommentThread, int]]) -> tuple[bytes, bytes, bytes]:
    nsmap = {prefix: NAMESPACES[prefix] for prefix in ("w", "w14", "mc")}
    comments = etree.Element(W + "comments", nsmap=nsmap)
    comments.set(IGNORABLE, "w14")
    extended = etree.Element(W15 + "commentsEx", nsmap={prefix: NAMESPACES[prefix] for prefix in ("w15", "mc")})
    extended.set(IGNORABLE, "w15")
    durable = etree.Element(W16CID + "commentsIds", nsmap={prefix: NAMESPACES[prefix] for prefix in ("w16cid", "mc")})
    durable.set(IGNORABLE, "w16cid")
    paragraph_id = FIRST_PARAGRAPH_ID
    durable_id = FIRST_DURABLE_ID
    for thread, first in entries:
        parent_paragraph = ""
        for n, (author, date, text) in enumerate([(thread.author, thread.date, thread.text),
                                                  *((r.author, r.date, r.text) for r in thread.replies)]):
            attributes = {W + "id": str(first + n), W + "author": author or "apdoc"}
            if DATE.match(date):
                attributes[W + "date"] = date
            attributes[W + "initials"] = "".join(word[0] for word in (author or "apdoc").split())[:9]
            comment = etree.SubElement(comments, W + "comment", attributes)
            lines = text.split("\n") or [""]
            for line_number, line in enumerate(lines):
                paragraph = etree.SubElement(comment, W + "p")
                if line_number == len(lines) - 1:
                    paragraph.set(W14 + "paraId", f"{paragraph_id:08X}")
                    paragraph.set(W14 + "textId", "77777777")
                if line_number == 0:
                    etree.SubElement(etree.SubElement(paragraph, W + "r"), W + "annotationRef")
                run = etree.SubElement(paragraph, W + "r")
                t = etree.SubElement(run, W + "t")
                t.text = _xml_safe(line)
                t.set(XML_SPACE, "preserve")
            own = f"{paragraph_id:08X}"
            entry = etree.SubElement(extended, W15 + "commentEx", {W15 + "paraId": own})
            if n:
                entry.set(W15 + "paraIdParent", parent_paragraph)
            else:
                parent_paragraph = own
            entry.set(W15 + "done", "1" if thread.resolved else "0")
            etree.SubElement(durable, W16CID + "commentId", {W16CID + "paraId": own,
                                                                    W16CID + "durableId": f"{durable_id:08X}"})
            paragraph_id += 1
            durable_id += 1
    return _serialize(comments), _serialize(extended), _serialize(durable)


XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """Characters XML 1.0 cannot hold (which a plan's YAML may) left out of the comment."""
    return XML_UNSAFE.sub("", text)


def _serialize(root: etree._Element) -> bytes:
    return serialize(root)


def _with_content_types(data: bytes) -> bytes:
    root = etree.fromstring(data)
    have = {el.get("PartName") for el in root.iter(CT + "Override")}
    for part, (content_type, _kind, _rid) in PARTS.items():
        if "/" + part not in have:
            etree.SubElement(root, CT + "Override", {"PartName": "/" + part, "ContentType": content_type})
    return _serialize(root)


def _with_relationships(data: bytes) -> bytes:
    root = etree.fromstring(data)
    have = {el.get("Type") for el in root.iter(REL + "Relationship")}
    for part, (_content_type, kind, rid) in PARTS.items():
        if kind not in have:
            etree.SubElement(root, REL + "Relationship", {"Id": rid, "Type": kind,
                                                          "Target": part.removeprefix("word/")})
    return _serialize(root)
