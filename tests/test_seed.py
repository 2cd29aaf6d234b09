"""The first proof that apdoc works: the seed document, as plan/, comes out of the build."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from apdoc.build import build
from apdoc.plan import load_plan
from conftest import SEED_PLAN, SEED_TEXT
from textcompare import W, coverage, docx_segments, html_segments, seed_segments

pytestmark = pytest.mark.skipif(not SEED_TEXT.is_file(), reason="the seed is not beside this checkout")


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(SEED_PLAN, "docx", tmp_path_factory.mktemp("docx") / "td.docx")


@pytest.fixture(scope="module")
def seed_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(SEED_PLAN, "html", tmp_path_factory.mktemp("html") / "td.html")


def test_seed_plan_is_valid() -> None:
    plan = load_plan(SEED_PLAN)
    ids = [a.model.id for a in plan.action_items]
    assert ids == ["AP1", "AP1.1", "AP1.2", "AP1.3", "AP1.4", "AP1.5", "AP1.6", "AP1.7", "AP2", "AP3", "AP4", "AP5"]
    assert [s.id for s in plan.action_items[1].model.sub_items] == ["AP1.1.1", "AP1.1.2", "AP1.1.3"]


def test_docx_holds_the_seed_text(seed_docx: Path) -> None:
    share, missing = coverage(seed_segments(SEED_TEXT), docx_segments(seed_docx))
    assert share >= 0.99, missing


def test_html_holds_the_seed_text(seed_html: Path) -> None:
    share, missing = coverage(seed_segments(SEED_TEXT), html_segments(seed_html))
    assert share >= 0.99, missing


def test_thirteen_captions_in_order(seed_docx: Path) -> None:
    captions = [line for line in docx_segments(seed_docx) if re.match(r"Table \d+ – ", line)]
    assert [int(c.split()[1]) for c in captions] == list(range(1, 14))
    assert captions[0] == "Table 1 – Definitions of the Principal components of strategic plan"
    assert captions[1] == "Table 2 – Action plan on “Lack of awareness”"
    assert captions[12] == "Table 13 – Identification of documents that contributed to this action plan"


def test_every_matrix_row(seed_docx: Path) -> None:
    numbers = [f"{n:02d}" for n in [*range(1, 17), 19, 21, *range(24, 32)]]
    with zipfile.ZipFile(seed_docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    first_cells = []
    for tbl in root.iter(f"{W}tbl"):
        for tr in tbl.findall(f"{W}tr"):
            tc = tr.find(f"{W}tc")
            first_cells.append("".join(tc.itertext()).strip() if tc is not None else "")
    rows = [c for c in first_cells if re.fullmatch(r"\d\d", c)]
    assert rows == numbers


def test_four_real_footnotes(seed_docx: Path) -> None:
    with zipfile.ZipFile(seed_docx) as z:
        notes = etree.fromstring(z.read("word/footnotes.xml"))
        body = etree.fromstring(z.read("word/document.xml"))
    real = [f for f in notes.findall(f"{W}footnote") if f.get(f"{W}type") is None]
    assert len(real) == 4
    assert len(list(body.iter(f"{W}footnoteReference"))) == 4
    texts = ["".join(f.itertext()) for f in real]
    assert texts[0].strip().startswith("Annex to Convention 1004: SIO")
    assert "itu.int/dms_pub" in texts[3]


@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_deterministic(tmp_path: Path, fmt: str) -> None:
    digests = {hashlib.sha256(build(SEED_PLAN, fmt, tmp_path / f"{i}.{fmt}").read_bytes()).hexdigest() for i in (1, 2)}
    assert len(digests) == 1


def test_figure_one_drawn_from_data(seed_docx: Path) -> None:
    with zipfile.ZipFile(seed_docx) as z:
        assert z.read("word/media/image1.png").startswith(b"\x89PNG")
        body = etree.fromstring(z.read("word/document.xml"))
    captions = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p")
                if any(s.get(f"{W}val") == "FigureNotitle" for s in p.iter(f"{W}pStyle"))]
    assert captions == ["Figure 1 – The four pillars of the action plan and their action items"]
    assert len(list(body.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"))) == 1
