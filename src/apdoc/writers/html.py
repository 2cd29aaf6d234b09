"""HTML: the intermediate document made fit for a browser.

Everything about the look is already in the document (its inline stylesheet). This writer
only does what a browser cannot: footnotes become numbered notes at the end (CSS has no
footnotes on screen), and a table of contents is built from the headings.
"""

from __future__ import annotations

from lxml import etree

from ..intermediate import FOOTNOTE, HEADINGS, classes, revision, text_of
from ..links import defuse_links
from .pdf import take_source


def write_html(html: str) -> bytes:
    root = etree.fromstring(html.encode("utf-8"))
    take_source(root)  # the plan's files, carried for the PDF: the page is for reading
    defused = defuse_links(root)  # a link to javascript: and the like stays as text, not a live link
    body = root.find("body")
    if body is None:  # a template override may produce any HTML; pass it through
        return etree.tostring(root, method="html", encoding="unicode").encode("utf-8") if defused else html.encode()
    _table_of_contents(body)
    _footnotes(body)
    _drop_carried_plan(root)
    out = etree.tostring(root, method="html", encoding="unicode")
    return ("<!DOCTYPE html>\n" + out + "\n").encode("utf-8")


def _drop_carried_plan(root: etree._Element) -> None:
    """The plan's values the layout hands the DOCX writer (apdoc-plan-base, for `apdoc apply`):
    a page has no use for them."""
    for meta in root.iter("meta"):
        if meta.get("name") == "apdoc-plan-base":
            meta.getparent().remove(meta)


def _revision(element: etree._Element) -> str | None:
    """"ins" or "del" when the element is inside an inserted or deleted block of a marked TD."""
    return next(filter(None, (revision(node) for node in (element, *element.iterancestors()))), None)


def _table_of_contents(body: etree._Element) -> None:
    headings = [h for h in body.iter(*HEADINGS) if h.get("id")]
    if not headings:
        return
    nav = etree.Element("nav", {"class": "toc", "id": "contents"})
    etree.SubElement(nav, "p", {"class": "toc-title"}).text = "Contents"
    lists = {0: etree.SubElement(nav, "ul")}
    last_item: dict[int, etree._Element] = {}
    for heading in headings:
        level = int(heading.tag[1]) - 1
        parent_list = lists.get(level)
        if parent_list is None:  # a deeper level: open a list inside the last item above it
            above = last_item.get(level - 1)
            parent_list = etree.SubElement(above, "ul") if above is not None else lists[0]
            lists[level] = parent_list
        item = etree.SubElement(parent_list, "li")
        link = etree.SubElement(item, "a", {"href": f"#{heading.get('id')}"})
        rev = _revision(heading)
        if rev is None:
            link.text = text_of(heading)
        else:  # a heading inserted or deleted since the earlier version: so in the contents too
            etree.SubElement(link, rev).text = text_of(heading)
        last_item[level] = item
        for deeper in [k for k in lists if k > level]:
            del lists[deeper]
    first_heading = headings[0]
    first_heading.addprevious(nav)


def _footnotes(body: etree._Element) -> None:
    notes = [span for span in body.iter("span") if FOOTNOTE in classes(span)]
    if not notes:
        return
    section = etree.SubElement(body, "section", {"class": "footnotes", "id": "footnotes"})
    listing = etree.SubElement(section, "ol")
    for number, span in enumerate(notes, 1):
        note_id = span.get("id") or f"fn-{number}"
        item = etree.SubElement(listing, "li", {"id": note_id})
        item.text = span.text
        for child in list(span):
            item.append(child)
        back = etree.SubElement(item, "a", {"href": f"#ref-{note_id}", "class": "footnote-back"})
        back.text = "↩"
        back.tail = None
        mark = etree.Element("sup", {"class": "footnote-ref", "id": f"ref-{note_id}"})
        link = etree.SubElement(mark, "a", {"href": f"#{note_id}"})
        link.text = str(number)
        mark.tail = span.tail
        span.getparent().replace(span, mark)
