"""Revision marks: two intermediate documents (earlier, current) → one marked document.

The comparison works on the layout's XHTML, so every writer shows the same changes and the
plan's stable ids (docs/layout-vocabulary.md) decide what is "the same element": an action
item table, a field's row, a matrix row are matched by id however far they moved or however
their numbers shifted. Elements whose ids only say where they are (`…-b3`, `…-r2`, `…-p0`)
are matched by content instead, and similar ones are compared word by word.

The marked document adds to the vocabulary:
- `<ins>` / `<del>` around inserted / deleted inline content (words, a footnote, a line break);
- `data-rev="ins"` / `data-rev="del"` on a block element (paragraph, list item, table row,
  table, list, figure, section) that is wholly inserted / deleted, with everything in it;
- `data-rev="mod"` on the innermost block that holds `<ins>`/`<del>` (a change bar).
Numbers (`span class="number"`: headings, captions) are taken from the current version and
never marked: a table that moved up is not an edit. The cover is the current version's.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape
from itertools import groupby

from lxml import etree

from ..intermediate import (
    CELLS,
    INLINE,
    MOVE_ATTRIBUTE,
    PARAGRAPH_MARK_ATTRIBUTE,
    REVISION_ATTRIBUTE,
    REVISION_MARKS,
    VOID,
    Content,
    Piece,
    is_inline_container,
    runs_and_blocks,
)

# Ids that only record a position inside their parent; others name plan content.
POSITIONAL_ID = re.compile(r"-(?:b|p|i|r|c)\d+$")
SIMILAR = 0.5  # word-level likeness above which two blocks are compared rather than replaced
UNMARKED = {"cover", "action"}  # ids of parts taken from the current version as they are

# A step of the merge: an item in both versions (compared), or in one of them only; or
# paragraphs split or joined, compared as one text.
Pair = tuple[Content, Content] | tuple[Content, None] | tuple[None, Content]


@dataclass
class Rejoined:
    """Paragraphs of the earlier version said again in more or fewer paragraphs (split or joined)."""

    old: list[etree._Element]
    new: list[etree._Element]


Step = Pair | Rejoined


def mark_changes(earlier: str, current: str, *, author: str, date: str) -> str:
    """The current intermediate document with the changes since `earlier` marked."""
    old_body = etree.fromstring(earlier.encode("utf-8")).find("body")
    new_body = etree.fromstring(current.encode("utf-8")).find("body")
    if old_body is None or new_body is None:
        raise ValueError("the layout has no <body>")
    merged_body = _merge(old_body, new_body)[0]
    for element in merged_body.iter():
        if not isinstance(element.tag, str) or element.tag in VOID:
            continue
        if element.text is None and len(element) == 0:
            element.text = ""  # <p></p>, not <p/>: an HTML parser (weasyprint's) reads <p/> as an open <p>
        if element.tag not in INLINE and element is not merged_body and element.tail is None:
            element.tail = "\n"  # blocks on lines of their own, as the layout writes them
    merged = etree.tostring(merged_body, encoding="unicode")
    # The head is kept as the layout wrote it (re-serialising would escape the stylesheet's `>`).
    head_end, body_start, body_end = current.index("</head>"), current.index("<body"), current.rindex("</body>")
    metas = "".join(
        f'<meta name="{name}" content="{escape(value, quote=True)}"/>\n'
        for name, value in (("revision-author", author), ("revision-date", date))
    )
    return current[:head_end] + metas + current[head_end:body_start] + merged + current[body_end + len("</body>"):]


# --- blocks -------------------------------------------------------------------


def _merge(old: etree._Element, new: etree._Element) -> list[etree._Element]:
    """One element in both versions → the marked element (or, if they cannot be matched
    cell for cell, the earlier one deleted and the current one inserted)."""
    if new.get("id") in UNMARKED or new.tag == "colgroup" or _is_svg(new):
        return [_copy(new)]
    if etree.tostring(old, with_tail=False) == etree.tostring(new, with_tail=False):
        return [_copy(new)]  # the common case, and much cheaper than comparing the parts
    if new.tag == "tr" and _cells(old) != _cells(new):
        return [_marked(old, "del"), _marked(new, "ins")]
    if new.tag == "figure" and _drawing(old) != _drawing(new):
        return [_figure(old, new)]
    out = etree.Element(new.tag, dict(new.attrib))
    changed = _merge_items(_items(old), _items(new), out)
    if changed and is_inline_container(out) and out.get(REVISION_ATTRIBUTE) is None:
        out.set(REVISION_ATTRIBUTE, "mod")
    return [out]


def _figure(old: etree._Element, new: etree._Element) -> etree._Element:
    """A figure whose drawing changed: the drawing is deleted and inserted as a whole (it is one
    picture in Word), the caption compared as any paragraph."""
    out = etree.Element(new.tag, dict(new.attrib))
    out.set(REVISION_ATTRIBUTE, "mod")
    old_parts = [c for c in old if isinstance(c.tag, str)]
    for child in (c for c in new if isinstance(c.tag, str)):
        if _is_svg(child):
            out.extend(_marked(o, "del") for o in old_parts if _is_svg(o))
            out.append(_marked(child, "ins"))
            continue
        before = next((o for o in old_parts if o.tag == child.tag), None)
        out.extend(_merge(before, child) if before is not None else [_marked(child, "ins")])
    for gone in (o for o in old_parts if not _is_svg(o) and new.find(o.tag) is None):
        out.append(_marked(gone, "del"))
    return out


def _is_svg(el: etree._Element) -> bool:
    return isinstance(el.tag, str) and (el.tag == "svg" or el.tag.endswith("}svg"))


def _drawing(figure: etree._Element) -> bytes:
    return b"".join(etree.tostring(e) for e in figure if isinstance(e.tag, str) and e.tag.endswith("svg"))


def _cells(tr: etree._Element) -> list[int]:
    return [int(c.get("colspan", "1")) for c in tr if c.tag in CELLS]


def _items(el: etree._Element) -> list[Content]:
    """An element's content as block children and runs of inline content between them."""
    return list(runs_and_blocks(el))


def _key(item: Content) -> tuple:
    if item[0] == "inline":
        return ("inline", _text_of(item[1]))
    el = item[1]
    element_id = el.get("id")
    if element_id and not POSITIONAL_ID.search(element_id):
        return ("id", element_id)
    return ("content", el.tag, el.get("class"), _content(el))


def _content(el: etree._Element) -> bytes:
    """The element as text, without the ids that only say where it and its parts are: a row
    that moved two places down is the same row."""
    if not any(POSITIONAL_ID.search(e.get("id") or "") for e in el.iter() if isinstance(e.tag, str)):
        return etree.tostring(el, with_tail=False)
    stripped = _copy(el)
    for inner in stripped.iter():
        if isinstance(inner.tag, str) and POSITIONAL_ID.search(inner.get("id") or ""):
            del inner.attrib["id"]
    return etree.tostring(stripped, with_tail=False)


def _merge_items(old: list[Content], new: list[Content], out: etree._Element) -> bool:
    """Append the merged content to `out`; True when anything differs."""
    matcher = SequenceMatcher(None, [_key(i) for i in old], [_key(i) for i in new], autojunk=False)
    steps: list[Step] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            steps.extend(zip(old[i1:i2], new[j1:j2], strict=True))
        else:
            steps.extend(_changed_stretch(old[i1:i2], new[j1:j2]))
    moves = _moves(steps)
    changed = False
    for step in steps:
        if isinstance(step, Rejoined):
            changed |= _merge_paragraphs(step.old, step.new, out)
            continue
        moved = step[0] or step[1]
        if moved is not None and moved[0] == "block" and id(moved) in moves:
            out.append(_marked(moved[1], "del" if step[0] else "ins", move=moves[id(moved)]))
            changed = True
        else:
            changed |= _emit(step, out)
    return changed


def _moves(steps: list[Step]) -> dict[int, str]:
    """Paragraphs deleted in one place and inserted unchanged in another of the same container:
    a move ("from" / "to", keyed by the id() of their item). Table rows are not moved: Word
    shows a moved row as that row deleted and inserted."""
    deleted: dict[tuple, list[Content]] = {}
    for step in steps:
        if not isinstance(step, Rejoined) and step[0] is not None and step[1] is None and _movable(step[0]):
            deleted.setdefault(_key(step[0]), []).append(step[0])
    moves: dict[int, str] = {}
    for step in steps:
        if not isinstance(step, Rejoined) and step[0] is None and step[1] is not None and _movable(step[1]):
            sources = deleted.get(_key(step[1]))
            if sources:
                moves[id(sources.pop(0))] = "from"
                moves[id(step[1])] = "to"
    return moves


def _movable(item: Content) -> bool:
    paragraph = _paragraph(item)
    return paragraph is not None and bool(_words(paragraph))


def _paragraph(item: Content) -> etree._Element | None:
    """The item's element when it is a paragraph (<p>), else None."""
    return item[1] if item[0] == "block" and item[1].tag == "p" else None


def _paragraphs(items: list[Content]) -> list[etree._Element] | None:
    """The items' elements when every one is a paragraph, else None."""
    found = [p for p in map(_paragraph, items) if p is not None]
    return found if len(found) == len(items) else None


PARAGRAPH_END: tuple = ("paragraph end",)
JOINED = 0.8  # word likeness of a stretch of paragraphs, joined, above which it was split or joined
SPLIT_SEARCH = 2500  # paragraphs old × new of a changed stretch, up to which a split inside it is looked for


def _changed_stretch(old: list[Content], new: list[Content]) -> list[Step]:
    """The steps of a changed stretch: paragraphs split or joined as a whole, or a split or join
    inside it (one paragraph against two adjacent ones) with the rest paired on either side;
    else paired."""
    whole = _split_or_joined(old, new)
    if whole is not None:
        return [whole]
    found = _split_or_join_within(old, new)
    if found is None:
        return list(_pair(old, new))
    i, k, j, n, rejoined = found
    return [*_pair(old[:i], new[:j]), rejoined, *_changed_stretch(old[i + k:], new[j + n:])]


def _split_or_join_within(old: list[Content], new: list[Content]) -> tuple[int, int, int, int, Rejoined] | None:
    """The first paragraph of `old` split into two adjacent ones of `new`, or two adjacent ones
    joined: (i, 1, j, 2) or (i, 2, j, 1) for old[i:i+1] against new[j:j+2] or the reverse, and them.
    Not looked for in a stretch of more than SPLIT_SEARCH pairs of paragraphs (a rewrite,
    whose paragraphs are paired)."""
    if len(old) + len(new) < 4 or len(old) * len(new) > SPLIT_SEARCH:  # 1 against 2: already tried
        return None
    old_words, new_words = [_paragraph_words(item) for item in old], [_paragraph_words(item) for item in new]
    for i in range(len(old)):
        for j in range(len(new)):
            for k, n in ((1, 2), (2, 1)):
                parts_before = [words for words in old_words[i:i + k] if words is not None]
                parts_after = [words for words in new_words[j:j + n] if words is not None]
                if len(parts_before) != k or len(parts_after) != n:
                    continue  # past the end, or not all paragraphs
                before, after = sum(map(len, parts_before)), sum(map(len, parts_after))
                if 2 * min(before, after) < JOINED * (before + after):
                    continue  # too unlike in length to say the same words
                # Cheap tests first: every paragraph's words mostly among the other side's.
                set_before: set[str] = set().union(*parts_before)
                set_after: set[str] = set().union(*parts_after)
                if not all(_mostly_among(words, other)
                           for side, other in ((parts_after, set_before), (parts_before, set_after)) for words in side):
                    continue
                rejoined = _split_or_joined(old[i:i + k], new[j:j + n])
                if rejoined is not None:
                    return i, k, j, n, rejoined
    return None


def _mostly_among(words: list[str], other: set[str]) -> bool:
    """At least JOINED of `words` occur in `other` (what _mostly_within needs, more cheaply)."""
    return sum(word in other for word in words) >= JOINED * len(words)


def _paragraph_words(item: Content) -> list[str] | None:
    """A paragraph's words; None for anything else, which is never split or joined."""
    paragraph = _paragraph(item)
    return _words(paragraph) if paragraph is not None else None


def _split_or_joined(old: list[Content], new: list[Content]) -> Rejoined | None:
    """Paragraphs that say the same words in more or fewer paragraphs (one split, two joined),
    or None."""
    if not old or not new or len(old) == len(new):
        return None
    old_paragraphs, new_paragraphs = _paragraphs(old), _paragraphs(new)
    if old_paragraphs is None or new_paragraphs is None:
        return None
    if len({el.get("class") for el in old_paragraphs + new_paragraphs}) != 1:
        return None
    old_words = [w for el in old_paragraphs for w in _words(el)]
    new_words = [w for el in new_paragraphs for w in _words(el)]
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    if matcher.real_quick_ratio() < JOINED or matcher.ratio() < JOINED:
        return None
    # Every paragraph's words are mostly on the other side too: a paragraph deleted beside
    # one that stays is a deletion, not a join.
    if all(_mostly_within(_words(el), words)
           for side, words in ((old_paragraphs, new_words), (new_paragraphs, old_words)) for el in side):
        return Rejoined(old_paragraphs, new_paragraphs)
    return None


def _mostly_within(words: list[str], other: list[str]) -> bool:
    matched = sum(block.size for block in SequenceMatcher(None, words, other, autojunk=False).get_matching_blocks())
    return matched >= JOINED * len(words)


def _pieces(el: etree._Element) -> list[Piece]:
    """The inline content of an inline container (a paragraph, a footnote), in order."""
    return [piece for item in runs_and_blocks(el, keep_blank=True) if item[0] == "inline" for piece in item[1]]


def _merge_paragraphs(old: list[etree._Element], new: list[etree._Element], out: etree._Element) -> bool:
    """Paragraphs split or joined: compared word by word as one text in which each paragraph's
    end is a token, so that only the words that changed and the paragraph ends that are new
    (data-rev-mark="ins") or gone ("del") are marked."""
    def joined(paragraphs: list[etree._Element]) -> list[Token]:
        tokens: list[Token] = []
        for n, p in enumerate(paragraphs):
            if n:
                tokens.append((PARAGRAPH_END, "", ()))
            tokens.extend(_tokens(_pieces(p)))
        return tokens

    marked, _changed = _diff_tokens(joined(old), joined(new))
    for n in range(len(marked) - 1):  # a space between two paragraphs stays with the first
        if marked[n][1][0] == PARAGRAPH_END and marked[n + 1][1][0] == ("ws",):
            marked[n], marked[n + 1] = marked[n + 1], marked[n]
    segments: list[tuple[list[tuple[str | None, Token]], str | None]] = []
    current: list[tuple[str | None, Token]] = []
    for mark, token in marked:
        if token[0] == PARAGRAPH_END:
            segments.append((current, mark))
            current = []
        else:
            current.append((mark, token))
    segments.append((current, None))
    index, first_part = 0, True
    for tokens, end in segments:
        paragraph = new[min(index, len(new) - 1)]
        attributes = dict(paragraph.attrib)
        if not first_part:
            attributes.pop("id", None)  # the id stays on the paragraph's first part
        element = etree.SubElement(out, paragraph.tag, attributes)
        if end is not None:
            element.set(PARAGRAPH_MARK_ATTRIBUTE, end)
        if end is not None or any(mark for mark, token in tokens if token[0] != ("ws",)):
            element.set(REVISION_ATTRIBUTE, "mod")
        _rebuild_inline(tokens, element)
        if end == "del":  # a removed end: the next part belongs to the same paragraph
            first_part = False
        else:
            index += 1
            first_part = True
    return True


def _pair(old: list[Content], new: list[Content]) -> Iterator[Pair]:
    """Changed stretches: like items are compared, the rest deleted and inserted, in order."""
    j = 0
    for before in old:
        match = next((k for k in range(j, len(new)) if _pairable(before, new[k])), None)
        if match is None:
            yield before, None
            continue
        for k in range(j, match):
            yield None, new[k]
        yield before, new[match]
        j = match + 1
    for k in range(j, len(new)):
        yield None, new[k]


def _pairable(a: Content, b: Content) -> bool:
    if a[0] == "inline" or b[0] == "inline":
        return a[0] == b[0]
    old, new = a[1], b[1]
    if old.tag != new.tag:
        return False
    old_id, new_id = old.get("id"), new.get("id")
    if old_id and new_id and not POSITIONAL_ID.search(old_id) and not POSITIONAL_ID.search(new_id):
        return old_id == new_id
    old_words, new_words = _words(old), _words(new)
    if not old_words and not new_words:
        return True
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    return matcher.real_quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR


def _emit(step: Pair, out: etree._Element) -> bool:
    if step[0] is None:
        return _emit_one(step[1], "ins", out)
    if step[1] is None:
        return _emit_one(step[0], "del", out)
    before, after = step
    if before[0] == "inline" and after[0] == "inline":
        if _text_of(before[1]) == _text_of(after[1]):
            for piece in after[1]:
                _append_piece(out, _copy(piece) if isinstance(piece, etree._Element) else piece)
            return False
        return _merge_inline(before[1], after[1], out)
    if before[0] == "block" and after[0] == "block":
        merged = _merge(before[1], after[1])
        for element in merged:
            out.append(element)
        return len(merged) > 1 or _has_marks(merged[0])
    raise AssertionError("a run of inline content paired with a block")  # _pair and _key pair like with like


def _emit_one(item: Content, mark: str, out: etree._Element) -> bool:
    """An item of one version only: inserted ("ins") or deleted ("del") as a whole."""
    if item[0] == "inline":
        wrapper = etree.SubElement(out, mark)
        for piece in item[1]:
            _append_piece(wrapper, _copy(piece) if isinstance(piece, etree._Element) else piece)
    else:
        out.append(_marked(item[1], mark))
    return True


def _marked(el: etree._Element, mark: str, move: str | None = None) -> etree._Element:
    marked = _copy(el)
    marked.set(REVISION_ATTRIBUTE, mark)
    if move:
        marked.set(MOVE_ATTRIBUTE, move)
    if mark == "del":  # ids stay unique: a deleted element's id may live on in the current version
        for inner in marked.iter():
            element_id = inner.get("id") if isinstance(inner.tag, str) else None
            if element_id:
                inner.set("id", element_id + "-del")
    return marked


def _has_marks(el: etree._Element) -> bool:
    return any(e.tag in REVISION_MARKS or e.get(REVISION_ATTRIBUTE) for e in el.iter() if isinstance(e.tag, str))


# --- inline content: word by word ---------------------------------------------

Token = tuple[tuple, str | etree._Element, tuple]  # (key, text or atomic element, formatting chain)
# Words and punctuation apart: "2018)," and "2018" + a footnote + ")," share "2018", ")" and ",".
# A word is a word as a reader sees it: an action item id (AP1.3), a clause or table number
# (7.2.1), a date (2024-04-19, 19/04/2024), a document name (TSAG-TD004R1), a decimal (2,5),
# a time (10:00) is one, held together by punctuation between word characters (a comma only
# between digits); punctuation at its end is a token of its own ("AP1.3." is "AP1.3" and "."),
# so an added comma marks the comma alone.
WORDS = re.compile(r"\s+|\w+(?:(?:[.:/\-–'’]|(?<=\d),(?=\d))\w+)*|[^\w\s]")


def _tokens(pieces: list[Piece]) -> list[Token]:
    out: list[Token] = []

    def walk(piece: Piece, chain: tuple) -> None:
        if isinstance(piece, str):
            for word in WORDS.findall(piece):
                out.append((("ws",) if word.isspace() else ("w", word, _chain_key(chain)), word, chain))
            return
        classes = (piece.get("class") or "").split()
        if piece.tag == "span" and "number" in classes:
            out.append((("number",), piece, chain))  # shifts of numbers are not edits
        elif piece.tag == "span" and "footnote" in classes and piece.get("id"):
            out.append((("footnote", piece.get("id")), piece, chain))  # its words are compared inside it
        elif piece.tag == "br" or (piece.tag == "span" and "footnote" in classes):
            out.append((("atom", etree.tostring(piece, with_tail=False)), piece, chain))
        else:
            inner = (*chain, piece)
            if piece.text:
                walk(piece.text, inner)
            for child in piece:
                if isinstance(child.tag, str):
                    walk(child, inner)
                if child.tail:
                    walk(child.tail, inner)

    for piece in pieces:
        walk(piece, ())
    return out


def _chain_key(chain: tuple) -> tuple:
    return tuple((e.tag, tuple(sorted(e.attrib.items()))) for e in chain)


def _merge_inline(old: list[Piece], new: list[Piece], out: etree._Element) -> bool:
    marked, changed = _diff_tokens(_tokens(old), _tokens(new))
    if not changed:  # nothing but whitespace differs: the current version as it is
        for piece in new:
            _append_piece(out, _copy(piece) if isinstance(piece, etree._Element) else piece)
        return False
    _rebuild_inline(marked, out)
    return True


def _diff_tokens(old: list[Token], new: list[Token]) -> tuple[list[tuple[str | None, Token]], bool]:
    """The tokens of both versions in order, each marked None (in both), "ins" or "del"; and
    whether anything but whitespace differs. A footnote in both versions is compared inside."""
    matcher = SequenceMatcher(None, [t[0] for t in old], [t[0] for t in new], autojunk=False)
    marked: list[tuple[str | None, Token]] = []
    changed = False
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for before, after in zip(old[i1:i2], new[j1:j2], strict=True):
                earlier, footnote = before[1], after[1]
                if after[0][0] == "footnote" and isinstance(earlier, etree._Element) \
                        and isinstance(footnote, etree._Element) \
                        and etree.tostring(earlier) != etree.tostring(footnote):
                    note = etree.Element("span", dict(footnote.attrib))
                    _merge_inline(_pieces(earlier), _pieces(footnote), note)
                    after, changed = (after[0], note, after[2]), True
                marked.append((None, after))
        else:
            marked.extend(("del", t) for t in old[i1:i2])
            marked.extend(("ins", t) for t in new[j1:j2])
    changed = changed or any(mark for mark, token in marked if token[0] != ("ws",))
    return marked, changed


def _rebuild_inline(marked: list[tuple[str | None, Token]], out: etree._Element) -> None:
    """Rebuild inline markup from marked tokens: formatting outside, <ins>/<del> inside."""
    open_chain: list[tuple[tuple, etree._Element]] = []  # wrappers still open, outer to inner
    for (mark, keys), group in groupby(marked, key=lambda m: (m[0], _chain_key(m[1][2]))):
        tokens = [token for _mark, token in group]
        chain = tokens[0][2]
        common = 0
        while common < min(len(open_chain), len(keys)) and open_chain[common][0] == keys[common]:
            common += 1
        del open_chain[common:]
        for element, key in zip(chain[common:], keys[common:], strict=True):
            parent = open_chain[-1][1] if open_chain else out
            open_chain.append((key, etree.SubElement(parent, element.tag, dict(element.attrib))))
        target = open_chain[-1][1] if open_chain else out
        if mark is not None:
            target = etree.SubElement(target, mark)
        for token in tokens:
            value = token[1]
            _append_piece(target, value if isinstance(value, str) else _copy(value))


def _append_piece(parent: etree._Element, piece: Piece) -> None:
    if isinstance(piece, str):
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + piece
        else:
            parent.text = (parent.text or "") + piece
    else:
        parent.append(piece)


def _copy(el: etree._Element) -> etree._Element:
    """A copy without its tail: in an item list, tails are pieces of their own."""
    copied = copy.deepcopy(el)
    copied.tail = None
    return copied


def _text_of(pieces: list[Piece]) -> str:
    return "".join(p if isinstance(p, str) else etree.tostring(p, encoding="unicode") for p in pieces)


def _words(el: etree._Element) -> list[str]:
    return "".join(el.itertext()).split()
