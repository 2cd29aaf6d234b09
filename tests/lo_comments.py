"""Word comments made and read in LibreOffice, through its UNO bridge (python3-uno):

    /usr/bin/python3 tests/lo_comments.py add TD.docx edited.docx
    /usr/bin/python3 tests/lo_comments.py list TD.docx
    /usr/bin/python3 tests/lo_comments.py resave TD.docx saved.docx

`add` types, as delegates would: a comment by Ann on the words "enhance value" (AP1.3's Key
Outcome(s)), Bob's reply on the same words an hour later, and Cy's comment on "To perform a
review", marked resolved; then saves as "MS Word 2007 XML". LibreOffice 7.4 has no reply of its
own in the UNO API (no parent property; its Reply command needs a view): a reply there is a
comment on the same words, and that is how it saves one (no commentsExtended entry). `list`
prints every comment as JSON: [author, text, resolved, the words it is on]. `resave` opens and
saves, as an editor who changes nothing.

The document is loaded as a model with no view (lo_resolve.opened(view=False)): LibreOffice 7.4
headless crashes laying out a view of a document with comments.
"""

from __future__ import annotations

import json
import os
import sys

import uno  # type: ignore[import-not-found]
from com.sun.star.util import DateTime  # type: ignore[import-not-found]

from lo_resolve import opened, prop

HOSTILE = "Is <b>this</b> & {{ 7*7 }} right?"


def locate(text: object, words: str) -> object:  # UNO text → a text cursor selecting `words`
    """The first paragraph (table cells too) holding `words`, its words selected. Document search
    needs a layout, which a model without a view has not."""
    enumeration = text.createEnumeration()
    while enumeration.hasMoreElements():
        element = enumeration.nextElement()
        if element.supportsService("com.sun.star.text.TextTable"):
            for name in element.getCellNames():
                found = locate(element.getCellByName(name), words)
                if found is not None:
                    return found
        elif element.supportsService("com.sun.star.text.Paragraph") and words in element.getString():
            cursor = element.getText().createTextCursorByRange(element.getStart())
            cursor.goRight(element.getString().index(words), False)
            cursor.goRight(len(words), True)
            return cursor
    return None


def comment(doc: object, words: str, author: str, text: str, hour: int, resolved: bool = False) -> None:
    where = locate(doc.getText(), words)
    if where is None:
        raise SystemExit(f"not found: {words}")
    note = doc.createInstance("com.sun.star.text.textfield.Annotation")
    note.Author, note.Content, note.Resolved = author, text, resolved
    note.DateTimeValue = DateTime(0, 0, 0, hour, 1, 12, 2026, True)
    where.getText().insertTextContent(where, note, True)


def add(source: str, target: str) -> None:
    with opened(source, view=False) as (_ctx, doc):
        comment(doc, "enhance value", "Ann", HOSTILE, 10)
        comment(doc, "enhance value", "Bob", "Agreed", 11)
        comment(doc, "To perform a review", "Cy", "Settled", 9, resolved=True)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)), (prop("FilterName", "MS Word 2007 XML"),))


def listed(source: str) -> None:
    with opened(source, view=False) as (_ctx, doc):
        found = []
        fields = doc.getTextFields().createEnumeration()
        while fields.hasMoreElements():
            field = fields.nextElement()
            if field.supportsService("com.sun.star.text.textfield.Annotation"):
                found.append([field.Author, field.Content, field.Resolved, field.getAnchor().getString()])
        print(json.dumps(found, ensure_ascii=False))


def resave(source: str, target: str) -> None:
    with opened(source, view=False) as (_ctx, doc):
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)), (prop("FilterName", "MS Word 2007 XML"),))


if __name__ == "__main__":
    if sys.argv[1] == "add":
        add(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "resave":
        resave(sys.argv[2], sys.argv[3])
    else:
        listed(sys.argv[2])
