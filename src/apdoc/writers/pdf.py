"""PDF: the intermediate document typeset by weasyprint, with the TD's print stylesheet.

The look (page size, running header, footnotes, landscape pages, bookmarks) is all CSS in
templates/td.css; this writer only fixes what would make two builds differ (the dates) and
hands weasyprint a document it typesets faster and as safely (`for_weasyprint`).
"""

from __future__ import annotations

import os
from typing import Any

from ..defaults import FIXED_EPOCH


def for_weasyprint(html: str) -> str:
    """The document as weasyprint is given it: without link targets a TD may not carry
    (javascript:…, which weasyprint would make /URI actions) and without the ids weasyprint
    would be slow to carry (`_drop_unlinked_ids`). Parsed as XML, as the other writers read it;
    as HTML if a template's is not. Written back as HTML (with its doctype, if any), which
    weasyprint's HTML parser reads as the same tree: written as XML, an empty `<p/>` would take
    in what follows it and each `>` of the stylesheet would become `&gt;`."""
    from lxml import etree
    from lxml import html as lxml_html

    from ..links import defuse_links

    try:
        root = etree.fromstring(html.encode("utf-8"))
    except etree.XMLSyntaxError:
        root = lxml_html.document_fromstring(html)
    defuse_links(root)
    if not _selects_by_id(root):
        _drop_unlinked_ids(root)
    return lxml_html.tostring(root.getroottree(), encoding="unicode", method="html")


# An id of these elements stays a named destination of the PDF (`TD.pdf#ch-introduction`) though
# no link in the TD points at it: the places a reader links to from outside (and footnotes).
LANDMARKS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "section", "table", "figure"})
# Their ids are their own business: SVG and MathML refer to them (`url(#arrow)`, `<use href>`).
FOREIGN = frozenset({"svg", "math"})


def _drop_unlinked_ids(root: Any) -> int:
    """Remove the ids of paragraphs, list items, rows and cells that no link in the document
    points at; returns how many. weasyprint gives each element with an id a style of its own
    (the id is its named destination), and each element inside it too: the seed has over a
    thousand such ids (every paragraph, row and cell has a stable id, for revision marks and
    Word import), and computing their styles one by one was a quarter of the PDF's typesetting.
    The pages look the same; the PDF names fewer destinations."""
    linked = {href[1:] for href in root.xpath("//@*[local-name()='href']") if href.startswith("#")}
    dropped = 0
    stack = [root]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):  # comments and processing instructions
            continue
        name = element.tag.rpartition("}")[2]
        if name in FOREIGN:
            continue
        stack.extend(element)
        ident = element.get("id")
        if ident is None or ident in linked or name in LANDMARKS:
            continue
        if name == "span" and "footnote" in (element.get("class") or "").split():
            continue
        del element.attrib["id"]
        dropped += 1
    return dropped


def _selects_by_id(root: Any) -> bool:
    """Whether the document's stylesheet selects elements by id (`#cover td`, `[id$=-label]`),
    as a template's own td.css may: then every id stays, and its look with it."""
    import tinycss2

    css = "".join(root.xpath("//*[local-name()='style']/text()"))
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    while rules:
        rule = rules.pop()
        if rule.type == "qualified-rule" and _names_an_id(rule.prelude):
            return True
        if rule.type == "at-rule" and rule.content is not None:  # @media, @supports… hold rules
            rules.extend(tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True))
    return False


def _names_an_id(selector: list[Any]) -> bool:
    for token in selector:
        if token.type == "hash" and token.is_identifier:
            return True
        if token.type == "[] block" and any(part.type == "ident" and part.lower_value == "id"
                                            for part in token.content):
            return True
        if token.type == "function" and _names_an_id(token.arguments):  # :is(#a), :not([id])
            return True
    return False


def write_pdf(html: str) -> bytes:
    # weasyprint (through pydyf and fontTools) stamps the clock into the PDF unless told a date;
    # told only for this call, so that the next build in this process (apdoc watch) still finds
    # SOURCE_DATE_EPOCH unset and dates the TD from the plan.
    from ..clibs import import_module

    told = "SOURCE_DATE_EPOCH" not in os.environ
    if told:
        os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    try:
        import_module("weasyprint")  # imported here: it costs a third of a second and only PDF needs it
        from weasyprint import HTML

        document = HTML(string=for_weasyprint(html)).render()
        return document.write_pdf(uncompressed_pdf=False)
    finally:
        if told:
            del os.environ["SOURCE_DATE_EPOCH"]
