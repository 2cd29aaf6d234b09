"""Hostile input, round two (issue 10): one section per class of input that broke apdoc.

Every case ends in `path:line:col: error:` or a usage error (exit 2): no traceback, no hang,
nothing executed, nothing lost.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from apdoc.plan.load import natural_key
from apdoc.plan.models import FILE_KINDS, ap_sort_key
from conftest import run_cli

# --- 3. numbers: every name the loader sorts must sort, every number a model accepts must be usable


FILE_NAME = st.text(st.characters(exclude_characters="/\x00"), min_size=1, max_size=12).filter(
    lambda name: name not in (".", ".."))


@given(st.lists(FILE_NAME, min_size=2, max_size=8))
@example(["²1-extra.yaml", "1-intro.yaml"])  # the issue's case: a superscript that str.isdigit() accepts
def test_any_file_names_sort(names: list[str]) -> None:
    """Superscripts, other scripts' digits, long runs of digits: every name sorts, none crashes."""
    ordered = sorted((Path(name) for name in names), key=natural_key)
    assert sorted(p.name for p in ordered) == sorted(names)


@given(st.lists(st.integers(min_value=0, max_value=10**30), min_size=2, max_size=8), st.sampled_from(["", "0", "00"]))
def test_ascii_numbers_in_names_sort_by_value(numbers: list[int], zeros: str) -> None:
    ordered = sorted((Path(f"{zeros}{n}-chapter.yaml") for n in numbers), key=natural_key)
    assert [int(p.name.split("-")[0]) for p in ordered] == sorted(numbers)


@given(st.lists(st.from_regex(r"[1-9][0-9]{0,5000}", fullmatch=True), min_size=1, max_size=4))
def test_action_item_ids_of_any_length_sort(parts: list[str]) -> None:
    """An id's numbers may be longer than int() reads (4,300 digits): they still sort."""
    ap_id = "AP" + ".".join(parts)
    assert ap_sort_key(ap_id) < ap_sort_key(ap_id + ".1")
    assert ap_sort_key("AP2") < ap_sort_key("AP10")


def test_an_action_item_id_longer_than_int_reads_sorts() -> None:
    long = "AP" + "1" * 5000
    assert ap_sort_key("AP2") < ap_sort_key(long) < ap_sort_key(long + "1")


@pytest.mark.parametrize("name", ["²1-extra.yaml", "٣-extra.yaml", "1²-extra.yaml", "𝟙-extra.yaml"])
def test_a_chapter_named_with_digits_int_refuses_validates(mini_plan: Path, name: str) -> None:
    (mini_plan / "chapters" / name).write_text("id: extra\ntitle: Extra\ncontent:\n  - Text.\n", encoding="utf-8")
    code, _, err = run_cli("validate", "--plan", str(mini_plan))
    assert "internal error" not in err
    assert code == 0, err


@pytest.mark.parametrize(("widths", "message"), [
    ("[0, 0, 0]", "widths.0: 0 is out of range: the least is 1"),
    ("[20, -5, 30]", "widths.1: -5 is out of range: the least is 1"),
    ("[20, 50, 1000]", "widths.2: 1000 is out of range: the most is 100"),
    ("[20, 50, 1_000]", "widths.2: 1_000 is out of range: the most is 100"),
    ("[20, 50, ٣]", "widths.2: '٣' is not a whole number"),
    ("[20, 50, 99999999999999999999999999]", "widths.2: 99999999999999999999999999 is out of range"),
])
def test_unusable_widths_are_refused_at_their_place(mini_plan: Path, edit, widths: str, message: str) -> None:
    edit(mini_plan / "chapters" / "1-scope.yaml", "widths: [20, 50, 30]", f"widths: {widths}")
    output = str(mini_plan.parent / "x.docx")
    code, _, err = run_cli("build", "--plan", str(mini_plan), "--format", "docx", "-o", output)
    assert code == 1
    assert re.search(r"1-scope\.yaml:9:\d+: error: content\.1\.table\." + re.escape(message), err), err
    assert not (mini_plan.parent / "x.docx").exists()


def test_the_docx_writer_survives_unusable_widths_from_a_template() -> None:
    from apdoc.writers.docx import write_docx

    cols = '<colgroup><col style="width: 0%"/><col style="width: 0.0%"/></colgroup>'
    html = (f'<html><head><title>t</title></head><body><table>{cols}'
            "<tbody><tr><td>a</td><td>b</td></tr></tbody></table></body></html>")
    assert write_docx(html)[:2] == b"PK"


def test_consideration_numbers_are_ascii_and_short(mini_plan: Path) -> None:
    path = mini_plan / "chapters" / "2-matrix.yaml"
    text = path.read_text(encoding="utf-8")
    number = re.search(r"number: \"?(\w+)\"?", text)
    assert number is not None
    path.write_text(text.replace(number.group(0), "number: '" + "1" * 5000 + "'", 1), encoding="utf-8")
    code, _, err = run_cli("validate", "--plan", str(mini_plan))
    assert code == 1
    assert "is not a number such as 07 (digits 0-9, at most six)" in err


@pytest.mark.parametrize("after", ["²", "٣", "1" * 5000])
def test_new_consideration_after_a_number_int_refuses(seed: Path, after: str) -> None:
    code, _, err = run_cli("new", "consideration", "--after", after, "--plan", str(seed))
    assert code == 1
    assert "no consideration has that number" in err


# --- 4. dates: out of range or otherwise unusable → a usage error


@pytest.mark.parametrize("date", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2024-02-30",
                                  "10000-01-01", "tomorrow", "2024-04-19T25:00:00Z"])
def test_unusable_dates_are_a_usage_error(mini_plan: Path, tmp_path: Path, date: str) -> None:
    code, _, err = run_cli("build", "--plan", str(mini_plan), "--compare-to", str(mini_plan), "--date", date,
                           "-o", str(tmp_path / "td.docx"))
    assert code == 2, err
    assert "Invalid value for '--date'" in err
    assert not (tmp_path / "td.docx").exists()


@given(st.datetimes(timezones=st.one_of(st.none(), st.timezones())))
def test_every_date_is_read_or_refused_as_a_usage_error(moment) -> None:
    """Any ISO date with any offset either becomes YYYY-MM-DDTHH:MM:SSZ or is a usage error."""
    import click

    from apdoc.options import revision_date

    command = click.Command("build", params=[click.Option(["--date"])])
    ctx = click.Context(command)
    try:
        value = revision_date(ctx, command.params[0], moment.isoformat())
    except click.BadParameter:
        return
    assert value is not None and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value), value


def test_an_early_date_keeps_four_digits_of_year() -> None:
    import click

    from apdoc.options import revision_date

    command = click.Command("build", params=[click.Option(["--date"])])
    early = revision_date(click.Context(command), command.params[0], "0001-01-01T00:00:00-01:00")
    assert early == "0001-01-01T01:00:00Z"


# --- 8. control characters in options: a usage error naming the option, as it is read

@pytest.mark.parametrize(("option", "args"), [
    ("--author", ["build", "--compare-to", "{plan}", "--author", "A{c}B"]),
    ("--date", ["build", "--compare-to", "{plan}", "--date", "2024-04-19T10:00:00Z{c}"]),
    ("--compare-to", ["build", "--compare-to", "HEAD{c}"]),
    ("-o", ["build", "-o", "{tmp}/td{c}.docx"]),
    ("--templates", ["build", "--templates", "{tmp}/t{c}"]),
    ("--plan", ["validate", "--plan", "{plan}{c}"]),
    ("--out", ["schema", "--out", "{tmp}/s{c}"]),
    ("--name", ["new", "action", "AP9", "--name", "x{c}"]),
    ("REF", ["diff", "HEAD{c}"]),
])
@pytest.mark.parametrize("char", ["\x01", "\x1b", "\t", "\x85", "\udcff"])
def test_control_characters_in_options_are_a_usage_error_naming_it(
        mini_plan: Path, tmp_path: Path, option: str, args: list[str], char: str) -> None:
    filled = [a.format(plan=mini_plan, tmp=tmp_path, c=char) for a in args]
    if "--plan" not in filled and filled[0] != "schema":
        filled += ["--plan", str(mini_plan)]
    before = sorted(tmp_path.rglob("*"))
    code, _, err = run_cli(*filled)
    assert code == 2, err
    assert f"Invalid value for '{option}'" in err or f"Invalid value for {option!r}" in err
    assert sorted(tmp_path.rglob("*")) == before  # nothing written


# --- 2. not a regular file in the plan: named, never opened, no command waits


def _make_special(path: Path, kind: str) -> None:
    import os
    import socket

    if kind == "fifo":
        os.mkfifo(path)
    else:
        sock, cwd = socket.socket(socket.AF_UNIX), os.getcwd()
        try:  # bound by a relative name: a socket's path is limited to ~100 bytes (macOS' temp folders are long)
            os.chdir(path.parent)
            sock.bind(path.name)
        finally:
            os.chdir(cwd)
            sock.close()


COMMANDS = [["validate"], ["build", "--format", "html", "-o", "{tmp}/td.html"], ["fmt"], ["fmt", "--check"],
            ["stats"], ["diff", "{plan}"], ["new", "action", "AP9", "--name", "n"], ["new", "consideration"]]


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("kind", ["fifo", "socket"])
@pytest.mark.parametrize("where", ["chapters/95-pipe.yaml", "action-items/AP3.yaml", "document.yaml"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_pipe_or_socket_in_the_plan_is_named_and_never_waited_on(
        tmp_path: Path, mini_plan: Path, kind: str, where: str, command: list[str]) -> None:
    import subprocess
    import sys

    target = mini_plan / where
    target.unlink(missing_ok=True)
    _make_special(target, kind)
    args = [a.format(tmp=tmp_path, plan=mini_plan) for a in command]
    # A process, so that a hang is a failed test (the timeout), not a stuck test run.
    done = subprocess.run([sys.executable, "-m", "apdoc", *args, "--plan", str(mini_plan)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert f"{where}: error: is a {'pipe (FIFO)' if kind == 'fifo' else 'socket'}, not a file: refused, not read" \
        in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "td.html").exists()


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("name", ["td.html.j2", "blocks.html.j2", "td.css"])
def test_a_pipe_among_the_templates_is_named_and_never_waited_on(tmp_path: Path, mini_plan: Path, name: str) -> None:
    import os
    import subprocess
    import sys

    templates = tmp_path / "templates"
    templates.mkdir()
    os.mkfifo(templates / name)
    done = subprocess.run([sys.executable, "-m", "apdoc", "build", "--plan", str(mini_plan), "--format", "html",
                           "-o", str(tmp_path / "td.html")], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert f"templates/{name}: error: is a pipe (FIFO), not a file: refused, not read" in done.stderr


def test_read_plan_file_refuses_what_it_finds_open_if_it_is_not_a_file(tmp_path: Path, monkeypatch) -> None:
    """The check is made again on the open file: a pipe swapped in after the first look is refused."""
    import os
    import stat

    from apdoc.diagnostics import PlanError
    from apdoc.plan import source as loader

    path = tmp_path / "x.yaml"
    path.write_text("a: b\n", encoding="utf-8")
    real_fstat = os.fstat

    class PipeStat:
        def __init__(self, fd: int) -> None:
            self.st_mode = stat.S_IFIFO | 0o644
            self.st_size = real_fstat(fd).st_size

    monkeypatch.setattr(loader.os, "fstat", PipeStat)
    with pytest.raises(PlanError, match="is a pipe"):
        loader.read_plan_file(path)


# --- 7. the plan's shape: an expected sub-folder that is not a folder, or missing


@pytest.mark.parametrize("folder", ["chapters", "annexes", "action-items"])
@pytest.mark.parametrize("kind", ["file", "fifo", "broken link"])
def test_a_plan_sub_folder_that_is_not_a_folder_is_an_error_naming_it(mini_plan: Path, tmp_path: Path, folder: str,
                                                                     kind: str) -> None:
    import os
    import shutil

    shutil.rmtree(mini_plan / folder)
    if kind == "file":
        (mini_plan / folder).write_text("id: x\n", encoding="utf-8")
    elif kind == "fifo":
        os.mkfifo(mini_plan / folder)
    else:
        (mini_plan / folder).symlink_to(tmp_path / "nowhere")
    for command in (["validate"], ["build", "--format", "html", "-o", str(tmp_path / "td.html")]):
        code, _, err = run_cli(*command, "--plan", str(mini_plan))
        assert code == 1
        assert re.search(rf"plan/{folder}: error: (is .*, not a folder|broken link)", err), err
        assert not (tmp_path / "td.html").exists()


def test_a_plan_without_chapters_is_an_error(mini_plan: Path) -> None:
    import shutil

    shutil.rmtree(mini_plan / "chapters")
    code, _, err = run_cli("validate", "--plan", str(mini_plan))
    assert code == 1
    assert "plan/chapters: error: missing: every plan needs a chapters/ folder" in err


def test_a_plan_without_annexes_or_action_items_folders_may_still_be_valid(mini_plan: Path) -> None:
    """Only chapters/ is required: the others are named only when something else stands in their place."""
    import shutil

    shutil.rmtree(mini_plan / "annexes")
    shutil.rmtree(mini_plan / "action-items")
    _, _, err = run_cli("validate", "--plan", str(mini_plan))
    assert "error" in err  # the chapters cite what the missing files held...
    assert "plan/annexes:" not in err and "plan/action-items:" not in err  # ...but the folders are not required


# --- 6. line numbers as editors count them (LF, CRLF, CR), whatever YAML counts besides

YAML_ONLY_BREAK = st.sampled_from(["\u2028", "\u2029", "\x85"])
QUOTED = st.lists(st.one_of(YAML_ONLY_BREAK, st.sampled_from(["x", "é", " ", "日"])), max_size=12).map("".join)


@given(st.lists(QUOTED, min_size=1, max_size=6), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_positions_are_editor_lines(tmp_path_factory, texts: list[str], newline: str, double: bool) -> None:
    from apdoc.diagnostics import PlanError
    from apdoc.plan.source import load_yaml

    quote = '"' if double else "'"
    lines = [f"k{n}: {quote}{text}{quote}" for n, text in enumerate(texts)]
    lines.append("k0: again")  # a duplicate key on the last line, in column 1
    path = tmp_path_factory.mktemp("lines") / "x.yaml"
    path.write_bytes(newline.join(lines).encode("utf-8") + newline.encode())
    with pytest.raises(PlanError) as raised:
        load_yaml(path)
    (problem,) = raised.value.diagnostics
    assert (problem.line, problem.col) == (len(lines), 1), problem
    assert "duplicate key 'k0'" in problem.message


def test_the_issue_example_reports_the_line_an_editor_shows(mini_plan: Path) -> None:
    path = mini_plan / "chapters" / "1-scope.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = 'title: "Intro\u2028duc\u2029tion\u0085"'
    lines.append("unknown_field: x")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run_cli("validate", "--plan", str(mini_plan))
    assert code == 1
    assert f"1-scope.yaml:{len(lines)}:1: error: unknown field 'unknown_field'" in err, err
    assert f"{len(lines)} | unknown_field: x" in err  # the excerpt is of that line too


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_unreadable_characters_and_bad_utf8_are_at_editor_lines(tmp_path: Path, newline: str) -> None:
    from apdoc.diagnostics import PlanError
    from apdoc.plan.source import load_yaml

    path = tmp_path / "x.yaml"
    path.write_bytes(newline.join(['a: "\u2028"', "b: c", "d: e\x00"]).encode() + newline.encode())
    with pytest.raises(PlanError) as raised:
        load_yaml(path)
    assert [(d.line, d.col) for d in raised.value.diagnostics] == [(3, 5)]
    path.write_bytes(newline.join(['a: "\u2028"', "b: c", "d: é"]).encode("utf-8") + b"\xff" + newline.encode())
    with pytest.raises(PlanError) as raised:
        load_yaml(path)
    assert [(d.line, d.col) for d in raised.value.diagnostics] == [(3, 5)]


def test_new_consideration_edits_the_right_lines_after_a_yaml_only_break(seed: Path) -> None:
    path = next(p for p in (seed / "chapters").glob("*.yaml") if "considerations:" in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    first_title = re.search(r"^title: (.*)$", text, re.M)
    assert first_title is not None
    path.write_text(text.replace(first_title.group(0), f'title: "{first_title.group(1)}\u2028"', 1), encoding="utf-8")
    code, _, err = run_cli("new", "consideration", "--plan", str(seed))
    assert code == 0, err
    code, _, err = run_cli("validate", "--plan", str(seed))
    assert "error" not in err


# --- 5. links: https, http and mailto only, refused at validation and dropped by every writer

BAD_LINKS = ["javascript:alert(document.domain)", "JaVaScRiPt:alert(1)", " java\tscript:alert(1)", "vbscript:x",
             "data:text/html,<b>x</b>", "file:///etc/passwd", "ftp://example.org/x", "ms-word:ofe|u|x"]
GOOD_LINKS = ["https://www.itu.int/x.pdf", "HTTP://example.org", "mailto:tsag@itu.int"]


@pytest.mark.parametrize("url", BAD_LINKS)
def test_a_reference_url_with_another_scheme_is_refused_at_its_line(mini_plan: Path, tmp_path: Path, url: str) -> None:
    import json

    path = mini_plan / "annexes" / "a-references.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"    url: {json.dumps(url)}\n", encoding="utf-8")
    code, _, err = run_cli("build", "--plan", str(mini_plan), "--format", "html", "-o", str(tmp_path / "td.html"))
    assert code == 1
    assert "a-references.yaml:6:10: error: references.0.url: " in err
    assert "is not an address starting with https://, http:// or mailto:" in err
    assert not (tmp_path / "td.html").exists()


@pytest.mark.parametrize("url", GOOD_LINKS)
def test_web_and_mail_addresses_are_links_in_every_format(mini_plan: Path, tmp_path: Path, url: str) -> None:
    path = mini_plan / "annexes" / "a-references.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"    url: {url}\n", encoding="utf-8")
    code, _, err = run_cli("build", "--plan", str(mini_plan), "--format", "all", "-o", str(tmp_path))
    assert code == 0, err
    assert f'href="{url}"' in next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    assert f"]({url})" in next(tmp_path.glob("*.md")).read_text(encoding="utf-8")


@pytest.mark.parametrize("url", ["javascript:alert(document.domain)", "JaVaScRiPt:alert(1)", "vbscript:x",
                                 "ftp://example.org/x", "file:///etc/passwd"])
@pytest.mark.parametrize("form", ["[here]({url})", "<{url}>", "- item with [a link]({url})"])
def test_a_link_in_text_with_another_scheme_is_refused_at_its_line(mini_plan: Path, edit, url: str, form: str) -> None:
    text = form.format(url=url)
    edit(mini_plan / "chapters" / "1-scope.yaml", "  - This plan covers", f"  - {json_str(text)}\n  - This plan covers")
    code, _, err = run_cli("validate", "--plan", str(mini_plan))
    assert code == 1
    assert re.search(r"1-scope\.yaml:4:5: error: link to '.*': links to [a-z]+: are not allowed", err), err


def json_str(text: str) -> str:
    import json

    return json.dumps(text)


XHTML_WITH_LINKS = (
    '<html><head><title>t</title></head><body><h1 id="h">Head</h1><p>'
    '<a href="javascript:alert(1)">one</a> <a href=" JAVA&#9;SCRIPT:alert(2)">two</a> '
    '<a href="data:text/html,x">three</a> <a href="https://itu.int/">four</a> <a href="#h">five</a>'
    "</p></body></html>"
)


def test_the_html_writer_drops_other_schemes() -> None:
    from apdoc.writers.html import write_html

    out = write_html(XHTML_WITH_LINKS).decode()
    assert "javascript" not in out.lower().replace("\t", "") and "data:" not in out
    assert 'href="https://itu.int/"' in out and ">one</a>" in out and ">two</a>" in out


def test_the_markdown_writer_drops_other_schemes() -> None:
    from apdoc.writers.markdown import write_markdown

    out = write_markdown(XHTML_WITH_LINKS).decode()
    assert "javascript" not in out.lower() and "data:" not in out
    assert "[four](https://itu.int/)" in out and "one" in out


def test_the_docx_writer_drops_other_schemes() -> None:
    import io
    import zipfile

    from apdoc.writers.docx import write_docx

    with zipfile.ZipFile(io.BytesIO(write_docx(XHTML_WITH_LINKS))) as docx:
        rels = docx.read("word/_rels/document.xml.rels").decode()
        body = docx.read("word/document.xml").decode()
    assert "javascript" not in rels.lower().replace("\t", "").replace("&#9;", "") and "data:" not in rels
    assert 'Target="https://itu.int/"' in rels
    assert "one" in body and "three" in body


def test_the_pdf_writer_drops_other_schemes() -> None:
    """The links weasyprint makes /URI actions of (the PDF itself is compressed)."""
    from weasyprint import HTML

    from apdoc.writers.pdf import for_weasyprint, write_pdf

    targets = [link[1] for page in HTML(string=for_weasyprint(XHTML_WITH_LINKS)).render().pages for link in page.links]
    assert targets == ["https://itu.int/", "h"]
    assert write_pdf(XHTML_WITH_LINKS).startswith(b"%PDF")


SCHEME_NOISE = st.lists(st.sampled_from(["\t", "\n", "\r"]), max_size=2).map("".join)


@given(st.sampled_from(["javascript", "vbscript", "data", "file", "ftp"]), st.data())
def test_a_scheme_disguised_as_a_browser_reads_it_is_still_refused(scheme: str, data) -> None:
    """Any case, tabs and line breaks inside, controls and spaces before: still that scheme."""
    from apdoc.links import is_allowed_link

    lead = data.draw(st.text(st.sampled_from([" ", "\x00", "\x01", "\x1f"]), max_size=3))
    letters = [data.draw(st.sampled_from([c.lower(), c.upper()])) + data.draw(SCHEME_NOISE) for c in scheme]
    rest = data.draw(st.text(max_size=20))
    assert not is_allowed_link(lead + "".join(letters) + ":" + rest)


# --- 1. the output is an input: refused before anything is written


PLAN_FILES = ["document.yaml", "chapters/1-scope.yaml", "annexes/a-references.yaml", "action-items/AP1.yaml"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
@pytest.mark.parametrize("victim", [*PLAN_FILES, "chapters/99-new.yaml", "action-items/notes.txt", "extra.yml"])
@pytest.mark.parametrize("through_link", [False, True])
def test_an_output_that_is_a_plan_file_is_refused(mini_plan: Path, tmp_path: Path, monkeypatch, fmt: str,
                                                  victim: str, through_link: bool) -> None:
    monkeypatch.chdir(tmp_path)
    before = _snapshot(mini_plan)
    output = mini_plan / victim
    if through_link:
        output = tmp_path / f"link.{fmt}"
        output.symlink_to(mini_plan / victim)
    code, out, err = run_cli("build", "--format", fmt, "--plan", str(mini_plan), "-o", str(output))
    assert code == 1, out + err
    assert "cannot write: it is a file of the plan" in err or "cannot write: it is in the plan's" in err, err
    assert "wrote" not in out
    assert _snapshot(mini_plan) == before  # nothing written, nothing added


def test_format_all_into_a_plan_folder_writes_none_of_the_formats(mini_plan: Path, tmp_path: Path) -> None:
    before = _snapshot(mini_plan)
    code, _, err = run_cli("build", "--format", "all", "--plan", str(mini_plan), "-o", str(mini_plan / "chapters"))
    assert code == 1
    assert err.count("cannot write: it is in the plan's chapters/ folder") == 4
    assert _snapshot(mini_plan) == before


def test_an_output_among_the_templates_in_use_is_refused(mini_plan: Path, tmp_path: Path) -> None:
    from apdoc.defaults import PACKAGED_TEMPLATES

    templates = tmp_path / "my-templates"
    templates.mkdir()
    (templates / "td.css").write_text("body {}", encoding="utf-8")
    packaged = PACKAGED_TEMPLATES / "td.html.j2"
    packaged_before = packaged.read_bytes()
    for output, templates_option in [(templates / "td.css", ["--templates", str(templates)]),
                                     (templates / "new.html", ["--templates", str(templates)]),
                                     (mini_plan.parent / "templates" / "td.html.j2", []),
                                     (packaged, [])]:
        if not templates_option:
            output.parent.mkdir(exist_ok=True)
        code, _, err = run_cli("build", "--format", "html", "--plan", str(mini_plan), *templates_option,
                               "-o", str(output))
        assert code == 1, err
        assert "cannot write: it is" in err and ("templates folder" in err or "apdoc's own package" in err), err
    assert (templates / "td.css").read_text(encoding="utf-8") == "body {}"
    assert not (templates / "new.html").exists()
    assert packaged.read_bytes() == packaged_before


def test_an_output_that_is_a_file_of_the_compared_plan_is_refused(seed_pair: tuple[Path, Path]) -> None:
    earlier, now = seed_pair
    before = _snapshot(earlier)
    code, _, err = run_cli("build", "--format", "html", "--plan", str(now), "--compare-to", str(earlier),
                           "-o", str(earlier / "document.yaml"))
    assert code == 1
    assert "cannot write: it is a file of the plan" in err
    assert _snapshot(earlier) == before


def test_outputs_beside_plan_files_are_still_allowed(mini_plan: Path, tmp_path: Path, monkeypatch) -> None:
    """A plan at the top of a repository (--plan .) still builds into build/; a TD may sit in the plan folder."""
    monkeypatch.chdir(mini_plan)
    code, _, err = run_cli("build", "--format", "html", "--plan", ".")
    assert code == 0, err
    assert list((mini_plan / "build").glob("*.html"))
    code, _, err = run_cli("build", "--format", "md", "--plan", ".", "-o", "TD.md")
    assert code == 0, err


@pytest.mark.parametrize("inside", ["", "chapters", "action-items"])
def test_schema_is_never_written_into_a_plan(mini_plan: Path, inside: str) -> None:
    before = _snapshot(mini_plan)
    code, _, err = run_cli("schema", "--out", str(mini_plan / inside))
    assert code == 1
    assert "cannot write: it is inside the plan folder" in err
    assert _snapshot(mini_plan) == before


def test_schema_writes_elsewhere(tmp_path: Path) -> None:
    code, _, err = run_cli("schema", "--out", str(tmp_path / "schema"))
    assert code == 0, err
    assert len(list((tmp_path / "schema").glob("*.schema.json"))) == len(FILE_KINDS)  # one per kind of plan file


def test_new_action_does_not_write_through_a_dangling_link(seed: Path, tmp_path: Path) -> None:
    """(Guarded already: the plan, loaded first, refuses the broken link.)"""
    (seed / "action-items" / "AP9.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    code, _, err = run_cli("new", "action", "AP9", "--name", "x", "--plan", str(seed))
    assert code == 1
    assert "AP9.yaml: error: broken link" in err
    assert not (tmp_path / "elsewhere.yaml").exists()


@given(st.lists(st.sampled_from(["chapters", "annexes", "action-items", "sub", "x.yaml", "x.YML", "TD.docx",
                                 "CHAPTERS", "..", "."]), min_size=1, max_size=4))
def test_input_problem_refuses_exactly_the_plan_files(tmp_path_factory, parts: list[str]) -> None:
    """Any path, however spelled: refused exactly when it lands on a plan file or in a plan sub-folder."""
    import os

    from apdoc.output import Inputs, input_problem

    root = tmp_path_factory.mktemp("p")
    plan = root / "plan"
    plan.mkdir()
    (plan / "document.yaml").write_text("x", encoding="utf-8")
    target = plan.joinpath(*parts)
    real = Path(os.path.realpath(target))
    try:
        rel = real.relative_to(plan.resolve()).parts
    except ValueError:
        rel = ()
    expected = bool(rel) and (rel[0].casefold() in ("chapters", "annexes", "action-items")
                              or (len(rel) == 1 and Path(rel[0]).suffix.casefold() in (".yaml", ".yml")))
    assert (input_problem(target, Inputs(plans=(plan,))) is not None) == expected, (parts, rel)


# --- 9. leftovers: stale temporaries of our own naming are removed by the next write of the target


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_write_killed_in_its_window_leaves_a_temporary_the_next_build_removes(tmp_path: Path) -> None:
    import subprocess
    import sys

    target = tmp_path / "TD.pdf"
    target.write_bytes(b"previous")
    # A build killed (SIGKILL: no clean-up runs) between writing its temporary file and renaming it.
    killed = subprocess.run([sys.executable, "-c",
                             "import os, signal, sys\nfrom pathlib import Path\nfrom apdoc import output\n"
                             "output.os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)\n"
                             "output.write_atomic(Path(sys.argv[1]), b'new')\n", str(target)], check=False)
    assert killed.returncode == -9
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "TD.pdf"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".TD.pdf.") and leftovers[0].endswith(".tmp")
    assert target.read_bytes() == b"previous"

    from apdoc.output import write_atomic

    write_atomic(target, b"next")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["TD.pdf"]
    assert target.read_bytes() == b"next"


def test_only_stale_temporaries_of_our_own_naming_are_removed(tmp_path: Path) -> None:
    import os
    import time

    from apdoc.output import _HOST, STALE_AFTER, write_atomic

    dead, alive = _dead_pid(), os.getpid()
    names = {
        f".TD.pdf.{_HOST}-{dead}.abcd_123.tmp": False,  # its process has ended: stale
        ".TD.pdf.k2j4h5g6.tmp": True,  # an earlier version's name, young: may be a write under way
        ".TD.pdf.x8y7z6w5.tmp": False,  # the same, but old
        f".TD.pdf.{_HOST}-{alive}.abcdefgh.tmp": True,  # a write under way in a live process
        f".TD.pdf.otherhost-{dead}.abcdefgh.tmp": True,  # another machine's (a shared folder): by age only
        f".TD.pdf.{_HOST}-{dead}.abcdefgh.tmp.keep": True,  # not our pattern
        f".TD.pdf.old.{_HOST}-{dead}.abcdefgh.tmp": True,  # a temporary of another target (TD.pdf.old)
        f".other.pdf.{_HOST}-{dead}.abcdefgh.tmp": True,
        "TD.pdf.tmp": True,
        f".TD.pdf.{_HOST}-{dead}.ABCDEFGH.tmp": True,  # mkstemp never uses capitals
    }
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    old = time.time() - STALE_AFTER - 10
    os.utime(tmp_path / ".TD.pdf.x8y7z6w5.tmp", (old, old))
    (tmp_path / f".TD.pdf.{_HOST}-{dead}.linkto__.tmp").symlink_to(tmp_path / "TD.pdf.tmp")  # not a regular file
    (tmp_path / f".TD.pdf.{_HOST}-{dead}.folder__.tmp").mkdir()
    write_atomic(tmp_path / "TD.pdf", b"pdf")
    left = {p.name for p in tmp_path.iterdir()}
    assert {name for name, kept in names.items() if kept} | {"TD.pdf", f".TD.pdf.{_HOST}-{dead}.linkto__.tmp",
                                                            f".TD.pdf.{_HOST}-{dead}.folder__.tmp"} == left


def test_an_output_inside_a_git_folder_is_refused(mini_plan: Path, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    code, _, err = run_cli("build", "--format", "md", "--plan", str(mini_plan), "-o", str(tmp_path / ".git" / "HEAD"))
    assert code == 1
    assert "cannot write: it is inside a git repository's own .git folder" in err
    assert (tmp_path / ".git" / "HEAD").read_text(encoding="utf-8") == "ref: refs/heads/main\n"
