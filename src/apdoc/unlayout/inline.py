"""XHTML → the plan's Markdown: the inverse of richtext.Renderer.

Paragraphs, lists (nested, tight or loose), quotes, **strong**, *emphasis*, links, `code`,
line breaks and `[^id]` footnotes (their texts collected for the chapter's `footnotes:`).
Text is written as it stands; only when the Markdown read back would not give the same
XHTML (an `*` or a `- ` at the start of a line in the text, say) is the Markdown syntax in the
text backslash-escaped. `[b-Key]` citations are plain text to the renderer, so they stay as
typed.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from markupsafe import escape

from ..intermediate import BOLD, FOOTNOTE, ITALIC, LISTS, PROSE_BLOCKS, TABLE_AND_FIGURE, UNSEEN, classes
from ..layout.prose import Renderer, holds_markdown
from ..links import markdown_links, url_problem
from ..plan.refs import FOOTNOTE_REF
from .context import Context, local

_CITATION = re.compile(r"(\[b-[^\]\[]+\])")  # plan.refs.CITATION, the whole of it
_SYNTAX = re.compile(r"([\\`*_\[\]<>!&])")
_LINE_START = re.compile(r"(?m)^(\s*)([-+#>=~|])")
_NUMBER_START = re.compile(r"(?m)^(\s*\d+)([.)])")
# Inline elements the plan's Markdown cannot say: their text is kept, the formatting is lost.
_UNSAID = {"sup": "superscript", "sub": "subscript", "u": "underline", "s": "strike-through"}


class Markdown:
    """Converts one block of XHTML to Markdown, escaping text only when it must."""

    def __init__(self, ctx: Context, *, escape_text: bool = False, warn: bool = True):
        self.ctx = ctx
        self.escape_text = escape_text
        self.warn = warn

    def text(self, value: str | None) -> str:
        if not value:
            return ""
        if self.escape_text:  # a citation stays as typed: the plan finds `[b-Key]`, not `\\[b-Key\\]`
            value = "".join(part if n % 2 else _SYNTAX.sub(r"\\\1", part)
                            for n, part in enumerate(_CITATION.split(value)))
            value = _NUMBER_START.sub(r"\1\\\2", _LINE_START.sub(r"\1\\\2", value))
        return value

    def inline(self, element: Any) -> str:
        """The content of `element` (its text and inline children), as inline Markdown."""
        return self.run(element.text, list(element))

    def run(self, text: str | None, children: list[Any]) -> str:
        parts = [self.text(text)]
        for child in children:
            written = self.child(child)
            if "".join(parts).endswith("*") and written.startswith("*") and local(child) in _EMPHASIS:
                # `*a*` then `*b*` reads as `*a**b*`: the second run takes the other delimiter
                written = self.child(child, delimiter="_")
            parts.append(written)
            tail = child.tail or ""
            after_break = local(child) == "br"
            parts.append(self.text(tail.lstrip("\n") if after_break else tail))
        return "".join(parts)

    def child(self, child: Any, delimiter: str = "*") -> str:
        if not isinstance(child.tag, str):  # a comment, processing instruction or unresolved entity
            return ""
        tag = local(child)
        if tag in BOLD:
            return _delimited(delimiter * 2, self.inline(child))
        if tag in ITALIC:
            return _delimited(delimiter, self.inline(child))
        if tag == "code":
            return _code_span("".join(child.itertext()))
        if tag == "a":
            return self.link(child)
        if tag == "br":
            return "\\\n"
        if tag == "span" and FOOTNOTE in classes(child):
            return self.footnote(child)
        if tag == "del":  # a deleted passage of a marked TD: not in the current text
            return ""
        if tag == "img":
            if self.warn:
                self.ctx.warn(child, "a picture in a line of text: left out (a plan's text holds no pictures)")
            return ""
        if tag in _UNSAID and self.warn:
            self.ctx.warn(child, f"{_UNSAID[tag]} cannot be written in the plan's Markdown; the text is kept")
        elif tag in PROSE_BLOCKS or tag in TABLE_AND_FIGURE:
            if self.warn:
                self.ctx.warn(child, f"a <{tag}> inside a line of text: its text is kept as text")
            if tag in TABLE_AND_FIGURE:  # read flat: tables nested in cells (80 deep, say) need no recursion
                return self.text("".join(child.itertext(tag=etree.Element)))
        return self.inline(child)

    def link(self, anchor: Any) -> str:
        href = anchor.get("href") or ""
        label = self.inline(anchor)
        if href.startswith("#"):  # a link inside the TD is generated (an action item's table): its text
            return label
        if label == href and re.fullmatch(r"[a-z][a-z0-9+.-]*:[^\s<>]*", href):
            return f"<{href}>"
        return f"[{label}]({href.replace(' ', '%20').replace(')', '%29').replace('(', '%28')})"

    def footnote(self, span: Any) -> str:
        wanted = (span.get("id") or "").removeprefix("fn-") or None
        # Escaped as the text around it is: a footnote's text is Markdown too (`[x](y)`, `__x__`, a backtick).
        text = Markdown(self.ctx, escape_text=self.escape_text, warn=self.warn).inline(span).strip()
        known = self.ctx.footnotes
        if wanted is not None and known.get(wanted) == text:
            return f"[^{wanted}]"  # the same footnote referenced again
        label = self.ctx.slug("footnote", wanted, f"fn{len(self.ctx.used_ids.get('footnote', ())) + 1}")
        known[label] = text
        return f"[^{label}]"

    def block(self, element: Any) -> str:
        tag = local(element)
        if tag in LISTS:
            return self.listing(element)
        if tag == "blockquote":
            inner = self.blocks(list(element))
            return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
        return self.inline(element).strip()

    def blocks(self, elements: list[Any]) -> str:
        return "\n\n".join(part for part in (self.block(e) for e in elements if isinstance(e.tag, str)) if part)

    def listing(self, element: Any) -> str:
        ordered = local(element) == "ol"
        start_text = element.get("start") or "1"  # ASCII digits only: "²".isdigit(), and int() refuses it
        start = int(start_text) if re.fullmatch(r"[0-9]{1,9}", start_text) else 1
        items = [li for li in element if local(li) == "li"]
        loose = any(local(c) == "p" for li in items for c in li)
        out = []
        for n, li in enumerate(items):
            marker = f"{start + n}." if ordered else "-"
            pad = " " * (len(marker) + 1)
            lines = self.item(li).split("\n")
            rest = "".join(f"\n{pad}{line}" if line else "\n" for line in lines[1:])
            out.append(f"{marker} {lines[0]}".rstrip() + rest)
        return ("\n\n" if loose else "\n").join(out)

    def item(self, li: Any) -> str:
        """A list item: its own text, then its blocks (a nested list, or paragraphs when loose)."""
        inline: list[Any] = []
        blocks: list[Any] = []
        for child in li:
            (blocks if local(child) in PROSE_BLOCKS or blocks else inline).append(child)
        first = self.run(li.text, inline).strip()
        rest = self.blocks(blocks)
        loose = any(local(b) == "p" for b in blocks)
        return "\n\n".join(p for p in (first, rest) if p) if loose else "\n".join(p for p in (first, rest) if p)


_EMPHASIS = (*BOLD, *ITALIC)


def _delimited(delimiter: str, inner: str) -> str:
    """`**bold**` with the spaces a Word run often ends in kept outside (`** x**` is no emphasis)."""
    core = inner.strip()
    if not core:
        return inner
    lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()):]
    return f"{lead}{delimiter}{core}{delimiter}{trail}"


def _code_span(body: str) -> str:
    """`body` as a code span: a fence longer than any run of backticks in it, and a space inside
    each end where CommonMark would otherwise take one away or read a backtick as the fence."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", body)), default=0) + 1)
    spaced = body.startswith(" ") and body.endswith(" ") and body.strip(" ")
    pad = " " if body.startswith("`") or body.endswith("`") or spaced else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def block_markdown(ctx: Context, elements: list[Any]) -> str:
    """Block elements (p, ul, ol, blockquote) → one Markdown text, as the renderer reads it back."""
    return _verified(ctx, elements, lambda md: md.blocks(elements), block=True)


def inline_markdown(ctx: Context, element: Any) -> str:
    """The content of one element → one line of Markdown."""
    return _verified(ctx, [element], lambda md: md.inline(element).strip(), block=False)


def _verified(ctx: Context, elements: list[Any], convert: Any, *, block: bool) -> str:
    # A pass only adds footnotes (each under an id it hands out): what was there before it is
    # the first `known` of them, taken back only when the plain pass does not read back.
    known = len(ctx.footnotes)
    plain = convert(Markdown(ctx))
    if _reads_back(ctx, plain, elements, block):
        return plain
    after_plain = _footnote_state(ctx)
    _restore_footnotes(ctx, _before(after_plain, known))  # the escaped pass hands out the same ids again
    escaped = convert(Markdown(ctx, escape_text=True, warn=False))
    if _reads_back(ctx, escaped, elements, block):
        return escaped
    _restore_footnotes(ctx, after_plain)
    return plain


def _footnote_state(ctx: Context) -> tuple[dict[str, str], set[str]]:
    return dict(ctx.footnotes), set(ctx.used_ids.get("footnote", ()))


def _before(state: tuple[dict[str, str], set[str]], known: int) -> tuple[dict[str, str], set[str]]:
    """The footnote state before a pass that left `state`, when `known` footnotes were there."""
    footnotes, used = state
    added = list(footnotes)[known:]
    return dict(list(footnotes.items())[:known]), used.difference(added)


def _restore_footnotes(ctx: Context, state: tuple[dict[str, str], set[str]]) -> None:
    footnotes, used = state
    ctx.footnotes.clear()
    ctx.footnotes.update(footnotes)
    ctx.used_ids["footnote"] = set(used)


def _reads_back(ctx: Context, markdown: str, elements: list[Any], block: bool) -> bool:
    # The renderer shows a link it refuses (`[x](javascript:…)`) as its text, the same text the
    # TD had; but the plan's validation refuses it: such text is written escaped, as text.
    if any(url_problem(url) for text in (markdown, *ctx.footnotes.values()) for url in markdown_links(text)):
        return False
    if any(FOOTNOTE_REF.search(text) for text in ctx.footnotes.values()):  # `[^x]` typed in a footnote: text
        return False
    if _plain_text_of(markdown, elements, block):
        return True
    again = _rendered(ctx, markdown, block)
    return again is not None and again == canonical(elements, own_tag=block)


def _plain_text_of(markdown: str, elements: list[Any], block: bool) -> bool:
    """Whether `markdown` is the whole text of one element with no children (a `p` of a block),
    and holds no Markdown: the renderer then writes that text as it stands (in a `p`), which reads
    as the element does — the long way's answer without the rendering, as
    tests/test_unlayout_throughput.py shows against it."""
    if len(elements) != 1 or not markdown or holds_markdown(markdown):
        return False
    element = elements[0]
    return (not block or local(element) == "p") and not len(element) and (element.text or "").strip() == markdown


def _rendered(ctx: Context, markdown: str, block: bool) -> str | None:
    """canonical() of what the renderer makes of `markdown`, or None when that is no XHTML.

    Remembered for the import: a TD says the same texts many times (the 100x TD's 27,603 values
    are 1,538 texts). Without a footnote reference the renderer's output is the text's alone;
    with one it holds the footnote's text too, which changes from chapter to chapter."""
    remembered = "[^" not in markdown
    if remembered and (markdown, block) in ctx.rendered:
        return ctx.rendered[(markdown, block)]
    renderer = Renderer(ctx.footnotes)
    html = str(renderer.block(markdown) if block else renderer.inline(markdown))
    try:
        again = etree.fromstring(f"<div>{html}</div>")
    except etree.XMLSyntaxError:
        made = None
    else:
        made = canonical(list(again)) if block else canonical([again], own_tag=False)
    if remembered:
        ctx.rendered[(markdown, block)] = made
    return made


_BLOCK_TAG = re.compile(r"\s*(</?(?:p|ul|ol|li|blockquote|div)\b[^>]*>|<br/>)\s*")


def canonical(elements: list[Any], *, own_tag: bool = True) -> str:
    """What the reader sees of some XHTML: tags, links, footnotes and text; no ids, no layout whitespace.

    `own_tag=False`: the content of the elements only (their own tags and tails left out)."""
    parts: list[str] = []
    for element in elements:
        if isinstance(element.tag, str):
            _canon(element, parts, own_tag)
    # str.split() splits at what `\s` matches (str.isspace), in a tenth of the regular expression's time
    joined = " ".join("".join(parts).split())
    # A function, not the template r"\1": Python 3.11 expands a template in Python at every match.
    return _BLOCK_TAG.sub(_first_group, joined).strip()


def _first_group(match: re.Match[str]) -> str:
    return match.group(1)


def _canon(element: Any, parts: list[str], own_tag: bool = True) -> None:
    tag = local(element) if own_tag else ""
    tag = {"b": "strong", "i": "em"}.get(tag, tag)
    attrs = ""
    if tag == "a":
        attrs = f' href="{escape(element.get("href") or "")}"'
    elif tag == "span" and FOOTNOTE in classes(element):
        attrs = ' class="footnote"'
    elif tag in UNSEEN:
        tag = ""
    elif tag == "ol" and element.get("start") not in (None, "1"):
        attrs = f' start="{element.get("start")}"'
    if tag == "br":
        parts.append("<br/>")
    else:
        parts.append(f"<{tag}{attrs}>" if tag else "")
        parts.append(str(escape(element.text or "")))
        for child in element:
            if isinstance(child.tag, str) and local(child) != "del":
                _canon(child, parts)
            parts.append(str(escape(child.tail or "")))
        parts.append(f"</{tag}>" if tag else "")


__all__ = ["block_markdown", "canonical", "inline_markdown"]
