"""Text made in a forked process and read here as it is made: on two cores a large plan's
layout (about a second for 100 times the seed) runs beside the DOCX writer that reads it,
instead of before it.

The child sends the text in frames of about CHUNK characters: a kind byte, a length, the data.
Kinds: text (UTF-8); done; error (the plan's diagnostics: a template's fault); crash (a
traceback: ours). Whatever the child's outcome, the reader knows it by the time the text ends.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from typing import BinaryIO

from .diagnostics import Diagnostic, PlanError

CHUNK = 1 << 16  # characters of text a frame carries (at least): the parser's own piece size
PIPE_SIZE = 1 << 20  # bytes the pipe holds: Linux's default limit for a user (fs/pipe-max-size)
HEADER = struct.Struct("<cQ")
TEXT, DONE, ERROR, CRASH = b"t", b"d", b"e", b"x"


class ForkedText:
    """The pieces `produce()` gives, made in a forked child. Iterate it for the text; if the
    reader stops early, `outcome()` still says whether the producer failed (its error comes
    first, as it would have without the fork)."""

    def __init__(self, produce: Callable[[], Iterable[str]]):
        read_end, write_end = os.pipe()
        _widen(write_end)
        sys.stdout.flush()  # what this process buffered for its terminal must not be written twice
        sys.stderr.flush()
        self._pid = os.fork()
        if self._pid == 0:  # the child: never returns
            os.close(read_end)
            _produce_and_exit(write_end, produce)
        os.close(write_end)
        self._source: BinaryIO = os.fdopen(read_end, "rb")
        self._ended = False

    def __iter__(self) -> Iterator[str]:
        while not self._ended:
            kind, data = self._frame()
            if kind != TEXT:
                self._end(kind, data)
                return
            yield data.decode("utf-8")

    def outcome(self) -> None:
        """Read the rest of the text (dropped) to the child's outcome; raise the child's error."""
        for _ in self:
            pass

    def close(self) -> None:
        """Stop reading (a child still writing then stops too) and reap the child; once."""
        if not self._source.closed:
            self._source.close()
            os.waitpid(self._pid, 0)

    def _frame(self) -> tuple[bytes, bytes]:
        header = self._source.read(HEADER.size)
        if len(header) < HEADER.size:
            self._ended = True
            raise RuntimeError("the layout's process ended before the layout did")
        kind, size = HEADER.unpack(header)
        data = self._source.read(size)
        if len(data) < size:
            self._ended = True
            raise RuntimeError("the layout's process ended before the layout did")
        return kind, data

    def _end(self, kind: bytes, data: bytes) -> None:
        self._ended = True
        if kind == ERROR:
            raise PlanError([Diagnostic(**d) for d in pickle.loads(data)])
        if kind == CRASH:
            raise RuntimeError(f"the layout's process failed:\n{data.decode('utf-8')}")


def _widen(pipe: int) -> None:
    """Let the pipe hold PIPE_SIZE bytes where the system allows (Linux): with the default 64 KB
    the child could run only a frame ahead, and waited whenever the reader was busy (walking a
    table, say), then the reader waited on it."""
    try:
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except (ImportError, AttributeError, OSError):  # not Linux, or a lower limit: a narrower pipe works too
        pass


def _produce_and_exit(fd: int, produce: Callable[[], Iterable[str]]) -> None:
    status = 0
    try:
        with os.fdopen(fd, "wb") as sink:
            _send(sink, produce)
    except BaseException:  # the reader stopped reading (a broken pipe): nobody is left to tell
        status = 1
    finally:
        os._exit(status)  # not the parent's exit handlers, nor its buffers flushed a second time


def _send(sink: BinaryIO, produce: Callable[[], Iterable[str]]) -> None:
    try:
        for text in _batched(produce()):
            _write(sink, TEXT, text.encode("utf-8"))
    except PlanError as exc:
        _write(sink, ERROR, pickle.dumps([asdict(d) for d in exc.diagnostics]))
    except Exception:
        _write(sink, CRASH, traceback.format_exc().encode("utf-8"))
    else:
        _write(sink, DONE, b"")


def _batched(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces joined into texts of at least CHUNK characters (the last may be shorter)."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(batch)
            batch, size = [], 0
    if batch:
        yield "".join(batch)


def _write(sink: BinaryIO, kind: bytes, data: bytes) -> None:
    sink.write(HEADER.pack(kind, len(data)))
    sink.write(data)
