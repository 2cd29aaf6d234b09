"""A large plan's DOCX is written while its layout is made in a forked process (apdoc.background):
the same bytes and the same errors as when the layout is whole before the writer starts."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import apdoc.background
import apdoc.build
from apdoc.background import CHUNK, ForkedText
from apdoc.build import BuildRequest, build_formats
from apdoc.diagnostics import Diagnostic, PlanError
from apdoc.writers import Writer
from conftest import MINI_PLAN

needs_fork = pytest.mark.usefixtures("forking")  # forks on one core too: never skipped


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[ForkedText]:
    """Every ForkedText a build makes; a build of any plan lays out beside its writer."""
    made: list[ForkedText] = []

    class Spied(ForkedText):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(apdoc.background, "ForkedText", Spied)
    monkeypatch.setattr(apdoc.build, "LAID_OUT_BESIDE", 0)
    return made


def reaped(text: ForkedText) -> bool:
    try:
        os.waitpid(text._pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@needs_fork
def test_a_docx_written_while_laid_out_has_the_bytes_of_one_written_after(forks: list[ForkedText],
                                                                          tmp_path: Path) -> None:
    build_formats(BuildRequest(MINI_PLAN, {"docx": tmp_path / "beside.docx"}))
    assert len(forks) == 1 and reaped(forks[0])
    apdoc.build.LAID_OUT_BESIDE = 10**9  # (undone by the fixture's monkeypatch)
    build_formats(BuildRequest(MINI_PLAN, {"docx": tmp_path / "after.docx"}))
    assert len(forks) == 1
    assert (tmp_path / "beside.docx").read_bytes() == (tmp_path / "after.docx").read_bytes()


def test_only_a_large_plan_s_one_format_that_reads_pieces_is_laid_out_beside(monkeypatch: pytest.MonkeyPatch) -> None:
    from apdoc.plan import load_plan

    plan = load_plan(MINI_PLAN)
    monkeypatch.setattr(apdoc.build, "can_fork", lambda: True)
    assert not apdoc.build._write_while_laying_out(plan, ["docx"])  # a small plan: the fork costs more
    monkeypatch.setattr(apdoc.build, "LAID_OUT_BESIDE", len(plan.files))
    assert apdoc.build._write_while_laying_out(plan, ["docx"])
    assert not apdoc.build._write_while_laying_out(plan, ["html"])
    assert not apdoc.build._write_while_laying_out(plan, ["docx", "html"])


def failing_template(plan: Path) -> Path:
    """A template whose output starts with a block the DOCX writer refuses and fails later, more
    than a frame of text on: the writer sees its refusal before the layout's own error."""
    templates = plan.parent / "templates"
    templates.mkdir()
    (templates / "td.html.j2").write_text(
        "<html><head><title>t</title></head><body><marquee>x</marquee>\n"
        f"{{% for i in range({CHUNK}) %}}<p>x</p>{{% endfor %}}\n{{{{ 1 / 0 }}}}</body></html>", encoding="utf-8")
    return templates


@needs_fork
def test_the_layout_s_error_comes_before_the_writer_s_as_when_laid_out_first(
    mini_plan: Path, forks: list[ForkedText], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_template(mini_plan)
    with pytest.raises(PlanError) as beside:
        build_formats(BuildRequest(mini_plan, {"docx": tmp_path / "td.docx"}))
    assert len(forks) == 1 and reaped(forks[0])
    monkeypatch.setattr(apdoc.build, "LAID_OUT_BESIDE", 10**9)
    with pytest.raises(PlanError) as after:
        build_formats(BuildRequest(mini_plan, {"docx": tmp_path / "td.docx"}))
    (diagnostic,) = beside.value.diagnostics
    assert diagnostic.message.startswith("template error: ZeroDivisionError") and diagnostic.line == 3
    assert beside.value.diagnostics == after.value.diagnostics
    assert not (tmp_path / "td.docx").exists()


@needs_fork
def test_forked_text_is_the_producer_s_text_in_order() -> None:
    pieces = [f"<p>{n}</p>" for n in range(30_000)]
    text = ForkedText(lambda: pieces)
    try:
        received = list(text)
    finally:
        text.close()
    assert "".join(received) == "".join(pieces)
    assert len(received) > 1 and all(len(piece) >= CHUNK for piece in received[:-1])  # in frames, not one by one
    assert reaped(text)


def plan_error() -> Iterator[str]:
    yield "<html>"
    raise PlanError([Diagnostic("templates/td.html.j2", 3, 1, "template error: no")])


def crash() -> Iterator[str]:
    yield "<html>"
    raise KeyError("ours")


@needs_fork
def test_the_producer_s_error_is_raised_where_its_text_ends() -> None:
    text = ForkedText(plan_error)
    with pytest.raises(PlanError) as caught:
        list(text)
    text.close()
    assert caught.value.diagnostics == [Diagnostic("templates/td.html.j2", 3, 1, "template error: no")]
    text = ForkedText(crash)
    with pytest.raises(RuntimeError, match=r"(?s)the layout's process failed:\n.*KeyError: 'ours'"):
        text.outcome()
    text.close()


@needs_fork
def test_a_reader_that_stops_early_stops_the_producer() -> None:
    text = ForkedText(lambda: itertools.repeat("x" * 1000))  # endless: it would write for ever
    next(iter(text))
    text.close()  # returns: the producer's next write fails, and it ends
    assert reaped(text)


def test_a_writer_that_does_not_read_pieces_gets_them_joined() -> None:
    whole = Writer("len", suffix="len", function=lambda html: str(len(html)).encode())
    assert whole.write_pieces(iter(["ab", "cd", "e"])) == b"5"


@needs_fork
def test_a_build_that_fails_before_it_writes_ends_the_layout_s_process(forks: list[ForkedText],
                                                                        tmp_path: Path) -> None:
    def progress(fmt: str, path: Path | None) -> None:
        raise BrokenPipeError("the terminal went away")

    with pytest.raises(BrokenPipeError):
        build_formats(BuildRequest(MINI_PLAN, {"docx": tmp_path / "td.docx"}), progress=progress)
    assert len(forks) == 1 and reaped(forks[0])
