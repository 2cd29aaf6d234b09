"""The GitHub workflow: valid, triggered as documented, and made only of make targets that exist."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest
import yaml

from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "td.yml"
MAKEFILE = ROOT / "Makefile"


def _workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps() -> list[dict[str, Any]]:
    return [step for job in _workflow()["jobs"].values() for step in job["steps"]]


def makefile_targets() -> set[str]:
    """Rule names of the Makefile (not variables, not special targets such as .PHONY)."""
    targets = set()
    for line in MAKEFILE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_-][A-Za-z0-9_.-]*(?:\s+[A-Za-z0-9_.-]+)*)\s*:(?!=)", line)
        if match:
            targets.update(match.group(1).split())
    return targets


def phony_targets() -> set[str]:
    text = MAKEFILE.read_text(encoding="utf-8")
    return {name for line in re.findall(r"^\.PHONY:(.*)$", text, re.M) for name in line.split()}


def make_commands() -> list[list[str]]:
    """Every `run:` of the workflow as words; each line of a run is one command."""
    commands = []
    for step in _steps():
        if "run" in step:
            commands += [shlex.split(line) for line in step["run"].splitlines() if line.strip()]
    return commands


def test_workflow_is_valid_yaml_with_the_expected_triggers() -> None:
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"pull_request", "push"}
    assert set(triggers["push"]["tags"]) == {"v*", "td*"}
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}


def test_run_steps_call_only_make() -> None:
    commands = make_commands()
    assert commands, "no run steps"
    for words in commands:
        assert words[0] == "make", f"not a make command: {shlex.join(words)}"
        assert all(re.fullmatch(r"[A-Za-z0-9_.-]+|[A-Z_]+=\S*", word) for word in words[1:]), shlex.join(words)


def test_every_make_target_the_workflow_runs_exists() -> None:
    targets, phony = makefile_targets(), phony_targets()
    assert {"all", "build", "test", "ci-validate", "ci-fmt-check", "ci-diff"} <= targets
    run = [word for words in make_commands() for word in words[1:] if "=" not in word]
    assert run, "the workflow runs no make target"
    for target in run:
        assert target in targets, f"make {target}: no such target in the Makefile"
        assert target in phony, f"make {target}: add it to .PHONY"


def test_the_steps_the_editor_relies_on() -> None:
    steps = _steps()
    runs = [step.get("run", "") for step in steps]
    assert {"make", "make test", "make ci-validate", "make ci-fmt-check", "make ci-diff"} <= set(runs)
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the diff needs the base branch
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11"
    diff = next(s for s in steps if s.get("run") == "make ci-diff")
    assert diff["if"] == "github.event_name == 'pull_request'"
    assert diff["env"]["BASE"] == "origin/${{ github.base_ref }}"
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert uses["actions/upload-artifact"]["with"]["path"] == "build/"
    comment = uses["marocchino/sticky-pull-request-comment"]
    assert comment["with"]["header"] and comment["with"]["path"].startswith("build/")
    assert "pull_request" in comment["if"]
    release = uses["softprops/action-gh-release"]
    assert release["if"] == "startsWith(github.ref, 'refs/tags/')"
    assert {"build/*.docx", "build/*.pdf", "build/*.html"} <= set(release["with"]["files"].split())


@pytest.mark.parametrize("target", ["ci-validate", "ci-fmt-check", "ci-diff"])
def test_ci_targets_run_apdoc(target: str) -> None:
    """The ci-* recipes call the project's own commands, with the plan and base given to make."""
    text = MAKEFILE.read_text(encoding="utf-8")
    recipe = re.search(rf"^{target}:.*\n((?:\t.*\n?)+)", text, re.M)
    assert recipe, f"{target} has no recipe"
    assert "$(BIN)/apdoc" in recipe.group(1)
    commands = re.findall(r"\$\(BIN\)/apdoc [^\n]*", recipe.group(1))
    assert all("--plan $(PLAN)" in command for command in commands), commands
    if target == "ci-validate":
        assert "--format github" in recipe.group(1) and "--strict" not in recipe.group(1)
    if target == "ci-diff":
        assert re.search(r"apdoc diff '\$\(BASE\)' .*--format md > build/diff\.md", recipe.group(1))
        assert "--compare-to '$(BASE)' -o build/TD-marked.docx" in recipe.group(1)
        assert "`TD-marked.docx` in the `td` artifact" in recipe.group(1)  # the comment points to it


def test_actions_are_pinned_to_a_major_version() -> None:
    for step in _steps():
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]
