"""apdoc watch: rebuilds on save, survives a broken plan, keeps the last good output."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from apdoc.build import BuildRequest
from apdoc.commands import watch as watch_module
from apdoc.commands.watch import Round, snapshot, watch


class Watcher:
    """`watch` in a thread, with the rounds it reported."""

    def __init__(self, plan: Path, targets: dict[str, Path | None], template_dir: Path | None = None) -> None:
        self.rounds: list[Round] = []
        self.stop = threading.Event()
        self._changed = threading.Condition()
        self.thread = threading.Thread(
            target=watch, args=(BuildRequest(plan, targets, template_dir),), daemon=True,
            kwargs={"on_round": self._on_round, "stop": self.stop, "interval": 0.1},
        )

    def _on_round(self, result: Round) -> None:
        with self._changed:
            self.rounds.append(result)
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = 30) -> Round:
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.rounds) >= count, timeout), f"no round {count}"
            return self.rounds[count - 1]

    def __enter__(self) -> Watcher:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "watch did not stop"


@pytest.fixture(params=["notify", "poll"])
def mode(request, monkeypatch) -> str:
    """Both ways of waking up: file-system notifications, and plain polling (no watchfiles)."""
    if request.param == "poll":
        import builtins

        real_import = builtins.__import__

        def no_watchfiles(name: str, *args: object, **kwargs: object) -> object:
            if name == "watchfiles":
                raise ImportError(name)
            return real_import(name, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", no_watchfiles)
    return request.param


def test_rebuilds_on_save_reports_a_broken_save_and_keeps_the_last_good_output(
    mini_plan: Path, tmp_path: Path, edit: Callable[[Path, str, str], None], mode: str
) -> None:
    out = tmp_path / "out" / "td.html"
    scope = mini_plan / "chapters/1-scope.yaml"
    with Watcher(mini_plan, {"html": out}) as watcher:
        first = watcher.wait_for(1)
        assert first.ok and first.written == [out]
        good = out.read_bytes()
        assert b"Scope" in good

        edit(scope, "title: Scope", "titel: Scope")  # the editor saves a typo
        broken = watcher.wait_for(2)
        assert not broken.ok and broken.written == []
        (problem,) = broken.diagnostics
        assert problem.path.endswith("chapters/1-scope.yaml") and (problem.line, problem.col) == (2, 1)
        assert "unknown field 'titel'" in problem.message
        assert out.read_bytes() == good  # the previous good output is untouched
        assert sorted(p.name for p in out.parent.iterdir()) == ["td.html"]  # and no temporary file

        edit(scope, "titel: Scope", "title: Scope of the watch")  # fixed
        fixed = watcher.wait_for(3)
        assert fixed.ok and fixed.written == [out]
        assert b"Scope of the watch" in out.read_bytes()
        time.sleep(0.5)
        assert len(watcher.rounds) == 3  # nothing changed since: nothing rebuilt


def test_a_template_save_rebuilds(mini_plan: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    out = tmp_path / "td.html"
    with Watcher(mini_plan, {"html": out}, template_dir=templates) as watcher:
        assert watcher.wait_for(1).ok
        (templates / "td.css").write_text("body { color: rebeccapurple }", encoding="utf-8")
        assert watcher.wait_for(2).ok
        assert b"rebeccapurple" in out.read_bytes()


def test_rounds_limit_returns(mini_plan: Path, tmp_path: Path) -> None:
    assert watch(BuildRequest(mini_plan, {"md": tmp_path / "td.md"}), on_round=lambda r: None, rounds=1) == 1


def test_the_output_in_a_watched_folder_does_not_trigger_a_rebuild(mini_plan: Path) -> None:
    out = mini_plan / "td.yaml.html"  # odd, but must not loop
    request = BuildRequest(mini_plan, {"html": out})
    ignore = {out.resolve()}
    before = snapshot(request, ignore)
    out.write_text("x", encoding="utf-8")
    (mini_plan / ".document.yaml.swp").write_text("x", encoding="utf-8")  # an editor's swap file
    assert snapshot(request, ignore) == before
    os.utime(mini_plan / "chapters/1-scope.yaml", ns=(0, 0))
    assert snapshot(request, ignore) != before


def test_an_internal_error_is_reported_and_watching_goes_on(mini_plan: Path, tmp_path: Path, monkeypatch) -> None:
    def bug(*args: object, **kwargs: object) -> list[Path]:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(watch_module, "build_formats", bug)
    result = watch_module.rebuild(BuildRequest(mini_plan, {"html": tmp_path / "td.html"}))
    assert not result.ok and "internal error: RuntimeError: simulated bug" in result.diagnostics[0].message


def test_cli_watch_help_and_missing_plan(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from apdoc.cli import cli

    result = CliRunner().invoke(cli, ["watch", "--plan", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "plan folder not found" in result.stderr
