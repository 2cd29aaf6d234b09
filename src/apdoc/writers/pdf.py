"""PDF: the intermediate document typeset by weasyprint, with the TD's print stylesheet.

The look (page size, running header, footnotes, landscape pages, bookmarks) is all CSS in
templates/td.css; this writer only fixes what would make two builds differ: the dates.
"""

from __future__ import annotations

import os

from ..defaults import FIXED_EPOCH


def write_pdf(html: str) -> bytes:
    # weasyprint (through pydyf and fontTools) stamps the clock into the PDF unless told a date.
    os.environ.setdefault("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    from weasyprint import HTML  # imported here: it costs half a second and only PDF needs it

    document = HTML(string=html).render()
    return document.write_pdf(uncompressed_pdf=False)
