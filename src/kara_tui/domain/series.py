"""A series of sessions (DESIGN.md section 6): its repeat rule, its end and its exceptions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kara_tui.domain.model import DomainError
from kara_tui.domain.money import Money

MAX_INTERVAL = 52  # "every 52 weeks" is the longest gap that still reads as a series
MAX_COUNT = 520  # ten years of weekly sessions
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}


class Repeat(StrEnum):
    WEEKLY = "weekly"  # every ``interval`` weeks on the first session's weekday
    MONTHLY_BY_DATE = "monthly_by_date"  # the same day of the month (skips months without it)
    MONTHLY_BY_WEEKDAY = "monthly_by_weekday"  # the same weekday position ("2nd Tuesday")


_REPEAT_WORDS = {
    "weekly": (Repeat.WEEKLY, 1),
    "monthly": (Repeat.MONTHLY_BY_WEEKDAY, 1),
    "monthly-by-weekday": (Repeat.MONTHLY_BY_WEEKDAY, 1),
    "monthly-by-date": (Repeat.MONTHLY_BY_DATE, 1),
}
_EVERY_N_WEEKS = re.compile(r"(\d{1,3})w")
REPEAT_EXAMPLES = "weekly, 2w (every 2 weeks), monthly, monthly-by-date, monthly-by-weekday"


def weekday_position(day: date) -> int:
    """Which of its weekday the date is in its month: 1-4, or -1 for a fifth (the last)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n == 5 else n


@dataclass(frozen=True, slots=True)
class SeriesRule:
    """How a series repeats and when it ends: after ``count`` sessions, on ``until`` (a date in
    the practice zone, included), or never (both None)."""

    repeat: Repeat
    interval: int = 1
    count: int | None = None
    until: date | None = None
    # Monthly by weekday: which one (1-4, -1 the last); None: the first session's. Kept when
    # a series is split, so "the last Sunday" stays the last after a split on a 4th one.
    position: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.interval <= MAX_INTERVAL:
            raise DomainError(f"a series repeats every 1 to {MAX_INTERVAL} weeks or months")
        if self.count is not None and not 1 <= self.count <= MAX_COUNT:
            raise DomainError(f"a series has 1 to {MAX_COUNT} sessions")
        if self.count is not None and self.until is not None:
            raise DomainError("a series ends after a number of sessions or on a date, not both")

    @classmethod
    def parse(
        cls, repeat: str, *, count: int | None = None, until: date | None = None
    ) -> SeriesRule:
        """Read the CLI's words: weekly, 2w, monthly, monthly-by-date, monthly-by-weekday."""
        word = repeat.strip().lower()
        if word in _REPEAT_WORDS:
            kind, interval = _REPEAT_WORDS[word]
            return cls(kind, interval, count, until)
        match = _EVERY_N_WEEKS.fullmatch(word)
        if match:
            return cls(Repeat.WEEKLY, int(match.group(1)), count, until)
        raise DomainError(f"'{repeat}' is not a repeat ({REPEAT_EXAMPLES})")

    @property
    def open_ended(self) -> bool:
        return self.count is None and self.until is None

    def describe(self, first_local: datetime) -> str:
        """'weekly on Tuesday', 'every 2 weeks on Tuesday', 'monthly on the second Tuesday',
        'monthly on day 8'."""
        day = WEEKDAY_NAMES[first_local.weekday()]
        if self.repeat is Repeat.WEEKLY:
            every = "weekly" if self.interval == 1 else f"every {self.interval} weeks"
            return f"{every} on {day}"
        every = "monthly" if self.interval == 1 else f"every {self.interval} months"
        if self.repeat is Repeat.MONTHLY_BY_DATE:
            return f"{every} on day {first_local.day}"
        return f"{every} on the {_ORDINALS[self.position_of(first_local.date())]} {day}"

    def position_of(self, first: date) -> int:
        return self.position if self.position is not None else weekday_position(first)

    def ends_text(self) -> str:
        if self.count is not None:
            return f"{self.count} sessions"
        if self.until is not None:
            return f"until {self.until:%a %d %b %Y}"
        return "no end"


@dataclass(frozen=True, slots=True)
class Series:
    """A booked series; each occurrence is an ordinary Session with ``series_id`` set."""

    id: int
    uid: str
    client_id: int
    client_name: str
    first_start: datetime  # aware, UTC; its wall-clock time in ``zone`` is every session's
    minutes: int
    zone: str
    rule: SeriesRule
    fee: Money
    service: str = ""
    location: str = ""
    prepaid: bool = False
    exceptions: tuple[datetime, ...] = ()  # original starts (UTC) skipped or removed
    horizon_reached: datetime | None = None  # open-ended: booked up to here (UTC)
    ended_from: datetime | None = None  # ended ("therapy ended") from this moment (UTC)
    split_from: int | None = None  # the series this one continues after a split
    sequence: int = 0
