"""A large table at the body's top level is read a group of rows at a time (readers/docx/body.py,
issue 20: the 100× TD's matrix, 354k elements, was one chunk of ~110 MB). What the reader returns
must be what one reading of the whole part gives, whatever the groups: every test here reads each
DOCX with groups of one row, of about three and of about a dozen (a small threshold for "large")
and as one chunk, and compares everything the reader returns, in both views of the tracked
changes — on TDs whose matrix was edited so that what spans rows is there: merged cells, header
rows (and one that only a rejected change makes a header), rows inserted and deleted, a comment, a
field and a bookmark across rows, a bookmark between rows that moves into a row a view removes,
nested tables."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.readers.docx import ReadResult, read_docx
from apdoc.readers.docx import body as chunking
from apdoc.readers.docx import reader as reading
from apdoc.readers.docx.locate import Counted
from apply_edits import AUTHOR, DATE, Docx, W, add_comment

VIEWS = {"accept all": None, "reject all": lambda _revision: False}
# (LARGE, CHUNK_BLOCKS, SLICE): groups of one row, of about three, of about a dozen (the seed
# matrix's rows are of ~130 elements), in chunks and slices of different sizes.
GROUPINGS = ((0, 1, 16), (300, 3, 64), (1500, 200, 4096))
WHOLE = (10**9, 10**9, 10**9)
_ids = itertools.count(78000)


def _reading(result: ReadResult) -> tuple:
    return (etree.tostring(result.xhtml), result.revisions, result.comments, result.warnings, result.properties)


def _read(data: bytes, monkeypatch: pytest.MonkeyPatch, grouping: tuple[int, int, int],
          accept: Callable | None) -> tuple:
    large, blocks, slice_bytes = grouping
    with monkeypatch.context() as patch:
        patch.setattr(chunking, "LARGE", large)
        patch.setattr(chunking, "CHUNK_BLOCKS", blocks)
        patch.setattr(chunking, "SLICE", slice_bytes)
        return _reading(read_docx(data, source="TD.docx", accept=accept))


def _matrix(root: etree._Element) -> etree._Element:
    """The body's table of most rows: the consideration matrix."""
    return max((t for t in root.find(W + "body") if t.tag == W + "tbl"), key=lambda t: len(t.findall(W + "tr")))


def _text(el: etree._Element) -> str:
    return "".join(el.itertext())


def _mark(kind: str) -> etree._Element:
    return etree.Element(W + kind, {W + "id": str(next(_ids)), W + "author": AUTHOR, W + "date": DATE})


def _run(text: str, kind: str | None = None, value: str | None = None) -> etree._Element:
    run = etree.Element(W + "r")
    if kind == "text":
        etree.SubElement(run, W + "t").text = value
    elif kind == "instr":
        etree.SubElement(run, W + "instrText").text = value
    elif kind:
        etree.SubElement(run, W + "fldChar", {W + "fldCharType": kind})
    else:
        etree.SubElement(run, W + "t").text = text
    return run


def _first_paragraph(row: etree._Element) -> etree._Element:
    return next(row.iter(W + "p"))


def _tracked_rows(td: bytes) -> bytes:
    """In the matrix: a row inserted, two rows deleted with an anchored bookmark between rows just
    before them (accepted, it moves into the row after them), a word changed, a cell paragraph's
    mark deleted, and the first body row's properties changed from a header row's (rejected, the
    table has three header rows)."""
    doc = Docx(td)
    root = doc.xml()
    rows = _matrix(root).findall(W + "tr")
    inserted = copy.deepcopy(rows[9])
    for mark in list(inserted.iter(W + "bookmarkStart", W + "bookmarkEnd")):
        mark.getparent().remove(mark)
    next(inserted.iter(W + "t")).text = "99"
    _properties(inserted).append(_mark("ins"))
    for run in list(inserted.iter(W + "r")):
        run.addprevious(_mark("ins"))
        run.getprevious().append(run)
    rows[9].addnext(inserted)
    for row in rows[13:15]:
        _properties(row).append(_mark("del"))
    rows[13].addprevious(etree.Element(W + "bookmarkStart", {W + "id": "78900", W + "name": "BetweenRows"}))
    link = etree.SubElement(_first_paragraph(rows[-1]), W + "hyperlink", {W + "anchor": "BetweenRows"})
    link.append(_run(" (see the rows)"))
    t = next(t for t in rows[19].iter(W + "t") if (t.text or "").strip())
    deletion, insertion = _mark("del"), _mark("ins")
    etree.SubElement(etree.SubElement(deletion, W + "r"), W + "delText").text = t.text
    insertion.append(_run("Changed"))
    t.getparent().addnext(deletion)
    deletion.addnext(insertion)
    t.getparent().getparent().remove(t.getparent())
    marked = next(p for p in rows[22].iter(W + "p") if _text(p).strip())
    if marked.find(W + "pPr") is None:
        marked.insert(0, etree.Element(W + "pPr"))
    mark_properties = marked.find(W + "pPr").find(W + "rPr")
    if mark_properties is None:
        mark_properties = etree.SubElement(marked.find(W + "pPr"), W + "rPr")
    mark_properties.append(_mark("del"))  # (a cell's last paragraph: it stays, unless nothing in it shows)
    change = etree.SubElement(_properties(rows[2]), W + "trPrChange",
                              {W + "id": "78901", W + "author": AUTHOR, W + "date": DATE})
    etree.SubElement(etree.SubElement(change, W + "trPr"), W + "tblHeader")
    return doc.data()


def _across_rows(td: bytes) -> bytes:
    """In the matrix: a HYPERLINK field begun in row 6 and ended in row 9; a comment opened in row 5
    and closed in row 10; a bookmark begun in row 7 and ended in row 12, which a link names; the
    last cells of rows 15 to 19 merged."""
    doc = Docx(td)
    root = doc.xml()
    rows = _matrix(root).findall(W + "tr")
    add_comment(doc, _text(max(rows[4].iter(W + "p"), key=lambda p: len(_text(p)))), "across rows")
    ident = doc.xml("word/comments.xml")[-1].get(W + "id")
    end = next(el for el in root.iter(W + "commentRangeEnd") if el.get(W + "id") == ident)
    end.getparent().remove(end)
    _first_paragraph(rows[9]).append(end)
    begin = _first_paragraph(rows[5])
    for kind, value in (("begin", None), ("instr", ' HYPERLINK "https://example.org/rows" '), ("separate", None),
                        ("text", "linked across rows")):
        begin.append(_run("", kind, value))
    _first_paragraph(rows[8]).insert(1, _run("", "end"))
    _first_paragraph(rows[6]).insert(1, etree.Element(W + "bookmarkStart", {W + "id": "78902", W + "name": "Spanning"}))
    _first_paragraph(rows[11]).append(etree.Element(W + "bookmarkEnd", {W + "id": "78902"}))
    link = etree.SubElement(_first_paragraph(rows[-1]), W + "hyperlink", {W + "anchor": "Spanning"})
    link.append(_run(" (see row 7)"))
    for n, row in enumerate(rows[14:19]):
        cell = row.findall(W + "tc")[-1]
        if cell.find(W + "tcPr") is None:
            cell.insert(0, etree.Element(W + "tcPr"))
        etree.SubElement(cell.find(W + "tcPr"), W + "vMerge", {W + "val": "restart"} if n == 0 else {})
    return doc.data()


def _nested(td: bytes) -> bytes:
    """A copy of the cover table (merged cells) inside a cell of the matrix's row 8, with a header
    row and a deleted row of its own; a copy of the matrix's header row inside row 12."""
    doc = Docx(td)
    root = doc.xml()
    body = root.find(W + "body")
    matrix = _matrix(root)
    rows = matrix.findall(W + "tr")
    inner = copy.deepcopy(next(t for t in body if t.tag == W + "tbl"))
    for mark in list(inner.iter(W + "bookmarkStart", W + "bookmarkEnd")):
        mark.getparent().remove(mark)
    inner_rows = inner.findall(W + "tr")
    etree.SubElement(_properties(inner_rows[0]), W + "tblHeader")
    _properties(inner_rows[3]).append(_mark("del"))
    cell = rows[7].findall(W + "tc")[-1]
    cell.insert(len(cell) - 1, inner)
    header = copy.deepcopy(rows[0])
    for mark in list(header.iter(W + "bookmarkStart", W + "bookmarkEnd")):
        mark.getparent().remove(mark)
    second = etree.Element(W + "tbl")
    second.append(copy.deepcopy(matrix.find(W + "tblPr")))
    second.append(copy.deepcopy(matrix.find(W + "tblGrid")))
    second.append(header)
    second.append(copy.deepcopy(header))
    cell = rows[11].findall(W + "tc")[-1]
    cell.append(second)
    cell.append(etree.Element(W + "p"))
    return doc.data()


def _properties(row: etree._Element) -> etree._Element:
    """The row's w:trPr (made if it has none)."""
    properties = row.find(W + "trPr")
    if properties is None:
        properties = etree.Element(W + "trPr")
        row.insert(0, properties)
    return properties


def _header_rows_only(td: bytes) -> bytes:
    """Every row of the matrix a header row: no group can end (no row is a body row), read whole."""
    doc = Docx(td)
    for row in _matrix(doc.xml()).findall(W + "tr"):
        properties = _properties(row)
        if properties.find(W + "tblHeader") is None:
            etree.SubElement(properties, W + "tblHeader")
    return doc.data()


EDITS = {
    "as built": lambda td: td,
    "rows inserted, deleted, changed": _tracked_rows,
    "a comment, a field and a bookmark across rows": _across_rows,
    "nested tables": _nested,
    "header rows only": _header_rows_only,
}


@pytest.fixture(scope="module")
def edited(td: bytes) -> dict[str, bytes]:
    return {name: edit(td) for name, edit in EDITS.items()}


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("view", VIEWS)
def test_reading_rows_in_groups_gives_what_reading_the_whole_part_gives(
        edited: dict[str, bytes], monkeypatch: pytest.MonkeyPatch, edit: str, view: str) -> None:
    data = edited[edit]
    whole = _read(data, monkeypatch, WHOLE, VIEWS[view])
    for grouping in GROUPINGS:
        assert _read(data, monkeypatch, grouping, VIEWS[view]) == whole, grouping


def _groups(data: bytes, monkeypatch: pytest.MonkeyPatch, grouping: tuple[int, int, int]) -> list[list[int]]:
    """Of each table read in groups, how many rows each of its groups holds (as the passes see it)."""
    found: list[list[int]] = []
    passes = reading.Reader._passes

    def spy(self: reading.Reader, root: etree._Element, counted: Counted, walks: object) -> None:
        if counted.continued is not None:
            found[-1].append(sum(1 for row in counted.continued if row.tag == W + "tr"))
        if counted.opened is not None and counted.opened is not counted.continued:
            found.append([sum(1 for row in counted.opened if row.tag == W + "tr")])
        passes(self, root, counted, walks)

    monkeypatch.setattr(reading.Reader, "_passes", spy)
    _read(data, monkeypatch, grouping, None)
    monkeypatch.setattr(reading.Reader, "_passes", passes)
    return found


def test_the_groups_are_what_the_tests_say(edited: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    """The matrix does come in groups: of one row, of about three, of a dozen or so (its first
    holds its two header rows and a body row); with no body row in it, it is read whole."""
    matrix_rows = len(_matrix(etree.fromstring(Docx(edited["as built"]).parts["word/document.xml"])).findall(W + "tr"))
    one, three, dozen = (max(_groups(edited["as built"], monkeypatch, grouping), key=sum) for grouping in GROUPINGS)
    assert sum(one) == sum(three) == sum(dozen) == matrix_rows
    assert one == [3] + [1] * (matrix_rows - 3)
    assert len(three) > 6 and sorted(three)[len(three) // 2] == 3
    assert len(dozen) >= 2 and max(dozen) >= 8
    assert all(sum(table) < matrix_rows for table in _groups(edited["header rows only"], monkeypatch, GROUPINGS[0]))


def _html(data: bytes, accept: Callable | None = None) -> str:
    return etree.tostring(read_docx(data, source="TD.docx", accept=accept).xhtml).decode()


def test_the_edits_reach_what_the_reader_returns(edited: dict[str, bytes]) -> None:
    """Each case is what it says (else the comparison would prove nothing of it)."""
    built = read_docx(edited["as built"], source="TD.docx").xhtml
    matrix = max(built.iter("table"), key=lambda t: len(list(t.iter("tr"))))
    assert matrix.find("thead") is not None and len(matrix.find("thead")) == 2
    assert any(int(cell.get("rowspan", "1")) > 1 for cell in built.find(".//table[@id='cover']").iter("td"))

    tracked = edited["rows inserted, deleted, changed"]
    accepted, rejected = (read_docx(tracked, source="TD.docx", accept=accept).xhtml for accept in VIEWS.values())
    for view, thead_rows in ((accepted, 2), (rejected, 3)):
        table = max(view.iter("table"), key=lambda t: len(list(t.iter("tr"))))
        assert len(table.find("thead")) == thead_rows
    accepted_matrix = max(accepted.iter("table"), key=lambda t: len(list(t.iter("tr"))))
    rejected_matrix = max(rejected.iter("table"), key=lambda t: len(list(t.iter("tr"))))
    assert len(list(rejected_matrix.iter("tr"))) - len(list(accepted_matrix.iter("tr"))) == 1  # +1 -2
    assert "Changed" in etree.tostring(accepted).decode() and "Changed" not in etree.tostring(rejected).decode()
    for view in (accepted, rejected):
        named = view.find(".//*[@id='BetweenRows']")
        assert named is not None and named.tag in ("p", "td", "tr")
    # accepted, the rows it stood before are gone: the bookmark moved into the row after them
    assert accepted.find(".//*[@id='BetweenRows']") is not None

    across = read_docx(edited["a comment, a field and a bookmark across rows"], source="TD.docx")
    html = etree.tostring(across.xhtml).decode()
    assert html.count('href="https://example.org/rows"') >= 3  # the field's result runs over rows 6 to 9
    assert 'id="Spanning"' in html and 'href="#Spanning"' in html
    merged = max(across.xhtml.iter("table"), key=lambda t: len(list(t.iter("tr"))))
    assert [cell.get("rowspan") for cell in merged.iter("td") if cell.get("rowspan")] == ["5"]
    comment = next(c for c in across.comments if c.text == "across rows")
    assert comment.quote.count("\n") >= 4  # from row 5 to row 10

    nested = read_docx(edited["nested tables"], source="TD.docx").xhtml
    inner = [t for t in nested.iter("table") if next(t.iterancestors("table"), None) is not None]
    assert len(inner) == 2 and inner[0].find("thead") is not None and inner[1].find("thead") is None
    assert any(int(cell.get("rowspan", "1")) > 1 for cell in inner[0].iter("td", "th"))
    only_headers = max(read_docx(edited["header rows only"], source="TD.docx").xhtml.iter("table"),
                       key=lambda t: len(list(t.iter("tr"))))
    assert only_headers.find("thead") is None  # a table of header rows only is read as a body


def test_an_error_inside_a_table_read_in_groups_is_the_whole_parts_error(
        td: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """XML that breaks in the matrix's last row, after many of its groups were read, is refused as
    a whole part would be: the same message, nothing returned."""
    doc = Docx(td)
    root = etree.fromstring(doc.parts["word/document.xml"])  # (not doc.xml(): data() would write it back)
    _first_paragraph(_matrix(root).findall(W + "tr")[-1]).append(etree.Element(W + "broken"))
    doc.parts["word/document.xml"] = etree.tostring(root).replace(b"<w:broken/>", b"<w:r></w:p>", 1)
    data = doc.data()
    messages = []
    for grouping in (WHOLE, GROUPINGS[0]):
        with pytest.raises(Exception) as raised:
            _read(data, monkeypatch, grouping, None)
        messages.append(str(raised.value))
    assert messages[0] == messages[1] and "not well-formed XML" in messages[0]


# --- any table: rows drawn, in a TD of that table alone ------------------------------------------

HEADER, INSERTED, DELETED, WAS_HEADER = "header", "inserted", "deleted", "was a header"


@st.composite
def _rows(draw: st.DrawFn) -> list[dict]:
    rows = []
    for n in range(draw(st.integers(1, 14))):
        rows.append({
            "marks": draw(st.sets(st.sampled_from([HEADER, INSERTED, DELETED, WAS_HEADER]), max_size=2)),
            "merge": draw(st.lists(st.sampled_from([None, "restart", "continue"]), min_size=3, max_size=3)),
            "span": draw(st.booleans()),
            "bookmark before": draw(st.booleans()),
            "nested": draw(st.booleans()) and n % 3 == 0,
            "hidden mark": draw(st.booleans()),
        })
    return rows


def _cell(text: str, merge: str | None, span: bool) -> etree._Element:
    tc = etree.Element(W + "tc")
    properties = etree.SubElement(tc, W + "tcPr")
    if span:
        etree.SubElement(properties, W + "gridSpan", {W + "val": "2"})
    if merge is not None:
        etree.SubElement(properties, W + "vMerge", {W + "val": merge} if merge == "restart" else {})
    p = etree.SubElement(tc, W + "p")
    p.append(_run(text))
    return tc


def _table(rows: list[dict]) -> etree._Element:
    tbl = etree.Element(W + "tbl")
    grid = etree.SubElement(tbl, W + "tblGrid")
    for _column in range(4):
        etree.SubElement(grid, W + "gridCol", {W + "w": "2000"})
    for n, drawn in enumerate(rows):
        if drawn["bookmark before"]:
            tbl.append(etree.Element(W + "bookmarkStart", {W + "id": str(79000 + n), W + "name": f"Row{n}"}))
        tr = etree.SubElement(tbl, W + "tr")
        properties = etree.SubElement(tr, W + "trPr")
        if HEADER in drawn["marks"]:
            etree.SubElement(properties, W + "tblHeader")
        for kind, mark in ((INSERTED, "ins"), (DELETED, "del")):
            if kind in drawn["marks"]:
                properties.append(_mark(mark))
        if WAS_HEADER in drawn["marks"]:
            change = etree.SubElement(properties, W + "trPrChange",
                                      {W + "id": str(79500 + n), W + "author": AUTHOR, W + "date": DATE})
            etree.SubElement(etree.SubElement(change, W + "trPr"), W + "tblHeader")
        merges = drawn["merge"]
        tr.append(_cell(f"row {n} first", merges[0], drawn["span"]))
        for column, merge in enumerate(merges[1:], 2):
            tr.append(_cell(f"row {n} cell {column}", merge, False))
        last = tr[-1]
        if drawn["hidden mark"]:
            extra = etree.Element(W + "p")
            extra.append(etree.Element(W + "pPr"))
            etree.SubElement(extra[0], W + "rPr").append(_mark("del"))
            extra.append(_run(f"row {n} merged words"))
            last.insert(1, extra)
        if drawn["nested"]:
            last.insert(1, _table([{**drawn, "nested": False, "bookmark before": False}] * 2))
    return tbl


def _td_of(td: bytes, tables: list[etree._Element]) -> bytes:
    """The TD with a body of these tables alone, between paragraphs, and a link to every bookmark."""
    doc = Docx(td)
    body = doc.xml().find(W + "body")
    properties = body[-1]
    del body[:]
    for tbl in tables:
        body.append(copy.deepcopy(tbl))
        body.append(etree.Element(W + "p"))
    last = etree.SubElement(body, W + "p")
    for name in {el.get(W + "name") for el in body.iter(W + "bookmarkStart")}:
        etree.SubElement(last, W + "hyperlink", {W + "anchor": name}).append(_run(name))
    body.append(properties)
    return doc.data()


@dataclass
class _Base:
    data: bytes = field(repr=False)  # (hypothesis prints a failing case's arguments)


@pytest.fixture(scope="module")
def base(td: bytes) -> _Base:
    return _Base(td)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_rows())
def test_any_table_read_in_groups_of_rows_reads_as_whole(base: _Base, monkeypatch: pytest.MonkeyPatch,
                                                          rows: list[dict]) -> None:
    """Rows drawn with header marks (kept, or only in the rejected view), inserted or deleted,
    merged cells, a bookmark between rows, a cell's hidden paragraph mark, nested tables."""
    data = _td_of(base.data, [_table(rows), _table(rows[::-1])])
    for accept in VIEWS.values():
        whole = _read(data, monkeypatch, WHOLE, accept)
        for grouping in ((0, 1, 16), (60, 1, 256)):
            assert _read(data, monkeypatch, grouping, accept) == whole, grouping
