"""Atomic output: a failed or interrupted write never leaves a partial file behind."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from apdoc import output
from apdoc.diagnostics import PlanError
from apdoc.output import write_atomic


def test_creates_missing_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "td.docx"
    write_atomic(target, b"data")
    assert target.read_bytes() == b"data"


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, SystemExit, OSError])
def test_interrupted_write_keeps_previous_file(tmp_path: Path, monkeypatch, interruption) -> None:
    target = tmp_path / "td.docx"
    target.write_bytes(b"previous")

    def fail(*args: object) -> None:
        raise interruption(28, "No space left on device") if interruption is OSError else interruption()

    monkeypatch.setattr(output.os, "replace", fail)
    with pytest.raises(PlanError if interruption is OSError else interruption):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["td.docx"]


def test_full_disk_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    def no_space(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", no_space)
    with pytest.raises(PlanError) as caught:
        write_atomic(tmp_path / "td.docx", b"x" * 1000)
    assert caught.value.diagnostics[0].message == "cannot write: No space left on device"
    assert os.listdir(tmp_path) == []


def test_concurrent_writers_leave_one_complete_file(tmp_path: Path) -> None:
    target = tmp_path / "td.docx"
    payloads = [bytes([n]) * 2_000_000 for n in range(8)]
    threads = [threading.Thread(target=write_atomic, args=(target, p)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert target.read_bytes() in payloads
    assert os.listdir(tmp_path) == ["td.docx"]


def test_file_mode_follows_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "td.docx", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "td.docx").stat().st_mode & 0o777 == 0o644


def message_for(path: Path) -> str:
    with pytest.raises(PlanError) as caught:
        write_atomic(path, b"new")
    return caught.value.diagnostics[0].message


def test_a_device_or_pipe_is_never_replaced(tmp_path: Path) -> None:
    """As root, os.replace would swap /dev/null or /dev/full for a regular file."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    assert message_for(pipe) == "cannot write: it is not a regular file (a device or a pipe); give a file name"
    assert pipe.is_fifo() and os.listdir(tmp_path) == ["pipe"]


def test_a_folder_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "td.docx").mkdir()
    assert message_for(tmp_path / "td.docx") == "cannot write: it is a folder; give a file name"


def test_a_folder_path_through_a_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("x")
    assert message_for(tmp_path / "notes" / "td.docx").endswith("notes is a file, not a folder")


def test_a_symbolic_link_is_written_through_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real" / "td.docx"
    real.parent.mkdir()
    real.write_bytes(b"previous")
    link = tmp_path / "latest.docx"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert os.listdir(real.parent) == ["td.docx"]
