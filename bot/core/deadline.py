"""A time budget for pure CPU work (screening one message), enforced from outside the work.

The work cannot be trusted to stop by itself (a backtracking regex runs for minutes), and
Python cannot interrupt C code from another thread (the regex engine holds the GIL). So:

- On the main thread of a POSIX process (where the bot's event loop runs), a CPU-time
  timer (``setitimer(ITIMER_PROF)``) is armed for the budget. CPython's regex engine checks
  for signals while it matches, so the handler's exception stops even a catastrophic
  pattern at the deadline. The timer counts the process's CPU time, not wall time: on a
  busy machine a message is not held just because the process was waiting for a core.
  The handler is installed once; it raises only while armed, and ``run`` clears the armed
  flag before it cancels the timer, so a late signal is harmless. Past the deadline the
  timer fires every 10 ms until its exception lands (Python ignores an exception raised
  inside a finalizer or a gc callback). Automatic garbage collection waits until the call
  is over: a collection of the whole heap takes about 100 ms and is not the message's doing.
- Anywhere else (another thread, no ``setitimer``, or another SIGPROF handler in place,
  such as a profiler's), the work runs in one long-lived worker process that is killed and
  replaced when it misses the deadline (about 0.1-0.3 ms of extra cost per call).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any, TypeVar

__all__ = ["Deadline", "Overrun"]

log = logging.getLogger(__name__)
T = TypeVar("T")
WORKER_START_TIMEOUT = 60.0  # seconds for a worker to import and warm up (not the budget)
RETICK = 0.01  # after the deadline, the timer fires again every 10 ms of CPU until it lands


class Overrun(Exception):
    """The work did not finish within its budget (it was stopped)."""


class _Expired(BaseException):
    """Raised by the timer's handler; a BaseException, so ``except Exception`` inside the
    work cannot swallow it."""


class _CpuTimer:
    """The process's one CPU-time timer and its handler (one per process: there is one
    ITIMER_PROF)."""

    def __init__(self) -> None:
        self.armed = False
        self.installed = False
        self.refused = not hasattr(signal, "setitimer") or not hasattr(signal, "SIGPROF")

    def usable(self) -> bool:
        """True when the timer can interrupt the calling code (main thread, POSIX, and no
        one else's SIGPROF handler)."""
        if threading.get_ident() != threading.main_thread().ident or self.refused:
            return False
        if not self.installed:
            # checked once: ``signal.getsignal`` costs more than screening a short message
            if signal.getsignal(signal.SIGPROF) not in (signal.SIG_DFL, signal.SIG_IGN, None):
                self.refused = True  # a profiler or another library owns SIGPROF
                log.info("SIGPROF is in use: time budgets run in a worker process")
                return False
            signal.signal(signal.SIGPROF, self._expired)
            self.installed = True
        return True

    def _expired(self, signum: int, frame: FrameType | None) -> None:
        # stays armed: if the exception lands where Python ignores it (a finalizer, a gc
        # callback), the timer's next tick raises it again
        if self.armed:
            raise _Expired

    def run(self, budget: float, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        if self.armed:
            return fn(*args)  # already inside a budget: the outer deadline applies
        # a collection of the whole heap (~100 ms in the bot) is not the message's doing:
        # automatic collection waits until the call is over
        collecting = gc.isenabled()
        try:
            self.armed = True
            gc.disable()
            try:
                signal.setitimer(signal.ITIMER_PROF, budget, RETICK)
                return fn(*args)
            finally:
                self.armed = False  # first: a signal from here on is ignored
                signal.setitimer(signal.ITIMER_PROF, 0)
                if collecting:
                    gc.enable()
        except _Expired:
            # (also when the signal landed just after ``fn`` returned: the budget is spent)
            self.armed = False
            signal.setitimer(signal.ITIMER_PROF, 0)
            if collecting:
                gc.enable()
            raise Overrun(f"stopped after {budget * 1000:.0f} ms of CPU time") from None


_TIMER = _CpuTimer()


def _serve(conn: Connection, warm_up: Callable[[], object] | None) -> None:
    """The worker process: warm up, then run calls until the pipe closes."""
    if warm_up is not None:
        warm_up()
    conn.send(("ready", None))
    while True:
        try:
            fn, args = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", fn(*args)))
        except Exception as e:
            conn.send(("error", e))


class _Worker:
    """One worker process (spawned, so no locks are inherited from a threaded parent)."""

    def __init__(self, warm_up: Callable[[], object] | None) -> None:
        self.warm_up = warm_up
        self.lock = threading.Lock()
        self.proc: BaseProcess | None = None
        self.conn: Connection | None = None

    def _start(self) -> Connection:
        ctx = multiprocessing.get_context("spawn")
        mine, theirs = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(theirs, self.warm_up), daemon=True)
        proc.start()
        theirs.close()
        if not mine.poll(WORKER_START_TIMEOUT):
            proc.kill()
            raise Overrun("the screening worker did not start")
        mine.recv()
        self.proc, self.conn = proc, mine
        return mine

    def _stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.join(5)
        if self.conn is not None:
            self.conn.close()
        self.proc = self.conn = None

    def run(self, budget: float, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        with self.lock:
            conn = self.conn
            if conn is None or self.proc is None or not self.proc.is_alive():
                self._stop()
                conn = self._start()
            try:
                conn.send((fn, args))
                if not conn.poll(budget):
                    self._stop()  # still working: kill it; the next call gets a fresh one
                    raise Overrun(f"stopped after {budget * 1000:.0f} ms")
                kind, value = conn.recv()
            except (OSError, EOFError) as e:
                self._stop()
                raise Overrun(f"the screening worker failed: {e}") from None
        if kind == "error":
            raise value
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        with self.lock:
            self._stop()


class Deadline:
    """Runs a pure, CPU-bound function within ``budget`` seconds or raises ``Overrun``.

    ``warm_up`` (a module-level function) is run once, outside any budget, before the
    first guarded call (and in a worker process when one starts), so lazily built tables
    are not billed to the first message.
    """

    def __init__(self, budget: float, warm_up: Callable[[], object] | None = None) -> None:
        if budget <= 0:
            raise ValueError("the budget must be positive")
        self.budget = budget
        self._warm_up = warm_up
        self._warm = warm_up is None
        self._worker: _Worker | None = None

    @property
    def in_process(self) -> bool:
        """True when calls from this thread are stopped by the CPU timer (no worker)."""
        return _TIMER.usable()

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)``, stopped at the deadline (``Overrun``); its exceptions pass."""
        if _TIMER.usable():
            if not self._warm and self._warm_up is not None:
                self._warm_up()
                self._warm = True
            return _TIMER.run(self.budget, fn, args)
        if self._worker is None:
            self._worker = _Worker(self._warm_up)
        return self._worker.run(self.budget, fn, args)

    def close(self) -> None:
        """Stop the worker process, if one was started."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None
