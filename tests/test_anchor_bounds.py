"""A DOCX's anchors are untrusted (issue 20, class 2): the anchor map in its custom properties
and the bookmark and link names in its text are bounded — nesting, id length, name length — and a
hostile id never becomes a path. Past a bound: one message naming the DOCX, exit 1, nothing
written; a name that no bookmark can have is no anchor."""

from __future__ import annotations

import base64
import copy
import json
import re
import zlib
from pathlib import Path

import pytest
from lxml import etree

from apdoc.anchors import ID_LIMIT, PART_LENGTH, read_anchor_properties
from apply_edits import Docx
from conftest import SEED_PLAN, run_cli

CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PROPERTIES = "docProps/custom.xml"


@pytest.fixture(scope="module")
def td(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    where = tmp_path_factory.mktemp("td")
    code, _out, err = run_cli("build", "--plan", str(SEED_PLAN), "-o", str(where / "TD.docx"))
    assert code == 0, err
    return (where / "TD.docx").read_bytes()


def the_map(doc: Docx) -> dict[str, str]:
    root = doc.xml(PROPERTIES)
    return {p.get("name"): "".join(p.itertext()) for p in root.iter(CUSTOM + "property")}


def with_map_parts(td: bytes, parts: dict[str, str]) -> bytes:
    """The TD with its anchor map's properties replaced by `parts`."""
    doc = Docx(td)
    root = doc.xml(PROPERTIES)
    old = [p for p in root.iter(CUSTOM + "property") if p.get("name").startswith("apdoc-anchors-")]
    pid = max(int(p.get("pid")) for p in root.iter(CUSTOM + "property"))
    for p in old:
        root.remove(p)
    for n, (name, text) in enumerate(parts.items(), 1):
        new = copy.deepcopy(old[0])
        new.set("name", name)
        new.set("pid", str(pid + n))
        new[0].text = text
        root.append(new)
    return doc.data()


def packed(data: bytes) -> dict[str, str]:
    text = base64.b64encode(zlib.compress(data, 9)).decode("ascii")
    starts = range(0, len(text), PART_LENGTH)
    return {f"apdoc-anchors-{n:03d}": text[i:i + PART_LENGTH] for n, i in enumerate(starts, 1)}


def with_ids_changed(td: bytes, change: dict[str, str]) -> bytes:
    """The TD whose map gives the bookmarks of the ids in `change` other ids."""
    ids, tags = read_anchor_properties(the_map(Docx(td)))
    table = [[name, change.get(element_id, element_id), tags[element_id]] for name, element_id in ids.items()]
    return with_map_parts(td, packed(json.dumps(table).encode("ascii")))  # \uXXXX: any text JSON can say


def imported(tmp_path: Path, data: bytes) -> tuple[int, str, str, Path]:
    (tmp_path / "TD.docx").write_bytes(data)
    out = tmp_path / "out"
    code, stdout, err = run_cli("import", str(tmp_path / "TD.docx"), "-o", str(out))
    return code, stdout, err, out


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_a_map_nested_200000_deep_is_refused_naming_the_docx(td: bytes, tmp_path: Path) -> None:
    code, _out, err, out = imported(tmp_path, with_map_parts(td, packed(b"[" * 200_000 + b"]" * 200_000)))
    assert code == 1
    assert "TD.docx: error: its anchor map (custom properties apdoc-anchors-…) is nested deeper than a map" in err
    assert "Traceback" not in err and "internal error" not in err
    assert not out.exists()


def test_a_map_of_another_shape_is_refused_naming_the_docx(td: bytes, tmp_path: Path) -> None:
    code, _out, err, out = imported(tmp_path, with_map_parts(td, packed(b'[[["a"], "ch-x", "h1"]]')))
    assert code == 1 and "is not a list of [bookmark, id, tag]: refused" in err
    assert not out.exists()


def test_an_id_of_100000_characters_is_refused_before_it_names_a_file(td: bytes, tmp_path: Path) -> None:
    long = "ch-" + "a" * 100_000
    code, _out, err, out = imported(tmp_path, with_ids_changed(td, {"ch-rationale": long}))
    assert code == 1
    assert f"TD.docx: error: its anchor map (custom properties apdoc-anchors-…) holds an id of 100,003 " \
           f"characters (ids have at most {ID_LIMIT}): refused" in err
    assert "File name too long" not in err and "internal error" not in err
    assert not out.exists()


@pytest.mark.parametrize("character", ["\x00", "\x0b", "\ud800", "\u2028"])
def test_an_id_with_a_character_no_id_has_is_refused(td: bytes, tmp_path: Path, character: str) -> None:
    code, _out, err, out = imported(tmp_path, with_ids_changed(td, {"ch-rationale": f"ch-a{character}b"}))
    assert code == 1
    assert f"holds an id with U+{ord(character):04X}, which no id has: refused" in err
    assert not out.exists()


@pytest.mark.parametrize("hostile", ["ch-../../../escaped", "ch-/etc/passwd", "ch-a/b", "ch-..", "ch-.hidden",
                                     "ch-a\\b", "ch-A", "ch-a b", "ch-é", "ch-" + "b" * (ID_LIMIT - 3)])
def test_a_hostile_id_never_becomes_a_path(td: bytes, tmp_path: Path, hostile: str) -> None:
    """Ids that are no slug (a path, dots, capitals, other letters) name no file: the chapter is
    named from its title, inside the output, as in a hand-made TD; an id at the length limit names
    a file that the file system holds."""
    code, _out, err, out = imported(tmp_path, with_ids_changed(td, {"ch-rationale": hostile}))
    assert code == 0, err
    assert [p for p in files_under(tmp_path) if p.name != "TD.docx" and out not in p.parents] == []
    chapters = sorted(p.name for p in (out / "chapters").iterdir())
    slug = hostile.removeprefix("ch-")
    assert chapters[1] == (f"02-{slug}.yaml" if re.fullmatch(r"[a-z0-9-]+", slug) else "02-rationale.yaml")


def test_a_link_to_a_name_no_bookmark_can_have_is_no_anchor(td: bytes, tmp_path: Path) -> None:
    """A bookmark and an internal link named past Word's 40 characters (100,000 here) anchor
    nothing: the heading keeps its own id, and no file is named after the long name."""
    long = "ch-" + "c" * 100_000
    doc = Docx(td)
    root = doc.xml()
    heading = next(p for p in root.iter(W + "p") if "".join(p.itertext()).strip() == "Rationale")
    start = heading.find(W + "bookmarkStart")
    start.set(W + "name", long)
    link = etree.SubElement(heading, W + "hyperlink", {W + "anchor": long})
    etree.SubElement(etree.SubElement(link, W + "r"), W + "t").text = " see"
    code, _out, err, out = imported(tmp_path, doc.data())
    assert code == 0, err
    assert all(len(p.name) < 100 for p in files_under(out))
