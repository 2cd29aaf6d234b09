"""What LibreOffice's own tracked changes leave behind, in the LibreOffice installed here.

Run with a Python that has LibreOffice's UNO bridge (Debian: python3-uno), not the venv:

    /usr/bin/python3 tests/lo_limits.py

Prints a JSON object of three facts, each true when this LibreOffice shows the debris with a
change it made itself (so no file apdoc writes can avoid it; see the README's revision marks):

- "empty_row_keeps_u200d": a table row inserted empty with Record Changes on, then Accept All,
  still holds U+200D. LibreOffice marks a tracked row by a tracked character in it, and a row
  without text gets an invisible one (CH_TXT_TRACKED_DUMMY_CHAR, U+200D; makeTableRowRedline in
  sw/source/core/unocore/unocrsrhelper.cxx, which the DOCX import calls for every w:trPr/w:ins
  or w:del); Accept All accepts that character as inserted text.
- "paragraph_between_tables_stays": a caption paragraph and a table inserted after a table with
  Record Changes on, saved as DOCX by LibreOffice itself and opened again, then Reject All,
  leaves an empty paragraph where the caption was. On import LibreOffice splits every tracked
  change at the table's bounds (SwDoc::TextToTable in sw/source/core/docnode/ndtbl.cxx), so the
  change of a paragraph mark that a table follows is lost, and a paragraph between two tables
  has no other mark that could take it away.

- "split_after_footnote_stays": a paragraph holding a footnote reference split after it with
  Record Changes on, saved as DOCX by LibreOffice itself and opened again, then Reject All, is
  still two paragraphs. On opening that DOCX, LibreOffice 7.4 finds no tracked change in it:
  the inserted paragraph mark (w:pPr/w:rPr/w:ins, which the file holds) of the paragraph with
  the footnote reference is dropped, so nothing is left to reject. Without the footnote, or
  without the round trip through DOCX, the split is rejected. (The splits apdoc writes beside
  and after a footnote reference keep their marks: tests/revision_scenarios.py.)

A newer LibreOffice that fixes one reports false, and the tests then want a clean result.
"""

from __future__ import annotations

import json
import os
import tempfile

import uno  # type: ignore[import-not-found]

from lo_resolve import opened, prop

ZWJ = "\u200d"
NEW = "private:factory/swriter"  # a new, empty Writer document


def dispatch(ctx: object, doc: object, command: str, *args: object) -> None:
    helper = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    helper.executeDispatch(doc.getCurrentController().getFrame(), f".uno:{command}", "", 0, args)


def one_cell_table(doc: object, text: str, before: object) -> object:
    """A 1×1 table holding `text`, inserted (untracked) before the paragraph at `before`."""
    table = doc.createInstance("com.sun.star.text.TextTable")
    table.initialize(1, 1)
    doc.getText().insertTextContent(before, table, False)
    table.getCellByName("A1").setString(text)
    return table


def empty_row_keeps_u200d(ctx: object, doc: object) -> bool:
    table = one_cell_table(doc, "above", doc.getText().getStart())
    doc.setPropertyValue("RecordChanges", True)
    doc.getCurrentController().getViewCursor().gotoRange(table.getCellByName("A1").getStart(), False)
    dispatch(ctx, doc, "InsertRowsAfter")
    if table.getRows().getCount() != 2:
        raise SystemExit("LibreOffice did not insert the row")
    dispatch(ctx, doc, "AcceptAllTrackedChanges")
    return any(ZWJ in table.getCellByName(name).getString() for name in table.getCellNames())


def body_paragraphs(doc: object) -> list[object]:
    """The paragraphs of the body text, outside tables, in order."""
    out = []
    enumeration = doc.getText().createEnumeration()
    while enumeration.hasMoreElements():
        element = enumeration.nextElement()
        if element.supportsService("com.sun.star.text.Paragraph"):
            out.append(element)
    return out


def paragraph_between_tables_stays(ctx: object, doc: object, folder: str) -> bool:
    doc.getText().setString("after")
    one_cell_table(doc, "first", doc.getText().getStart())
    (after,) = body_paragraphs(doc)
    doc.setPropertyValue("RecordChanges", True)
    doc.getCurrentController().getViewCursor().gotoRange(after.getStart(), False)
    dispatch(ctx, doc, "InsertText", prop("Text", "caption"))  # first | caption | new table | after
    dispatch(ctx, doc, "InsertPara")
    dispatch(ctx, doc, "InsertTable", prop("Columns", 1), prop("Rows", 1))
    saved = os.path.join(folder, "own.docx")
    doc.storeToURL(uno.systemPathToFileUrl(saved), (prop("FilterName", "MS Word 2007 XML"),))
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    again = desktop.loadComponentFromURL(uno.systemPathToFileUrl(saved), "_blank", 0, (prop("Hidden", True),))
    try:
        dispatch(ctx, again, "RejectAllTrackedChanges")
        return [p.getString() for p in body_paragraphs(again)] == ["", "after"]
    finally:
        again.close(True)


def split_after_footnote_stays(ctx: object, doc: object, folder: str) -> bool:
    text = doc.getText()
    text.setString("first")
    footnote = doc.createInstance("com.sun.star.text.Footnote")
    text.insertTextContent(text.getEnd(), footnote, False)
    footnote.setString("a note")
    text.insertString(text.getEnd(), " second", False)
    doc.setPropertyValue("RecordChanges", True)
    cursor = doc.getCurrentController().getViewCursor()
    cursor.gotoRange(text.getStart(), False)
    cursor.goRight(len("first") + 2, False)  # after the reference and the space: "first¹ |second"
    dispatch(ctx, doc, "InsertPara")  # first¹ | second, the first paragraph's mark inserted
    if len(body_paragraphs(doc)) != 2:
        raise SystemExit("LibreOffice did not split the paragraph")
    saved = os.path.join(folder, "split.docx")
    doc.storeToURL(uno.systemPathToFileUrl(saved), (prop("FilterName", "MS Word 2007 XML"),))
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    again = desktop.loadComponentFromURL(uno.systemPathToFileUrl(saved), "_blank", 0, (prop("Hidden", True),))
    try:
        dispatch(ctx, again, "RejectAllTrackedChanges")
        return len(body_paragraphs(again)) == 2
    finally:
        again.close(True)


def new_document(ctx: object) -> object:
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, (prop("Hidden", True),))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lo-limits-") as folder, opened(NEW) as (ctx, doc):
        second, third = new_document(ctx), new_document(ctx)
        try:
            facts = {"empty_row_keeps_u200d": empty_row_keeps_u200d(ctx, doc),
                     "paragraph_between_tables_stays": paragraph_between_tables_stays(ctx, second, folder),
                     "split_after_footnote_stays": split_after_footnote_stays(ctx, third, folder)}
        finally:
            second.close(True)
            third.close(True)
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
