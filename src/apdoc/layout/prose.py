"""Markdown text fields → fragments of the intermediate HTML.

CommonMark through markdown-it-py (a maintained, spec-conformant parser; hand-written
Markdown is where subtle bugs live), cut down to what a TD needs: paragraphs, lists,
quotes, emphasis, links and `[^id]` footnote references. Raw HTML, images, headings,
code blocks and entities are switched off, so text such as `<b>&amp;</b>` or `# 1`
comes out exactly as typed. Text that holds no Markdown at all skips the parser, and so
does text of plain paragraphs and bullet lists (`plain_blocks`), written as the parser
would write it (the tests compare the two).
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


# Inside a line, what the parser as set up here (`_parser`) could read as syntax: an escape,
# code, emphasis, an autolink, an inline link or image (`](`), a footnote reference (`[^`).
# Otherwise brackets, `!`, `&` and `>` stand for themselves: reference links and their
# definitions, entities and raw HTML are switched off.
_INLINE_SYNTAX = re.compile(r"[\\`*_<]|\]\(|\[\^")
# What starts a block at a line's start: a quote (its `>` alone), a list item (or a heading,
# switched off).
_BLOCK_START = re.compile(r">|(?:[-+*#]|\d+[.)])(?:\s|$)")

PlainBlock = tuple[str, list[str]]  # ("p", [the paragraph's lines]) | ("ul", [the items' texts])


def _plain_line(line: str) -> bool:
    """A line the parser keeps as it stands: no syntax, no whitespace at either end (it trims
    it), no carriage return (a line break) or NUL (replaced)."""
    return (bool(line) and line == line.strip() and "\r" not in line and "\0" not in line
            and not _INLINE_SYNTAX.search(line) and not _BLOCK_START.match(line))


def plain_blocks(text: str) -> list[PlainBlock] | None:
    """The blocks of a text made of plain paragraphs and tight bullet lists (`- ` and a plain
    line for each item), one blank line between two blocks; None for any other text, which is
    left to the parser. Two lists a blank line apart would be one loose list: left to it too."""
    blocks: list[PlainBlock] = []
    for chunk in text.strip("\n").split("\n\n"):
        lines = chunk.split("\n")
        if all(line.startswith("- ") and _plain_line(line[2:]) for line in lines):
            if blocks and blocks[-1][0] == "ul":
                return None
            blocks.append(("ul", [line[2:] for line in lines]))
        elif all(_plain_line(line) for line in lines):
            blocks.append(("p", [chunk]))
        else:
            return None
    return blocks


def plain_blocks_html(blocks: list[PlainBlock], id_prefix: str | None) -> str:
    """Plain blocks as the parser renders them: its escaping, the ids `_render_tokens` gives."""
    def tag(name: str, n: int) -> str:
        kind = "i" if name == "li" else name  # an item's id is `-i0`, a paragraph's `-p0`
        return f'<{name} id="{escapeHtml(f"{id_prefix}-{kind}{n}")}">' if id_prefix is not None else f"<{name}>"

    html: list[str] = []
    paragraphs = items = 0
    for kind, texts in blocks:
        if kind == "p":
            html.append(f"{tag('p', paragraphs)}{escapeHtml(texts[0])}</p>\n")
            paragraphs += 1
            continue
        html.append("<ul>\n")
        for item in texts:
            html.append(f"{tag('li', items)}{escapeHtml(item)}</li>\n")
            items += 1
        html.append("</ul>\n")
    return "".join(html)


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
        blocks = plain_blocks(text)
        if blocks is not None:  # most of a plan's texts: written as the parser would write them
            return Markup(plain_blocks_html(blocks, id_prefix))
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
