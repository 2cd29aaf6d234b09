"""`--format all` on two cores: a format of OWN_WORKER (the PDF) is written by a forked worker,
beside the other writers, with the same bytes and the same errors as in the build's own process;
a worker that dies is one clear error, and nothing is written."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

import apdoc.build
from apdoc.background import ForkedCall
from apdoc.build import BuildRequest, build_formats
from apdoc.diagnostics import PlanError
from apdoc.writers import WRITERS, Writer, register
from conftest import MINI_PLAN

needs_fork = pytest.mark.usefixtures("forking")  # forks on one core too: never skipped


def write_pid(html: str) -> bytes:
    """A toy writer: which process wrote it, and the layout's length."""
    return f"{os.getpid()} {len(html)}".encode()


def refuse(html: str) -> bytes:
    raise ValueError("no body here")


def die(html: str) -> bytes:
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    raise AssertionError("not reached")


@pytest.fixture
def toy_writers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Three toy formats, "pid", "bad" and "die", each written in a worker of its own."""
    before = dict(WRITERS)
    register(Writer("pid", suffix="pid", function=write_pid))
    register(Writer("bad", suffix="bad", function=refuse))
    register(Writer("die", suffix="die", function=die))
    monkeypatch.setattr(apdoc.build, "OWN_WORKER", {"pid": ("json",), "bad": (), "die": ()})
    yield
    WRITERS.clear()
    WRITERS.update(before)


@needs_fork
def test_a_format_with_its_own_worker_is_written_by_another_process(toy_writers: None, tmp_path: Path) -> None:
    targets: dict[str, Path | None] = {"pid": tmp_path / "td.pid", "html": tmp_path / "td.html"}
    seen: list[tuple[str, Path | None]] = []
    build_formats(BuildRequest(MINI_PLAN, targets), progress=lambda fmt, path: seen.append((fmt, path)))
    pid, length = (tmp_path / "td.pid").read_text().split()
    assert int(pid) != os.getpid() and int(length) > 1000
    # In the order asked, as without a worker; the HTML is the same as a build of it alone.
    assert seen == [("pid", None), ("pid", tmp_path / "td.pid"), ("html", None), ("html", tmp_path / "td.html")]
    build_formats(BuildRequest(MINI_PLAN, {"html": tmp_path / "alone.html"}))
    assert (tmp_path / "alone.html").read_bytes() == (tmp_path / "td.html").read_bytes()


@needs_fork
def test_a_worker_s_refusal_is_a_plan_error_like_the_build_s_own(toy_writers: None, tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="the layout is not valid for the bad writer: no body here"):
        build_formats(BuildRequest(MINI_PLAN, {"bad": tmp_path / "td.bad"}))
    assert not (tmp_path / "td.bad").exists()


@needs_fork
def test_a_worker_that_dies_is_one_clear_error_and_nothing_is_written(toy_writers: None, tmp_path: Path) -> None:
    targets: dict[str, Path | None] = {"die": tmp_path / "td.die", "html": tmp_path / "td.html"}
    ended = r"^the DIE writer's process ended before it answered \(killed by SIGKILL\)$"
    with pytest.raises(RuntimeError, match=ended):
        build_formats(BuildRequest(MINI_PLAN, targets))
    assert list(tmp_path.iterdir()) == []


@needs_fork
def test_a_build_that_fails_early_ends_its_workers(
    toy_writers: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[ForkedCall] = []

    class Recorded(ForkedCall):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(apdoc.build, "ForkedCall", Recorded)
    with pytest.raises(PlanError):
        build_formats(BuildRequest(tmp_path / "no-plan-here", {"pid": tmp_path / "td.pid"}))
    assert len(started) == 1
    with pytest.raises(ChildProcessError):  # ended and reaped: no child of that number is left
        os.waitpid(started[0]._pid, os.WNOHANG)
