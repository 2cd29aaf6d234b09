"""The README's console examples run as typed, from the root of a fresh clone after `make`.

Each ```console block is run in its own copy of a clone of this repository (with the working
tree's files, so an edit is tested before it is committed, and build/ as `make` leaves it):
every `$ apdoc …` line through bash, with apdoc on the PATH as `. .venv/bin/activate` puts it.
Its output (stdout and stderr) must match the lines shown, where a line `…` stands for any
number of lines and a `…` within a line for any text (a file's size is shown as `(… bytes)`: a
number would go stale with the next template change). The exit status is 1 when the shown output
ends in an error count, else 0. An example that cannot run fails: none is skipped (the revisions
they compare to are commits every clone holds, not tags, which a clone does not carry).

The examples in `apdoc COMMAND --help` that name a git revision are checked the same way: each
revision resolves in a fresh clone and holds a plan that loads.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# Interactive: runs until Ctrl-C. Its example is a session, kept for the reader.
NOT_RUN = ("apdoc watch",)


@dataclass
class Example:
    block: int
    command: str
    shown: list[str]


def examples() -> list[Example]:
    found: list[Example] = []
    blocks = re.findall(r"^```console\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.S | re.M)
    for number, block in enumerate(blocks, 1):
        for line in block.splitlines():
            if line.startswith("$ "):
                found.append(Example(number, line[2:], []))
            elif found and found[-1].block == number:
                found[-1].shown.append(line)
    return found


def matches(shown: list[str], actual: list[str]) -> bool:
    """`shown` against `actual`: a line `…` is any lines, `…` in a line any text."""
    def pattern(line: str) -> re.Pattern[str]:
        return re.compile(".*".join(re.escape(part) for part in line.rstrip().split("…")))

    def match(i: int, j: int) -> bool:
        if i == len(shown):
            return j == len(actual)
        if shown[i].strip() == "…":
            return any(match(i + 1, k) for k in range(j, len(actual) + 1))
        return j < len(actual) and pattern(shown[i]).fullmatch(actual[j].rstrip()) is not None and match(i + 1, j + 1)

    return match(0, 0)


def test_matches_reads_ellipses() -> None:
    assert matches(["a", "…", "d (… bytes)"], ["a", "b", "c", "d (2,000 bytes)"])
    assert not matches(["d (1 bytes)"], ["d (2,000 bytes)"])  # a size shown is a size checked
    assert matches(["x: …, 27 warnings"], ["x: 8 chapters, 27 warnings"])
    assert not matches(["a", "d"], ["a", "b", "d"])
    assert not matches(["a"], ["b"])


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh clone as a user makes it, with this working tree's files and an empty build/; its
    remote and tags taken away (a clone of a fork, or of a clone, has neither of this one's)."""
    source = ROOT
    target = tmp_path_factory.mktemp("readme") / "apdoc"
    subprocess.run(["git", "clone", "--quiet", str(source), str(target)], check=True, capture_output=True)
    # No example may lean on what one clone has and another lacks: a remote's branches, or tags.
    subprocess.run(["git", "-C", str(target), "remote", "remove", "origin"], check=True, capture_output=True)
    tags = subprocess.run(["git", "-C", str(target), "tag"], check=True, capture_output=True, text=True).stdout.split()
    if tags:
        subprocess.run(["git", "-C", str(target), "tag", "-d", *tags], check=True, capture_output=True)
    ignore = shutil.ignore_patterns(".git", ".venv", "build", ".setuptools-build", "__pycache__", "*.egg-info",
                                    ".pytest_cache", ".ruff_cache", ".hypothesis")
    shutil.copytree(ROOT, target, ignore=ignore, dirs_exist_ok=True)
    (target / "build").mkdir()
    return target


@pytest.mark.parametrize("block", sorted({e.block for e in examples()}))
def test_the_readmes_console_examples_run_as_typed(block: int, clone: Path, tmp_path: Path) -> None:
    here = tmp_path / "apdoc"
    shutil.copytree(clone, here, symlinks=True)
    bin_dir = Path(sys.executable).parent  # the .venv/bin that `. .venv/bin/activate` puts first on PATH
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1",
           "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore"}
    ran = 0
    for example in (e for e in examples() if e.block == block):
        assert example.command.startswith("apdoc "), f"README block {block}: {example.command!r} is not apdoc"
        if example.command.startswith(NOT_RUN):
            continue
        script = f"{{ {example.command}\n}} 2>&1"  # the command's own redirections first, then ours
        result = subprocess.run(["bash", "-c", script], cwd=here, env=env, capture_output=True, text=True, timeout=300)
        expected_status = 1 if example.shown and re.fullmatch(r"\d+ errors?", example.shown[-1].strip()) else 0
        assert result.returncode == expected_status, f"$ {example.command}\n{result.stdout}"
        assert matches(example.shown, result.stdout.splitlines()), (
            f"README block {block}: $ {example.command}\nshown:\n" + "\n".join(example.shown)
            + "\nactual:\n" + result.stdout)
        ran += 1
    assert ran or all(e.command.startswith(NOT_RUN) for e in examples() if e.block == block)


def revisions_in_help() -> list[tuple[str, str]]:
    """(command, revision) for every example in `apdoc COMMAND --help` that names a git revision."""
    from apdoc.cli import cli

    found = []
    for name, command in cli.commands.items():
        for line in (command.help or "").splitlines():
            words = line.split()
            if words[:2] == ["apdoc", "diff"]:
                found += [(name, word) for word in words[2:4] if not word.startswith("-")]
            found += [(name, after) for before, after in itertools.pairwise(words)
                      if before in ("--compare-to", "--base")]
    return found


def test_the_help_names_revisions() -> None:
    assert {name for name, _ in revisions_in_help()} >= {"build", "apply", "diff"}


@pytest.mark.parametrize(("command", "revision"), revisions_in_help())
def test_every_revision_in_the_help_examples_resolves_in_a_fresh_clone(command: str, revision: str,
                                                                        clone: Path) -> None:
    from apdoc.plan.versions import earlier_version

    with earlier_version(revision, clone / "plan") as version:
        assert version.commit is not None and version.plan.files, f"apdoc {command} --help: {revision}"
