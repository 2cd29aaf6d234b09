"""PDF: the intermediate document typeset by weasyprint, with the TD's print stylesheet.

The look (page size, running header, footnotes, landscape pages, bookmarks) is all CSS in
templates/td.css; this writer only fixes what would make two builds differ: the dates.
"""

from __future__ import annotations

import os

from ..defaults import FIXED_EPOCH


def _defused(html: str) -> str:
    """The document without link targets a TD may not carry (javascript:…): weasyprint would make
    each a /URI action. Parsed as XML, as the other writers read it; as HTML if a template's is not."""
    from lxml import etree
    from lxml import html as lxml_html

    from ..links import defuse_links

    try:
        root = etree.fromstring(html.encode("utf-8"))
    except etree.XMLSyntaxError:
        root = lxml_html.document_fromstring(html)
        return lxml_html.tostring(root, encoding="unicode") if defuse_links(root) else html
    return etree.tostring(root, encoding="unicode") if defuse_links(root) else html


def write_pdf(html: str) -> bytes:
    # weasyprint (through pydyf and fontTools) stamps the clock into the PDF unless told a date.
    os.environ.setdefault("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    from weasyprint import HTML  # imported here: it costs half a second and only PDF needs it

    document = HTML(string=_defused(html)).render()
    return document.write_pdf(uncompressed_pdf=False)
