"""Symbolic links in a plan folder: plan files come from pull requests that CI builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from apdoc.diagnostics import PlanError
from apdoc.plan import load_plan
from conftest import run_cli

SECRET = "hunter2-do-not-print"


def _errors(plan: Path) -> list[tuple[str, int, int, str]]:
    with pytest.raises(PlanError) as caught:
        load_plan(plan)
    return [(d.path, d.line, d.col, d.message) for d in caught.value.diagnostics]


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the plan folder that would be an error (and so be quoted) if it were read."""
    path = tmp_path / "outside-target.yaml"
    path.write_text(f"token: {SECRET}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["chapters/3-secret.yaml", "action-items/AP3.yaml", "document.yaml"])
def test_a_link_to_a_file_outside_the_plan_is_refused_unread(mini_plan: Path, secret: Path, name: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(mini_plan.parent)  # paths are shown relative to here: the target's would be too
    link = mini_plan / name
    link.unlink(missing_ok=True)
    link.symlink_to(secret)
    assert _errors(Path("plan")) == [
        (f"plan/{name}", 0, 0, "is a link to a file outside the plan folder: refused, not read"),
    ]
    code, out, err = run_cli("validate", "--plan", "plan")
    assert code == 1
    assert f"plan/{name}: error: is a link to a file outside the plan folder" in out + err
    assert SECRET not in out + err
    assert "outside-target" not in out + err  # named as found in the plan, not by its target


def test_a_linked_folder_outside_the_plan_is_refused(mini_plan: Path, secret: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.yaml").symlink_to(secret)
    (outside / "y.yaml").write_text(f"id: y\ntitle: {SECRET}\nbad: field\n", encoding="utf-8")
    (mini_plan / "annexes").rename(tmp_path / "old-annexes")
    (mini_plan / "annexes").symlink_to(outside, target_is_directory=True)
    found = _errors(mini_plan)
    assert [(Path(p).name, line, col, m) for p, line, col, m in found] == [
        ("x.yaml", 0, 0, "is a link to a file outside the plan folder: refused, not read"),
        ("y.yaml", 0, 0, "is a link to a file outside the plan folder: refused, not read"),
    ]
    assert all(p.startswith(f"{mini_plan}/annexes/") for p, *_ in found)
    assert SECRET not in repr(found)


@pytest.mark.parametrize("kind", ["dangling", "loop", "self"])
def test_a_broken_link_is_an_error(mini_plan: Path, kind: str) -> None:
    link = mini_plan / "chapters" / "3-broken.yaml"
    if kind == "dangling":
        link.symlink_to(mini_plan / "chapters" / "no-such-file.yaml")
    elif kind == "loop":
        other = mini_plan / "chapters" / "4-other.yaml"
        link.symlink_to(other)
        other.symlink_to(link)
    else:
        link.symlink_to(link)
    found = _errors(mini_plan)
    assert (f"{link}", 0, 0, "broken link: it points at no file (or at itself, in a loop)") in found
    assert {Path(p).name for p, *_ in found} <= {"3-broken.yaml", "4-other.yaml"}
    code, out, err = run_cli("validate", "--plan", str(mini_plan))
    assert code == 1 and "broken link" in out + err


def test_a_broken_document_link_is_not_called_missing(mini_plan: Path) -> None:
    (mini_plan / "document.yaml").unlink()
    (mini_plan / "document.yaml").symlink_to(mini_plan / "gone.yaml")
    assert [m for *_, m in _errors(mini_plan)] == ["broken link: it points at no file (or at itself, in a loop)"]


def test_a_link_inside_the_plan_folder_is_read(mini_plan: Path) -> None:
    shared = mini_plan / "shared"
    shared.mkdir()
    (shared / "extra.yaml").write_text("id: extra\ntitle: Extra\ncontent: [Shared text.]\n", encoding="utf-8")
    (mini_plan / "annexes" / "b-extra.yaml").symlink_to(Path("..") / "shared" / "extra.yaml")
    plan = load_plan(mini_plan)
    assert [a.model.id for a in plan.annexes] == ["references", "extra"]


def test_fmt_neither_reads_nor_writes_through_a_link_outside_the_plan(mini_plan: Path, secret: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(mini_plan.parent)
    (Path("plan") / "chapters" / "3-secret.yaml").symlink_to(secret)
    before = secret.read_bytes()
    for args in (["fmt", "--check", "--plan", "plan"], ["fmt", "--plan", "plan"]):
        code, out, err = run_cli(*args)
        assert code == 1
        assert "plan/chapters/3-secret.yaml: error: is a link to a file outside the plan folder" in out + err
        assert SECRET not in out + err
    assert secret.read_bytes() == before
