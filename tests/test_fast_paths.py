"""Shortcuts taken for speed (issue 15) give what the general way gives: paths resolved a folder
at a time, bookmark names without a regex, whitespace collapsed only when there is some, a
paragraph's bookmarks written as text (the rest of the text: test_docx_text.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from apdoc.anchors import NOT_IN_A_NAME, READABLE_LENGTH, bookmark_name
from apdoc.diagnostics import resolved
from apdoc.plan.load import link_problem
from apdoc.writers.docx.elements import make
from apdoc.writers.docx.runs import COLLAPSIBLE, Annotations, Run, collapse_whitespace
from apdoc.writers.docx.xmltext import elements_text


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """plan/ with a file, a link to a file, a broken link, and a linked folder; outside/ beside it."""
    plan, outside = tmp_path / "plan", tmp_path / "outside"
    (plan / "chapters").mkdir(parents=True)
    outside.mkdir()
    (plan / "chapters" / "a.yaml").write_text("x: 1\n")
    (outside / "secret.yaml").write_text("x: 2\n")
    (plan / "chapters" / "link.yaml").symlink_to(outside / "secret.yaml")
    (plan / "chapters" / "broken.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (plan / "annexes").symlink_to(outside, target_is_directory=True)
    return plan


@pytest.mark.parametrize("name", ["chapters/a.yaml", "chapters/link.yaml", "chapters/broken.yaml",
                                  "annexes/secret.yaml", "chapters/missing.yaml", "chapters/../chapters/a.yaml",
                                  "annexes/..", "."])
def test_a_path_resolved_a_folder_at_a_time_is_the_path_resolved(tree: Path, name: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree.parent)
    for path in (tree / name, Path("plan") / name):
        folders: dict[Path, Path] = {}
        assert resolved(path, folders) == path.resolve()
        assert resolved(path, folders) == path.resolve()  # with its folder remembered
        try:
            expected: Path | type[OSError] = path.resolve(strict=True)
        except OSError:
            expected = OSError
        if expected is OSError:
            with pytest.raises(OSError):
                resolved(path, folders, strict=True)
        else:
            assert resolved(path, folders, strict=True) == expected


def test_a_link_is_refused_in_a_folder_resolved_before(tree: Path) -> None:
    folders: dict[Path, Path] = {}
    assert link_problem(tree / "chapters" / "a.yaml", tree, folders) is None
    assert tree / "chapters" in folders  # remembered: the next file of the folder uses it
    refused = link_problem(tree / "chapters" / "link.yaml", tree, folders)
    assert refused is not None and "outside the plan folder" in refused.message
    broken = link_problem(tree / "chapters" / "broken.yaml", tree, folders)
    assert broken is not None and "broken link" in broken.message
    through_folder = link_problem(tree / "annexes" / "secret.yaml", tree, folders)
    assert through_folder is not None and "outside the plan folder" in through_folder.message


@pytest.mark.parametrize("element_id", ["", "_", "ap1-2.3", "ch-intro.p-4_b", "é-x", "a b", "a:b", "x" * 40 + "-y",
                                        "a\u00b2", "\u0663", "\ufb01", "ab\u200d", "A_1"])
def test_a_bookmark_name_without_the_regex_is_the_name_with_it(element_id: str) -> None:
    digest = hashlib.sha1(element_id.encode("utf-8")).hexdigest()[:8]
    assert bookmark_name(element_id) == f"_ap{digest}_{NOT_IN_A_NAME.sub('_', element_id)[:READABLE_LENGTH]}"


@pytest.mark.parametrize("text", ["a b", "a  b", "a\nb", "a\r\nb", " a ", "a \n b", "a\tb", "a\u00a0 b", "ab"])
def test_whitespace_is_collapsed_as_the_regex_collapses_it(text: str) -> None:
    pieces = collapse_whitespace([Run("x"), Run(text), Run("y")])
    assert "".join(piece for _, piece in pieces) == "x" + COLLAPSIBLE.sub(" ", text) + "y"


@pytest.mark.parametrize("names", [[], ["_one_1"], ["_outer_1", "_inner_2", "_third_3"]])
def test_bookmarks_written_as_text_are_the_bookmark_elements_around_the_content(names: list[str]) -> None:
    annotations = Annotations("a", "d")
    annotations.next_id()  # ids go on from where the document is
    starts, ends = annotations.bookmarks(names)
    numbers = range(2, 2 + len(names))
    bookmarks = list(zip(numbers, names, strict=True))
    expected = make("w:p", None, make("w:pPr"),
                    *(make("w:bookmarkStart", {"w:id": n, "w:name": name}) for n, name in bookmarks),
                    make("w:r"), *(make("w:bookmarkEnd", {"w:id": n}) for n in numbers))
    assert f"<w:p><w:pPr/>{starts}<w:r/>{ends}</w:p>" == elements_text([expected])
    assert annotations.count == 1 + len(names)


def test_a_plan_folder_link_replaced_between_loads_is_shown_as_it_is_now(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`watch` loads the plan again and again in one process: the folders resolved for display
    by one load are not those of the next when a link was pointed elsewhere in between."""
    from apdoc.diagnostics import PlanError
    from apdoc.plan import load_plan

    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "document.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan").symlink_to("first")
    shown = []
    for target in ("first", "second"):
        (tmp_path / "plan").unlink()
        (tmp_path / "plan").symlink_to(target)
        with pytest.raises(PlanError) as raised:
            load_plan(Path("plan"))
        shown.append({d.path for d in raised.value.diagnostics})
    assert "first/document.yaml" in shown[0] and "second/document.yaml" in shown[1]
    assert not any(path.startswith("first") for path in shown[1])


def test_the_plan_folder_and_the_working_folder_are_looked_at_once_a_load(seed: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file's link check needs the plan folder resolved, and each message path the working
    folder: a load resolves each once (or twice: the document and the sub-folders are checked
    apart), not once per file."""
    from collections import Counter

    from apdoc.plan import load_plan

    monkeypatch.chdir(seed.parent)
    looked_at: Counter[Path] = Counter()
    is_symlink = Path.is_symlink

    def counted(path: Path) -> bool:
        looked_at[path] += 1
        return is_symlink(path)

    monkeypatch.setattr(Path, "is_symlink", counted)
    plan = load_plan(seed)
    assert len(plan.files) > 10
    assert looked_at[seed] <= 2 and looked_at[seed.parent] <= 1
