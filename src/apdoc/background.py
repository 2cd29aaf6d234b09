"""Work done beside the build, in one place: two kinds of forked process and threads.

- `ForkedCall`: one result made in a forked process, started at once and asked for when it is
  due (the earlier version's layout of a marked build; the PDF, typeset while the other formats
  are written). It may wait for one value sent to it later: the PDF's process imports weasyprint
  while this one reads and lays out the plan, then is sent the layout.
- `ForkedText`: text made in a forked process and read here as it is made: on two cores a
  large plan's layout runs beside the DOCX writer that reads it, instead of before it.
- `ThreadCall`: work that waits on other processes (git), in a thread (concurrent.futures).

A forked process answers in frames: a kind byte, a length, the data. Kinds: text (UTF-8, a
piece of a ForkedText); value (pickled, a ForkedCall's result); done; error (a PlanError,
pickled whole: the plan's or a template's fault, raised here as it was there); crash (a
traceback: ours, raised here as RuntimeError). However the child ends, the reader knows it by
the time its answer ends: a child killed before it answered is one RuntimeError too.

Forking needs `os.fork` and a second core to be worth it (`can_fork`); callers do the work in
this process otherwise.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO, Generic, TypeVar

from .diagnostics import PlanError

if TYPE_CHECKING:  # concurrent.futures is imported when a thread is first started
    from concurrent.futures import Future

T = TypeVar("T")

CHUNK = 1 << 16  # characters of text a frame carries (at least): the parser's own piece size
PIPE_SIZE = 1 << 20  # bytes the pipe holds: Linux's default limit for a user (fs/pipe-max-size)
HEADER = struct.Struct("<cQ")
TEXT, VALUE, DONE, ERROR, CRASH = b"t", b"v", b"d", b"e", b"x"


def can_fork() -> bool:
    """Whether work can start in a fork of this process and run beside it. Asked without
    importing multiprocessing: a DOCX build starts no process and need not pay for it."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) >= 2


class ThreadCall(Generic[T]):
    """`function(*args)` in a thread of its own (concurrent.futures), started at once, for work
    that waits on other processes (git). `result()` waits for it, and for its thread to end (a
    fork after that copies no running thread), then gives its value or raises its exception."""

    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"apdoc-{function.__name__}")
        self._future: Future[T] = self._executor.submit(function, *args)

    def result(self) -> T:
        self._executor.shutdown(wait=True)
        return self._future.result()


class ForkedCall(Generic[T]):
    """`function(*args)` run in a forked child, started at once; `result()` waits for its value
    or raises its error (a PlanError as it was raised, anything else as a RuntimeError with the
    child's traceback). `what` names the work in those messages ("the PDF writer").

    With `receives`, the function is given one more argument: a callable that waits for the
    value `send()` sends (it may do other work first). A child never sent one ends quietly.
    `close()` ends a child whose result was not asked for, and reaps it; once."""

    def __init__(self, function: Callable[..., T], *args: Any, what: str, receives: bool = False) -> None:
        self._what = what
        inbox = os.pipe() if receives else None
        if inbox is not None:
            _widen(inbox[1])  # a layout of the seed's size is sent without waiting for the child to read it
        answer_read, answer_write = os.pipe()
        self._pid = _fork()
        if self._pid == 0:  # the child: never returns
            os.close(answer_read)
            arguments = args
            if inbox is not None:
                os.close(inbox[1])
                arguments = (*args, _receiver(os.fdopen(inbox[0], "rb")))
            _answer_and_exit(answer_write, lambda sink: _send_value(sink, function, arguments))
        os.close(answer_write)
        self._answer: BinaryIO = os.fdopen(answer_read, "rb")
        self._inbox: BinaryIO | None = None
        if inbox is not None:
            os.close(inbox[0])
            self._inbox = os.fdopen(inbox[1], "wb")
        self._answered = False

    def send(self, value: Any) -> None:
        """The value the function's receiving callable returns: sent once."""
        assert self._inbox is not None, "send() needs a ForkedCall made with receives=True"
        try:
            _write(self._inbox, VALUE, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
            self._inbox.close()
        except BrokenPipeError:  # the child ended already: result() says how
            pass

    def result(self) -> T:
        kind, data = _read_frame(self._answer, self._ended)
        self._answered = True
        if kind == VALUE:
            return pickle.loads(data)
        _raise_outcome(kind, data, self._what)
        raise RuntimeError(f"{self._what}'s process answered with a frame of kind {kind!r}")

    def close(self) -> None:
        if self._answer.closed:
            return
        if self._inbox is not None and not self._inbox.closed:
            with contextlib.suppress(BrokenPipeError):
                self._inbox.close()
        self._answer.close()
        if not self._answered:  # the build failed before it needed this (the PDF's process may be importing)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        os.waitpid(self._pid, 0)

    def _ended(self) -> RuntimeError:
        """The error of a child that ended before it answered (killed, out of memory)."""
        self._answer.close()
        _, status = os.waitpid(self._pid, 0)
        return RuntimeError(f"{self._what}'s process ended before it answered ({_how_it_ended(status)})")


class ForkedText:
    """The pieces `produce()` gives, made in a forked child. Iterate it for the text; if the
    reader stops early, `outcome()` still says whether the producer failed (its error comes
    first, as it would have without the fork)."""

    def __init__(self, produce: Callable[[], Iterable[str]], what: str = "the layout"):
        self._what = what
        read_end, write_end = os.pipe()
        _widen(write_end)
        self._pid = _fork()
        if self._pid == 0:  # the child: never returns
            os.close(read_end)
            _answer_and_exit(write_end, lambda sink: _send_text(sink, produce))
        os.close(write_end)
        self._source: BinaryIO = os.fdopen(read_end, "rb")
        self._ended = False

    def __iter__(self) -> Iterator[str]:
        while not self._ended:
            kind, data = _read_frame(self._source, self._cut_short)
            if kind != TEXT:
                self._ended = True
                _raise_outcome(kind, data, self._what)
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

    def _cut_short(self) -> RuntimeError:
        self._ended = True
        return RuntimeError(f"{self._what}'s process ended before {self._what} did")


def _fork() -> int:
    # What this process buffered for its terminal must not be written twice (by the child too).
    sys.stdout.flush()
    sys.stderr.flush()
    return os.fork()


def _widen(pipe: int) -> None:
    """Let the pipe hold PIPE_SIZE bytes where the system allows (Linux): with the default 64 KB
    a child could run only a frame ahead, and waited whenever the reader was busy (walking a
    table, say), then the reader waited on it."""
    try:
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except (ImportError, AttributeError, OSError):  # not Linux, or a lower limit: a narrower pipe works too
        pass


def _answer_and_exit(fd: int, answer: Callable[[BinaryIO], None]) -> None:
    status = 0
    try:
        with os.fdopen(fd, "wb") as sink:
            answer(sink)
    except BaseException:  # the reader stopped reading (a broken pipe), or nothing was sent: nobody to tell
        status = 1
    finally:
        os._exit(status)  # not the parent's exit handlers, nor its buffers flushed a second time


class _NothingSent(BaseException):
    """The parent closed the inbox without sending: the child's work is not wanted."""


def _receiver(inbox: BinaryIO) -> Callable[[], Any]:
    def receive() -> Any:
        header = inbox.read(HEADER.size)
        if len(header) < HEADER.size:
            raise _NothingSent
        _, size = HEADER.unpack(header)
        data = inbox.read(size)
        if len(data) < size:
            raise _NothingSent
        return pickle.loads(data)

    return receive


def _send_value(sink: BinaryIO, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        value = pickle.dumps(function(*args), pickle.HIGHEST_PROTOCOL)
    except PlanError as exc:
        _write(sink, ERROR, pickle.dumps(exc))
    except Exception:
        _write(sink, CRASH, traceback.format_exc().encode("utf-8"))
    else:
        _write(sink, VALUE, value)


def _send_text(sink: BinaryIO, produce: Callable[[], Iterable[str]]) -> None:
    try:
        for text in _batched(produce()):
            _write(sink, TEXT, text.encode("utf-8"))
    except PlanError as exc:
        _write(sink, ERROR, pickle.dumps(exc))
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


def _read_frame(source: BinaryIO, cut_short: Callable[[], RuntimeError]) -> tuple[bytes, bytes]:
    header = source.read(HEADER.size)
    if len(header) < HEADER.size:
        raise cut_short()
    kind, size = HEADER.unpack(header)
    data = source.read(size)
    if len(data) < size:
        raise cut_short()
    return kind, data


def _raise_outcome(kind: bytes, data: bytes, what: str) -> None:
    """Raise the child's error, if its last frame says it had one (done says it had none)."""
    if kind == ERROR:
        raise pickle.loads(data)
    if kind == CRASH:
        raise RuntimeError(f"{what}'s process failed:\n{data.decode('utf-8')}")


def _how_it_ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"killed by {signal.Signals(number).name}"
        except ValueError:
            return f"killed by signal {number}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
