"""The plan a TD carries (custom properties apdoc-plan-base-NNN): `apdoc apply`'s base when
neither the plan on disk nor git can give the plan the TD was built from, and refused, with a
message, when it is damaged or altered."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from apply_edits import Docx, replace_words
from conftest import SEED_PLAN, require_libreoffice, run_cli
from ooxml import audit_problems

KEY_OUTCOMES = "Identified list of value propositions"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """The seed TD built twice from a copy of plan/ outside git (no commit recorded)."""
    where = tmp_path_factory.mktemp("td")
    shutil.copytree(SEED_PLAN, where / "plan")
    out = []
    for name in ("one.docx", "two.docx"):
        code, _out, err = run_cli("build", "--plan", str(where / "plan"), "-o", str(where / name))
        assert code == 0, err
        out.append((where / name).read_bytes())
    return out[0], out[1]


@pytest.fixture
def td(built: tuple[bytes, bytes]) -> bytes:
    return built[0]


def properties(data: bytes) -> dict[str, str]:
    root = Docx(data).xml("docProps/custom.xml")
    return {p.get("name"): "".join(p.itertext()) for p in root}


def carried(data: bytes) -> dict[str, object]:
    props = properties(data)
    names = sorted((n for n in props if n.startswith("apdoc-plan-base-")), key=lambda n: int(n.rsplit("-", 1)[1]))
    return json.loads(zlib.decompress(base64.b64decode("".join(props[n] for n in names))))


def with_carried(packed: bytes | str) -> Callable[[Docx], None]:
    """Replace the plan the TD carries by `packed` (bytes: zlib-packed and encoded here)."""
    text = packed if isinstance(packed, str) else base64.b64encode(zlib.compress(packed, 9)).decode()

    def change(doc: Docx) -> None:
        root = doc.xml("docProps/custom.xml")
        parts = [p for p in root if p.get("name", "").startswith("apdoc-plan-base-")]
        for prop in parts[1:]:
            root.remove(prop)
        next(iter(parts[0])).text = text
    return change


def untracked_edit(doc: Docx) -> None:
    replace_words(doc.xml(), KEY_OUTCOMES, "enhance", "raise", tracked=False)


def tracked_edit(doc: Docx) -> None:
    replace_words(doc.xml(), KEY_OUTCOMES, "enhance", "raise", tracked=True)


def edited(td: bytes, *steps: Callable[[Docx], None]) -> bytes:
    doc = Docx(td)
    for step in steps:
        step(doc)
    return doc.data()


def moved_on(plan: Path) -> None:
    """The plan changes after the build, in another file: the TD's digest is no longer the plan's."""
    path = plan / "action-items/AP1.yaml"
    path.write_text(path.read_text().replace("a full range of measures", "a wide range of measures"))


def apply(tmp_path: Path, data: bytes, plan: Path, *options: str) -> tuple[int, str, str]:
    document = tmp_path / "edited.docx"
    document.write_bytes(data)
    return run_cli("apply", str(document), "--plan", str(plan), *options)


def ap13(plan: Path) -> str:
    return (plan / "action-items/AP1.3.yaml").read_text()


# --- what the TD carries -----------------------------------------------------------------------


def test_the_td_carries_the_plans_values_and_the_same_plan_gives_the_same_bytes(built: tuple[bytes, bytes]) -> None:
    one, two = built
    assert one == two
    values = carried(one)
    assert "document.yaml" in values and "action-items/AP1.3.yaml" in values
    assert values["action-items/AP1.3.yaml"]["id"] == "AP1.3"  # type: ignore[index]
    assert all(len(value) <= 255 for value in properties(one).values())  # what Word keeps whole


def test_the_td_carrying_its_plan_is_valid_ooxml(td: bytes, tmp_path: Path) -> None:
    (tmp_path / "TD.docx").write_bytes(td)
    assert audit_problems(tmp_path / "TD.docx") == []


def test_other_formats_do_not_carry_the_packed_values(tmp_path: Path) -> None:
    """The HTML drops them; the PDF's plan archive holds the files themselves, and its manifest
    the digest, not the packed values."""
    from apdoc.plan.pdf_source import plan_of_pdf

    shutil.copytree(SEED_PLAN, tmp_path / "plan")
    code, _out, err = run_cli("build", "--plan", str(tmp_path / "plan"), "--format", "all", "-o", str(tmp_path) + "/")
    assert code == 0, err
    text = (tmp_path / "TSAG-TD-XXX.html").read_text()
    assert "apdoc-plan-digest" in text and "apdoc-plan-base" not in text
    facts = plan_of_pdf((tmp_path / "TSAG-TD-XXX.pdf").read_bytes(), "TD.pdf").facts
    assert "plan-digest" in facts and "plan-base" not in facts


# --- apply takes its base from it ----------------------------------------------------------------


def test_an_untracked_edit_after_the_plan_moved_on_outside_git_applies(td: bytes, seed: Path, tmp_path: Path) -> None:
    """No digest match, no commit, no tracked changes: the plan the TD carries is base, so the
    meeting's edit lands and the plan's own change since the build stays."""
    moved_on(seed)
    code, out, err = apply(tmp_path, edited(td, untracked_edit), seed)
    assert (code, err) == (0, ""), out + err
    assert "the edits since the plan the TD carries" in out
    assert "to raise value in the work of ITU-T" in ap13(seed)
    assert "a wide range of measures" in (seed / "action-items/AP1.yaml").read_text()


def test_a_commit_this_clone_never_had_falls_back_to_the_carried_plan(td: bytes, seed: Path, tmp_path: Path) -> None:
    def unknown_commit(doc: Docx) -> None:
        root = doc.xml("docProps/custom.xml")
        prop = next(p for p in root if p.get("name") == "apdoc-plan-digest")
        commit = prop.__copy__()
        commit.set("name", "apdoc-plan-commit")
        next(iter(commit)).text = "0123456789abcdef0123456789abcdef01234567"
        prop.addnext(commit)

    moved_on(seed)
    code, out, err = apply(tmp_path, edited(td, unknown_commit, untracked_edit), seed)
    assert (code, err) == (0, ""), out + err
    assert "the plan the TD carries" in out and "to raise value" in ap13(seed)


def test_base_still_overrides_the_carried_plan(td: bytes, seed: Path, tmp_path: Path) -> None:
    pristine = tmp_path / "pristine"
    shutil.copytree(seed, pristine)
    moved_on(seed)
    code, out, err = apply(tmp_path, edited(td, untracked_edit), seed, "--base", str(pristine))
    assert (code, err) == (0, ""), out + err
    assert f"the plan at {pristine} (--base)" in out


# --- a carried plan that is not the one built from is refused ------------------------------------


def tampered_value(td: bytes) -> bytes:
    values = carried(td)
    values["action-items/AP1.3.yaml"]["table"]["key_outcomes"] = "Something else entirely."  # type: ignore[index]
    return json.dumps(values).encode()


REFUSALS = {
    "altered": (tampered_value, "its values are not those of the plan the TD records"),
    "not base64": (lambda td: "@@@not base64@@@", "damaged"),
    "not zlib": (lambda td: base64.b64encode(b"plain bytes").decode(), "damaged"),
    "a bomb": (lambda td: b" " * (17 << 20), "larger than 16 MB unpacked"),
    "not json": (lambda td: b"{not json", "damaged"),
    "a path outside": (lambda td: json.dumps({**carried(td), "../../evil.yaml": {}}).encode(), "not a plan's files"),
    "nested too deeply": (lambda td: ("[" * 200_000 + "]" * 200_000).encode(), "nested too deeply"),
    "a value nested too deeply": (lambda td: ('{"document.yaml": ' + '{"a": ' * 5000 + "1" + "}" * 5001).encode(),
                                  "nested too deeply"),
    "not a plan": (lambda td: json.dumps({**carried(td), "document.yaml": {"cover": 3}}).encode(),
                   "not a valid plan"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_damaged_or_altered_carried_plan_is_refused_with_a_message(td: bytes, seed: Path, tmp_path: Path,
                                                                     case: str) -> None:
    """Untracked edit, plan moved on: with the carried plan refused there is no base to find,
    and nothing is written."""
    make, why = REFUSALS[case]
    moved_on(seed)
    before = {p: p.read_bytes() for p in seed.rglob("*.yaml")}
    code, _out, err = apply(tmp_path, edited(td, with_carried(make(td)), untracked_edit), seed)
    assert code == 1
    assert "the plan the TD carries (apdoc-plan-base) is not used: " + why in err
    assert "cannot tell what the TD said before it was edited" in err
    assert {p: p.read_bytes() for p in seed.rglob("*.yaml")} == before


def test_a_refused_carried_plan_falls_back_to_the_tracked_changes(td: bytes, seed: Path, tmp_path: Path) -> None:
    moved_on(seed)
    code, out, err = apply(tmp_path, edited(td, with_carried(tampered_value(td)), tracked_edit), seed)
    assert code == 0, out + err
    assert "the TD with the meeting's tracked changes rejected" in out
    assert "warning: the plan the TD carries (apdoc-plan-base) is not used: its values are not those" in out + err
    assert "to raise value" in ap13(seed)


# --- through LibreOffice -------------------------------------------------------------------------


def test_the_carried_plan_survives_a_libreoffice_save(td: bytes, seed: Path, tmp_path: Path) -> None:
    require_libreoffice(uno=False)
    (tmp_path / "in").mkdir()
    (tmp_path / "in/TD.docx").write_bytes(edited(td, untracked_edit))
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path), str(tmp_path / "in/TD.docx")],
                   check=True, capture_output=True, timeout=300)
    resaved = (tmp_path / "TD.docx").read_bytes()
    assert carried(resaved) == carried(td)
    moved_on(seed)
    code, out, err = apply(tmp_path, resaved, seed)
    assert (code, err) == (0, ""), out + err
    assert "the plan the TD carries" in out and "to raise value" in ap13(seed)
