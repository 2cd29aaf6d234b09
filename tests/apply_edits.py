"""Edits to a built TD at the XML level, shaped as Word writes them: tracked insertions and
deletions (`w:ins`, `w:del`), a deleted paragraph mark (`w:pPr/w:rPr/w:del`), an inserted table
row (`w:trPr/w:ins`), a moved paragraph (`w:moveFrom`/`w:moveTo` with their range markers), or
the same words changed without tracking. For the golden tests of `apdoc apply`."""

from __future__ import annotations

import copy
import io
import itertools
import zipfile

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
AUTHOR, DATE = "Meeting", "2026-11-27T10:00:00Z"
_ids = itertools.count(9000)


class Docx:
    """A DOCX's parts, with the XML ones parsed on demand and written back by `data()`."""

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.names = z.namelist()
            self.parts = {name: z.read(name) for name in self.names}
        self._roots: dict[str, etree._Element] = {}

    def xml(self, name: str = "word/document.xml") -> etree._Element:
        if name not in self._roots:
            self._roots[name] = etree.fromstring(self.parts[name])
        return self._roots[name]

    def data(self) -> bytes:
        for name, root in self._roots.items():
            self.parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name in self.names:
                z.writestr(name, self.parts[name])
        return out.getvalue()


def _mark(kind: str) -> etree._Element:
    return etree.Element(W + kind, {W + "id": str(next(_ids)), W + "author": AUTHOR, W + "date": DATE})


def _run(text: str, rpr: etree._Element | None, deleted: bool = False) -> etree._Element:
    run = etree.Element(W + "r")
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    t = etree.SubElement(run, W + ("delText" if deleted else "t"))
    t.text = text
    t.set(XML_SPACE, "preserve")
    return run


def paragraph_with(root: etree._Element, needle: str) -> etree._Element:
    """The one paragraph whose text holds `needle` (the test fails when there is none or several)."""
    found = [p for p in root.iter(W + "p") if needle in "".join(p.itertext())]
    assert len(found) == 1, f"{len(found)} paragraphs hold {needle!r}"
    return found[0]


def replace_words(root: etree._Element, needle: str, old: str, new: str, tracked: bool = True) -> None:
    """In the run of the paragraph holding `needle`, `old` → `new`: as w:del + w:ins, or in place."""
    paragraph = paragraph_with(root, needle)
    t = next(t for t in paragraph.iter(W + "t") if old in (t.text or ""))
    if not tracked:
        t.text = t.text.replace(old, new, 1)
        return
    run = t.getparent()
    rpr = run.find(W + "rPr")
    before, after = t.text.split(old, 1)
    t.text = before
    t.set(XML_SPACE, "preserve")
    deletion, insertion = _mark("del"), _mark("ins")
    deletion.append(_run(old, rpr, deleted=True))
    insertion.append(_run(new, rpr))
    run.addnext(deletion)
    deletion.addnext(insertion)
    insertion.addnext(_run(after, rpr))


def _paragraph_mark(paragraph: etree._Element, kind: str) -> None:
    """Mark the paragraph's mark (its pilcrow) as inserted, deleted or moved."""
    ppr = paragraph.find(W + "pPr")
    if ppr is None:
        ppr = etree.Element(W + "pPr")
        paragraph.insert(0, ppr)
    rpr = ppr.find(W + "rPr")
    if rpr is None:
        rpr = etree.SubElement(ppr, W + "rPr")
    rpr.append(_mark(kind))


def delete_paragraph_mark(root: etree._Element, needle: str) -> None:
    """The paragraph holding `needle` loses its mark: with the next paragraph it makes one."""
    _paragraph_mark(paragraph_with(root, needle), "del")


def _wrap_runs(paragraph: etree._Element, kind: str) -> None:
    for child in list(paragraph):
        if child.tag in (W + "r", W + "hyperlink"):
            wrapper = _mark(kind)
            child.addprevious(wrapper)
            wrapper.append(child)
            if kind in ("del", "moveFrom"):
                for t in child.iter(W + "t"):
                    t.tag = W + "delText"


def _drop_bookmarks(element: etree._Element) -> None:
    """A copy pasted in Word has no bookmarks of its own: the names stay with the original."""
    for mark in list(element.iter(W + "bookmarkStart", W + "bookmarkEnd")):
        mark.getparent().remove(mark)


def insert_row_after(root: etree._Element, needle: str, first_cell: str, tracked: bool = True) -> etree._Element:
    """A copy of the table row holding `needle` inserted after it, its first cell's text set to
    `first_cell` (a matrix row's number); tracked: `w:trPr/w:ins`, its runs and marks inserted."""
    row = next(paragraph_with(root, needle).iterancestors(W + "tr"))
    new = copy.deepcopy(row)
    _drop_bookmarks(new)
    first_t = next(new.find(W + "tc").iter(W + "t"))
    first_t.text = first_cell
    if tracked:
        trpr = new.find(W + "trPr")
        if trpr is None:
            trpr = etree.Element(W + "trPr")
            new.insert(0, trpr)
        trpr.append(_mark("ins"))
        for paragraph in new.iter(W + "p"):
            _paragraph_mark(paragraph, "ins")
            _wrap_runs(paragraph, "ins")
    row.addnext(new)
    return new


def set_cell_text(row: etree._Element, column: int, old: str, new: str) -> None:
    """In a row this test inserted, change the words of one cell (the row is new: no marks needed)."""
    cell = row.findall(W + "tc")[column]
    t = next(t for t in cell.iter(W + "t") if old in (t.text or ""))
    t.text = t.text.replace(old, new, 1)


def move_paragraph_before(root: etree._Element, needle: str, before: str, name: str = "move1") -> None:
    """Move the paragraph holding `needle` to just before the one holding `before`, as Word
    records a drag with Track Changes on: the original in w:moveFrom, the copy in w:moveTo."""
    source, target = paragraph_with(root, needle), paragraph_with(root, before)
    moved = copy.deepcopy(source)
    _drop_bookmarks(moved)
    ident = str(next(_ids))
    for paragraph, kind in ((source, "moveFrom"), (moved, "moveTo")):
        _wrap_runs(paragraph, kind)
        _paragraph_mark(paragraph, kind)
        start = etree.Element(W + f"{kind}RangeStart", {W + "id": ident, W + "name": name,
                                                        W + "author": AUTHOR, W + "date": DATE})
        paragraph.find(W + "pPr").addnext(start)
        paragraph.append(etree.Element(W + f"{kind}RangeEnd", {W + "id": ident}))
    target.addprevious(moved)


def set_field_result(root: etree._Element, instruction: str, occurrence: int, new: str, tracked: bool = True) -> None:
    """Change the shown result of the `occurrence`-th field whose instruction holds `instruction`
    (a SEQ number of a caption), as an editor typing over a number would."""
    starts = [i for i in root.iter(W + "instrText") if instruction in (i.text or "")]
    begin_run = starts[occurrence].getparent()
    run = begin_run.getnext()
    while run is not None and run.find(W + "t") is None:
        run = run.getnext()
    assert run is not None
    t = run.find(W + "t")
    if not tracked:
        t.text = new
        return
    deletion, insertion = _mark("del"), _mark("ins")
    run.addprevious(deletion)
    deletion.append(run)
    t.tag = W + "delText"
    insertion.append(_run(new, run.find(W + "rPr")))
    deletion.addnext(insertion)


COMMENTS_PART = "word/comments.xml"


def add_comment(doc: Docx, needle: str, text: str) -> None:
    """A Word comment on the paragraph holding `needle`: its range and reference in the body, its
    text in word/comments.xml (the part, its relationship and content type added as Word does)."""
    paragraph = paragraph_with(doc.xml(), needle)
    ident = str(next(_ids))
    first_run = next(paragraph.iter(W + "r"))
    first_run.addprevious(etree.Element(W + "commentRangeStart", {W + "id": ident}))
    paragraph.append(etree.Element(W + "commentRangeEnd", {W + "id": ident}))
    reference = etree.SubElement(paragraph, W + "r")
    etree.SubElement(reference, W + "commentReference", {W + "id": ident})
    if COMMENTS_PART not in doc.parts:
        doc.names.append(COMMENTS_PART)
        doc.parts[COMMENTS_PART] = f'<w:comments xmlns:w="{W[1:-1]}"/>'.encode()
        rels = "word/_rels/document.xml.rels"
        doc.parts[rels] = doc.parts[rels].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdComments" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/comments" Target="comments.xml"/></Relationships>')
        doc.parts["[Content_Types].xml"] = doc.parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            b'wordprocessingml.comments+xml"/></Types>')
    comment = etree.SubElement(doc.xml(COMMENTS_PART), W + "comment",
                               {W + "id": ident, W + "author": AUTHOR, W + "date": DATE, W + "initials": "M"})
    etree.SubElement(etree.SubElement(comment, W + "p"), W + "r").append(etree.Element(W + "t"))
    comment[0][0][0].text = text
