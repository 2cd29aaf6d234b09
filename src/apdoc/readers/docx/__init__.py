"""DOCX → the intermediate XHTML (docs/layout-vocabulary.md), in a chosen view of its
tracked changes, with every change, comment and property found, and what could not be mapped.

    result = read_docx(data, source="TD.docx")                      # Accept All
    result = read_docx(data, source="TD.docx", accept=lambda r: False)  # Reject All
    result.xhtml  # <html>: the same vocabulary the layout produces and the writers read

The steps, each in its module: package (opening an untrusted zip safely), noise (wrappers,
proofing marks, fields, hyperlinks, bookmarks), revisions (the view), styles (by name),
blocks/tables/inline (structure → XHTML).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping

from ...clibs import give_back_memory
from .package import DocxError, open_package
from .reader import Reader
from .result import Comment, ReadResult
from .revisions import Revision

__all__ = ["Comment", "DocxError", "ReadResult", "Revision", "read_docx"]


def read_docx(data: bytes, *, source: str, accept: Callable[[Revision], bool] | None = None,
              bookmark_ids: Mapping[str, str] | None = None,
              element_tags: Mapping[str, str] | None = None, positions: bool = True) -> ReadResult:
    """Read a DOCX (bytes from outside) into the intermediate XHTML.

    accept: per tracked change, shown as accepted (True) or rejected (False); None = Accept All.
    bookmark_ids: bookmark name → element id (the writer names bookmarks after ids with a hash).
    element_tags: element id → its tag (`td`, `tr`, `p`…), where known: several bookmarks starting
    in one paragraph name that paragraph and the elements it opens (cell, row), and this says
    which is which; without it the last bookmark names the innermost element.
    positions: put `data-paragraph="N"` (the paragraph's number in the file, as warnings count
    them) on every element made from a paragraph, so that a later stage can say where it was.
    Raises DocxError for a file that is not a DOCX or is not safe to read.
    """
    known = None
    for _attempt in range(2):  # a second reading only when a guess the first made was wrong (names.py)
        package = open_package(data, source)
        reader = Reader(package, accept or (lambda _r: True), dict(bookmark_ids or {}), dict(element_tags or {}),
                        positions, known)
        try:
            result = reader.read()
            known = reader.learnt()
        finally:
            # What was read goes now, not at the collector's next pass: the structure reader
            # refers back to the reader (its callbacks), and the parsed parts to nothing else.
            package.parsed.clear()
            reader.close()
        if known is None:
            break
    del package, reader
    if not gc.isenabled():  # a caller that collects by hand (one-shot commands, apply): the reader's few cycles, now
        gc.collect()
    give_back_memory()  # the freed trees' pages: what comes next would grow on top of them
    return result
