"""WordprocessingML written as text: paragraphs, runs and table rows, most of a TD's elements.

A large TD has about a million elements in its document.xml; made as lxml elements then
serialised they took most of the writer's time, written as text they take a fraction of it.
The text is what lxml writes for the same elements inside document.xml (its prefixes, its
attribute order, `<x/>` for an empty element, its escaping: `escape` and `quote` below), so
the bytes are those of the element-by-element writer; the tests compare the two.

A `Fragment` is one block of such text (a paragraph, a table) among the lxml elements of the
rarer blocks (section breaks, a footnote's paragraph); `as_element` parses one when a step
needs it as an element.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from ...ooxml import WORD, qname
from .elements import make

# What lxml refuses in text or an attribute value (a ValueError): C0 controls other than tab,
# newline and carriage return, U+FFFE and U+FFFF, and lone surrogates (not UTF-8). The XHTML
# parser refuses them too, so none reaches here from a layout; refused the same all the same.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
UNWRITABLE_MESSAGE = "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters"
NAMESPACES_DECLARED = "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in WORD.items())


def _refuse_unwritable(value: str) -> None:
    if UNWRITABLE.search(value):
        raise ValueError(UNWRITABLE_MESSAGE)


# lxml's entities: for element text; for attribute values inside double quotes, also " and the
# whitespace that attribute-value normalisation would change (tab, newline, carriage return).
TEXT_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
ATTRIBUTE_ENTITIES = (('"', "&quot;"), ("\n", "&#10;"), ("\t", "&#9;"))


def _replaced(text: str, entities: tuple[tuple[str, str], ...]) -> str:
    for character, entity in entities:
        if character in text:  # most text has none: a test is cheaper than a replace
            text = text.replace(character, entity)
    return text


# Any character that `escape` (`quote`) refuses or replaces: most text has none, and one search
# for them all is cheaper than the look for each.
TEXT_WORK = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ATTRIBUTE_WORK = re.compile("[&<>\r\"\n\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """Element text as lxml writes it: & < > as entities, a carriage return as &#13;."""
    if TEXT_WORK.search(text) is None:
        return text
    _refuse_unwritable(text)
    return _replaced(text, TEXT_ENTITIES)


def quote(value: str | int) -> str:
    """An attribute's value as lxml writes it inside double quotes."""
    text = str(value)
    if ATTRIBUTE_WORK.search(text) is None:
        return text
    return _replaced(escape(text), ATTRIBUTE_ENTITIES)


def attributes(pairs: dict[str, str | int] | None) -> str:
    """` name="value"` for each pair, in order."""
    return "".join(f' {name}="{quote(value)}"' for name, value in (pairs or {}).items())


def empty(name: str, pairs: dict[str, str | int] | None = None) -> str:
    """An element without content: `<w:name a="v"/>`."""
    return f"<{name}{attributes(pairs)}/>"


def element(name: str, pairs: dict[str, str | int] | None, content: str) -> str:
    """An element around `content` (already text), or an empty one when there is none."""
    if not content:
        return empty(name, pairs)
    return f"<{name}{attributes(pairs)}>{content}</{name}>"


@dataclass(slots=True)
class Fragment:
    """A block of document.xml as text. `tag`: its element's name as lxml gives it (Clark
    notation); `has_runs`: a paragraph with at least one w:r; `mark`: where in `xml` the
    paragraph mark's tracked change (its w:pPr/w:rPr) is, to take it out (see `unmarked`)."""

    xml: str
    tag: str = qname("w:p")
    has_runs: bool = False
    mark: tuple[int, int] | None = None

    def unmarked(self) -> Fragment:
        """The paragraph without its mark's tracked change."""
        if self.mark is None:
            return self
        start, end = self.mark
        return Fragment(self.xml[:start] + self.xml[end:], self.tag, self.has_runs)


Block = etree._Element | Fragment


def as_element(block: Block) -> etree._Element:
    """A block as an lxml element (a fragment parsed, in the document's namespaces)."""
    if not isinstance(block, Fragment):
        return block
    holder = etree.fromstring(f"<w:body{NAMESPACES_DECLARED}>{block.xml}</w:body>")
    return holder[0]


def as_text(blocks: Iterable[Block]) -> str:
    """Blocks as the text they are inside document.xml (elements serialised as in a body)."""
    texts: list[str] = []
    elements: list[etree._Element] = []
    for block in blocks:
        if isinstance(block, Fragment):
            if elements:
                texts.append(elements_text(elements))
                elements = []
            texts.append(block.xml)
        else:
            elements.append(block)
    if elements:
        texts.append(elements_text(elements))
    return "".join(texts)


def elements_text(elements: list[etree._Element]) -> str:
    """Elements serialised as they would be inside document.xml's body (its prefixes, no
    declarations of their own); they are moved into a holder, so no longer where they were."""
    holder = make("w:body", None, *elements, nsmap=WORD)
    xml = etree.tostring(holder, encoding="unicode")
    return xml[xml.index(">") + 1 : -len("</w:body>")]
