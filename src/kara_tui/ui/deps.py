"""What the app is built from, typed: the reads the calendar draws with, and the Practice."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kara_tui.clock import Clock

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice
    from kara_tui.ui.calendar_data import CalendarReads


class AppServices:
    """The practice's services for the app, built once, and the reads the calendar draws with.

    On an up-to-date SQLite file the CLI passes ``quick`` reads (db.quick_reads: stdlib
    sqlite3, no SQLAlchemy) and a ``build`` for the Practice: the first week is drawn from the
    quick reads, and the Practice is built in the background once the calendar is still
    (``prepare``), or by the first use of ``practice``, which waits for it; nothing is lost.
    ``AppServices.of(practice)`` wraps a Practice already built (tests, the demo).
    """

    def __init__(
        self, build: Callable[[], Practice], *, quick: CalendarReads | None, clock: Clock
    ) -> None:
        self._build = build
        self.quick = quick
        """The start-up reads (None: the Practice reads for itself)."""
        self._clock = clock
        self._practice: Practice | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @classmethod
    def of(cls, practice: Practice) -> AppServices:
        services = cls(lambda: practice, quick=None, clock=practice.clock)
        services._practice = practice
        return services

    @property
    def built(self) -> bool:
        return self._practice is not None

    @property
    def reads(self) -> CalendarReads:
        """What a calendar page is read with: the quick reads when there are, else the Practice."""
        return self.quick if self.quick is not None else self.practice

    @property
    def clock(self) -> Clock:
        """The Practice's clock (the same one it is built with)."""
        return self._practice.clock if self._practice is not None else self._clock

    @property
    def tz(self) -> ZoneInfo:
        """The practice's time zone, read now (as Practice.tz reads it)."""
        if self.quick is None:
            return self.practice.tz
        return ZoneInfo(self.quick.professional().timezone)

    @property
    def practice(self) -> Practice:
        """The Practice, built now (or as soon as the background build ends)."""
        practice = self._practice
        if practice is None:
            with self._lock:
                if self._practice is None:
                    self._practice = self._build()
                practice = self._practice
        return practice

    def prepare(self) -> None:
        """Build the Practice in a background thread, so the first action finds it ready.

        A failure here is not reported: the next use builds again and says what is wrong
        where the user asked for something.
        """
        if self._practice is not None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._prepare, name="kara-prepare", daemon=True)
        self._thread.start()

    def _prepare(self) -> None:
        with contextlib.suppress(Exception):  # said again, where it matters, on the next use
            _ = self.practice

    def wait(self, timeout: float = 30.0) -> None:
        """Let a background build finish (before the engine is disposed at exit)."""
        if self._thread is not None:
            self._thread.join(timeout)


class UsesServices:
    """Mixed into the app and the calendar screen, which hold the ``services``."""

    services: AppServices

    @property
    def practice(self) -> Practice:
        """The Practice, built now if it is not yet (a worker's first use builds it there)."""
        return self.services.practice

    @practice.setter
    def practice(self, practice: Practice) -> None:
        self.services = AppServices.of(practice)
