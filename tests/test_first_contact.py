"""Issue 11, first contact: what a new user tried that did the wrong thing without a word."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from conftest import run_cli

# --- -o and --format -----------------------------------------------------------------------


def test_the_format_comes_from_the_suffix_of_o(mini_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "td.pdf"
    code, stdout, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(out))
    assert code == 0, stderr
    assert out.read_bytes().startswith(b"%PDF-")  # was a DOCX (a zip) named td.pdf
    assert f"wrote {out}" in stdout


@pytest.mark.parametrize("name", ["td.pdf", "td.md", "td.docx"])
def test_a_suffix_that_contradicts_format_is_a_usage_error(mini_plan: Path, tmp_path: Path, name: str) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--format", "html", "-o", str(tmp_path / name))
    assert code == 2
    assert "--format is html" in stderr
    assert not (tmp_path / name).exists()


def test_a_name_without_a_known_suffix_needs_format(mini_plan: Path, tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(tmp_path / "td"))
    assert code == 2 and "give --format" in stderr
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--format", "md", "-o", str(tmp_path / "td"))
    assert code == 0, stderr
    assert "# Annex A – References" in (tmp_path / "td").read_text(encoding="utf-8")


def test_a_trailing_slash_is_a_folder(mini_plan: Path, tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--format", "html", "-o", f"{tmp_path}/outdir/")
    assert code == 0, stderr
    assert (tmp_path / "outdir").is_dir()
    assert [p.name for p in (tmp_path / "outdir").iterdir()] == ["SG99-TD-7.html"]


def test_a_file_name_for_format_all_is_a_usage_error(mini_plan: Path, tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--format", "all", "-o", str(tmp_path / "x/td.docx"))
    assert code == 2 and "a folder (ending in /)" in stderr
    assert not (tmp_path / "x").exists()


def test_dash_is_standard_output(mini_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = run_cli("build", "--plan", str(mini_plan), "--format", "html", "-o", "-")
    assert code == 0, stderr
    assert stdout.startswith("<!DOCTYPE html>") and "wrote" not in stdout
    assert not (tmp_path / "-").exists() and not (tmp_path / "build").exists()


def test_dash_is_refused_for_all_and_for_watch(mini_plan: Path) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--format", "all", "-o", "-")
    assert code == 2 and "standard output" in stderr
    code, _, stderr = run_cli("watch", "--plan", str(mini_plan), "-o", "-")
    assert code == 2 and "standard output" in stderr


# --- --templates ---------------------------------------------------------------------------


def test_a_missing_templates_folder_is_an_error(mini_plan: Path, tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--templates", str(tmp_path / "nosuch"),
                              "-o", str(tmp_path / "td.html"))
    assert code == 2 and "nosuch" in stderr and "does not exist" in stderr
    assert not (tmp_path / "td.html").exists()


def test_an_unknown_template_name_is_reported(mini_plan: Path, tmp_path: Path) -> None:
    templates = tmp_path / "mine"
    templates.mkdir()
    (templates / "cover.htm.j2").write_text("misspelt", encoding="utf-8")
    (templates / "td.css").write_text("body { color: black }", encoding="utf-8")
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--templates", str(templates),
                              "-o", str(tmp_path / "td.html"))
    assert code == 0, stderr
    assert f"{templates}/cover.htm.j2: warning: unknown template name" in stderr
    assert "td.css" not in stderr.split("(the templates are")[0]


def test_a_template_included_by_another_is_not_unknown(mini_plan: Path, tmp_path: Path) -> None:
    templates = tmp_path / "mine"
    templates.mkdir()
    packaged = (Path(__file__).resolve().parent.parent / "templates/cover.html.j2").read_text()
    (templates / "cover.html.j2").write_text('{% include "note.html.j2" %}' + packaged, encoding="utf-8")
    (templates / "note.html.j2").write_text("<p>note</p>", encoding="utf-8")
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "--templates", str(templates),
                              "-o", str(tmp_path / "td.html"))
    assert code == 0, stderr
    assert "warning" not in stderr
    assert "<p>note</p>" in (tmp_path / "td.html").read_text(encoding="utf-8")


# --- replacing an output -------------------------------------------------------------------


def test_a_replaced_output_keeps_its_mode(mini_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "td.html"
    out.write_text("old")
    out.chmod(0o600)
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(out))
    assert code == 0, stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_read_only_output_is_refused_unless_forced(mini_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "td.html"
    out.write_text("keep me")
    out.chmod(0o444)
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(out))
    assert code == 1
    assert f"{out}: error: cannot write: it is read-only; use --force to replace it" in stderr
    assert out.read_text() == "keep me"
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(out), "--force")
    assert code == 0, stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(out.stat().st_mode) == 0o444
    assert os.access(out, os.R_OK)


# --- warnings and refusals -----------------------------------------------------------------


def test_a_placeholder_is_a_warning_and_an_error_with_strict(seed: Path) -> None:
    code, _, stderr = run_cli("new", "action", "AP1.8", "--name", "X", "--plan", str(seed))
    assert code == 0, stderr
    text = (seed / "action-items/AP1.8.yaml").read_text(encoding="utf-8")
    filled = "\n".join(line + " done." if line.endswith(":") and line.startswith("  ") else line
                       for line in text.splitlines())
    (seed / "action-items/AP1.8.yaml").write_text(filled + "\n", encoding="utf-8")
    code, _, stderr = run_cli("validate", "--plan", str(seed))
    assert code == 0, stderr
    assert f"{seed}/action-items/AP1.8.yaml:4:12: warning: statement is still [to be written]" in stderr
    assert "AP1.8" not in stderr.replace("AP1.8.yaml", "")  # every row filled: no other warning about it
    code, _, stderr = run_cli("validate", "--strict", "--plan", str(seed))
    assert code == 1
    assert f"{seed}/action-items/AP1.8.yaml:4:12: error: statement is still [to be written]" in stderr


def test_fmt_refuses_a_file_that_does_not_validate(seed: Path) -> None:
    path = seed / "chapters/01-introduction.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\ntitle:", "\ntitel:", 1), encoding="utf-8")
    before = path.read_bytes()
    code, _, stderr = run_cli("fmt", "--plan", str(seed))
    assert code == 1
    assert "error: unknown field 'titel' (did you mean 'title'?); not formatted" in stderr
    assert path.read_bytes() == before  # the misspelt key is not moved to the end


def test_validate_brief_counts_the_warnings_and_says_how_to_list_them(seed: Path) -> None:
    code, stdout, stderr = run_cli("validate", "--brief", "--plan", str(seed))
    assert code == 0 and stderr == ""
    assert stdout.endswith(f", 27 warnings (`apdoc validate --plan {seed}` lists them)\n")


def test_make_validates_briefly() -> None:
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nbuild:", 1)[1].split("\n\n", 1)[0]
    assert "apdoc validate --brief" in recipe


# --- messages and conventions --------------------------------------------------------------


@pytest.mark.parametrize("flag", ["-q", "--quiet"])
def test_quiet_after_the_command(mini_plan: Path, tmp_path: Path, flag: str) -> None:
    code, stdout, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(tmp_path / "td.md"), flag)
    assert code == 0, stderr
    assert stdout == "" and (tmp_path / "td.md").exists()
    code, stdout, _ = run_cli("validate", flag, "--plan", str(mini_plan))
    assert code == 0 and stdout == ""


def test_debug_after_the_command(mini_plan: Path) -> None:
    code, stdout, stderr = run_cli("validate", "--plan", str(mini_plan), "--debug")
    assert code == 0, stderr
    assert "valid" in stdout


def test_plan_not_found_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run_cli("validate")
    assert code == 1
    assert stderr.startswith(f"plan: error: plan folder not found (looked in the current folder, {tmp_path}): ")
    assert "--plan DIR" in stderr


def test_plan_given_the_repository_root_says_did_you_mean(mini_plan: Path) -> None:
    root = mini_plan.parent
    for args in (["validate", "--plan", str(root)], ["fmt", "--plan", str(root)], ["build", "--plan", str(root)]):
        code, _, stderr = run_cli(*args)
        assert code == 1
        assert f"did you mean --plan {mini_plan}?" in stderr, args


def test_a_positional_plan_folder_is_accepted(mini_plan: Path) -> None:
    code, stdout, stderr = run_cli("validate", str(mini_plan))
    assert code == 0, stderr
    assert stdout.startswith(f"{mini_plan}: valid:")
    code, stdout, _ = run_cli("stats", str(mini_plan))
    assert code == 0 and "Action item tables" in stdout
    code, _, stderr = run_cli("validate", str(mini_plan), "--plan", "other")
    assert code == 2 and "give one" in stderr


def test_github_annotations_go_to_standard_output(mini_plan: Path) -> None:
    code, stdout, stderr = run_cli("validate", "--format", "github", "--plan", str(mini_plan))
    assert code == 0
    assert stdout.startswith("::warning file=") and "::warning" not in stderr


# --- apdoc diff ----------------------------------------------------------------------------


def test_diff_shows_a_renamed_chapter_as_renamed_with_its_title(seed_pair: tuple[Path, Path]) -> None:
    earlier, now = seed_pair
    path = now / "chapters/03-resolutions-and-articles.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("id: resolutions-and-articles", "id: resolutions", 1), encoding="utf-8")
    path.rename(now / "chapters/03-resolutions.yaml")
    code, stdout, stderr = run_cli("diff", str(earlier), "--plan", str(now))
    assert code == 0, stderr
    assert stdout == ("Chapter 3 (Resolutions, articles from the Convention and Constitution encouraging industry "
                      "engagement): renamed (id resolutions-and-articles before)\n")


def test_diff_a_renamed_chapter_with_an_edit_lists_the_edit_under_its_new_name(
        seed_pair: tuple[Path, Path], edit) -> None:
    earlier, now = seed_pair
    path = now / "chapters/03-resolutions-and-articles.yaml"
    edit(path, "id: resolutions-and-articles", "id: resolutions")
    edit(path, "should be included,", "should be welcomed,")
    code, stdout, _ = run_cli("diff", str(earlier), "--plan", str(now))
    assert code == 0
    assert stdout.splitlines()[1:] == ["Chapter 3 · text: 1 word changed"]
    assert "removed" not in stdout and "added" not in stdout


def test_diff_hides_spacing_only_changes_unless_all(seed_pair: tuple[Path, Path], edit) -> None:
    earlier, now = seed_pair
    edit(now / "chapters/01-introduction.yaml", "  - |\n", "  - |\n\n")  # a blank line: no word changes
    code, stdout, _ = run_cli("diff", str(earlier), "--plan", str(now))
    assert code == 0
    assert stdout == (f"no changes between {earlier} and {now}\n"
                      "(1 change of spacing or line breaks only not listed: --all lists them)\n")
    code, stdout, _ = run_cli("diff", str(earlier), "--plan", str(now), "--all")
    assert stdout == "Chapter 1 · text: spacing or layout changed\n"
    code, stdout, _ = run_cli("diff", str(earlier), "--plan", str(now), "--format", "json")
    assert stdout == "[]\n"


# --- PDF metadata --------------------------------------------------------------------------


def _pdf_metadata(path: Path) -> dict[str, str]:
    import pypdf

    return dict(pypdf.PdfReader(path).metadata or {})


def test_pdf_author_is_the_plans_source_and_the_dates_when_the_plan_changed(mini_plan: Path, tmp_path: Path) -> None:
    stamp = 1_700_000_000  # 2023-11-14T22:13:20Z
    for path in mini_plan.rglob("*.yaml"):
        os.utime(path, (stamp, stamp - 3600))
    os.utime(mini_plan / "chapters/1-scope.yaml", (stamp, stamp))  # the newest file
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(tmp_path / "1.pdf"))
    assert code == 0, stderr
    meta = _pdf_metadata(tmp_path / "1.pdf")
    assert meta["/Author"] == "Rapporteur Q1/99"
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20231114221320Z"
    run_cli("build", "--plan", str(mini_plan), "-o", str(tmp_path / "2.pdf"))
    assert (tmp_path / "1.pdf").read_bytes() == (tmp_path / "2.pdf").read_bytes()


def test_pdf_names_no_author_for_a_placeholder_source(mini_plan: Path, tmp_path: Path, edit) -> None:
    edit(mini_plan / "document.yaml", "source: Rapporteur Q1/99", 'source: "[Source]"')
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(tmp_path / "td.pdf"))
    assert code == 0, stderr
    assert "/Author" not in _pdf_metadata(tmp_path / "td.pdf")


def test_the_dates_are_the_last_commit_of_a_clean_plan_in_git(mini_plan: Path, tmp_path: Path) -> None:
    import subprocess

    def git(*args: str) -> None:
        env = {**os.environ, "GIT_COMMITTER_DATE": "2024-04-19T10:00:00Z"}
        subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
                       check=True, capture_output=True, env=env)

    git("init", "-q")
    git("add", "plan")
    git("commit", "-q", "-m", "plan")
    code, _, stderr = run_cli("build", "--plan", str(mini_plan), "-o", str(tmp_path / "td.pdf"))
    assert code == 0, stderr
    assert _pdf_metadata(tmp_path / "td.pdf")["/CreationDate"] == "D:20240419100000Z"


# --- the PDF's pages -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_pages() -> tuple[list[dict[str, int]], dict[str, float]]:
    """The seed TD typeset as the PDF is: for each element id (and each table's caption, as
    `<table id>:caption`) the page it starts on, and each table row's height."""
    from xml.etree import ElementTree

    from weasyprint import HTML

    from apdoc.layout import render_html
    from apdoc.plan import load_plan
    from conftest import SEED_PLAN

    html = HTML(string=render_html(load_plan(SEED_PLAN)))
    parents = {child: parent for parent in html.etree_element.iter() for child in parent}
    first_page: dict[str, int] = {}
    heights: dict[str, float] = {}

    def walk(box: object) -> object:
        yield box
        for child in getattr(box, "children", None) or []:
            yield from walk(child)

    for number, page in enumerate(html.render().pages, 1):
        for box in walk(page._page_box):
            element = getattr(box, "element", None)
            if not isinstance(element, ElementTree.Element):
                continue
            key = element.get("id")
            if box.element_tag == "caption" and element in parents:
                key = f"{parents[element].get('id')}:caption"
            if key:
                first_page.setdefault(key, number)
                if box.element_tag == "tr":
                    heights.setdefault(key, box.height)
    return [first_page], heights


def test_a_caption_is_on_the_page_of_its_tables_first_row(seed_pages) -> None:
    (first_page,), _ = seed_pages
    tables = [key.removesuffix(":caption") for key in first_page if key.startswith("ap-") and key.endswith(":caption")]
    assert len(tables) == 11
    for table in tables:
        first_row = f"{table}-objective-label"
        assert first_page[f"{table}:caption"] == first_page[first_row], f"the caption of {table} ends a page"


def test_a_label_row_is_on_the_page_of_the_row_it_labels(seed_pages) -> None:
    (first_page,), _ = seed_pages
    labels = [key for key in first_page if key.startswith("ap-") and key.endswith("-label") and key.count("-") >= 3]
    assert len(labels) >= 70
    for label in labels:
        row = label.removesuffix("-label") + "-row"
        assert first_page[label] == first_page[row], f"{label} ends page {first_page[label]}"


def test_an_empty_row_is_as_tall_as_a_row_of_one_line(seed_pages) -> None:
    _, heights = seed_pages
    empty, one_line = heights["ap-AP1.1-enablers-row"], heights["ap-AP1.1-enablers-label"]
    assert one_line * 0.9 <= empty <= one_line * 1.1


# --- packaging ----------------------------------------------------------------------------


def test_packaging_builds_outside_the_tds_build_folder() -> None:
    """`pip install .` ran setuptools in build/, leaving build/lib and build/bdist.* beside the TD
    files that CI uploads. (Checked by hand: `pip wheel .` now leaves build/ as it was.)"""
    import configparser

    root = Path(__file__).resolve().parent.parent
    config = configparser.ConfigParser()
    config.read(root / "setup.cfg", encoding="utf-8")
    build_base = Path(config["build"]["build_base"])
    assert not build_base.is_absolute() and build_base.parts[0] not in ("build", ".", "..")
    assert f"{build_base}/" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()
