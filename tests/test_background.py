"""apdoc.background: a result made in a forked process (ForkedCall), told back whole however the
child ends; and work in a thread (concurrent.futures). (ForkedText: test_build_pipelined.py.)"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time
from collections.abc import Callable

import pytest

from apdoc.background import ForkedCall, ThreadCall
from apdoc.diagnostics import Diagnostic, PlanError

needs_fork = pytest.mark.usefixtures("forking")  # forks on one core too: never skipped

PROBLEMS = [Diagnostic("plan/document.yaml", 4, 3, "unknown field 'titel'"), Diagnostic("plan/a.yaml", 0, 0, "empty")]


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_a_plan_error_pickles_whole() -> None:
    error = PlanError(PROBLEMS)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is PlanError and again.diagnostics == error.diagnostics and str(again) == str(error)


def pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def refuse() -> None:
    raise PlanError(PROBLEMS)


def crash() -> None:
    raise KeyError("ours")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@needs_fork
def test_a_forked_call_s_value_is_made_in_another_process() -> None:
    call = ForkedCall(pid_and, 21, what="the sum")
    pid, value = call.result()
    call.close()
    assert pid != os.getpid() and pid == call._pid and value == 42 and reaped(call._pid)


@needs_fork
@pytest.mark.parametrize(("function", "raised", "message"), [
    (refuse, PlanError, "plan/a.yaml: error: empty\nplan/document.yaml:4:3: error: unknown field 'titel'"),
    (crash, RuntimeError, r"(?s)^the sum's process failed:\nTraceback.*KeyError: 'ours'"),
    (die, RuntimeError, r"^the sum's process ended before it answered \(killed by SIGKILL\)$"),
])
def test_a_forked_call_s_error_is_raised_here_once(function: Callable[[], None], raised: type[Exception],
                                                   message: str) -> None:
    call = ForkedCall(function, what="the sum")
    with pytest.raises(raised, match=message) as caught:
        call.result()
    call.close()
    if raised is PlanError:
        assert caught.value.diagnostics == sorted(PROBLEMS)  # whole: not text to parse again
    assert reaped(call._pid)


def doubled_when_sent(ready: int, receive: Callable[[], str]) -> str:
    os.write(ready, b"!")  # (the test waits for this: the child runs before it is sent anything)
    return receive() * 2


@needs_fork
def test_a_forked_call_that_receives_starts_at_once_and_works_on_what_is_sent() -> None:
    read_end, write_end = os.pipe()
    call = ForkedCall(doubled_when_sent, write_end, what="the doubling", receives=True)
    os.close(write_end)
    assert os.read(read_end, 1) == b"!"
    os.close(read_end)
    call.send("ab" * 300_000)  # more than a pipe holds by default
    assert call.result() == "ab" * 600_000
    call.close()
    assert reaped(call._pid)


def wait_for_ever(receive: Callable[[], str]) -> str:
    time.sleep(60)
    return receive()


@needs_fork
def test_a_forked_call_not_wanted_is_ended_and_reaped_at_close() -> None:
    started = time.monotonic()
    call = ForkedCall(wait_for_ever, what="the sleeper", receives=True)
    call.close()
    call.close()  # once is enough; twice does no harm
    assert reaped(call._pid) and time.monotonic() - started < 30


def test_work_in_a_thread_gives_its_value_or_its_exception_once_the_thread_has_ended() -> None:
    call = ThreadCall(threading.current_thread)
    worker = call.result()
    assert worker is not threading.current_thread() and not worker.is_alive()  # nothing running at a fork after
    assert ThreadCall(pid_and, 2).result() == (os.getpid(), 4)
    with pytest.raises(PlanError):
        ThreadCall(refuse).result()
