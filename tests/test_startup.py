"""Start-up: what a command costs before and beside its own work (issue 15).

No timings here (the machine may be busy): the tests count what a run does instead, the git
processes a build starts and the libraries a command imports, which is what the time follows.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import MINI_PLAN, SEED_PLAN, modules_after, run_cli

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def test_validate_of_the_seed_loads_no_markdown_parser() -> None:
    """No text of the seed holds a link ("[^sio] (CV No. 229 a))" is none): nothing to parse."""
    assert {name.split(".")[0] for name in modules_after("validate", "--plan", str(SEED_PLAN))} & {
        "markdown_it", "lxml", "jinja2"} == set()


def test_the_pdf_worker_starts_before_the_layout_is_imported(tmp_path: Path) -> None:
    """The PDF's worker imports weasyprint (~0.4 s) beside the parent's work: it is forked before
    the parent imports Jinja (the template-override check needs no Jinja)."""
    probe = ("import os, sys\n"
             "fork = os.fork\n"
             "def watched():\n"
             "    print('jinja2 at fork:', 'jinja2' in sys.modules, file=sys.stderr)\n"
             "    return fork()\n"
             "os.fork = watched\n"
             f"sys.argv = ['apdoc', '-q', 'build', '--format', 'pdf', '--plan', {str(SEED_PLAN)!r},"
             f" '-o', {str(tmp_path / 'TD.pdf')!r}]\n"
             "from apdoc.cli import main\n"
             "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "jinja2 at fork: False" in done.stderr.splitlines()


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run([GIT or "git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding the mini plan, committed."""
    repo = tmp_path / "repo"
    shutil.copytree(MINI_PLAN, repo / "plan")
    git(repo, "init", "-q")
    git(repo, "add", "plan")
    git(repo, "commit", "-q", "-m", "the plan")
    return repo


def build_counting_git(repo: Path, tmp_path: Path) -> tuple[str, list[str]]:
    """Build the HTML with a `git` on PATH that logs each call before it runs the real one:
    (the HTML, the git calls made)."""
    shims = tmp_path / "shims"
    shims.mkdir()
    log = tmp_path / "git-calls.log"
    shim = shims / "git"
    shim.write_text(f'#!/bin/sh\necho "$*" >> {log}\nexec {GIT} "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}"}
    out = tmp_path / "td.html"
    done = subprocess.run([sys.executable, "-m", "apdoc", "build", "--plan", "plan", "-o", str(out)],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8"), log.read_text().splitlines() if log.exists() else []


def meta(html: str, name: str) -> str | None:
    match = re.search(rf'<meta name="{re.escape(name)}" content="([^"]*)"', html)
    return match.group(1) if match else None


@needs_git
def test_a_build_asks_git_once_for_the_plans_date_and_commit(repo: Path, tmp_path: Path) -> None:
    html, calls = build_counting_git(repo, tmp_path)
    assert [call.split()[2] for call in calls] == ["status", "log"]  # git -C <folder> status / log
    head = git(repo, "rev-parse", "HEAD").strip()
    committed = datetime.fromtimestamp(int(git(repo, "log", "-1", "--format=%ct").strip()), UTC)
    assert meta(html, "apdoc-plan-commit") == head
    assert meta(html, "date") == committed.strftime("%Y-%m-%dT%H:%M:%SZ")


@needs_git
def test_an_uncommitted_plan_has_no_commit_and_its_files_date(repo: Path, tmp_path: Path) -> None:
    changed = repo / "plan" / "document.yaml"
    changed.write_text(changed.read_text(encoding="utf-8") + "# an edit\n", encoding="utf-8")
    os.utime(changed, (1_700_000_000, 1_700_000_000))
    for other in (repo / "plan").rglob("*.yaml"):
        if other != changed:
            os.utime(other, (1_600_000_000, 1_600_000_000))
    html, calls = build_counting_git(repo, tmp_path)
    assert [call.split()[2] for call in calls] == ["status"]  # no log: the commit would not be the plan
    assert meta(html, "apdoc-plan-commit") is None
    assert meta(html, "date") == "2023-11-14T22:13:20Z"  # the newest file's time



# Pieces of Markdown links, and of text that only looks like one.
LINKISH = st.lists(st.sampled_from(["[a]", "[^n]", "[", "]", "(", ")", "](", " ", "\n", "\t", "\\", "<", ">", "`",
                                    "javascript:x", "https://itu.int", "x:y"]), max_size=10).map("".join)


@given(text=LINKISH)
@example(text="[^n] (see below) and [a](javascript:y)")
@settings(max_examples=300, deadline=None)
def test_text_the_parser_is_skipped_for_has_no_link(text: str) -> None:
    """Validation parses Markdown only for text that may hold a link (links.markdown_links): that
    test may say yes to text without a link, never no to text with one."""
    from apdoc import links

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(links, "_MAY_LINK", re.compile(""))  # every text parsed
        parsed = list(links.markdown_links(text))
    assert list(links.markdown_links(text)) == parsed


def build_html(plan: Path, out: Path) -> str:
    code, _, err = run_cli("build", "--plan", str(plan), "-o", str(out))
    assert code == 0, err
    return out.read_text(encoding="utf-8")


def test_compiled_templates_are_kept_per_apdoc_and_jinja_version(mini_plan: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import jinja2

    from apdoc import __version__

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = build_html(mini_plan, tmp_path / "1.html")
    folder = tmp_path / "cache" / "apdoc" / f"jinja-{__version__}-{jinja2.__version__}"
    kept = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
    assert len(kept) >= 3  # td.html.j2 and the templates it includes
    assert build_html(mini_plan, tmp_path / "2.html") == first
    assert {path.name: path.stat().st_mtime_ns for path in folder.iterdir()} == kept  # read, not written again


def test_an_edited_template_is_compiled_again(mini_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from apdoc.defaults import PACKAGED_TEMPLATES

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    override = mini_plan.parent / "templates" / "cover.html.j2"  # templates/ beside the plan
    override.parent.mkdir()
    packaged = (PACKAGED_TEMPLATES / "cover.html.j2").read_text(encoding="utf-8")
    override.write_text(packaged, encoding="utf-8")
    assert "Edited cover" not in build_html(mini_plan, tmp_path / "1.html")
    override.write_text("<p>Edited cover</p>\n" + packaged, encoding="utf-8")
    assert "Edited cover" in build_html(mini_plan, tmp_path / "2.html")


def test_no_cache_where_none_can_be_written(mini_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # the cache folder cannot be made under a file
    reference = build_html(mini_plan, tmp_path / "1.html")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert build_html(mini_plan, tmp_path / "2.html") == reference


def collector_during(*argv: str, garbage: bool = False) -> str:
    """Whether the cycle collector is on while `apdoc ARGV` runs, run as the `apdoc` command runs
    (cli.main): asked when the plan is loaded, when watch would start watching, and after main
    returns (which puts back the setting it found: a caller in-process keeps its own).
    `garbage`: also how many unreachable objects a collection finds when the plan is loaded."""
    found = " 'garbage', gc.collect()," if garbage else ""
    probe = ("import gc, sys\nimport apdoc.commands.watch as watching\nimport apdoc.plan.load as loading\n"
             "watching.watch = lambda *args, **kwargs: print('watching', gc.isenabled())\n"
             "stock = loading.load_plan\n"
             f"def load_plan(*args, **kwargs):\n    print('loading', gc.isenabled(),{found})\n"
             "    return stock(*args, **kwargs)\n"
             "loading.load_plan = load_plan\n"
             "from apdoc.cli import main\n"
             f"sys.argv = ['apdoc', '-q', *{list(argv)!r}]\n"
             "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
             "print('ended', gc.isenabled())\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return " ".join(done.stdout.split())


def test_a_one_shot_run_does_without_the_cycle_collector_and_watch_with_it(tmp_path: Path) -> None:
    assert collector_during("validate", "--plan", str(SEED_PLAN)) == "loading False ended True"
    watched = collector_during("watch", "--plan", str(SEED_PLAN), "-o", str(tmp_path / "td.html"))
    assert watched == "watching True ended True"


def test_reading_a_docx_leaves_no_cyclic_garbage_to_what_follows(tmp_path: Path) -> None:
    """`import` and `apply` run as one-shot runs do, without the collector's passes (over the
    100× TD's readings and plan they were a sixth of an apply), and collect once, by hand, after
    each DOCX read: the reader's cycles are gone when import loads the plan it wrote to check it
    (apply's own collections: tests/test_apply_collector.py)."""
    td = tmp_path / "TD.docx"
    subprocess.run([sys.executable, "-m", "apdoc", "-q", "build", "--format", "docx", "--plan", str(SEED_PLAN),
                    "-o", str(td)], check=True, timeout=120)
    imported = collector_during("import", str(td), "-o", str(tmp_path / "imported"), garbage=True)
    assert imported == "loading False garbage 0 ended True"
    assert collector_during("apply", str(td), "--plan", str(SEED_PLAN), "--dry-run") == "loading False ended True"
