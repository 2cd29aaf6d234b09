"""apdoc watch: rebuild on every save, for a live preview.

What decides a rebuild is a snapshot of the inputs (path, size, mtime, inode of every plan
file and template) taken just before each build: a change made while a build runs, or
while the watcher starts, is never lost, and an event that changed nothing (a file opened,
a save without edits) builds nothing. watchfiles (file-system notifications) only wakes
the loop promptly; it also wakes it every `interval` seconds, which covers what
notifications miss (network drives, a plan folder replaced by `git checkout`, a templates
folder created later). Without watchfiles the loop simply polls every `interval` seconds.

A save that breaks the plan is reported and the loop goes on; the output is written
atomically, so the last good build stays in place until the plan is fixed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..build import BuildRequest, build_formats
from ..diagnostics import Diagnostic, PlanError, display_path
from ..plan.folder import FOLDERS

Snapshot = frozenset[tuple[str, int, int, int]]
# After a file-system event, how long to wait for more (a save is a few events within a
# millisecond or two) before building: part of every save's time to the live preview.
STEP_MS = 20


@dataclass
class Round:
    """One build: what it wrote, or why it failed."""

    written: list[Path]
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return not self.diagnostics


def inputs(request: BuildRequest) -> list[Path]:
    """The folders a build reads: the plan (as load_plan reads it) and the templates."""
    return [request.plan_dir, *(request.plan_dir / folder for folder in FOLDERS), request.templates]


def snapshot(request: BuildRequest, ignore: Collection[Path] = ()) -> Snapshot:
    """Size, modification time and inode of every input file: any save changes one of them."""
    plan_dir = request.plan_dir
    found = set()
    for folder in inputs(request):
        try:
            entries = list(os.scandir(folder))
        except OSError:  # not there (yet): an absent folder is a state too
            continue
        for entry in entries:
            if entry.name.startswith("."):  # editor swap files, our own temporary files
                continue
            if folder == plan_dir and not entry.name.endswith((".yaml", ".yml")):
                continue  # the plan's top folder also holds the subfolders, listed on their own
            try:
                stat = entry.stat()
            except OSError:  # removed while we looked
                continue
            if Path(entry.path).resolve() in ignore:
                continue
            found.add((entry.path, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return frozenset(found)


def rebuild(request: BuildRequest) -> Round:
    """Build every target; a broken plan is a failed round, never an exception."""
    try:
        return Round(build_formats(request), [])
    except PlanError as exc:
        return Round([], exc.diagnostics)
    except Exception as exc:  # an apdoc bug: say so, and keep watching for the next save
        message = f"internal error: {type(exc).__name__}: {exc} (please report it)"
        return Round([], [Diagnostic(display_path(request.plan_dir), 0, 0, message)])


def _wakeups(folders: list[Path], stop: threading.Event, interval: float) -> Iterator[None]:
    """Yield when an input may have changed, and at least every `interval` seconds, until `stop`."""
    watched = [folder for folder in folders if folder.is_dir()]
    try:
        import watchfiles
    except ImportError:  # pragma: no cover - watchfiles is a dependency; polling works without it
        watchfiles = None
    if watchfiles is None or not watched:
        while not stop.wait(interval):
            yield
        return
    period = max(1, int(interval * 1000))
    try:
        # yield_on_timeout: wake every interval even with no event, to poll what notifications miss.
        for _ in watchfiles.watch(*watched, watch_filter=None, step=STEP_MS, rust_timeout=period, yield_on_timeout=True,
                                  stop_event=stop, recursive=False, poll_delay_ms=period):
            yield
    except (OSError, RuntimeError):  # a folder vanished as the watcher started: poll until the next build
        while not stop.wait(interval):
            yield


def watch(
    request: BuildRequest,
    *,
    on_round: Callable[[Round], None],
    stop: threading.Event | None = None,
    rounds: int | None = None,
    interval: float = 0.5,
) -> int:
    """Build what `request` asks now and after every change, calling `on_round` after each build.

    Runs until `stop` is set or `rounds` builds are done (for tests); returns the number of builds.
    """
    stop = stop or threading.Event()
    ignore = {path.resolve() for path in request.targets.values() if path is not None}
    last = snapshot(request, ignore)
    on_round(rebuild(request))
    done = 1
    while (rounds is None or done < rounds) and not stop.is_set():
        # Watch the folders as they are now: the templates folder may have appeared since.
        for _ in _wakeups(inputs(request), stop, interval):
            now = snapshot(request, ignore)
            if now == last:
                continue
            last = now  # taken before the build: a save during the build triggers the next one
            on_round(rebuild(request))
            done += 1
            break  # re-enter: a folder may have appeared or been replaced
    return done
