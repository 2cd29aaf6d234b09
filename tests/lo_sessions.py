"""Real editing sessions in LibreOffice, as a meeting's editors make them: each scenario a DOCX
saved the way LibreOffice saves it, for tests/test_sessions.py. Run with a Python that has
LibreOffice's UNO bridge (python3-uno), one LibreOffice for all the scenarios:

    /usr/bin/python3 tests/lo_sessions.py TD.docx OUTDIR

Writes into OUTDIR:

- `saved-3-times.docx`: the TD opened and saved as "MS Word 2007 XML", the saved file opened
  and saved again, three saves in all, no edit (every save renames the footnotes' bookmarks
  once more: `_Copy_1` appended, the name cut at 40 characters).
- `first-words.docx`: with Record Changes on, the first word of a section heading replaced
  ("Visualisation" → "Visualization"), of a chapter heading ("ITU-T" → "The ITU-T") and of a
  footnote ("Annex" → "The Annex"): LibreOffice writes each paragraph's bookmark inside the
  deletion.
- `first-words-saved-again.docx`: that file opened and saved once more.
- `doc-detour.docx`: the TD saved as "MS Word 97" (.doc), that opened and saved as
  "MS Word 2007 XML", no edit (the picture's alt text does not survive the .doc).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import uno  # type: ignore[import-not-found]

from lo_edit import find, replace_in
from lo_resolve import opened, prop

DOCX = "MS Word 2007 XML"


def store(doc: object, target: Path, filter_name: str = DOCX) -> None:
    doc.storeToURL(uno.systemPathToFileUrl(str(target)), (prop("FilterName", filter_name),))


def replace_first_word(doc: object, paragraph: str, old: str, new: str) -> None:
    """In the paragraph starting with `paragraph`, its first word `old` → `new`."""
    found = find(doc, paragraph)
    cursor = found.getText().createTextCursorByRange(found.getStart())
    cursor.goRight(len(old), True)
    if cursor.getString() != old:
        raise SystemExit(f"not the first word: {old!r}")
    cursor.setString(new)


def first_words(doc: object) -> None:
    doc.RecordChanges = True
    replace_first_word(doc, "Visualisation of the components", "Visualisation", "Visualization")
    replace_first_word(doc, "ITU-T service offerings", "ITU-T", "The ITU-T")
    note = doc.getFootnotes().getByIndex(0).getText()
    if not note.getString().startswith("Annex to Convention"):
        raise SystemExit("the first footnote is not the one expected")
    replace_in(note, "Annex", "The Annex")


def main(source: str, folder: str) -> None:
    out = Path(os.path.abspath(folder))
    with opened(source) as (ctx, doc):
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

        def reopened(path: Path) -> object:
            return desktop.loadComponentFromURL(uno.systemPathToFileUrl(str(path)), "_blank", 0,
                                                (prop("Hidden", True),))

        def saved_again(path: Path, target: Path, filter_name: str = DOCX) -> None:
            again = reopened(path)
            try:
                store(again, target, filter_name)
            finally:
                again.close(True)

        store(doc, out / "save-1.docx")
        saved_again(out / "save-1.docx", out / "save-2.docx")
        saved_again(out / "save-2.docx", out / "saved-3-times.docx")
        store(doc, out / "TD.doc", "MS Word 97")
        saved_again(out / "TD.doc", out / "doc-detour.docx")
        first_words(doc)
        store(doc, out / "first-words.docx")
        saved_again(out / "first-words.docx", out / "first-words-saved-again.docx")


if __name__ == "__main__":
    main(*sys.argv[1:3])
