"""After real editing sessions (issue 25): a TD saved again and again in LibreOffice, edited with
Record Changes on at the first word of a heading or footnote, or sent through Word 97's `.doc`,
applies as exactly its edits — no id renamed, no value dropped. LibreOffice makes each scenario
(tests/lo_sessions.py, one LibreOffice for all); each is judged by the patch of the plan files
(no change where there was no edit, exactly the edit otherwise). Cases built without LibreOffice
pin the same rules down at the XML level."""

from __future__ import annotations

import copy
import difflib
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.anchors import bookmark_name
from apply_edits import Docx
from conftest import SEED_PLAN, require_libreoffice, run_cli

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
SESSIONS = ("saved-3-times", "first-words", "first-words-saved-again", "doc-detour")
# The first words each session's editor changed: (plan file, old line, new line).
FIRST_WORDS = [
    ("chapters/02-rationale.yaml", "    title: Visualisation of the components of this document",
     "    title: Visualization of the components of this document"),
    ("chapters/03-resolutions-and-articles.yaml", "        Annex to Convention 1004: SIO",
     "        The Annex to Convention 1004: SIO"),
    ("chapters/05-service-offerings.yaml", "title: ITU-T service offerings", "title: The ITU-T service offerings"),
]


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    shutil.copytree(SEED_PLAN, tmp_path / "plan")
    return tmp_path / "plan"


@pytest.fixture(scope="module")
def sessions(td: bytes, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every scenario of tests/lo_sessions.py, made by one LibreOffice. In CI a missing
    LibreOffice fails these tests instead of skipping them."""
    require_libreoffice()
    where = tmp_path_factory.mktemp("sessions")
    (where / "TD.docx").write_bytes(td)
    subprocess.run(["/usr/bin/python3", str(Path(__file__).with_name("lo_sessions.py")), str(where / "TD.docx"),
                    str(where)], check=True, capture_output=True, timeout=600, cwd=Path(__file__).parent)
    return {name: (where / f"{name}.docx").read_bytes() for name in SESSIONS}


def snapshot(plan: Path) -> dict[str, bytes]:
    return {p.relative_to(plan).as_posix(): p.read_bytes() for p in sorted(plan.rglob("*")) if p.is_file()}


def patch(before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, list[str]]:
    """The unified diff (no context) of every file that changed, as `git diff -U0` shows it."""
    assert sorted(after) == sorted(before), "apply added or removed a file"
    return {name: list(difflib.unified_diff(old.decode().splitlines(), after[name].decode().splitlines(), n=0,
                                            lineterm=""))[2:]
            for name, old in before.items() if after[name] != old}


def expected_patch(plan: Path, edits: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    """The patch of exactly `edits`, each the one line starting `old` given `new`'s start instead."""
    before = snapshot(plan)
    after = dict(before)
    for name, old, new in edits:
        text = after[name].decode()
        assert text.count("\n" + old) == 1, (name, old)
        after[name] = text.replace("\n" + old, "\n" + new).encode()
    return patch(before, after)


def apply(tmp_path: Path, data: bytes, plan: Path) -> tuple[int, str, str]:
    document = tmp_path / "edited.docx"
    document.write_bytes(data)
    return run_cli("apply", str(document), "--plan", str(plan))


def bookmark_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [z.read(name) for name in ("word/document.xml", "word/footnotes.xml")]
    return [s.get(W + "name") for part in parts for s in etree.fromstring(part).iter(W + "bookmarkStart")]


# --- with LibreOffice ------------------------------------------------------------------------


def test_a_td_saved_three_times_in_libreoffice_has_nothing_to_apply(sessions: dict[str, bytes], plan: Path,
                                                                    tmp_path: Path) -> None:
    names = bookmark_names(sessions["saved-3-times"])
    assert any(name.count("_Copy_1") >= 2 and len(name) == 40 for name in names), \
        "the scenario is not what LibreOffice does to a name on every save"
    before = snapshot(plan)
    code, out, err = apply(tmp_path, sessions["saved-3-times"], plan)
    assert (code, err) == (0, ""), out + err
    assert "nothing to apply" in out
    assert patch(before, snapshot(plan)) == {}


@pytest.mark.parametrize("session", ["first-words", "first-words-saved-again"])
def test_tracked_edits_of_first_words_change_titles_and_texts_never_ids(sessions: dict[str, bytes], plan: Path,
                                                                        tmp_path: Path, session: str) -> None:
    with zipfile.ZipFile(io.BytesIO(sessions[session])) as z:
        document = z.read("word/document.xml").decode()
    assert f'w:name="{bookmark_name("ch-visualisation")}"' in document.split("<w:delText>Visualisation")[0] \
        .rsplit("<w:del ", 1)[1], "LibreOffice no longer puts the heading's bookmark inside the deletion"
    wanted = expected_patch(plan, FIRST_WORDS)
    before = snapshot(plan)
    code, out, err = apply(tmp_path, sessions[session], plan)
    assert (code, err) == (0, ""), out + err
    assert "renamed" not in out and "added" not in out.replace("1 word added", "")
    assert patch(before, snapshot(plan)) == wanted


def test_a_doc_detour_drops_no_value_and_says_what_was_not_carried(sessions: dict[str, bytes], plan: Path,
                                                                   tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(sessions["doc-detour"])) as z:
        pictures = list(etree.fromstring(z.read("word/document.xml")).iter(WP + "docPr"))
    assert pictures and not any(p.get("descr") for p in pictures), "the .doc kept the alt text: no detour"
    before = snapshot(plan)
    code, out, err = apply(tmp_path, sessions["doc-detour"], plan)
    assert code == 0, out + err
    assert "nothing to apply" in out
    assert "the picture has no alt text, which carries the figure's heading" in err
    assert "the heading is kept as the plan has it (“Industry engagement action plan”)" in err
    assert patch(before, snapshot(plan)) == {}


# --- the same rules at the XML level -----------------------------------------------------------


def resaved(td: bytes, saves: int) -> bytes:
    """Every bookmark renamed as `saves` saves in LibreOffice rename those it copies: `_Copy_1`
    appended each time, the name cut at 40 characters."""
    doc = Docx(td)
    for part in ("word/document.xml", "word/footnotes.xml"):
        for start in doc.xml(part).iter(W + "bookmarkStart"):
            name = start.get(W + "name")
            for _ in range(saves):
                name = (name + "_Copy_1")[:40]
            start.set(W + "name", name)
    return doc.data()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(saves=st.integers(min_value=1, max_value=12))
def test_every_id_survives_any_number_of_renaming_saves(td: bytes, saves: int) -> None:
    from apdoc.readers.docx import read_docx

    def ids(data: bytes) -> list[str]:
        return [el.get("id") for el in read_docx(data, source="TD.docx").xhtml.iter() if el.get("id")]

    assert ids(resaved(td, saves)) == ids(td)


def first_word_deleted(doc: Docx, part: str, needle: str, old: str, new: str) -> None:
    """LibreOffice's shape of a tracked first-word edit: the paragraph's bookmark moves into the
    `w:del` of the word, the new word in a `w:ins` after it."""
    paragraph = next(p for p in doc.xml(part).iter(W + "p") if "".join(p.itertext()).startswith(needle)
                     or needle in "".join(p.itertext())[:80])
    start = paragraph.find(W + "bookmarkStart")
    t = next(t for t in paragraph.iter(W + "t") if (t.text or "").lstrip().startswith(old))
    run = t.getparent()
    t.text = t.text.replace(old, "", 1)
    deletion = etree.Element(W + "del", {W + "id": "900", W + "author": "A", W + "date": "2026-12-01T00:00:00Z"})
    deletion.append(start)
    etree.SubElement(etree.SubElement(deletion, W + "r"), W + "delText").text = old
    insertion = etree.Element(W + "ins", {W + "id": "901", W + "author": "A", W + "date": "2026-12-01T00:00:00Z"})
    etree.SubElement(etree.SubElement(insertion, W + "r"), W + "t").text = new
    run.addprevious(deletion)
    run.addprevious(insertion)


def test_a_bookmark_inside_a_deleted_first_word_still_anchors_its_element(td: bytes, plan: Path,
                                                                          tmp_path: Path) -> None:
    doc = Docx(td)
    first_word_deleted(doc, "word/document.xml", "Visualisation of the components", "Visualisation", "Visualization")
    first_word_deleted(doc, "word/document.xml", "ITU-T service offerings", "ITU-T", "The ITU-T")
    first_word_deleted(doc, "word/footnotes.xml", "Annex to Convention 1004", "Annex", "The Annex")
    wanted = expected_patch(plan, FIRST_WORDS)
    before = snapshot(plan)
    code, out, err = apply(tmp_path, doc.data(), plan)
    assert (code, err) == (0, ""), out + err
    assert "renamed" not in out
    assert patch(before, snapshot(plan)) == wanted


def without_alt_text(td: bytes) -> bytes:
    doc = Docx(td)
    for picture in doc.xml().iter(WP + "docPr"):
        picture.set("name", "Image1")
        del picture.attrib["descr"]
    return doc.data()


def test_a_picture_that_lost_its_alt_text_keeps_the_figures_heading(td: bytes, plan: Path, tmp_path: Path) -> None:
    before = snapshot(plan)
    code, out, err = apply(tmp_path, without_alt_text(td), plan)
    assert code == 0 and "nothing to apply" in out, out + err
    assert "(“Industry engagement action plan”)" in err
    assert patch(before, snapshot(plan)) == {}


def test_import_says_which_heading_a_picture_without_alt_text_did_not_carry(td: bytes, tmp_path: Path) -> None:
    document = tmp_path / "TD.docx"
    document.write_bytes(without_alt_text(td))
    code, _out, err = run_cli("import", str(document), "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert "Figure 1 – The four pillars" in err and "the heading is left out" in err
    rationale = (tmp_path / "out/chapters/02-rationale.yaml").read_text()
    assert "id: pillars" in rationale and "heading:" not in rationale


def test_a_heading_that_lost_its_anchor_keeps_its_id_when_its_title_changes(td: bytes, plan: Path,
                                                                           tmp_path: Path) -> None:
    """Ids change only when the YAML says so: a heading whose bookmark is gone (its id made from
    its title) takes the id of the one in its place before, and its new title is the edit."""
    doc = Docx(td)
    for needle, old, new in [("Visualisation of the components", "Visualisation", "Visualization"),
                             ("ITU-T service offerings", "ITU-T", "The ITU-T")]:
        heading = next(p for p in doc.xml().iter(W + "p") if "".join(p.itertext()).startswith(needle))
        heading.remove(heading.find(W + "bookmarkStart"))
        t = next(t for t in heading.iter(W + "t") if old in (t.text or ""))
        t.text = t.text.replace(old, new, 1)
    wanted = expected_patch(plan, [FIRST_WORDS[0], FIRST_WORDS[2]])
    before = snapshot(plan)
    code, out, err = apply(tmp_path, doc.data(), plan)
    assert (code, err) == (0, ""), out + err
    assert "renamed" not in out
    assert patch(before, snapshot(plan)) == wanted


def test_a_new_heading_without_an_anchor_is_a_new_section_not_a_rename(td: bytes, plan: Path,
                                                                        tmp_path: Path) -> None:
    """A heading typed before another (no anchor of its own) does not take the id of the one
    after it, which keeps its anchor: the new section is reported as added."""
    doc = Docx(td)
    heading = next(p for p in doc.xml().iter(W + "p")
                   if "".join(p.itertext()).startswith("Visualisation of the components"))
    typed = copy.deepcopy(heading)
    typed.remove(typed.find(W + "bookmarkStart"))
    for t in typed.iter(W + "t"):
        t.text = ""
    next(typed.iter(W + "t")).text = "A section typed at the meeting"
    heading.addprevious(typed)
    body = copy.deepcopy(heading.getnext())
    for mark in body.findall(W + "bookmarkStart"):
        body.remove(mark)
    for t in body.iter(W + "t"):
        t.text = ""
    next(body.iter(W + "t")).text = "Its text."
    typed.addnext(body)
    code, out, err = apply(tmp_path, doc.data(), plan)
    assert (code, err) == (0, ""), out + err
    assert "renamed" not in out and "(A section typed at the meeting): added" in out
    rationale = (plan / "chapters/02-rationale.yaml").read_text()
    assert "  - id: a-section-typed-at-the-meeting\n    title: A section typed at the meeting\n" in rationale
    assert "  - id: visualisation\n    title: Visualisation of the components of this document\n" in rationale


def test_a_footnote_that_lost_its_anchor_keeps_its_id_when_its_first_word_changes(td: bytes, plan: Path,
                                                                                  tmp_path: Path) -> None:
    doc = Docx(td)
    note = next(p for p in doc.xml("word/footnotes.xml").iter(W + "p")
                if "Annex to Convention 1004" in "".join(p.itertext()))
    mark = next(note.iter(W + "bookmarkStart"))
    mark.getparent().remove(mark)
    t = next(t for t in note.iter(W + "t") if "Annex" in (t.text or ""))
    t.text = t.text.replace("Annex", "The Annex", 1)
    wanted = expected_patch(plan, [FIRST_WORDS[1]])
    before = snapshot(plan)
    code, out, err = apply(tmp_path, doc.data(), plan)
    assert (code, err) == (0, ""), out + err
    assert "Footnote sio: 1 word added" in out and ": removed" not in out and ": added" not in out
    assert patch(before, snapshot(plan)) == wanted


@pytest.mark.parametrize(("known", "found", "original"), [
    (["_ap12345678_aaa", "_ap12345678_bbb"], "_ap12345678_bbb_Copy_1_Copy_1", "_ap12345678_bbb"),  # keys agree
    (["_ap12345678_aaa", "_ap12345678_bbb"], "_ap12345678_b", None),  # cut where only the name told them apart
    (["_ap12345678_aaa"], "_ap12345678_a", "_ap12345678_aaa"),  # cut inside its readable part
    (["_ap12345678_aaa"], "_ap12345678", "_ap12345678_aaa"),
    (["_ap12345678_aaa"], "_ap1234567", None),  # the key itself cut: no name
    (["_ap12345678_aaa"], "_ap87654321_aaa", None),
    (["_fn_sme_54b30676"], "_fn_sme_54b30676_Copy_1_Copy_1_Copy_1", "_fn_sme_54b30676"),  # a TD built before
    (["_fn_sme_54b30676"], "_fn_sme_54b3", None),
])
def test_a_name_is_recognised_by_its_key_whatever_follows(known: list[str], found: str,
                                                          original: str | None) -> None:
    from apdoc.anchors import AnchorNames

    assert AnchorNames(known).original(found) == original


@given(element_id=st.text(min_size=1, max_size=300), copies=st.integers(min_value=0, max_value=20),
       cut=st.integers(min_value=11, max_value=40))
def test_every_name_is_a_bookmark_name_that_renames_and_cuts_do_not_lose(element_id: str, copies: int,
                                                                         cut: int) -> None:
    from apdoc.anchors import AnchorNames

    name = bookmark_name(element_id)
    assert len(name) <= 38 and name.startswith("_ap") and all(c.isascii() and (c.isalnum() or c == "_")
                                                               for c in name)
    found = (name + "_Copy_1" * copies)[:cut] if copies else name
    assert AnchorNames([name, bookmark_name(element_id + "x")]).original(found) in (name, None)
    assert AnchorNames([name]).original(found) == name
