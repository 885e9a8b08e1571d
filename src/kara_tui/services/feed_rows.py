"""A feed occurrence as a row: which can be stored, keyed how, and written in which columns.

Light to import (no SQLAlchemy): the store (feed_store.py) and the first sync through the
stdlib driver (feed_cold.py) write the same rows with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from kara_tui.db.codec import EVENT_COLUMNS, sqlite_date, sqlite_instant, stored_instant
from kara_tui.ical.parse import Occurrence
from kara_tui.services.feed_reports import FeedProblem

MAX_UID = 500  # the external_events.uid column
COLUMNS = EVENT_COLUMNS  # every column of an occurrence, in the order the store writes them


def keyed_occurrences(
    name: str, occurrences: Iterable[Occurrence], problems: list[FeedProblem]
) -> dict[tuple[str, str], Occurrence]:
    """The occurrences to store, by (UID, RECURRENCE-ID); those that cannot be stored are
    added to ``problems``."""
    fresh: dict[tuple[str, str], Occurrence] = {}
    for occ in occurrences:
        if len(occ.uid) > MAX_UID:
            problems.append(
                FeedProblem(name, occ.uid[:60] + "…", f"UID longer than {MAX_UID} characters")
            )
            continue
        key = (occ.uid, occ.recurrence_id)
        if key in fresh:
            if not any(p.uid == occ.uid and p.reason.startswith("repeated") for p in problems):
                problems.append(
                    FeedProblem(name, occ.uid, "repeated UID and RECURRENCE-ID; kept the first")
                )
            continue
        fresh[key] = occ
    return fresh


def sqlite_row(feed_id: int, key: tuple[str, str], occ: Occurrence) -> tuple[object, ...]:
    """A new occurrence's values for ``COLUMNS`` as SQLite keeps them (db/codec.py): times
    as their text, flags as 0 or 1."""
    return (
        feed_id,
        key[0],
        key[1],
        _time_text(occ.start),
        _time_text(occ.end),
        int(occ.all_day),
        occ.summary or "",
        occ.location or "",
        int(occ.busy),
        int(occ.cancelled),
        occ.component_hash,
    )


def sqlite_values(key: tuple[str, str], occ: Occurrence) -> tuple[object, ...]:
    """The same values for the columns after feed_id (a part staged before its feed's rows
    are written: services/feed_stage.py)."""
    return sqlite_row(0, key, occ)[1:]


def _time_text(value: datetime | date) -> str | None:
    """``sqlite_instant(stored_instant(value))``: an aware datetime (most occurrences' times,
    in UTC already) goes to sqlite_instant() as it is, which turns it to UTC itself."""
    if type(value) is datetime and value.tzinfo is not None:
        return sqlite_instant(value)
    if type(value) is date:  # an all-day occurrence's
        return sqlite_date(value)
    return sqlite_instant(stored_instant(value))
