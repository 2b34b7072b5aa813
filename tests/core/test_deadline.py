"""The time budget for screening: a runaway pattern is stopped from outside, on the main
thread by the CPU timer and on any other thread by a worker process it kills."""

from __future__ import annotations

import gc
import re
import signal
import threading
import time
from typing import Any

import pytest

from bot.core.deadline import Deadline, Overrun

# the long-number pattern screening had before issue 10: nested repeats whose separators
# also match digits, so a digit run followed by a letter backtracks exponentially
RUNAWAY = re.compile(r"(?<![\w.])\+?\(?\d(?:[\d\u00a0 ().\-]{0,3}\d){5,24}(?![\w])")
POISON = "my code is " + "7" * 28 + "x"  # about 6 s of CPU without a budget, minutes at 40


def in_thread(fn: Any, *args: Any) -> Any:
    """Call ``fn`` on another thread; its result or its exception."""
    out: list[Any] = []

    def go() -> None:
        try:
            out.append(fn(*args))
        except Exception as e:
            out.append(e)

    t = threading.Thread(target=go)
    t.start()
    t.join()
    return out[0]


def test_a_runaway_pattern_on_the_main_thread_is_stopped_at_the_budget() -> None:
    deadline = Deadline(0.05)
    assert deadline.in_process
    started = time.process_time()
    with pytest.raises(Overrun):
        deadline.run(RUNAWAY.search, POISON)
    assert time.process_time() - started < 3  # stopped, not run to the end (~6 s)


def test_work_that_finishes_returns_its_result_and_its_errors_pass_through() -> None:
    deadline = Deadline(0.5)
    assert deadline.run(sum, [1, 2, 3]) == 6
    with pytest.raises(ZeroDivisionError):
        deadline.run(lambda: 1 / 0)
    with pytest.raises(Overrun):  # the timer still works after an error
        deadline.run(RUNAWAY.search, POISON)


def test_the_code_under_budget_cannot_swallow_the_stop() -> None:
    def stubborn() -> str:
        try:
            RUNAWAY.search(POISON)
        except Exception:
            return "swallowed"
        return "finished"

    with pytest.raises(Overrun):
        Deadline(0.05).run(stubborn)


def test_a_stop_that_lands_where_it_is_ignored_comes_again() -> None:
    def swallows_the_first_stop() -> str:
        try:
            RUNAWAY.search(POISON)
        except BaseException:
            pass  # as Python does with an exception raised inside a finalizer
        RUNAWAY.search(POISON)
        return "finished"

    with pytest.raises(Overrun):
        Deadline(0.05).run(swallows_the_first_stop)
    assert gc.isenabled()  # collection paused during the call only


def test_a_signal_after_the_work_is_done_is_harmless() -> None:
    deadline = Deadline(0.05)
    assert deadline.run(str.upper, "done") == "DONE"
    signal.setitimer(signal.ITIMER_PROF, 0.001)  # a late tick of the same timer
    until = time.process_time() + 0.05
    while time.process_time() < until:
        pass  # the handler runs here and must not raise
    assert deadline.run(str.lower, "AGAIN") == "again"


def test_off_the_main_thread_a_worker_process_is_stopped_and_replaced() -> None:
    deadline = Deadline(0.3)
    try:
        assert not in_thread(lambda: deadline.in_process)
        assert isinstance(in_thread(deadline.run, RUNAWAY.findall, POISON), Overrun)
        found = in_thread(deadline.run, RUNAWAY.findall, "call 555 123 4567 now")
        assert found == ["555 123 4567"]
        assert isinstance(in_thread(deadline.run, int, "not a number"), ValueError)
    finally:
        deadline.close()
