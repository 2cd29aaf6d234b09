"""Which link targets a TD may carry: https, http and mailto addresses, and links within the TD.

A `javascript:` (or `data:`, `file:`, `vbscript:`…) target in a plan would become a live link in
every format: `<a href>` in HTML, a hyperlink in DOCX, a /URI action in PDF, a Markdown link.
Validation refuses them where they are written (a reference's `url`, links in text), and each
writer drops any other target it is handed, so a template cannot bring one back.

Kept free of heavy imports: `apdoc validate` uses it, and the Markdown parser is loaded only for
text that may hold a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

ALLOWED_SCHEMES = ("https", "http", "mailto")
SCHEMES_TEXT = "https://, http:// or mailto:"
# What a browser reads as the scheme: it drops tabs and line breaks anywhere in a URL and C0
# controls and spaces around it, so "java\tscript:" is javascript: too.
_DROPPED = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Text in which Markdown may have a link: an inline link "](" (CommonMark allows nothing between
# the two: "[^note] (see…)" is no link, and the parser is not loaded for it) or an autolink "<scheme:".
_MAY_LINK = re.compile(r"\]\(|<[A-Za-z][A-Za-z0-9+.-]*:")


def scheme_of(url: str) -> str | None:
    """The URL's scheme in lower case (as a browser reads it), or None for a relative link."""
    match = _SCHEME.match(_DROPPED.sub("", url).strip("\x00\x20" + "".join(map(chr, range(1, 32)))))
    return match.group(1).lower() if match else None


def url_problem(url: str) -> str | None:
    """Why a link target may not be in the TD, or None: no scheme (a link within the TD or
    relative to it) or one of ALLOWED_SCHEMES."""
    scheme = scheme_of(url)
    if scheme is None or scheme in ALLOWED_SCHEMES:
        return None
    return f"links to {scheme}: are not allowed; a link starts with {SCHEMES_TEXT}"


def is_allowed_link(url: str) -> bool:
    return url_problem(url) is None


@lru_cache(maxsize=1)
def _finder() -> Any:
    """A Markdown parser configured as the renderer's (richtext), but keeping every link target,
    so that validation sees the ones the renderer would refuse."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False})
    md.disable(
        ["heading", "lheading", "hr", "image", "html_block", "html_inline", "fence", "code", "entity", "reference"]
    )
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def markdown_links(text: str) -> Iterator[str]:
    """The target of every link Markdown would make of `text` (inline links and autolinks)."""
    if ("](" not in text and "<" not in text) or not _MAY_LINK.search(text):  # (the first, cheaper, is most text)
        return
    stack = list(_finder().parse(text))
    while stack:
        token = stack.pop()
        if token.type == "link_open":
            yield str(token.attrGet("href") or "")
        stack.extend(token.children or ())


def defuse_links(root: Any) -> int:
    """Drop, in an lxml tree, every href (in any namespace) whose target is not allowed; the
    element and its text stay, as plain text. Returns how many were dropped."""
    dropped = 0
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments and processing instructions
            continue
        for name in [n for n in element.attrib if n == "href" or n.endswith("}href")]:
            if not is_allowed_link(element.attrib[name]):
                del element.attrib[name]
                dropped += 1
    return dropped
