"""A sync's window and key: the days a feed is read for, and what makes a body "unchanged".

Light to import (no SQLAlchemy, no parser): the quick check of `feeds sync` uses it too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any


# Never compared, hashed or shown: no generated __eq__, __hash__ or __repr__ (each is
# compiled at import; issue 19).
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Window:
    """A sync's horizon in UTC, and the practice zone it was worked out in (reading the
    zone is a query: once a sync is enough)."""

    start: datetime
    end: datetime
    tz: tzinfo


def sync_window(now: datetime, tz: tzinfo, past_days: int, future_days: int) -> Window:
    """The horizon in whole local days, so that a day's syncs share one window."""
    today = now.astimezone(tz).date()
    first = today - timedelta(days=past_days)
    last = today + timedelta(days=future_days + 1)
    return Window(
        datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC),
        datetime.combine(last, time(0), tzinfo=tz).astimezone(UTC),
        tz,
    )


def sync_key(body_hash: str, window: Window) -> str:
    """What feeds.body_hash keeps. The window is part of it: the same body read on another
    day expands to other occurrences, so it is parsed again (once a day at most)."""
    text = f"{body_hash}|{window.start.isoformat()}|{window.end.isoformat()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_options(window: Window, unknown_minutes: int) -> dict[str, Any]:
    """What ical.parse.parse_feed is told of a sync: its window, the zone of floating times,
    and how long an event whose end cannot be read is busy (a setting, at least 1 min)."""
    return {
        "window_start": window.start,
        "window_end": window.end,
        "default_tz": window.tz,
        "unknown_length": timedelta(minutes=max(1, unknown_minutes)),
    }
