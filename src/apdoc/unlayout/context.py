"""What every part of the import shares: the warnings, where an element stands, the footnotes."""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from ..anchors import ID_LIMIT
from ..intermediate import DEEPER_HEADINGS, PARAGRAPHS, SVG_NS, text_of

# Elements that are a paragraph in Word: what a warning counts to say where it is.
COUNTED = (*PARAGRAPHS, *DEEPER_HEADINGS)
SVG = f"{{{SVG_NS}}}"
# The counted tags in any namespace or none: lxml picks them out in C, not local() on each element.
_COUNTED_ANYWHERE = tuple(f"{{*}}{tag}" for tag in COUNTED)


def local(element: Any) -> str:
    """The tag without a namespace ('' for comments and processing instructions)."""
    tag = element.tag  # `{namespace}name` or `name`: QName(tag).localname, without a QName each call (millions)
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


SLUG_LENGTH = 30


def _slug_of(title: str) -> str:
    """`Identification of documents which contributed …` → `identification-of-documents-which`:
    the title's first words, lower case, up to about SLUG_LENGTH characters."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    slug = ""
    for word in words:
        if slug and len(slug) + 1 + len(word) > SLUG_LENGTH:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug[:SLUG_LENGTH * 2]


@dataclass
class Context:
    """The state of one import: the source's name, warnings, numbering of paragraphs."""

    source: str
    warnings: list[str] = field(default_factory=list)
    order: dict[Any, int] = field(default_factory=dict)  # paragraph-like element → 1-based number
    footnotes: dict[str, str] = field(default_factory=dict)  # footnotes met in the current chapter
    used_ids: dict[str, set[str]] = field(default_factory=dict)  # kind → slugs handed out
    titled: dict[str, set[str]] = field(default_factory=dict)  # kind → slugs made from a title (no anchor)
    notes: list[str] = field(default_factory=list)  # what was read otherwise than it stands: `apply` says so
    shown_urls: dict[str, str] = field(default_factory=dict)  # reference key → its link's shown URL
    # (Markdown, block?) → canonical() of its rendering: the read-back check's memory (inline.py)
    rendered: dict[tuple[str, bool], str | None] = field(default_factory=dict)

    def number_paragraphs(self, root: Any) -> None:
        count = 0
        for element in root.iter(*_COUNTED_ANYWHERE):  # in document order, as root.iter() and a test
            if not element.tag.startswith(SVG):
                count += 1
                self.order[element] = count

    def where(self, element: Any) -> str:
        """`paragraph 143 ("…quote…")`: the paragraph that holds `element`, or the first one in it."""
        holder = next((e for e in element.iter() if e in self.order), None)
        if holder is None:
            holder = next((e for e in element.iterancestors() if e in self.order), None)
        if holder is None:
            return f"element <{local(element)}>"
        quote = text_of(holder)
        quote = quote if len(quote) <= 50 else quote[:47] + "…"
        return f'paragraph {self.order[holder]} ("{quote}")'

    def copy(self, element: Any) -> Any:
        """A deep copy to edit, whose paragraphs keep the numbers of the original's (for warnings)."""
        duplicate = deepcopy(element)
        for old, new in zip(element.iter(), duplicate.iter(), strict=True):
            if old in self.order:
                self.order[new] = self.order[old]
        return duplicate

    def warn(self, element: Any, message: str) -> None:
        self.warnings.append(f"{self.source}: {self.where(element)}: warning: {message}")

    def note(self, element: Any, message: str) -> None:
        """A warning that `apply` repeats too: the document says something the plan will not."""
        self.warn(element, message)
        self.notes.append(f"{self.where(element)}: {message}")

    def slug(self, kind: str, wanted: str | None, title: str) -> str:
        """A stable id of a `kind` (chapter, table, figure, footnote): the one the layout gave when it
        is a valid one, else made from the title; unique among the ids of its kind."""
        pattern = r"^[A-Za-z0-9_-]+$" if kind == "footnote" else r"^[a-z0-9][a-z0-9-]*$"
        # Of a pattern that holds no path (no `/`, no dots) and of a length that a file name holds
        # (a chapter's id names its file): anything else, from a document made to harm, is no id.
        made = wanted is None or len(wanted) > ID_LIMIT or not re.match(pattern, wanted)
        if made:
            wanted = _slug_of(title) or kind
        used = self.used_ids.setdefault(kind, set())
        slug, n = wanted, 2
        while slug in used:
            slug, n = f"{wanted}-{n}", n + 1
        used.add(slug)
        if made:
            self.titled.setdefault(kind, set()).add(slug)
        return slug
