"""One writer of a plan at a time: `apply`, `fmt` and `new` hold the plan's lock from their first
read of the plan to their last write, so that two of them at once never lose an edit.

The lock is taken on the plan folder itself with flock(2): advisory, shared by every name of
the folder, and released by the system however the command ends (Ctrl-C, SIGKILL, a power
cut). So no lock file is ever made, left behind, shown by `git status` or read as plan content.
A second command waits for the first, saying so, up to WAIT seconds, then refuses. Where the
system has no flock (Windows) or the file system refuses it (some network file systems), the
commands still compare each file with what they read just before replacing it
(output.FileStamp): then a concurrent write is refused rather than waited for.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..diagnostics import Diagnostic, PlanError, display_path

WAIT = 120.0  # seconds: longer than apply takes on the 100× plan; a lock held longer is a command stuck
POLL = 0.05


@contextlib.contextmanager
def plan_lock(plan_dir: Path, *, wait: float | None = None,
              waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock of `plan_dir` for the body; wait for another holder up to `wait` seconds
    [default: WAIT] (calling `waiting` once with a line to show), then raise PlanError naming the plan."""
    fd = _locked(plan_dir, WAIT if wait is None else wait, waiting)
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock


def _locked(plan_dir: Path, wait: float, waiting: Callable[[str], None] | None) -> int | None:
    """An open descriptor of `plan_dir` holding its lock, or None where there is no lock to take
    (no flock, a file system without locks, no such folder: the command's own read says so)."""
    try:
        import fcntl
    except ImportError:  # Windows: the check before each rename is the guard
        return None
    try:
        fd = os.open(plan_dir, os.O_RDONLY)
    except OSError:
        return None
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                os.close(fd)
                return None
        if time.monotonic() >= deadline:
            os.close(fd)
            raise PlanError([Diagnostic(display_path(plan_dir), 0, 0,
                                        f"another apdoc command (apply, fmt or new) has been writing this plan "
                                        f"for {wait:g} s or more; nothing was written: run this one again "
                                        "when it has finished")])
        if not told and waiting is not None:
            waiting(f"waiting for another apdoc command writing {display_path(plan_dir)} to finish…")
            told = True
        time.sleep(POLL)
