"""Issue 24, where a newcomer stalls: a YAML syntax error names its likely cause, with the caret
where the fix goes, and apdoc run from inside the plan folder says what to type."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_cli

SCOPE = "chapters/1-scope.yaml"


def _break(plan: Path, before: str, after: str) -> None:
    path = plan / SCOPE
    text = path.read_text(encoding="utf-8")
    assert before in text
    path.write_text(text.replace(before, after, 1), encoding="utf-8")


def _first_error(plan: Path) -> tuple[str, str]:
    """(location, message) of the first error, and the caret line under its source line."""
    code, _, stderr = run_cli("validate", "--plan", str(plan))
    assert code == 1
    head, _, _ = stderr.partition("\n")
    location, _, message = head.partition(": error: ")
    return location.removeprefix(f"{plan}/"), message


CASES = [
    # a key one space too far right of its sibling: the fix goes in the sibling's column
    ("\ntitle: Scope", "\n title: Scope", "2:1", "'title' is indented 1 space more than 'id' on line 1"),
    ("      title: Terms used here", "       title: Terms used here", "7:7",
     "'title' is indented 1 space more than 'id' on line 6"),
    ("      title: Terms used here", "     title: Terms used here", "7:7",
     "'title' is indented 1 space less than 'id' on line 6"),
    ("    title: Detail", "   title: Detail", "18:5", "'title' is indented 1 space less than 'id' on line 17"),
    ("  only: Nothing else is covered.", "  only: Nothing else is covered.\n    other: x", "16:3",
     "'other' is indented 2 spaces more than 'only' on line 15"),
    # no space after a key's colon: the caret where the space goes
    ("title: Scope", "title:Scope", "2:7", "no space after the ':' of 'title'"),
    # a quote or a bracket left open: the caret where it closes, not where YAML gave up
    ("title: Scope", 'title: "Scope', "2:14", "the quote opened on line 2 is not closed"),
    ("columns: [Term, Meaning, Source]", "columns: [Term, Meaning, Source", "8:38",
     "the [ opened on line 8 is not closed: end the list with ]"),
    # a value holding ': ' unquoted
    ("title: Scope", "title: Scope: all of it", "2:8", "a value holding ': ' must be quoted"),
    # ... also as the first key under one that opens a block: its child, not a misplaced sibling
    ("  only: Nothing else is covered.", "  only: Note: nothing else.", "15:9", "a value holding ': ' must be quoted"),
]


@pytest.mark.parametrize(("before", "after", "where", "cause"), CASES)
def test_a_syntax_error_names_its_likely_cause_where_the_fix_goes(mini_plan: Path, before: str, after: str,
                                                                   where: str, cause: str) -> None:
    _break(mini_plan, before, after)
    location, message = _first_error(mini_plan)
    assert location == f"{SCOPE}:{where}"
    assert message.startswith(f"YAML syntax: {cause}")
    assert "(YAML" in message  # YAML's own words stay, for a search


def test_the_caret_is_under_the_column_of_the_fix(mini_plan: Path) -> None:
    _break(mini_plan, "\ntitle: Scope", "\n title: Scope")
    _, _, stderr = run_cli("validate", "--plan", str(mini_plan))
    shown = stderr.splitlines()
    assert shown[1].endswith("|  title: Scope") and shown[2].endswith("| ^")


def test_an_error_with_no_likely_cause_keeps_yamls_words(mini_plan: Path) -> None:
    _break(mini_plan, "title: Scope", "title: Scope\n&anchor")
    _, message = _first_error(mini_plan)
    assert message.startswith("YAML syntax: ") and "indented" not in message and "quote" not in message


def test_inside_the_plan_folder_apdoc_says_to_go_up_or_give_plan_dot(mini_plan: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(mini_plan)
    code, _, stderr = run_cli("validate")
    assert code == 1
    assert "the current folder holds document.yaml: it is a plan folder" in stderr
    assert "(cd ..), or type --plan . to use it from here" in stderr
    code, stdout, _ = run_cli("validate", "--plan", ".")
    assert code == 0 and "valid" in stdout


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=" :-[]{}\"'#\nab", max_size=60))
def test_any_broken_yaml_gets_a_place_inside_the_file(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    """Whatever the text, a syntax error is reported, never raised past the loader, at a line of the
    file and a column of that line (or just past its end, where a closing quote or bracket goes), or
    at the end of the file."""
    from apdoc.diagnostics import PlanError
    from apdoc.plan.source import load_yaml

    path = tmp_path_factory.mktemp("yaml") / "file.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_yaml(path)
    except PlanError as exc:
        lines = text.split("\n")
        for problem in exc.diagnostics:
            if not problem.message.startswith("YAML syntax: "):
                continue
            if (problem.line, problem.col) == (len(lines) + 1, 1):
                continue  # YAML's end of the stream, after a file's last line
            assert 1 <= problem.line <= len(lines), problem
            assert 1 <= problem.col <= len(lines[problem.line - 1]) + 1, problem
