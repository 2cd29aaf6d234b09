"""Untrusted Word files (issue 20, classes 1, 2 and 6): every DOCX `import` and `apply` are handed
is read, or refused with one message; no crash, no hang, no unbounded work.

1. numbers that are not numbers (every numeric attribute the reader reads, any text in it);
2. work without a bound (spans, files that are not files, entries);
6. packages that are not what they say (duplicate parts, relationships that lead outside or
   back, styles in a ring, a DOCX that shows no TD).

The DOCX cases are the mini plan's TD, edited here with lxml and zipfile.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.readers import DocxError, read_docx
from apdoc.readers.docx import package
from apdoc.readers.docx.numbers import DECIMAL, SHORT_HEX, TWIPS, number
from apdoc.unlayout import plan_from_xhtml
from conftest import MINI_PLAN, run_cli

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@cache
def mini_docx() -> bytes:
    """The mini plan's TD as `apdoc build` writes it (with the plan's digest, which `apply` reads)."""
    with tempfile.TemporaryDirectory() as where:
        code, _, err = run_cli("build", "--plan", str(MINI_PLAN), "--format", "docx", "-o", f"{where}/td.docx")
        assert code == 0, err
        return Path(where, "td.docx").read_bytes()


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_of(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():  # zipfile warns of a duplicate name: that is the point of some cases
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in entries:
                archive.writestr(name, content)
    return out.getvalue()


def edited(edit: Callable[[dict[str, etree._Element]], None], parts: tuple[str, ...] = (
        "word/document.xml", "word/numbering.xml", "word/styles.xml")) -> bytes:
    """The mini TD with `edit` applied to the parsed XML `parts`."""
    files = parts_of(mini_docx())
    roots = {name: etree.fromstring(files[name]) for name in parts}
    edit(roots)
    files |= {name: etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
              for name, root in roots.items()}
    return zip_of(list(files.items()))


def w(tag: str, **attrs: str) -> etree._Element:
    return etree.Element(W + tag, {W + k: v for k, v in attrs.items()})


def first(root: etree._Element, path: str) -> etree._Element:
    found = root.find(path.replace("w:", W))
    assert found is not None, f"the mini TD has no {path}"
    return found


def child(parent: etree._Element, tag: str, at: int | None = None) -> etree._Element:
    """`parent`'s w:`tag` child, made (first, or at the end) when it has none."""
    found = parent.find(W + tag)
    if found is None:
        found = w(tag)
        if at is None:
            parent.append(found)
        else:
            parent.insert(at, found)
    return found


def body_paragraph(root: etree._Element) -> etree._Element:
    """A paragraph of the body after the cover: one with text, outside tables."""
    return next(p for p in root.find(W + "body").iter(W + "p")
                if next(p.iterancestors(W + "tbl"), None) is None and "".join(p.itertext()).strip())


# Every numeric attribute the reader reads, each at a place the mini TD has (or is given) it.
SITES: dict[str, Callable[[dict[str, etree._Element], str], None]] = {
    "gridSpan": lambda r, v: first(r["word/document.xml"], ".//w:gridSpan").set(W + "val", v),
    "gridCol w": lambda r, v: first(r["word/document.xml"], ".//w:gridCol").set(W + "w", v),
    "gridBefore": lambda r, v: child(child(first(r["word/document.xml"], ".//w:tr"), "trPr", 0),
                                     "gridBefore").set(W + "val", v),
    "pgSz w": lambda r, v: first(r["word/document.xml"], ".//w:pgSz").set(W + "w", v),
    "pgSz h": lambda r, v: first(r["word/document.xml"], ".//w:pgSz").set(W + "h", v),
    "ilvl (document)": lambda r, v: first(r["word/document.xml"], ".//w:numPr/w:ilvl").set(W + "val", v),
    "outlineLvl (document)": lambda r, v: child(child(body_paragraph(r["word/document.xml"]), "pPr", 0),
                                                "outlineLvl").set(W + "val", v),
    "ind left": lambda r, v: child(child(body_paragraph(r["word/document.xml"]), "pPr", 0),
                                   "ind").set(W + "left", v),
    "ind start": lambda r, v: child(child(body_paragraph(r["word/document.xml"]), "pPr", 0),
                                    "ind").set(W + "start", v),
    "sym char": lambda r, v: first(body_paragraph(r["word/document.xml"]), "w:r").append(
        w("sym", font="Symbol", char=v)),
    "ilvl (numbering lvl)": lambda r, v: first(r["word/numbering.xml"], ".//w:abstractNum/w:lvl").set(W + "ilvl", v),
    "ilvl (numbering lvlOverride)": lambda r, v: first(r["word/numbering.xml"], ".//w:lvlOverride").set(
        W + "ilvl", v),
    "outlineLvl (styles)": lambda r, v: child(child(first(r["word/styles.xml"], ".//w:style[@w:type='paragraph']"),
                                                    "pPr"), "outlineLvl").set(W + "val", v),
}

# Text an XML attribute can hold (no C0 controls, no surrogates).
ATTRIBUTE_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
GARBAGE = st.one_of(
    ATTRIBUTE_TEXT,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=2**80).map(lambda n: f"{n:X}"),
    st.from_regex(r"-?[0-9]{1,6}(\.[0-9]{1,3})?(mm|cm|in|pt|pc|pi|px|em)?", fullmatch=True),
    st.sampled_from(["", " ", "x", "wide", "zz", "FFFFFFFFFF", "1e9", "0x10", "NaN", "-0", "+1", "1000000000",
                     "9" * 5000, "9" * 400 + "in", "1e999pt", "D800", "0001", "F0B7", "²", "٣", "1_000"]),
)


def read_all_the_way(data: bytes) -> list[str]:
    """What `import` does with a DOCX, up to the plan values; the reader's and unlayout's warnings."""
    result = read_docx(data, source="TD.docx")
    etree.tostring(result.xhtml)  # everything in it is XML
    return result.warnings + plan_from_xhtml(result.xhtml, source="TD.docx").warnings


# --- 1. numbers that are not numbers --------------------------------------------------------------


@pytest.mark.parametrize("site", list(SITES))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=GARBAGE)
@example(value="x")
@example(value="FFFFFFFFFF")
def test_any_text_in_any_numeric_attribute_is_read_or_ignored_never_a_crash(site: str, value: str) -> None:
    read_all_the_way(edited(lambda roots: SITES[site](roots, value)))


# The issue's cases, and what the warning names: the part (styles, numbering) or the paragraph.
ISSUE_CASES = [
    ("gridSpan", "x", 'gridSpan val="x" is not a ST_DecimalNumber'),
    ("gridCol w", "wide", 'gridCol w="wide" is not a ST_TwipsMeasure'),
    ("pgSz w", "x", 'pgSz w="x" is not a ST_TwipsMeasure'),
    ("ilvl (document)", "x", 'ilvl val="x" is not a ST_DecimalNumber'),
    ("ilvl (numbering lvl)", "x", 'word/numbering.xml: warning: lvl ilvl="x" is not a ST_DecimalNumber'),
    ("outlineLvl (styles)", "x", 'word/styles.xml: warning: outlineLvl val="x" is not a ST_DecimalNumber'),
    ("sym char", "zz", 'sym char="zz" is not a ST_ShortHexNumber'),
    ("sym char", "FFFFFFFFFF", 'sym char="FFFFFFFFFF" is not a ST_ShortHexNumber'),
]


@pytest.mark.parametrize(("site", "value", "message"), ISSUE_CASES)
def test_a_number_that_is_not_one_is_a_warning_naming_where(site: str, value: str, message: str) -> None:
    found = [w for w in read_all_the_way(edited(lambda roots: SITES[site](roots, value))) if message in w]
    assert len(found) == 1, found
    assert found[0].startswith("TD.docx: ")


@pytest.mark.parametrize(("site", "value", "message"), ISSUE_CASES[::2])
def test_import_and_apply_read_a_bad_number_with_a_warning(mini_plan: Path, tmp_path: Path, site: str, value: str,
                                                           message: str) -> None:
    docx = tmp_path / "td.docx"
    docx.write_bytes(edited(lambda roots: SITES[site](roots, value)))
    code, _, err = run_cli("import", str(docx), "-o", str(tmp_path / "imported"))
    assert code == 0 and message in err, err
    code, _, err = run_cli("apply", str(docx), "--plan", str(mini_plan), "--dry-run")
    assert code == 0 and "internal error" not in err, err


def test_a_symbol_that_xml_cannot_hold_is_left_out_with_a_warning() -> None:
    for char in ("0001", "D800", "F01B"):  # a control character, half a surrogate pair, U+001B through F0xx
        found = read_all_the_way(edited(lambda roots, c=char: SITES["sym char"](roots, c)))
        assert any("cannot be text" in w for w in found), found


def test_a_private_use_symbol_reads_as_its_character() -> None:
    data = edited(lambda roots: SITES["sym char"](roots, "F0B7"))
    assert "\u00b7" in "".join(read_docx(data, source="TD.docx").xhtml.itertext())


@pytest.mark.parametrize(("kind", "text", "expected"), [
    (DECIMAL, "-12", -12), (DECIMAL, "2147483648", None), (SHORT_HEX, "f0B7", 0xF0B7), (SHORT_HEX, "10000", None),
    (TWIPS, "1440", 1440), (TWIPS, "1in", 1440), (TWIPS, "2.54cm", 1440), (TWIPS, "-1in", None), (TWIPS, "1px", None),
    (TWIPS, "9" * 400 + "in", None),  # as a float, infinity
])
def test_numbers_are_read_by_their_simple_type(kind, text: str, expected: int | None) -> None:
    told: list[str] = []
    assert number(w("x", v=text), W + "v", kind, lambda _el, message: told.append(message)) == expected
    assert bool(told) == (expected is None)


# --- 2. work without a bound ----------------------------------------------------------------------


def apdoc(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """apdoc in a process of its own, so that a hang fails the test instead of stopping the run."""
    return subprocess.run([sys.executable, "-m", "apdoc", *args], capture_output=True, text=True, timeout=timeout)


def test_a_span_of_a_billion_columns_is_bounded_at_word_s_63() -> None:
    start = time.perf_counter()
    data = edited(lambda roots: SITES["gridSpan"](roots, "1000000000"))
    found = read_all_the_way(data)
    assert time.perf_counter() - start < 30
    assert any('gridSpan val="1000000000" is not a ST_DecimalNumber (a count of table columns, 0-63)' in w
               for w in found), found
    spans = [int(c.get("colspan", "1")) for c in read_docx(data, source="TD.docx").xhtml.iter("td", "th")]
    assert max(spans) <= 63


def test_a_span_of_63_is_kept() -> None:
    data = edited(lambda roots: SITES["gridSpan"](roots, "63"))
    assert "63" in [c.get("colspan") for c in read_docx(data, source="TD.docx").xhtml.iter("td", "th")]


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "folder"])
@pytest.mark.parametrize("command", ["import", "apply"])
def test_a_docx_that_is_not_a_regular_file_is_refused_unopened(tmp_path: Path, mini_plan: Path, kind: str,
                                                               command: str) -> None:
    if kind == "fifo":
        path = tmp_path / "td.docx"
        os.mkfifo(path)  # no writer ever comes: opening it would wait forever
    elif kind == "folder":
        path = tmp_path / "td.docx"
        path.mkdir()
    else:
        path = Path(kind)
    args = ["import", str(path), "-o", str(tmp_path / "out")] if command == "import" else \
        ["apply", str(path), "--plan", str(mini_plan), "--dry-run"]
    done = apdoc(*args, timeout=60)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    if kind != "folder":  # a folder is refused by the command line itself (click: "is a directory")
        assert "not a regular file" in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()


def test_a_zip_of_too_many_entries_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(package, "MAX_ENTRIES", 20)
    data = zip_of([*parts_of(mini_docx()).items(), *((f"word/media/x{n}.png", b"") for n in range(30))])
    with pytest.raises(DocxError, match=r"entries in the zip \(the most is 20\)"):
        read_docx(data, source="TD.docx")


# --- 6. packages that are not what they say -------------------------------------------------------


@pytest.mark.parametrize("second", ["word/document.xml", "Word/Document.XML", "word/styles.xml"])
def test_two_entries_with_one_part_name_are_refused(second: str) -> None:
    files = parts_of(mini_docx())
    hidden = second if second in files else "word/document.xml"
    data = zip_of([*files.items(), (second, files[hidden].replace(b"Scope", b"Hidden"))])
    with pytest.raises(DocxError, match="twice"):
        read_docx(data, source="TD.docx")


def with_relationship(kind: str, target: str, external: bool = False) -> bytes:
    """The mini TD with the document's `kind` relationship (styles, footnotes…) pointing at `target`."""
    def edit(roots: dict[str, etree._Element]) -> None:
        rel = next(r for r in roots["word/_rels/document.xml.rels"].iter(RELS + "Relationship")
                   if r.get("Type", "").endswith("/" + kind))
        rel.set("Target", target)
        if external:
            rel.set("TargetMode", "External")
    return edited(edit, ("word/_rels/document.xml.rels",))


@pytest.mark.parametrize(("kind", "target", "external", "why"), [
    ("styles", "https://example.com/styles.xml", True, "is external"),
    ("numbering", "file:///etc/passwd", True, "is external"),
    ("footnotes", "\\\\server\\share\\notes.xml", True, "is external"),
    ("footnotes", "document.xml", False, "leads back to word/document.xml"),
    ("styles", "/word/document.xml", False, "leads back to word/document.xml"),
    ("numbering", "_rels/document.xml.rels", False, "leads back to word/_rels/document.xml.rels"),
    ("numbering", "styles.xml", False, "leads to word/styles.xml, which is the styles already"),
])
def test_a_relationship_outside_or_back_to_the_document_is_ignored_with_one_warning(
        kind: str, target: str, external: bool, why: str) -> None:
    found = [w for w in read_docx(with_relationship(kind, target, external), source="TD.docx").warnings
             if "relationship" in w]
    assert found == [f"TD.docx: word/document.xml: warning: its {kind} relationship {why}"
                     f"{f' ({target})' if external else ''}: ignored"]


def ring_of_styles(roots: dict[str, etree._Element]) -> None:
    """Every paragraph style based on the next, the last on the first."""
    styles = [s for s in roots["word/styles.xml"].iter(W + "style") if s.get(W + "type") == "paragraph"]
    for n, style in enumerate(styles):
        for old in style.findall(W + "basedOn"):
            style.remove(old)
        style.insert(1, w("basedOn", val=styles[(n + 1) % len(styles)].get(W + "styleId")))


def test_styles_based_on_each_other_in_a_ring_are_cut_once_with_a_warning() -> None:
    found = [w for w in read_all_the_way(edited(ring_of_styles, ("word/styles.xml",))) if "in a ring" in w]
    assert len(found) == 1 and found[0].startswith("TD.docx: word/styles.xml: warning: styles based on each other")


def test_a_two_style_ring_does_not_make_a_heading_of_every_paragraph() -> None:
    """Body text based on a heading style based on body text: the ring is cut where it closes,
    met in the part's order, so the style that comes first keeps no base."""
    def edit(roots: dict[str, etree._Element]) -> None:
        styles = {s.get(W + "styleId"): s for s in roots["word/styles.xml"].iter(W + "style")}
        normal, heading = styles["Normal"], styles["Heading1"]
        assert list(styles).index("Normal") < list(styles).index("Heading1")
        normal.insert(1, w("basedOn", val="Heading1"))
        for old in heading.findall(W + "basedOn"):
            heading.remove(old)
        heading.insert(1, w("basedOn", val="Normal"))
    xhtml = read_docx(edited(edit, ("word/styles.xml",)), source="TD.docx").xhtml
    assert len(xhtml.findall(".//h1")) == len(read_docx(mini_docx(), source="TD.docx").xhtml.findall(".//h1"))


def no_headings(roots: dict[str, etree._Element]) -> None:
    for style in roots["word/document.xml"].iter(W + "pStyle"):
        if style.get(W + "val", "").startswith(("Heading", "Annex")):
            style.set(W + "val", "Normal")


@pytest.mark.parametrize(("case", "says"), [
    ("plain paragraphs", "no cover and no headings"),
    ("the cover, no headings", "a cover but no headings"),
    ("styles elsewhere", "a cover but no headings"),
])
def test_a_docx_that_shows_no_td_is_one_message_and_nothing_written(tmp_path: Path, case: str, says: str) -> None:
    if case == "plain paragraphs":
        body = "".join(f"<w:p><w:r><w:t>paragraph {n}</w:t></w:r></w:p>" for n in range(150))
        document = f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()
        data = zip_of([*(parts_of(mini_docx()) | {"word/document.xml": document}).items()])
    elif case == "the cover, no headings":
        data = edited(no_headings, ("word/document.xml",))
    else:
        data = with_relationship("styles", "https://example.com/styles.xml", external=True)
    docx, out = tmp_path / "td.docx", tmp_path / "out"
    docx.write_bytes(data)
    code, stdout, err = run_cli("import", str(docx), "-o", str(out))
    assert code == 1
    lines = [line for line in err.splitlines() if line.strip() and line != "1 error"]
    assert lines == [f"{docx}: error: not a TD that apdoc can read: {says} (a chapter starts at a paragraph "
                     "in a Heading 1 style or at outline level 1); nothing written"], err
    assert not out.exists() and not stdout

