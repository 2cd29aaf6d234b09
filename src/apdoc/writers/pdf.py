"""PDF: the intermediate document typeset by weasyprint, with the TD's print stylesheet.

The look (page size, running header, footnotes, landscape pages, bookmarks) is all CSS in
templates/td.css; this writer only fixes what would make two builds differ (the dates), asks
for a tagged PDF (PDF/UA-1), and hands weasyprint a document it typesets faster and as safely
(`for_weasyprint`).
"""

from __future__ import annotations

import gc
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from ..defaults import FIXED_EPOCH


def for_weasyprint(html: str) -> str:
    """The document as weasyprint is given it: without link targets a TD may not carry
    (javascript:…, which weasyprint would make /URI actions) and without the ids weasyprint
    would be slow to carry (`_drop_unlinked_ids`). Parsed as XML, as the other writers read it;
    as HTML if a template's is not. Written back as HTML (with its doctype, if any), which
    weasyprint's HTML parser reads as the same tree: written as XML, an empty `<p/>` would take
    in what follows it and each `>` of the stylesheet would become `&gt;`. (The PDF writer hands
    weasyprint the tree itself when it can: `_weasyprint_document`.)"""
    from lxml import html as lxml_html

    root, _, _ = _prepared(html)
    return lxml_html.tostring(root.getroottree(), encoding="unicode", method="html")


def _prepared(html: str) -> tuple[Any, bool, tuple[str, bytes] | None]:
    """The document parsed once, as `for_weasyprint` describes; whether it parsed as XML; and
    the plan's files it carried (`take_source`)."""
    from lxml import etree
    from lxml import html as lxml_html

    from ..links import defuse_links

    try:
        root, is_xml = etree.fromstring(html.encode("utf-8")), True
    except etree.XMLSyntaxError:
        root, is_xml = lxml_html.document_fromstring(html), False
    source = take_source(root)
    defuse_links(root)
    if not _selects_by_id(root):
        _drop_unlinked_ids(root)
    return root, is_xml, source


def weasyprint_document(html: str) -> tuple[Any, tuple[str, bytes] | None]:
    """weasyprint's HTML document of the layout, as the PDF writer hands it over, and the plan's
    files the layout carried (`take_source`)."""
    root, is_xml, source = _prepared(html)
    return _weasyprint_document(root, is_xml), source


def _weasyprint_document(root: Any, is_xml: bool) -> Any:
    """weasyprint's HTML document of `root`. A tree parsed as XML is handed over as it is (as
    the standard library's ElementTree, which weasyprint reads): written back as HTML, it was
    parsed again by weasyprint's HTML5 parser, in pure Python (0.06-0.1 s of the seed's PDF),
    into the same tree (the seed's PDF is the same, byte for byte: a test). Written back as HTML
    (`for_weasyprint`) when that parser would read something else into it: a document that was
    not XML, or one with XHTML's namespace, namespaced attributes on HTML elements (`xml:lang`),
    comments or processing instructions, or a base URL for its links."""
    import xml.etree.ElementTree as ElementTree

    import cssselect2
    from lxml import etree
    from lxml import html as lxml_html
    from weasyprint import HTML

    if not is_xml or root.xpath(NOT_AS_PARSED, xhtml=XHTML):
        return HTML(string=lxml_html.tostring(root.getroottree(), encoding="unicode", method="html"))
    document = HTML(string="")  # weasyprint's own URL fetcher and media type; the tree is ours
    tree = cssselect2.ElementWrapper.from_html_root(ElementTree.fromstring(etree.tostring(root)),
                                                    content_language=None)
    document.wrapper_element, document.etree_element = tree, tree.etree_element
    return document


XHTML = "http://www.w3.org/1999/xhtml"
# What an HTML5 parser reads otherwise than an XML parser, in a well-formed document.
NOT_AS_PARSED = ("boolean(//comment() | //processing-instruction() | //base | //*[namespace-uri() = $xhtml]"
                 " | //*[namespace-uri() = '']/@*[namespace-uri() != ''])")


SOURCE_ID = "apdoc-plan-source"  # the layout's <script> that carries the plan's files (a base64 ZIP)


def take_source(root: Any) -> tuple[str, bytes] | None:
    """(name, bytes) of the plan's files the layout carries (plan/archive.py), taken out of the
    document."""
    import base64
    import binascii

    found = root.xpath("//*[local-name()='script'][@id=$id]", id=SOURCE_ID)
    if not found:
        return None
    script = found[0]
    script.getparent().remove(script)
    try:
        return script.get("data-name") or "plan.zip", base64.b64decode("".join(script.itertext()), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"the layout's {SOURCE_ID} is not base64") from None


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


PDF_VARIANT = "pdf/ua-1"


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
        from weasyprint import Attachment

        with _collector_paused():
            weasyprint_html, source = weasyprint_document(html)
            document = weasyprint_html.render()
            # The plan the TD was built from, as xml2rfc's PDFs carry their source: whoever holds
            # the PDF holds the data (`apdoc import TD.pdf` reads it back, byte for byte).
            attachments = [] if source is None else [Attachment(
                file_obj=io.BytesIO(source[1]), name=source[0], relationship="Source",
                description="The apdoc plan (YAML) this TD was built from",
                created=_fixed_moment(), modified=_fixed_moment())]
            # PDF/UA-1: a tagged PDF (headings, tables with their header cells, lists, the
            # figure's alternative text from its SVG title, the document's language) for screen
            # readers and for text extraction that follows the reading order.
            return document.write_pdf(uncompressed_pdf=False, pdf_variant=PDF_VARIANT, attachments=attachments)
    finally:
        if told:
            del os.environ["SOURCE_DATE_EPOCH"]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while weasyprint typesets. weasyprint makes millions of
    short-lived objects (boxes, styles, text layouts), and with the collector on it ran about 430
    times for the seed's PDF, each full pass over every live object: a fifth of the PDF's CPU time
    in a process that keeps it on (`apdoc watch`, apdoc used as a library; the one-shot command
    line runs with it off anyway, cli.main). Those objects are freed by their reference counts
    (the peak memory is the same with it off), so nothing piles up; it is on again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fixed_moment() -> datetime:
    """The attachment's dates: SOURCE_DATE_EPOCH's moment, as the PDF's own dates."""
    return datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", FIXED_EPOCH)), tz=UTC)
