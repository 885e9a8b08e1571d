"""How values are kept in the database: one codec for the rows, bulk writes and quick reads.

Times are aware UTC in the ORM (db/types.py ``UTCDateTime``); on SQLite they are stored as
naive UTC text, 'YYYY-MM-DD HH:MM:SS.ffffff', which SQLAlchemy writes and which db/bulk.py
and db/quick_reads.py write and read without it. An all-day external event keeps its dates
as UTC midnights in the same columns and gets them back as dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

_SQLITE_TIME = "%04d-%02d-%02d %02d:%02d:%02d.%06d"
_BOOLS = frozenset((None, True, False))  # what SQLAlchemy's Boolean accepts (0 and 1 included)


def sqlite_instant(value: datetime | None) -> str | None:
    """An aware datetime as UTCDateTime stores it on SQLite: naive UTC, 'YYYY-MM-DD HH:MM:SS.ffffff'.

    SQLAlchemy's SQLite DATETIME writes this text (its default storage format, made the same
    way), so rows written either way compare, sort and read back alike.
    """
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the database; times must be aware")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return _SQLITE_TIME % (
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


def instant_from_sqlite(text: str) -> datetime:
    """A time stored on SQLite (by SQLAlchemy or sqlite_instant), aware UTC again."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def sqlite_flag(value: bool | None) -> int | None:
    """A Boolean as SQLAlchemy binds it on SQLite (no native boolean): 0 or 1."""
    if value not in _BOOLS:
        raise TypeError(f"not a boolean value: {value!r}")
    return None if value is None else int(bool(value))


def date_to_utc_midnight(value: date) -> datetime:
    """How an all-day date is kept in the start/end columns."""
    return datetime.combine(value, time(0), tzinfo=UTC)


def stored_instant(value: datetime | date) -> datetime:
    """An event's start or end as its column keeps it: aware UTC; a date as its UTC midnight."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return date_to_utc_midnight(value)


def event_value(stored: datetime, all_day: bool) -> datetime | date:
    """A stored start or end as the domain has it: the date of an all-day event."""
    return stored.date() if all_day else stored
