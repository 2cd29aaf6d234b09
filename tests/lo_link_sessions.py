"""Editing sessions in LibreOffice for `apdoc apply` (issue 25): each a scenario of edits an
editor makes at a meeting, saved as "MS Word 2007 XML". Run with a Python that has LibreOffice's
UNO bridge (python3-uno):

    /usr/bin/python3 tests/lo_link_sessions.py TD.docx edited.docx SCENARIO [tracked|untracked]

Scenarios: `link-target` (Edit Hyperlink: only the target of the first reference's link
changes), `link-retyped` (the reference's shown URL typed over), `entity` (", RG-WN" typed at the
end of consideration 01's Target Entity cell), `bold` (one word of chapter 1 made bold).
"""

from __future__ import annotations

import os
import sys

import uno  # type: ignore[import-not-found]

from lo_edit import find
from lo_resolve import opened, prop

OLD_URL = "https://www.itu.int/en/council/planning/Documents/Res71-PP2-final.pdf"
NEW_URL = "https://www.itu.int/en/council/planning/Documents/Res71-PP22-final.pdf"


def link_target(doc: object) -> None:
    found = find(doc, OLD_URL)
    found.HyperLinkURL = NEW_URL  # the shown text stays the old URL


def link_retyped(doc: object) -> None:
    find(doc, OLD_URL).setString(NEW_URL)


def entity(doc: object) -> None:
    search = doc.createSearchDescriptor()
    search.SearchString = "RG-IEM, RG-WM, TSB"
    found = doc.findFirst(search)  # consideration 01's cell: the first that reads so
    cursor = found.getText().createTextCursorByRange(found.getEnd())
    cursor.getText().insertString(cursor, ", RG-WN", False)


def bold(doc: object) -> None:
    found = find(doc, "collaborative")
    found.CharWeight = 150.0  # com.sun.star.awt.FontWeight.BOLD


SCENARIOS = {"link-target": link_target, "link-retyped": link_retyped, "entity": entity, "bold": bold}


def main(source: str, target: str, scenario: str, tracking: str = "tracked") -> None:
    with opened(source) as (_ctx, doc):
        doc.RecordChanges = tracking == "tracked"
        SCENARIOS[scenario](doc)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)), (prop("FilterName", "MS Word 2007 XML"),))
        print(doc.getRedlines().getCount())


if __name__ == "__main__":
    main(*sys.argv[1:5])
