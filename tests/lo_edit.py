"""Edit a DOCX in LibreOffice with Record Changes on, as an editor at a meeting would, and save
it as "MS Word 2007 XML". Run with a Python that has LibreOffice's UNO bridge (python3-uno):

    /usr/bin/python3 tests/lo_edit.py TD.docx edited.docx [read|apply]

The `read` edits (the default; tests/test_read_docx.py): a word replaced in a list item, a new
paragraph typed after chapter 1's first paragraph, a list item deleted with its paragraph mark,
a footnote's text edited. The `apply` edits (tests/test_apply.py): a word in an action item's
field, two words in the first footnote, a new paragraph in chapter 3, chapter 3's last list item
deleted with the mark before it.
"""

from __future__ import annotations

import os
import sys

import uno  # type: ignore[import-not-found]
from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK  # type: ignore[import-not-found]

from lo_resolve import opened, prop


def find(doc: object, text: str) -> object:  # UNO objects
    search = doc.createSearchDescriptor()
    search.SearchString = text
    found = doc.findFirst(search)
    if found is None:
        raise SystemExit(f"not found: {text}")
    return found


def edit(doc: object) -> None:  # a UNO text document
    find(doc, "To perform a review").setString("To carry out a review")
    anchor = find(doc, "As a starting point, this document considers")
    cursor = anchor.getText().createTextCursorByRange(anchor.getStart())
    cursor.gotoEndOfParagraph(False)
    cursor.getText().insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    cursor.getText().insertString(cursor, "A paragraph typed at the meeting.", False)
    delete_paragraph_with_mark_before(doc, "both developed and developing countries are in the focus")
    note = doc.getFootnotes().getByIndex(0)  # the first footnote: its text gets two words more
    text = note.getText()
    cursor = text.createTextCursor()
    cursor.gotoEnd(False)
    text.insertString(cursor, " (edited)", False)


def replace_in(text: object, old: str, new: str) -> None:  # a UNO text (a footnote's)
    """`old` → `new` inside a text that document search does not reach: cursor moves by characters."""
    where = text.getString().index(old)
    cursor = text.createTextCursor()
    cursor.gotoStart(False)
    cursor.goRight(where, False)
    cursor.goRight(len(old), True)
    cursor.setString(new)


def delete_paragraph_with_mark_before(doc: object, needle: str) -> None:
    item = find(doc, needle)
    cursor = item.getText().createTextCursorByRange(item.getStart())
    cursor.gotoStartOfParagraph(False)
    cursor.gotoPreviousParagraph(False)
    cursor.gotoEndOfParagraph(False)
    cursor.gotoNextParagraph(True)
    cursor.gotoEndOfParagraph(True)  # the mark before the item and the item's text: the item goes
    cursor.setString("")


def edit_for_apply(doc: object) -> None:  # a UNO text document
    found = find(doc, "propositions to enhance value in the work")
    cursor = found.getText().createTextCursorByRange(found.getStart())
    cursor.goRight(len("propositions to "), False)
    cursor.goRight(len("enhance"), True)
    cursor.setString("raise")
    replace_in(doc.getFootnotes().getByIndex(0).getText(), "telecommunication problems", "ICT problems")
    anchor = find(doc, "For purposes of the Action Plan, these are the entities")
    cursor = anchor.getText().createTextCursorByRange(anchor.getStart())
    cursor.gotoEndOfParagraph(False)
    cursor.getText().insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    cursor.getText().insertString(cursor, "A paragraph typed at the meeting in chapter 3.", False)
    delete_paragraph_with_mark_before(doc, "both developed and developing countries are in the focus")


def add_matrix_row(doc: object) -> None:  # a UNO text document
    """A row added after consideration 28 of the matrix, numbered 32, its cells typed in."""
    found = find(doc, "Better define the role of ITU-T in AI")
    table, cell = found.TextTable, found.Cell.CellName  # the point's cell, B<row>
    row = int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    table.getRows().insertByIndex(row, 1)  # after the row: rows count from 0, cell names from 1
    new = row + 1
    typed = {"A": "32", "B": "Better define the role of ITU-T in quantum computing", "D": "x",
             "J": "Investigate quantum computing", "K": "RG-IEM", "M": "A row added at the meeting"}
    for column, text in typed.items():
        table.getCellByName(f"{column}{new}").setString(text)


def edit_contribution(doc: object) -> None:  # a UNO text document: Table 3 cut out of the TD
    """One word of AP1.2's key outcomes, in a contribution holding only its table."""
    found = find(doc, "clearly spellable common vision")
    cursor = found.getText().createTextCursorByRange(found.getStart())
    cursor.goRight(len("clearly spellable "), False)
    cursor.goRight(len("common"), True)
    cursor.setString("shared")


def add_row_under_numbered_actions(doc: object) -> None:  # a UNO text document
    """A row added after consideration 04, whose Proposed Action cell is a numbered list: the new
    row's cell gets the numbering with no text, as LibreOffice copies it; that cell is not typed in."""
    found = find(doc, "(CSP-market restricted) Research the best ways")  # in row 04's Proposed Action cell
    table, cell = found.TextTable, found.Cell.CellName
    row = int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    # As the menu does it (Table ▸ Insert ▸ Rows Below, the cursor in that cell): the API's
    # insertByIndex copies no paragraph attributes, the menu copies the cell's numbering.
    controller = doc.getCurrentController()
    controller.getViewCursor().gotoRange(found.getStart(), False)
    context = uno.getComponentContext()
    dispatcher = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
    dispatcher.executeDispatch(controller.getFrame(), ".uno:InsertRowsAfter", "", 0, ())
    typed = {"A": "32", "B": "Better define the role of ITU-T in quantum computing", "D": "x", "K": "RG-IEM"}
    for column, text in typed.items():
        table.getCellByName(f"{column}{row + 1}").setString(text)


EDITS = {"read": edit, "apply": edit_for_apply, "row": add_matrix_row, "contribution": edit_contribution,
         "row-empty-action": add_row_under_numbered_actions}


def main(source: str, target: str, which: str = "read") -> None:
    with opened(source) as (_ctx, doc):
        doc.RecordChanges = True
        EDITS[which](doc)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)), (prop("FilterName", "MS Word 2007 XML"),))
        print(doc.getRedlines().getCount())


if __name__ == "__main__":
    main(*sys.argv[1:4])
