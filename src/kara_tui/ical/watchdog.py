"""A per-thread time limit for pure-Python work that may never yield (hostile RRULEs)."""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class TimeLimitExceeded(Exception):
    """Raised inside the guarded thread when its time is up."""


_raise_in = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.py_object)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi)
)


_POLL = 0.05  # seconds; how late a limit may fire


class Watchdog:
    """Interrupts one thread when an armed deadline passes.

    dateutil can loop for seconds, even forever, on a rule that never matches
    (``FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30``) without yielding, so counting
    results cannot bound it. Checking the clock on every call (``sys.settrace``)
    would slow every series down; instead a helper thread sleeps until the
    deadline and, only if the work is still running, raises
    :class:`TimeLimitExceeded` in the worker thread (CPython delivers it at the
    next bytecode boundary, which pure-Python rule iteration always reaches).
    Normal work pays two uncontended lock round-trips per guarded block.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._deadline: float | None = None
        self._target = threading.get_ident()
        self._stopped = False
        self._fired = False
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Watchdog:
        self._thread = threading.Thread(target=self._run, name="ical-watchdog", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:  # stops the same whether or not it raised
        with self._cond:
            self._stopped = True
            self._deadline = None
            self._cond.notify()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        # Polls instead of being woken on every arm/disarm: a wake-up costs a thread
        # switch per series, polling costs nothing while no deadline is near.
        with self._cond:
            while not self._stopped:
                deadline = self._deadline
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    self._deadline = None
                    self._fired = True
                    _raise_in(self._target, TimeLimitExceeded)
                    continue
                pause = _POLL if deadline is None else min(_POLL, deadline - now)
                self._cond.wait(pause)

    @contextmanager
    def limit(self, seconds: float) -> Iterator[None]:
        """Run the block in the watched thread; raise TimeLimitExceeded after ``seconds``.

        A limit that fires while the block is finishing is still reported as
        TimeLimitExceeded (never leaked past this context manager).
        """
        if threading.get_ident() != self._target:
            raise RuntimeError("a Watchdog guards only the thread that created it")
        with self._cond:
            self._fired = False
            self._deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            with self._cond:
                self._deadline = None
                fired, self._fired = self._fired, False
            if fired:
                # The block may have swallowed the exception (recurring-ical-events catches
                # broadly) or finished before CPython delivered it: its result is not whole.
                _absorb_pending()
                raise TimeLimitExceeded


def _absorb_pending() -> None:
    """Let CPython deliver an exception the helper set but has not raised yet, and drop it.

    Clearing it with ``PyThreadState_SetAsyncExc(id, NULL)`` instead would leave
    CPython 3.11's "async exception pending" flag set for good: harmless on its
    own, but under any tracer (cProfile, pyinstrument, coverage) the next Python
    call then loops forever. A pending exception is delivered at the next
    backward jump, so a short loop always receives it.
    """
    try:
        for _ in range(100_000):
            pass
    except TimeLimitExceeded:
        pass
