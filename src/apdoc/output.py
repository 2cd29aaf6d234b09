"""Write outputs atomically: a temporary file in the target folder, renamed into place.

A failed or interrupted build (an error, Ctrl-C, SIGTERM, a full disk) leaves the previous
file untouched and no temporary file behind; two builds racing to the same path each
rename a complete file, so the survivor is always whole.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .diagnostics import Diagnostic, PlanError, display_path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise PlanError([Diagnostic(display_path(path), 0, 0, f"cannot write: {exc.strerror or exc}")]) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise PlanError(
                [Diagnostic(display_path(path), 0, 0, f"cannot write: {exc.strerror or exc}")]
            ) from None
        raise
