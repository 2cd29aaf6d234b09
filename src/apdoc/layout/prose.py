"""Markdown text fields → fragments of the intermediate HTML.

CommonMark through markdown-it-py (a maintained, spec-conformant parser; hand-written
Markdown is where subtle bugs live), cut down to what a TD needs: paragraphs, lists,
quotes, emphasis, links and `[^id]` footnote references. Raw HTML, images, headings,
code blocks and entities are switched off, so text such as `<b>&amp;</b>` or `# 1`
comes out exactly as typed. Text that holds no Markdown at all skips the parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markupsafe import Markup

from ..links import is_allowed_link
from ..plan.refs import FOOTNOTE_REF

# Anything that could be Markdown syntax sends the text through the parser.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>!&]|\n\s*\n|(?:^|\n)\s*(?:[-+*>#]|\d+[.)])(?:\s|$)|\n {4}")

FootnoteLookup = Callable[[str], str]


# What could be Markdown syntax inside a paragraph of plain paragraphs (`plain_paragraphs`):
# the same as above, the blank line apart.
_PARAGRAPH_SYNTAX = re.compile(r"[\\`*_\[\]<>!&]|(?:^|\n)\s*(?:[-+*>#]|\d+[.)])(?:\s|$)|\n {4}")


def plain_paragraphs(text: str) -> list[str] | None:
    """The paragraphs of a text that is nothing but paragraphs of plain lines, one blank line
    between two of them (None for any other text): the parser would make one <p> of each, its
    lines as they stand. A line with whitespace at either end, a carriage return or a NUL is
    left to the parser (it trims, breaks or replaces them)."""
    paragraphs = text.strip("\n").split("\n\n")
    for paragraph in paragraphs:
        if not paragraph or "\r" in paragraph or "\0" in paragraph or _PARAGRAPH_SYNTAX.search(paragraph):
            return None
        if any(not line or line != line.strip() for line in paragraph.split("\n")):
            return None
    return paragraphs


def paragraphs_html(paragraphs: list[str], id_prefix: str | None) -> str:
    """Plain paragraphs as the parser renders them: its escaping, the ids `_render_tokens` gives."""
    tags = [f'<p id="{escapeHtml(f"{id_prefix}-p{n}")}">' for n in range(len(paragraphs))] \
        if id_prefix is not None else ["<p>"] * len(paragraphs)
    return "".join(f"{tag}{escapeHtml(paragraph)}</p>\n" for tag, paragraph in zip(tags, paragraphs, strict=True))


def holds_markdown(text: str) -> bool:
    """Whether `text` may hold Markdown syntax: if not, the renderer writes it as it stands (escaped)."""
    return _MARKDOWN_SYNTAX.search(text) is not None


def _footnote_rule(state: StateInline, silent: bool) -> bool:
    match = FOOTNOTE_REF.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("footnote_ref", "", 0)
        token.meta = {"label": match.group(1)}
    state.pos = match.end()
    return True


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True, "linkify": False, "typographer": False})
    md.disable(
        ["heading", "lheading", "hr", "image", "html_block", "html_inline", "fence", "code", "entity", "reference"]
    )
    md.inline.ruler.before("link", "footnote_ref", _footnote_rule)
    # Only the link targets a TD may carry (validation refuses the others at their line).
    md.validateLink = is_allowed_link  # type: ignore[method-assign]
    return md


class Renderer:
    """Renders Markdown with footnotes looked up in the plan."""

    def __init__(self, footnotes: Mapping[str, str]):
        self.footnotes = footnotes

    def _render_tokens(self, tokens: list, id_prefix: str | None) -> str:
        md = _parser()
        paragraph = item = 0
        for token in tokens:
            if id_prefix is None:
                break
            if token.type == "paragraph_open" and not token.hidden:
                token.attrSet("id", f"{id_prefix}-p{paragraph}")
                paragraph += 1
            elif token.type == "list_item_open":
                token.attrSet("id", f"{id_prefix}-i{item}")
                item += 1
        self._expand_footnotes(tokens)
        return md.renderer.render(tokens, md.options, {})

    def _expand_footnotes(self, tokens: list) -> None:
        for token in tokens:
            if token.type != "inline" or not token.children:
                continue
            for child in token.children:
                if child.type == "footnote_ref":
                    label = child.meta["label"]
                    child.type = "html_inline"
                    child.content = (
                        f'<span class="footnote" id="fn-{escape(label)}">'
                        f"{self.inline(self.footnotes.get(label, ''))}</span>"
                    )

    def block(self, text: str | None, id_prefix: str | None = None) -> Markup:
        """Markdown → block HTML (paragraphs, lists, quotes)."""
        if not text:
            return Markup("")
        if not _MARKDOWN_SYNTAX.search(text):
            attr = f' id="{escape(id_prefix)}-p0"' if id_prefix else ""
            return Markup(f"<p{attr}>{escape(text.strip(), quote=False)}</p>\n")
        paragraphs = plain_paragraphs(text)
        if paragraphs is not None:  # a third of a plan's texts: written as the parser writes them
            return Markup(paragraphs_html(paragraphs, id_prefix))
        tokens = _parser().parse(text)
        return Markup(self._render_tokens(tokens, id_prefix))

    def inline(self, text: str | None) -> Markup:
        """Markdown → inline HTML (no paragraph around it)."""
        if not text:
            return Markup("")
        if not _MARKDOWN_SYNTAX.search(text):
            return Markup(escape(text.strip(), quote=False))
        tokens = _parser().parseInline(text.strip())
        self._expand_footnotes(tokens)
        md = _parser()
        return Markup(md.renderer.render(tokens, md.options, {}))

    def text(self, value: str | list[str] | None, id_prefix: str, list_class: str = "") -> Markup:
        """A text field: Markdown, or a YAML list whose items are bullets (or numbered sub-items)."""
        if value is None or value == []:
            return Markup("")
        if isinstance(value, str):
            return self.block(value, id_prefix)
        tag = "ol" if list_class else "ul"
        cls = f' class="{list_class}"' if list_class else ""
        items = []
        for n, item in enumerate(value):
            body = self.block(item) if "\n\n" in item or "\n-" in item else self.inline(item)
            items.append(f'<li id="{escape(id_prefix)}-i{n}">{body}</li>')
        return Markup(f'<{tag}{cls}>{"".join(items)}</{tag}>\n')
