"""Issue 24, a live preview that reloads itself: `apdoc watch --serve` in a real browser (headless
Chromium, driven through its DevTools protocol: tests/chromium.py). The TD renders; a save reloads
it; a save that breaks the plan shows the errors over the last good TD; the fix takes them away."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from chromium import Chromium
from conftest import MINI_PLAN, run_cli

APDOC = Path(sys.executable).with_name("apdoc")
SCOPE = "chapters/1-scope.yaml"


class Watching:
    """`apdoc watch --serve 0` on a plan, its output read as it comes."""

    def __init__(self, plan: Path, *extra: str) -> None:
        self.process = subprocess.Popen([str(APDOC), "watch", "--plan", str(plan), "--serve", "0", *extra],
                                        cwd=plan.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        env={**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"})
        self.lines: list[str] = []
        self._seen = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        announced = re.search(r"http://127\.0\.0\.1:\d+/", self.wait_for_line("preview at "))
        assert announced is not None
        self.url = announced.group()
        self.wait_for_line(" wrote ")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._seen:
                self.lines.append(line)
                self._seen.notify_all()

    def wait_for_line(self, text: str, timeout: float = 60) -> str:
        with self._seen:
            found = self._seen.wait_for(lambda: next((line for line in self.lines if text in line), None), timeout)
        assert found, f"no line with {text!r} in:\n{''.join(self.lines)}"
        return found

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[tuple[Watching, Path]]:
    plan = tmp_path / "plan"
    shutil.copytree(MINI_PLAN, plan)
    watcher = Watching(plan)
    try:
        yield watcher, plan
    finally:
        if watcher.process.poll() is None:
            watcher.stop()


def _edit(plan: Path, before: str, after: str) -> None:
    path = plan / SCOPE
    text = path.read_text(encoding="utf-8")
    assert before in text
    path.write_text(text.replace(before, after, 1), encoding="utf-8")


def test_the_preview_renders_reloads_on_save_and_shows_errors(watching: tuple[Watching, Path]) -> None:
    watcher, plan = watching
    with Chromium(watcher.url) as browser:
        browser.wait_for("document.title === 'A small plan with other items'")
        assert browser.evaluate("document.querySelector('h1').textContent") == "1 Scope"
        assert browser.evaluate("document.getElementById('apdoc-errors')") is None

        _edit(plan, "title: Scope", "title: Scope and aims")  # a save: the page reloads by itself
        browser.wait_for("document.querySelector('h1') && document.querySelector('h1').textContent === "
                         "'1 Scope and aims'")

        _edit(plan, "title: Scope and aims", "titel: Scope and aims")  # a save that does not build
        browser.wait_for("!!document.getElementById('apdoc-errors')")
        shown = browser.evaluate("document.getElementById('apdoc-errors').innerText")
        assert "1 error: not built; the last good TD is shown" in shown
        assert f"{SCOPE}:2:1: error: unknown field 'titel' (did you mean 'title'?)" in shown
        assert "titel: Scope and aims" in shown and "^" in shown  # the source line and its caret
        assert browser.evaluate("document.querySelector('h1').textContent") == "1 Scope and aims"  # the last good

        _edit(plan, "titel: Scope and aims", "title: Scope")  # fixed: the box goes, the TD is the new one
        browser.wait_for("!document.getElementById('apdoc-errors') && document.querySelector('h1') && "
                         "document.querySelector('h1').textContent === '1 Scope'")
    assert watcher.stop() in (0, 128 + signal.SIGTERM)


def test_a_plan_broken_from_the_start_shows_only_its_errors(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    shutil.copytree(MINI_PLAN, plan)
    _edit(plan, "title: Scope", "titel: Scope")
    process = subprocess.Popen([str(APDOC), "watch", "--plan", str(plan), "--serve", "0"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        url = next(found.group() for line in process.stdout
                   if (found := re.search(r"http://127\.0\.0\.1:\d+/", line)) is not None)
        with Chromium(url) as browser:
            browser.wait_for("!!document.getElementById('apdoc-errors')")
            assert "1 error: not built — fix and save" in browser.evaluate("document.body.innerText")
            _edit(plan, "titel: Scope", "title: Scope")
            browser.wait_for("!document.getElementById('apdoc-errors') && !!document.querySelector('h1')")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _get(url: str, path: str, host: str | None = None) -> tuple[int, bytes]:
    where = re.match(r"http://([\d.]+):(\d+)/", url)
    assert where is not None
    connection = http.client.HTTPConnection(where.group(1), int(where.group(2)), timeout=10)
    connection.request("GET", path, headers={"Host": host} if host else {})
    answer = connection.getresponse()
    return answer.status, answer.read()


def test_only_this_servers_name_is_answered(watching: tuple[Watching, Path]) -> None:
    """A page elsewhere cannot read the preview through a DNS name pointed at 127.0.0.1."""
    watcher, _ = watching
    assert _get(watcher.url, "/version")[0] == 200
    assert _get(watcher.url, "/version", host="attacker.example")[0] == 421
    assert _get(watcher.url, "/nothing")[0] == 404


def test_it_listens_on_loopback_only(watching: tuple[Watching, Path]) -> None:
    """The listening socket, as the kernel lists it (/proc/net/tcp): 127.0.0.1 and no other address."""
    watcher, _ = watching
    port = int(watcher.url.rsplit(":", 1)[1].strip("/"))
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                listening.append(address)
    assert listening == ["0100007F"]  # 127.0.0.1, little-endian


def test_serve_needs_the_html(mini_plan: Path) -> None:
    code, _, stderr = run_cli("watch", "--plan", str(mini_plan), "--serve", "0", "--format", "pdf")
    assert code == 2 and "--serve shows the HTML TD: give --format html or all, not pdf" in stderr


def test_a_port_in_use_is_a_usage_error(mini_plan: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, stderr = run_cli("watch", "--plan", str(mini_plan), "--serve", str(port))
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in stderr and "--serve 0" in stderr


def test_a_watch_session_reads_only_the_files_saved(mini_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Within watch's session a file unchanged since the last load is taken as it was; the file saved
    is read again (and its error found); outside the session every load reads every file."""
    import apdoc.plan.load as load
    from apdoc.diagnostics import PlanError

    read: list[str] = []
    real = load.load_yaml
    monkeypatch.setattr(load, "load_yaml", lambda path: read.append(path.name) or real(path))
    every = len(list(mini_plan.rglob("*.yaml")))
    with load.unchanged_files_remembered():
        load.load_plan(mini_plan)
        assert len(read) == every
        read.clear()
        load.load_plan(mini_plan)
        assert read == []
        _edit(mini_plan, "title: Scope", "titel: Scope and aims")  # (a new size: whatever the clock's tick)
        with pytest.raises(PlanError, match="unknown field 'titel'"):
            load.load_plan(mini_plan)
        assert read == ["1-scope.yaml"]
    read.clear()
    with pytest.raises(PlanError):
        load.load_plan(mini_plan)
    assert len(read) == every
