"""The command line: exit codes, messages, and no traceback for any input."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest


def apdoc(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apdoc", *args], capture_output=True, text=True, cwd=cwd, timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def test_validate_valid_plan_prints_one_line_summary(mini_plan: Path) -> None:
    result = apdoc("validate", "--plan", str(mini_plan))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"{mini_plan}: valid: 2 chapters, 1 annex, 2 action items (2 tables), 2 considerations, 2 warnings\n"
    )


def test_validate_reports_every_problem_and_exits_1(mini_plan: Path, edit) -> None:
    edit(mini_plan / "chapters/1-scope.yaml", "title: Scope", "titel: Scope")
    edit(mini_plan / "action-items/AP1.yaml", "id: AP1\n", "id: AP1\nid: AP1\n")
    result = apdoc("validate", "--plan", str(mini_plan))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert f"{mini_plan}/action-items/AP1.yaml:2:1: error: duplicate key 'id' (first defined at line 1)" in lines
    assert f"{mini_plan}/chapters/1-scope.yaml:2:1: error: unknown field 'titel' (did you mean 'title'?)" in lines
    assert lines[-1] == "2 errors"  # the typo is reported once, not also as a missing title
    assert "Traceback" not in result.stderr


def test_missing_plan_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = apdoc("validate", "--plan", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{tmp_path}/nowhere: error: plan folder not found")


def test_wrong_usage_exits_2(mini_plan: Path) -> None:
    result = apdoc("build", "--format", "odt", "--plan", str(mini_plan))
    assert result.returncode == 2
    assert "Invalid value for '--format'" in result.stderr


def test_build_html_writes_the_file(mini_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "td.html"
    result = apdoc("build", "--format", "html", "--plan", str(mini_plan), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"wrote {out}" in result.stdout


def test_default_output_is_named_after_the_document_number(mini_plan: Path, tmp_path: Path) -> None:
    result = apdoc("build", "--format", "html", "--plan", str(mini_plan), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "build" / "SG99-TD-7.html").is_file()


def test_format_all_into_a_folder_names_the_files_after_the_document_number(mini_plan: Path, tmp_path: Path) -> None:
    result = apdoc("build", "--format", "all", "--plan", str(mini_plan), "-o", str(tmp_path / "td"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "td").iterdir()) == [
        "SG99-TD-7.docx", "SG99-TD-7.html", "SG99-TD-7.md", "SG99-TD-7.pdf"]


def test_failed_build_keeps_the_previous_output(mini_plan: Path, tmp_path: Path, edit) -> None:
    out = tmp_path / "td.html"
    out.write_text("previous good output", encoding="utf-8")
    edit(mini_plan / "document.yaml", "source: Rapporteur Q1/99", "source: [broken")
    result = apdoc("build", "--format", "html", "--plan", str(mini_plan), "-o", str(out))
    assert result.returncode == 1
    assert out.read_text(encoding="utf-8") == "previous good output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan", "td.html"]


def test_unwritable_output_is_a_clear_error(mini_plan: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = apdoc("build", "--format", "html", "--plan", str(mini_plan), "-o", str(blocker / "td.html"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{blocker}/td.html: error: cannot write")
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = apdoc("--version")
    assert result.returncode == 0 and result.stdout.startswith("apdoc, version ")


@pytest.mark.parametrize("command", ["validate", "build", "schema"])
def test_help_has_an_example(command: str) -> None:
    result = apdoc(command, "--help")
    assert result.returncode == 0 and "Example" in result.stdout


def test_warnings_are_reported_and_strict_makes_them_errors(mini_plan: Path) -> None:
    relaxed = apdoc("validate", "--plan", str(mini_plan))
    assert relaxed.returncode == 0
    assert f"{mini_plan}/chapters/2-matrix.yaml:23:19: warning: consideration 9 has an open editor's note" in (
        relaxed.stderr.splitlines()
    )
    strict = apdoc("validate", "--strict", "--plan", str(mini_plan))
    assert strict.returncode == 1
    assert f"{mini_plan}/chapters/2-matrix.yaml:28:7: error: consideration 9 points at a New AP" in (
        strict.stderr.splitlines()
    )
    assert strict.stderr.splitlines()[-1] == "2 errors"


def test_github_annotations(mini_plan: Path, edit) -> None:
    edit(mini_plan / "chapters/1-scope.yaml", "title: Scope", "titel: Scope")
    result = apdoc("validate", "--format", "github", "--plan", str(mini_plan))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"::error file={mini_plan}/chapters/1-scope.yaml,line=2,col=1::unknown field 'titel' (did you mean 'title'?)"
    ]


def test_json_diagnostics_parse_back(mini_plan: Path, edit) -> None:
    import json

    edit(mini_plan / "chapters/2-matrix.yaml", "sources: [A, B]", "sources: [A, C]")
    result = apdoc("validate", "--format", "json", "--plan", str(mini_plan))
    assert result.returncode == 1
    found = json.loads(result.stdout)
    errors = [d for d in found if d["severity"] == "error"]
    assert errors == [{"path": f"{mini_plan}/chapters/2-matrix.yaml", "line": 24, "col": 18,
                       "message": "session source 'C' is not declared in session_sources (A, B)",
                       "severity": "error"}]


def test_html_has_contents_and_endnotes(mini_plan: Path, tmp_path: Path) -> None:
    import lxml.html

    out = tmp_path / "td.html"
    assert apdoc("build", "--format", "html", "--plan", str(mini_plan), "-o", str(out)).returncode == 0
    page = lxml.html.fromstring(out.read_bytes())
    assert [a.text for a in page.xpath("//nav[@id='contents']//a")] == [
        "1 Scope", "1.1 Detail", "2 Actions and the matrix", "Annex A – References"
    ]
    (ref,) = page.xpath("//sup[@class='footnote-ref']/a")
    assert ref.text == "1" and ref.get("href") == "#fn-only"
    assert page.xpath("string(//section[@id='footnotes']//li[@id='fn-only'])").startswith("Nothing else is covered.")


def test_bad_template_override_is_a_clean_error(mini_plan: Path, tmp_path: Path) -> None:
    templates = mini_plan.parent / "templates"
    templates.mkdir()
    (templates / "td.html.j2").write_text("<html><body><p>unclosed</body></html>", encoding="utf-8")
    result = apdoc("build", "--format", "docx", "--plan", str(mini_plan), "-o", str(tmp_path / "td.docx"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{templates}: error: the layout is not valid for the docx writer")
    assert "Traceback" not in result.stderr and not (tmp_path / "td.docx").exists()


@pytest.mark.parametrize("debug", [False, True])
def test_internal_error_is_one_line_unless_debug(mini_plan: Path, monkeypatch, capsys, debug: bool) -> None:
    import apdoc.build
    from apdoc.cli import main

    def bug(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(apdoc.build, "build_formats", bug)
    argv = ["apdoc", *(["--debug"] if debug else []), "build", "--plan", str(mini_plan)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == ("apdoc: internal error: RuntimeError: simulated bug. Please report it "
                                    "(run with --debug for the traceback).")
    assert ("Traceback" in err) is debug


@pytest.mark.parametrize("collecting", [True, False])
def test_main_in_process_leaves_the_collector_and_sigterm_as_it_found_them(
    mini_plan: Path, monkeypatch, capsys, collecting: bool
) -> None:
    """main() turns the cycle collector off and catches SIGTERM for its run; a caller in the same
    process (a test, a tool) finds both as they were once it returns, or exits."""
    import contextlib
    import gc
    import signal

    from apdoc.cli import main

    def own_handler(signum: int, frame: object) -> None:
        pass

    before = signal.signal(signal.SIGTERM, own_handler)
    was_collecting = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        for argv in (["apdoc", "validate", str(mini_plan)], ["apdoc", "validate", "--plan", "nowhere"]):
            monkeypatch.setattr(sys, "argv", argv)
            with contextlib.suppress(SystemExit):  # (valid: main returns; not found: exit 1)
                main()
            assert gc.isenabled() is collecting
            assert signal.getsignal(signal.SIGTERM) is own_handler
    finally:
        signal.signal(signal.SIGTERM, before)
        (gc.enable if was_collecting else gc.disable)()
    capsys.readouterr()


def _wait_until_it_catches(pid: int, signum: int) -> None:
    """Wait until process `pid` has installed a handler for `signum` (Linux: SigCgt in /proc)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        pytest.skip("needs /proc to see when apdoc's signal handler is in place")
    while True:
        caught = next((line.split()[1] for line in status.read_text().splitlines() if line.startswith("SigCgt:")), "0")
        if int(caught, 16) & (1 << (signum - 1)):
            return
        time.sleep(0.01)  # a poll for an event, not a guess at how long start-up takes


def test_sigterm_leaves_the_previous_output_and_no_temporary_file(tmp_path: Path) -> None:
    import signal

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from conftest import SEED_PLAN
    from synth import synthesize

    big = synthesize(SEED_PLAN, 30, tmp_path / "big")
    out = tmp_path / "out" / "td.docx"
    out.parent.mkdir()
    out.write_bytes(b"previous")
    proc = subprocess.Popen([sys.executable, "-m", "apdoc", "build", "--plan", str(big), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_until_it_catches(proc.pid, signal.SIGTERM)  # past start-up; the 30× plan then takes seconds
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM  # our handler ran: the build was cut off, not finished
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in out.parent.iterdir()) == ["td.docx"]


def test_benchmark_plans_are_valid(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from conftest import SEED_PLAN
    from synth import synthesize

    big = synthesize(SEED_PLAN, 3, tmp_path / "x3")
    result = apdoc("validate", "--plan", str(big))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "36 action items (33 tables), 78 considerations" in result.stdout
