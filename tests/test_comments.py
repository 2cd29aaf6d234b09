"""Word comment threads: read from an edited TD, kept in plan/comments.yaml by `apdoc apply`, put
back into the DOCX and HTML by `apdoc build`, listed by `apdoc comments`; and through LibreOffice
for real (tests/lo_comments.py)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.plan.load import load_plan
from apdoc.readers.docx import read_docx
from apply_edits import Docx, paragraph_with
from conftest import require_libreoffice, run_cli
from ooxml import SHARED_VALIDATOR, audit_problems, shared_validator_problems

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
KEY_OUTCOMES = "Identified list of value propositions"
ELEMENT = "ap-AP1.3-key_outcomes-p0"  # the paragraph of AP1.3's Key Outcome(s) cell
HOSTILE = "Is <b>this</b> & {{ 7*7 }} right?"

THREAD_YAML = f"""threads:
  - anchor: {ELEMENT}
    quote: enhance value
    author: Ann
    date: "2026-12-01T10:00:00Z"
    text: '{HOSTILE}'
    replies:
      - author: Bob
        date: "2026-12-01T11:00:00Z"
        text: |-
          Yes.
          Two lines.
  - anchor: ch-introduction-b0-i1
    quote: To perform a review
    author: Cy
    date: "2026-12-02T09:00:00Z"
    text: Settled at the meeting
    resolved: true
"""


def _split_out(paragraph: etree._Element, words: str) -> etree._Element:
    """The run holding `words` split so that one run holds exactly them; that run."""
    t = next(t for t in paragraph.iter(W + "t") if words in (t.text or ""))
    run = t.getparent()
    before, after = t.text.split(words, 1)
    for text in (before, after):
        if text:
            piece = etree.fromstring(etree.tostring(run))
            piece.find(W + "t").text = text
            (run.addprevious if text is before else run.addnext)(piece)
    t.text = words
    t.set(XML_SPACE, "preserve")
    return run


def _ensure_part(doc: Docx, name: str, root: str, kind: str, content_type: str) -> etree._Element:
    if name not in doc.parts:
        doc.names.append(name)
        doc.parts[name] = root.encode()
        rels = "word/_rels/document.xml.rels"
        target = name.removeprefix("word/")
        doc.parts[rels] = doc.parts[rels].replace(
            b"</Relationships>", f'<Relationship Id="rId{target}" Type="{kind}" Target="{target}"/>'
                                 f"</Relationships>".encode())
        doc.parts["[Content_Types].xml"] = doc.parts["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>'.encode())
    return doc.xml(name)


def word_thread(data: bytes, needle: str, words: str, comments: list[tuple[str, str, str]], *,
                resolved: bool = False, first_id: int = 100, extended: bool = True) -> bytes:
    """`data` with a thread as Word 2013+ writes it: the first comment and its replies on
    `words` (in the paragraph holding `needle`), their texts in comments.xml, the replies tied to
    the first and its done state in commentsExtended.xml (`extended`)."""
    doc = Docx(data)
    run = _split_out(paragraph_with(doc.xml(), needle), words)
    ids = [str(first_id + n) for n in range(len(comments))]
    last = run
    for ident in ids:
        run.addprevious(etree.Element(W + "commentRangeStart", {W + "id": ident}))
        end = etree.Element(W + "commentRangeEnd", {W + "id": ident})
        last.addnext(end)
        reference = etree.Element(W + "r")
        etree.SubElement(reference, W + "commentReference", {W + "id": ident})
        end.addnext(reference)
        last = reference
    notes = _ensure_part(doc, "word/comments.xml", f'<w:comments xmlns:w="{W_NS}" xmlns:w14="{W14[1:-1]}"/>',
                         "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml")
    for ident, (author, date, text) in zip(ids, comments, strict=True):
        comment = etree.SubElement(notes, W + "comment", {W + "id": ident, W + "author": author, W + "date": date})
        for line in text.split("\n"):
            paragraph = etree.SubElement(comment, W + "p", {W14 + "paraId": f"{int(ident):08X}"})
            etree.SubElement(etree.SubElement(paragraph, W + "r"), W + "t").text = line
    if extended:
        threads = _ensure_part(doc, "word/commentsExtended.xml", f'<w15:commentsEx xmlns:w15="{W15[1:-1]}"/>',
                               "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
                               "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml")
        for n, ident in enumerate(ids):
            entry = etree.SubElement(threads, W15 + "commentEx", {W15 + "paraId": f"{int(ident):08X}",
                                                                  W15 + "done": "1" if resolved else "0"})
            if n:
                entry.set(W15 + "paraIdParent", f"{int(ids[0]):08X}")
    return doc.data()


ANN = ("Ann", "2026-12-01T10:00:00Z", HOSTILE)
BOB = ("Bob", "2026-12-01T11:00:00Z", "Yes.\nTwo lines.")


def apply(tmp_path: Path, data: bytes, plan: Path, *options: str) -> tuple[int, str, str]:
    document = tmp_path / "edited.docx"
    document.write_bytes(data)
    return run_cli("apply", str(document), "--plan", str(plan), *options)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def commented_words(document: bytes) -> dict[str, str]:
    """comment id → the text between its range's start and end in document.xml."""
    root = etree.fromstring(document)
    found: dict[str, list[str]] = {}
    open_ids: list[str] = []
    for el in root.iter(W + "commentRangeStart", W + "commentRangeEnd", W + "t"):
        if el.tag == W + "commentRangeStart":
            open_ids.append(el.get(W + "id"))
            found[el.get(W + "id")] = []
        elif el.tag == W + "commentRangeEnd":
            open_ids.remove(el.get(W + "id"))
        else:
            for ident in open_ids:
                found[ident].append(el.text or "")
    return {ident: "".join(texts) for ident, texts in found.items()}


# --- reading ---------------------------------------------------------------------------------


def test_a_thread_is_read_with_its_element_words_replies_and_state(td: bytes) -> None:
    data = word_thread(td, KEY_OUTCOMES, "enhance value", [ANN, BOB], resolved=True)
    comments = read_docx(data, source="TD.docx").comments
    assert [(c.author, c.text, c.element, c.quote, c.resolved) for c in comments] == [
        ("Ann", HOSTILE, ELEMENT, "enhance value", True), ("Bob", "Yes.\nTwo lines.", ELEMENT, "enhance value", True)]
    assert (comments[0].parent, comments[1].parent) == ("", comments[0].id)


def test_without_commentsextended_comments_on_the_same_words_are_one_thread(td: bytes) -> None:
    """LibreOffice 7.4 writes no reply relation: a later comment on exactly the same words is a reply."""
    data = word_thread(td, KEY_OUTCOMES, "enhance value", [BOB, ANN], extended=False)  # listed out of order
    comments = {c.author: c for c in read_docx(data, source="TD.docx").comments}
    assert (comments["Ann"].parent, comments["Bob"].parent) == ("", comments["Ann"].id)


def _unclosed_ranges(td: bytes, count: int) -> bytes:
    doc = Docx(td)
    body = doc.xml().find(W + "body")
    for n in range(count):
        body[0].addprevious(etree.Element(W + "commentRangeStart", {W + "id": str(n)}))
    notes = _ensure_part(doc, "word/comments.xml", f'<w:comments xmlns:w="{W_NS}"/>',
                         "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml")
    for n in range(count):
        comment = etree.SubElement(notes, W + "comment", {W + "id": str(n), W + "author": "x"})
        etree.SubElement(etree.SubElement(etree.SubElement(comment, W + "p"), W + "r"), W + "t").text = "c"
    return doc.data()


def test_comment_ranges_that_never_close_cost_memory_linear_in_their_number(td: bytes, tmp_path: Path) -> None:
    """Issue 20: 20,000 ranges that never close made the reader add every run to every open range
    (ranges × runs: past 2 GB). Now the text is kept once and each range is two offsets. Measured
    in a process of its own (its peak memory), as `apdoc apply --dry-run` would read it."""
    document = tmp_path / "unclosed.docx"
    document.write_bytes(_unclosed_ranges(td, 20_000))
    # VmHWM, the process's own peak: ru_maxrss keeps, across exec, the peak of the process that
    # started it (this test run's, hundreds of MB after many tests).
    probe = ("import sys\nfrom pathlib import Path\nfrom apdoc.readers.docx import read_docx\n"
             "comments = read_docx(Path(sys.argv[1]).read_bytes(), source='unclosed.docx').comments\n"
             "assert len(comments) == 20_000 and not any(c.quote for c in comments)\n"
             "print(Path('/proc/self/status').read_text().split('VmHWM:')[1].split()[0])")
    result = subprocess.run([sys.executable, "-c", probe, str(document)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    peak_mb = int(result.stdout) >> 10  # kB
    assert peak_mb < 500, f"{peak_mb} MB"


# --- apply -----------------------------------------------------------------------------------


def test_apply_records_the_thread_and_a_second_apply_changes_nothing(td: bytes, seed: Path, tmp_path: Path) -> None:
    data = word_thread(td, KEY_OUTCOMES, "enhance value", [ANN, BOB])
    code, out, err = apply(tmp_path, data, seed)
    assert (code, err) == (0, ""), out + err
    assert f"comment added: {ELEMENT} “enhance value” by Ann, 1 reply" in out
    assert "wrote " + str(seed / "comments.yaml") in out.replace("\\", "/") or "comments.yaml:1" in out
    text = (seed / "comments.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schema/comments.schema.json\n")
    threads = load_plan(seed).comments.model.threads
    assert [(t.anchor, t.quote, t.author, t.date, t.text, t.resolved) for t in threads] == [
        (ELEMENT, "enhance value", "Ann", "2026-12-01T10:00:00Z", HOSTILE, False)]
    assert [(r.author, r.text) for r in threads[0].replies] == [("Bob", "Yes.\nTwo lines.")]
    assert run_cli("fmt", "--check", "--plan", str(seed))[0] == 0  # written in fmt's layout
    code, out, err = apply(tmp_path, data, seed)
    assert (code, err) == (0, "")
    assert "nothing to apply" in out
    assert (seed / "comments.yaml").read_text() == text


def test_apply_adds_new_replies_and_the_resolved_state_to_a_known_thread(td: bytes, seed: Path,
                                                                         tmp_path: Path) -> None:
    (seed / "comments.yaml").write_text(THREAD_YAML)
    dee = ("Dee", "2026-12-03T08:00:00Z", "Done, closing.")
    data = word_thread(td, KEY_OUTCOMES, "enhance value", [ANN, BOB, dee], resolved=True)
    code, out, err = apply(tmp_path, data, seed)
    assert (code, err) == (0, ""), out + err
    assert "1 reply added" in out and "resolved: " in out
    threads = load_plan(seed).comments.model.threads
    assert len(threads) == 2  # the thread the TD does not show (resolved, left out) is kept
    assert threads[0].resolved and [r.author for r in threads[0].replies] == ["Bob", "Dee"]
    assert "resolved: true\n" in (seed / "comments.yaml").read_text()


def test_a_thread_whose_words_an_edit_deleted_stays_on_its_element_and_is_reported(td: bytes, seed: Path,
                                                                                   tmp_path: Path) -> None:
    doc = Docx(word_thread(td, KEY_OUTCOMES, "enhance value", [ANN]))
    words = next(t for t in doc.xml().iter(W + "t") if t.text == "enhance value")
    run = words.getparent()
    deleted = etree.Element(W + "del", {W + "id": "7000", W + "author": "M", W + "date": "2026-12-01T12:00:00Z"})
    run.addprevious(deleted)
    deleted.append(run)
    words.tag = W + "delText"
    code, out, err = apply(tmp_path, doc.data(), seed)
    assert code == 0, out + err
    assert f"its words were removed by an edit; the thread is kept on {ELEMENT}" in err
    thread = load_plan(seed).comments.model.threads[0]
    assert (thread.anchor, thread.quote) == (ELEMENT, "enhance value")


# --- build -----------------------------------------------------------------------------------


def build(plan: Path, out: Path, *options: str) -> tuple[bytes, str]:
    code, _out, err = run_cli("build", "--plan", str(plan), "-o", str(out), *options)
    assert code == 0, err
    return out.read_bytes(), err


def test_build_puts_the_open_threads_on_their_words_with_replies_as_replies(seed: Path, tmp_path: Path) -> None:
    (seed / "comments.yaml").write_text(THREAD_YAML)
    data, err = build(seed, tmp_path / "TD.docx")
    assert err == ""
    found = parts(data)
    assert commented_words(found["word/document.xml"]) == {"0": "enhance value", "1": "enhance value"}
    comments = etree.fromstring(found["word/comments.xml"])
    texts = [[t.text for t in c.iter(W + "t")] for c in comments.iter(W + "comment")]
    assert texts == [[HOSTILE], ["Yes.", "Two lines."]]  # the resolved thread is left out
    entries = list(etree.fromstring(found["word/commentsExtended.xml"]))
    first, reply = (c.findall(W + "p")[-1].get(W14 + "paraId") for c in comments.iter(W + "comment"))
    assert [(e.get(W15 + "paraId"), e.get(W15 + "paraIdParent"), e.get(W15 + "done")) for e in entries] == [
        (first, None, "0"), (reply, first, "0")]
    assert b"commentsIds" in found["[Content_Types].xml"]
    assert b"commentsIds.xml" in found["word/_rels/document.xml.rels"]
    assert build(seed, tmp_path / "again.docx")[0] == data  # deterministic
    every = parts(build(seed, tmp_path / "all.docx", "--comments", "all")[0])
    assert sorted(commented_words(every["word/document.xml"]).values()) == [
        "To perform a review", "enhance value", "enhance value"]
    assert b'w15:done="1"' in every["word/commentsExtended.xml"]
    for built in ("TD.docx", "all.docx"):  # read back, the threads are the plan's: nothing to apply
        code, out, err = run_cli("apply", str(tmp_path / built), "--plan", str(seed))
        assert (code, err) == (0, "") and "nothing to apply" in out, out + err
    assert (seed / "comments.yaml").read_text() == THREAD_YAML
    for built in (tmp_path / "TD.docx", tmp_path / "all.docx"):
        assert audit_problems(built) == []
        if SHARED_VALIDATOR.is_file():  # the second opinion, beside this checkout only
            assert shared_validator_problems(built) == ""


def test_a_clean_td_on_request_and_the_same_bytes_without_a_comments_file(seed: Path, tmp_path: Path) -> None:
    plain = {fmt: build(seed, tmp_path / f"plain.{fmt}")[0] for fmt in ("docx", "html")}
    (seed / "comments.yaml").write_text(THREAD_YAML)
    os.utime(seed / "comments.yaml", (0, 0))  # outside git the TD's date is the newest plan file's
    for fmt in ("docx", "html"):
        assert build(seed, tmp_path / f"none.{fmt}", "--comments", "none")[0] == plain[fmt]
    assert b"comment-thread" not in plain["html"] and b"comment-anchor" not in plain["html"]
    assert "word/comments.xml" not in parts(plain["docx"])


def test_a_thread_whose_words_are_gone_is_put_on_its_element_and_reported(seed: Path, tmp_path: Path) -> None:
    (seed / "comments.yaml").write_text(THREAD_YAML.replace("quote: enhance value", "quote: words no one wrote"))
    data, err = build(seed, tmp_path / "TD.docx")
    assert "comments.yaml:2:5: warning: comment by Ann" in err
    assert f"its words (“words no one wrote”) are no longer in {ELEMENT}: put on its first paragraph" in err
    assert set(commented_words(parts(data)["word/document.xml"]).values()) == {
        "Identified list of value propositions to enhance value in the work of ITU-T."}


def test_a_thread_on_an_element_the_td_lacks_is_reported_and_kept(seed: Path, tmp_path: Path) -> None:
    (seed / "comments.yaml").write_text(THREAD_YAML.replace(f"anchor: {ELEMENT}", "anchor: ap-AP9-gone"))
    data, err = build(seed, tmp_path / "TD.docx")
    assert "its element 'ap-AP9-gone' is not in the TD: not put in (it stays in comments.yaml)" in err
    assert "word/comments.xml" not in parts(data)


def test_the_html_shows_open_threads_beside_their_words_as_data(seed: Path, tmp_path: Path) -> None:
    (seed / "comments.yaml").write_text(THREAD_YAML)
    html = build(seed, tmp_path / "TD.html")[0].decode()
    assert '<mark class="comment-anchor" data-thread="1">enhance value</mark>' in html
    assert "Is &lt;b&gt;this&lt;/b&gt; &amp; {{ 7*7 }} right?" in html and "49" not in html.split("comment-1")[1][:600]
    assert 'class="comment reply"' in html and "Settled at the meeting" not in html
    assert "aside.comment-thread" in html  # templates/comments.css, added with the threads
    root = etree.fromstring(html.removeprefix("<!DOCTYPE html>\n").encode(), etree.HTMLParser())
    aside = root.find(".//aside[@id='comment-1']")
    assert aside.getparent().tag == "td"  # beside its words: in the cell, after them


def test_a_template_override_owns_the_threads_look(seed: Path, tmp_path: Path) -> None:
    (seed / "comments.yaml").write_text(THREAD_YAML)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "comments.html.j2").write_text('<aside class="note">{{ thread.author }}: {{ thread.text }}</aside>')
    (templates / "comments.css").write_text("aside.note { color: red; }")
    code, _out, err = run_cli("build", "--plan", str(seed), "--templates", str(templates), "-o",
                              str(tmp_path / "TD.html"))
    assert code == 0, err
    html = (tmp_path / "TD.html").read_text()
    assert '<aside class="note">Ann: Is &lt;b&gt;this' in html and "aside.note { color: red; }" in html


# --- the plan file and the listing -----------------------------------------------------------


def test_comments_yaml_is_checked_like_every_plan_file(seed: Path) -> None:
    (seed / "comments.yaml").write_text(THREAD_YAML.replace("    author: Cy\n", "    autor: Cy\n"))
    code, _out, err = run_cli("validate", "--plan", str(seed))
    assert code == 1
    assert "comments.yaml:15:5: error: unknown field 'autor' (did you mean 'author'?)" in err


def test_apdoc_comments_lists_threads_as_text_markdown_and_json(seed: Path) -> None:
    (seed / "comments.yaml").write_text(THREAD_YAML)
    code, out, _err = run_cli("comments", "--plan", str(seed))
    assert code == 0
    assert f"1. {ELEMENT} “enhance value” (open)\n   Ann, 2026-12-01T10:00:00Z: {HOSTILE}\n" in out
    assert "   Bob, 2026-12-01T11:00:00Z: Yes. Two lines.\n" in out and "2 threads, 1 open" in out
    md = run_cli("comments", "--plan", str(seed), "--format", "md", "--open")[1]
    assert "Is \\<b\\>this\\</b\\> \\& {{ 7\\*7 }} right?" in md and "Settled" not in md
    listed = json.loads(run_cli("comments", "--plan", str(seed), "--format", "json")[1])
    assert [(t["author"], t["resolved"], len(t["replies"])) for t in listed] == [("Ann", False, 1), ("Cy", True, 0)]


# --- LibreOffice, for real -------------------------------------------------------------------


def libreoffice(*args: str) -> str:
    """tests/lo_comments.py run by the system Python (python3-uno). In CI a missing LibreOffice fails."""
    require_libreoffice()
    result = subprocess.run(["/usr/bin/python3", str(Path(__file__).with_name("lo_comments.py")), *args],
                            capture_output=True, text=True, timeout=300, cwd=Path(__file__).parent)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_thread_made_in_libreoffice_comes_back_on_the_same_words(td: bytes, seed: Path, tmp_path: Path) -> None:
    """A comment and a reply typed in LibreOffice (and a resolved comment) → apply → build →
    LibreOffice shows the same thread on the same words; the XML ties the reply to it."""
    (tmp_path / "TD.docx").write_bytes(td)
    libreoffice("add", str(tmp_path / "TD.docx"), str(tmp_path / "edited.docx"))
    code, out, err = run_cli("apply", str(tmp_path / "edited.docx"), "--plan", str(seed))
    assert (code, err) == (0, ""), out + err
    threads = load_plan(seed).comments.model.threads
    assert [(t.anchor, t.quote, t.author, t.text, t.resolved, [(r.author, r.text) for r in t.replies])
            for t in threads] == [
        ("ch-introduction-b0-i1", "To perform a review", "Cy", "Settled", True, []),
        (ELEMENT, "enhance value", "Ann", HOSTILE, False, [("Bob", "Agreed")])]
    assert "nothing to apply" in run_cli("apply", str(tmp_path / "edited.docx"), "--plan", str(seed))[1]
    data, err = build(seed, tmp_path / "rebuilt.docx", "--comments", "all")
    assert err == ""
    shown = json.loads(libreoffice("list", str(tmp_path / "rebuilt.docx")))
    assert sorted(map(tuple, shown)) == [("Ann", HOSTILE, False, "enhance value"),
                                         ("Bob", "Agreed", False, "enhance value"),
                                         ("Cy", "Settled", True, "To perform a review")]
    extended = etree.fromstring(parts(data)["word/commentsExtended.xml"])
    assert [e.get(W15 + "paraIdParent") is not None for e in extended] == [False, False, True]
    # Saved again in LibreOffice (its dates, its order, no reply relation): the same threads.
    libreoffice("resave", str(tmp_path / "rebuilt.docx"), str(tmp_path / "resaved.docx"))
    before = (seed / "comments.yaml").read_bytes()
    code, out, err = run_cli("apply", str(tmp_path / "resaved.docx"), "--plan", str(seed))
    assert (code, err) == (0, "") and "nothing to apply" in out, out + err
    assert (seed / "comments.yaml").read_bytes() == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=40), min_size=1, max_size=3))
def test_any_comment_text_a_docx_may_hold_is_kept_as_the_plan_reads_it(seed: Path, texts: list[str]) -> None:
    """Whatever a comment says (YAML's own syntax, line breaks, characters no plan file may hold),
    comments.yaml holds it as the plan's loader reads it back: the characters a plan cannot hold
    left out, nothing else changed."""
    from apdoc.commands.comments import NOT_IN_A_PLAN, comments_text, thread_of
    from apdoc.readers.docx import Comment

    (seed / "comments.yaml").unlink(missing_ok=True)
    comments = [Comment(id=str(n), author=text, date="", text=text, anchor=text, paragraph=0, where="",
                        element="ch-introduction", quote=text) for n, text in enumerate(texts)]
    threads = [thread_of(c, []) for c in comments]
    (seed / "comments.yaml").write_text(comments_text(load_plan(seed), threads) or "threads: []\n")
    read = load_plan(seed).comments.model.threads
    expected = [NOT_IN_A_PLAN.sub("", t.replace("\r\n", "\n").replace("\r", "\n")) for t in texts]
    assert [(t.author, t.text) for t in read] == [(e, e) for e in expected]
