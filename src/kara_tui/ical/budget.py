"""What reading one feed may cost: rule steps, occurrences and memory, with a share per series.

Work is counted in steps (periods dateutil walks, see compat.py), never in seconds,
so that what a feed expands to does not depend on how busy the machine is. A series
that uses up its share is cut where it got to (what it found is kept and a note
says where it stopped); a feed that uses up its whole budget stops the sync, which
keeps the stored events and says why. A generous wall-clock guard (Watchdog) stays
only for hostile input that would loop inside one step.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

SERIES_OCCURRENCES = 20_000
"""Occurrences one series may have in the window (a series cut there says so in a note):
a FREQ=MINUTELY rule is the usual feed bomb, and a daily rule needs under 500."""
SERIES_STEPS = 50_000
"""Periods one series may walk (a day of a daily rule, a second of a secondly one):
a rule started near the window needs about one per day of the window per period."""
FEED_STEPS = 500_000
"""Periods all the series of one feed may walk together."""
FEED_OCCURRENCES = 1_000_000
"""Occurrences one feed may store in its window. A cold import reads a big feed in parts
(ical/parts.py) and stores each before reading the next, so its memory no longer grows
with this number; its time does (about 60 µs each: a minute for a million), and the
database (about 150 bytes each). A 100,000-event provider-shaped feed has about 506,000
(the growth benchmark): twice that is the cap. A bomb of endless rules is cut per series
(SERIES_OCCURRENCES, SERIES_STEPS) and by FEED_STEPS long before."""
FEED_MEMORY_BYTES = 300 * 1024 * 1024
"""How much one feed's reading may grow the process (the target is under 400 MB)."""
FEED_SECONDS = 60.0
"""The wall-clock guard for one feed's expansion: only hostile input comes near it."""
SERIES_SECONDS = 10.0
"""The wall-clock guard for one series: dateutil can loop inside one step."""


class StepLimit(Exception):
    """Raised inside a rule walk when its series (or the feed) has no steps left."""


class FeedTooCostly(Exception):
    """The feed as a whole needs more than its budget; str() says which and how much."""


def _resident_bytes() -> int | None:
    """The process's resident memory, where the system says it cheaply (Linux)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


class Budget:
    """One feed's budget, spent series by series."""

    def __init__(
        self,
        *,
        steps: int = FEED_STEPS,
        series_steps: int = SERIES_STEPS,
        occurrences: int = FEED_OCCURRENCES,
        memory_bytes: int = FEED_MEMORY_BYTES,
    ) -> None:
        self.steps = steps
        self.series_steps = series_steps
        self.occurrences = occurrences
        self.memory_bytes = memory_bytes
        self.used = 0
        self.stored = 0
        self._stop_at = steps
        self._series_start = 0
        self._base = _resident_bytes()
        self._checks = 0

    def step(self) -> None:
        """One period walked (called by dateutil through compat.metering)."""
        self.used += 1
        if self.used > self._stop_at:
            self.used -= 1
            raise StepLimit
        if not self.used & 0xFFFF:
            self.check_memory()

    @contextmanager
    def series(self) -> Iterator[None]:
        """Meter the rule walks of one series in this thread."""
        from kara_tui.ical.compat import metering  # dateutil's rrule: the reference path's

        self._series_start = self.used
        self._stop_at = min(self.used + self.series_steps, self.steps)
        metering(self)
        try:
            yield
        finally:
            metering(None)
            self._stop_at = self.steps

    @property
    def series_used(self) -> int:
        """Steps the current (or last) series walked."""
        return self.used - self._series_start

    def series_cut(self) -> bool:
        """After a StepLimit: whether the series used up its own share (else the feed's)."""
        return self.series_used >= self.series_steps

    def feed_exhausted(self) -> FeedTooCostly:
        return FeedTooCostly(
            f"working out its repeating events needs more than {self.steps:,} steps"
            " (a feed's limit)"
        )

    def store(self, count: int) -> None:
        """``count`` more occurrences to keep; the feed stops when they are too many."""
        self.stored += count
        if self.stored > self.occurrences:
            raise FeedTooCostly(
                f"it has more than {self.occurrences:,} occurrences in the sync window"
                " (a feed's limit)"
            )
        self._checks += 1
        if not self._checks & 0x1F:
            self.check_memory()

    def check_memory(self) -> None:
        """Stop the feed when reading it has grown the process past its share."""
        if self._base is None:
            return
        now = _resident_bytes()
        if now is not None and now - self._base > self.memory_bytes:
            raise FeedTooCostly(
                f"reading it needs more than {self.memory_bytes // (1024 * 1024)} MB of memory"
                " (a feed's limit)"
            )
