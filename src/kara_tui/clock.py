"""The one source of 'now', so that tests can fix it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


class Clock:
    """Wall clock in the practice's time zone."""

    def __init__(self, tz: str = "Europe/London") -> None:
        self.tz = ZoneInfo(tz)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()


class FixedClock(Clock):
    """A clock that stands still (or moves only when told): for tests and the demo's snapshots."""

    def __init__(self, at: datetime, tz: str = "Europe/London") -> None:
        super().__init__(tz)
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def advance(self, **kwargs: float) -> None:
        from datetime import timedelta

        self._at += timedelta(**kwargs)
