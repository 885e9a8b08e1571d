"""The per-series time limit: fires on runaway work, never leaks, and works under a tracer."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
import time

import pytest

from kara_tui.ical.watchdog import TimeLimitExceeded, Watchdog


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_a_runaway_block_is_stopped() -> None:
    with Watchdog() as dog, pytest.raises(TimeLimitExceeded), dog.limit(0.1):
        _spin(5)


def test_a_block_that_swallows_the_interrupt_is_still_reported() -> None:
    # recurring-ical-events catches broadly around a series, as suppress() does here
    with (
        Watchdog() as dog,
        pytest.raises(TimeLimitExceeded),
        dog.limit(0.1),
        contextlib.suppress(Exception),
    ):
        _spin(5)


def test_a_quick_block_is_left_alone_and_nothing_fires_later() -> None:
    with Watchdog() as dog:
        for _ in range(100):
            with dog.limit(0.2):
                pass
        _spin(0.4)  # past every deadline that was armed


# Under any tracer (coverage, cProfile, pyinstrument) an "async exception" that
# was cleared instead of delivered made the next Python call loop forever. Run in
# a child so that a regression fails on the timeout instead of hanging the suite.
_UNDER_PROFILER = textwrap.dedent(
    """
    import cProfile, time
    from kara_tui.ical.watchdog import TimeLimitExceeded, Watchdog

    profiler = cProfile.Profile()
    profiler.enable()
    with Watchdog() as dog:
        for _ in range(50):
            with dog.limit(1.0):
                sum(range(100))
        try:
            with dog.limit(0.1):
                end = time.monotonic() + 5
                while time.monotonic() < end:
                    pass
        except TimeLimitExceeded:
            pass
        with dog.limit(1.0):
            sum(range(100))
    profiler.disable()
    print("done")
    """
)


def test_limits_work_under_a_profiler() -> None:
    child = subprocess.run(
        [sys.executable, "-c", _UNDER_PROFILER],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "done"
