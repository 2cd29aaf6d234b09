"""Accept All or Reject All tracked changes in LibreOffice, then save the document as text.

Run with a Python that has LibreOffice's UNO bridge (Debian: python3-uno), not the venv:

    /usr/bin/python3 tests/lo_resolve.py TD-marked.docx Accept accepted.txt

Prints the number of tracked changes LibreOffice found and how many are left after. Beside the
text it writes TARGET.json: every paragraph of the body (table cells in order) as [paragraph
style, list label, text], then the footnotes' texts, so that a test sees an extra paragraph, a
changed style or a stray character that plain text hides. The action `None` resolves nothing
(the same dump of a clean document).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def paragraphs(text: object) -> list[list[str]]:
    """[style, list label, text] of each paragraph of a text, table cells row by row."""
    out: list[list[str]] = []
    enumeration = text.createEnumeration()
    while enumeration.hasMoreElements():
        element = enumeration.nextElement()
        if element.supportsService("com.sun.star.text.TextTable"):
            for name in element.getCellNames():
                out.extend(paragraphs(element.getCellByName(name)))
        elif element.supportsService("com.sun.star.text.Paragraph"):
            label = element.getPropertyValue("ListLabelString") if element.getPropertyValue("NumberingIsNumber") else ""
            out.append([element.getPropertyValue("ParaStyleName"), label or "", element.getString()])
    return out


@contextlib.contextmanager
def opened(source: str, view: bool = True) -> Iterator[tuple[object, object]]:
    """(component context, document): LibreOffice started headless on a free local port with a
    profile of its own, `source` loaded hidden; LibreOffice is shut down on the way out.
    `view=False`: a Word file loaded as a document model alone, with no view (LibreOffice 7.4
    headless crashes laying out a view of a document with comments)."""
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        office = subprocess.Popen(
            ["soffice", "--headless", "--invisible", "--norestore", f"-env:UserInstallation=file://{profile}",
             f"--accept=socket,host=localhost,port={port};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        desktop = None
        try:
            local = uno.getComponentContext()
            resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
            for _ in range(200):
                try:
                    ctx = resolver.resolve(f"uno:socket,host=localhost,port={port};urp;StarOffice.ComponentContext")
                    break
                except Exception:  # not listening yet
                    time.sleep(0.3)
            else:
                raise SystemExit("LibreOffice did not start")
            desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            # a file, or a URL such as private:factory/swriter (a new document)
            url = source if source.startswith("private:") else uno.systemPathToFileUrl(os.path.abspath(source))
            if view:
                doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
            else:
                doc = ctx.ServiceManager.createInstanceWithContext("com.sun.star.text.TextDocument", ctx)
                doc.load((prop("URL", url), prop("FilterName", "MS Word 2007 XML")))
            yield ctx, doc
            doc.close(True)
        finally:
            if desktop is not None:
                with contextlib.suppress(Exception):  # already gone
                    desktop.terminate()
            office.wait(timeout=60)


def main(source: str, action: str, target: str) -> None:
    with opened(source) as (ctx, doc):
        found = doc.getRedlines().getCount()
        if action != "None":
            dispatcher = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
            dispatcher.executeDispatch(doc.getCurrentController().getFrame(), f".uno:{action}AllTrackedChanges",
                                       "", 0, ())
        left = doc.getRedlines().getCount()
        notes = doc.getFootnotes()
        dump = {"body": paragraphs(doc.getText()),
                "footnotes": [notes.getByIndex(i).getString() for i in range(notes.getCount())]}
        with open(target + ".json", "w", encoding="utf-8") as handle:
            json.dump(dump, handle, ensure_ascii=False, indent=0)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)),
                       (prop("FilterName", "Text (encoded)"), prop("FilterOptions", "UTF8,LF")))
        print(f"{found} {left}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
