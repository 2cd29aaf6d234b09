"""Property: for any two versions of a chapter, the marked TD resolves to both versions.

Accept All (keep insertions, drop deletions) gives the current version word for word, and
Reject All gives the earlier one — in the intermediate document and in the DOCX's own XML.
Paragraphs and bullet lists are drawn from a small vocabulary, so that versions share words
and paragraphs, and the merge has to align, pair and split them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from apdoc.layout import render_html
from apdoc.plan import load_plan
from apdoc.writers.docx import write_docx
from test_properties import MINI  # also loads the hypothesis profiles
from test_revisions import docx_words, marked_layout

VOCABULARY = ["ITU-T", "industry", "engagement", "plan", "members", "standards", "the", "of", "and", "SMEs",
              "workshop", "AP1", "“quoted”", "feedback"]
WORDS = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=10).map(" ".join)
BULLETS = st.lists(WORDS, min_size=1, max_size=4).map(lambda items: "\n".join(f"- {i}" for i in items))
BLOCK = st.one_of(WORDS, WORDS, BULLETS)
VERSION = st.lists(BLOCK, min_size=0, max_size=6)


def write_version(root: Path, blocks: list[str]) -> Path:
    shutil.copytree(MINI, root)
    chapter = root / "chapters" / "1-scope.yaml"
    text = chapter.read_text(encoding="utf-8")
    extra = "".join(f"  - {json.dumps(b, ensure_ascii=False)}\n" for b in blocks)
    chapter.write_text(text.replace("  - insert: action_item_list\n", extra + "  - insert: action_item_list\n", 1),
                       encoding="utf-8")
    return root


def _remove(element: etree._Element) -> None:
    """Remove an element, keeping the text that follows it."""
    parent, tail = element.getparent(), element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def resolved_words(html: str, keep: str | None) -> list[str]:
    body = etree.fromstring(html.encode()).find("body")
    body.remove(body.find(".//table[@id='cover']") if body.find("table[@id='cover']") is None
                else body.find("table[@id='cover']"))
    if keep is not None:
        drop = "del" if keep == "ins" else "ins"
        for element in list(body.iter()):
            dropped = isinstance(element.tag, str) and (element.tag == drop or element.get("data-rev") == drop)
            if dropped and not any(a.tag == drop or a.get("data-rev") == drop for a in element.iterancestors()):
                _remove(element)
    return " ".join(body.itertext()).split()  # every element boundary separates words


@given(before=VERSION, after=VERSION)
def test_accept_all_is_the_current_version_and_reject_all_the_earlier(
    tmp_path_factory, before: list[str], after: list[str]
) -> None:
    tmp = tmp_path_factory.mktemp("versions")
    earlier, current = write_version(tmp / "earlier", before), write_version(tmp / "current", after)
    marked = marked_layout(current, earlier, author="A", date="2024-01-01T00:00:00Z")
    plain_current, plain_earlier = render_html(load_plan(current)), render_html(load_plan(earlier))
    assert resolved_words(marked, "ins") == resolved_words(plain_current, None)
    assert resolved_words(marked, "del") == resolved_words(plain_earlier, None)
    if before == after:
        assert "<ins" not in marked and "<del" not in marked and "data-rev" not in marked.split("<body", 1)[1]
    docx = write_docx(marked)
    assert docx_words(docx, keep="ins") == docx_words(write_docx(plain_current))
    assert docx_words(docx, keep="del") == docx_words(write_docx(plain_earlier))


# A paragraph split in two beside a paragraph rewritten (issue 23): each paragraph has words of
# its own, so that nothing but the split and the rewrite can align them.
SIZES = st.lists(st.integers(min_value=2, max_value=12), min_size=2, max_size=5)


@given(sizes=SIZES, data=st.data())
def test_a_split_beside_a_rewritten_paragraph_is_one_new_paragraph_mark(tmp_path_factory, sizes: list[int],
                                                                          data: st.DataObject) -> None:
    paragraphs = [[f"p{n}w{m}" for m in range(size)] for n, size in enumerate(sizes)]
    split = data.draw(st.integers(min_value=0, max_value=len(paragraphs) - 1), label="split")
    at = data.draw(st.integers(min_value=1, max_value=len(paragraphs[split]) - 1), label="at")
    rewritten = data.draw(st.sampled_from([n for n in (split - 1, split + 1) if 0 <= n < len(paragraphs)]),
                          label="rewritten")
    after = [list(p) for p in paragraphs]
    after[rewritten] = [f"new{m}" for m in range(len(paragraphs[rewritten]) + 8)]
    after[split:split + 1] = [paragraphs[split][:at], paragraphs[split][at:]]
    tmp = tmp_path_factory.mktemp("split")
    earlier = write_version(tmp / "earlier", [" ".join(p) for p in paragraphs])
    current = write_version(tmp / "current", [" ".join(p) for p in after])
    marked = marked_layout(current, earlier, author="A", date="2024-01-01T00:00:00Z")
    body = etree.fromstring(marked.encode()).find("body")
    (first,) = body.xpath(".//p[@data-rev-mark]")
    assert first.get("data-rev-mark") == "ins"
    assert "".join(first.itertext()).split() == paragraphs[split][:at]
    for part in (first, first.getnext()):  # the split paragraph's words are not marked (a space may be)
        assert all(not "".join(change.itertext()).strip() for change in part.xpath(".//ins|.//del"))
