"""How values are kept in the database: one codec for the rows, bulk writes and quick reads.

The mappings at the end turn stored columns into domain values, once for both readers: the
ORM rows (``to_domain()``) and the stdlib ``sqlite3`` reads of db/quick_reads.py, which hand
over each row's columns by name with their times decoded (``TIME_COLUMNS``).

Times are aware UTC in the ORM (db/types.py ``UTCDateTime``); on SQLite they are stored as
naive UTC text, 'YYYY-MM-DD HH:MM:SS.ffffff', which SQLAlchemy writes and which db/bulk.py
and db/quick_reads.py write and read without it. An all-day external event keeps its dates
as UTC midnights in the same columns and gets them back as dates.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, TypeVar

from kara_tui import domain as d

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    Value = TypeVar("Value", bound=DataclassInstance)

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


def sqlite_date(value: date) -> str:
    """``sqlite_instant(date_to_utc_midnight(value))``, written directly: an all-day event's
    date as its start and end columns keep it (a birthdays feed stores two per occurrence)."""
    return f"{value.isoformat()} 00:00:00.000000"


def instant_from_sqlite(text: str) -> datetime:
    """A time stored on SQLite (by SQLAlchemy or sqlite_instant), aware UTC again.

    The calendar decodes two for each of a week's hundreds of events at every key: the text
    is parsed with its zone written after it, several times faster than ``replace(tzinfo=)``
    on the naive time; any other text (a date alone, an offset of its own) is read the plain
    way (tests/db/test_codec.py holds the two together).
    """
    try:
        value = datetime.fromisoformat(text + "+00:00")
    except ValueError:
        pass
    else:
        if value.tzinfo is UTC:
            return value
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


# -- stored columns to domain values ---------------------------------------------------------
# Each mapping reads the columns it needs as attributes of ``r``: an ORM row, or the quick
# reads' namespace of the same names. Times are aware UTC by then; flags may be 0/1.

TIME_COLUMNS = frozenset(
    {
        "start",
        "end",
        "original_start",
        "notified_at",
        "cancelled_at",
        "created_at",
        "paid_at",
        "last_attempt",
        "last_success",
    }
)


def kept(r: Any, *names: str) -> dict[str, Any]:
    """The columns a domain value keeps as stored, under the same names."""
    return {name: getattr(r, name) for name in names}


def flags(r: Any, *names: str) -> dict[str, Any]:
    """Boolean columns (0/1 from the quick reads) as the domain's bools."""
    return {name: bool(getattr(r, name)) for name in names}


def professional(r: Any) -> d.Professional:
    return d.Professional(
        **kept(r, "id", "name", "email", "timezone", "cancellation_window_hours"),
        **kept(r, "late_fee_percent", "buffer_minutes", "default_currency", "default_minutes"),
        **kept(r, "reminder_leads", "quiet_hours", "series_horizon_weeks"),
        payment_methods=tuple(d.PaymentMethod(m) for m in r.payment_methods.split(",") if m),
        working_hours=d.WorkingHours.parse(r.working_hours),
        charge_attended_sessions=bool(r.charge_attended_sessions),
    )


def client(r: Any) -> d.Client:
    return d.Client(
        **kept(r, "id", "name", "email", "phone", "window_hours", "sponsored_credit", "notes"),
        programme=d.Programme(r.programme),
        fee=d.Money(r.fee_minor, r.currency),
        archived=bool(r.archived),
        reminder_leads=r.reminder_leads,
    )


def session(
    r: Any,
    *,
    client_name: str,
    cancellation: d.Cancellation | None,
    charges: tuple[d.Charge, ...],
) -> d.Session:
    return d.Session(
        **kept(r, "id", "uid", "professional_id", "client_id", "start", "end"),
        **kept(r, "service", "location", "sequence", "rescheduled_from"),
        **kept(r, "series_id", "original_start"),
        **flags(r, "prepaid", "credit_reserved"),
        client_name=client_name,
        fee=d.Money(r.fee_minor, r.currency),
        status=d.SessionStatus(r.status),
        cancellation=cancellation,
        charges=charges,
    )


def cancellation(r: Any) -> d.Cancellation:
    return d.Cancellation(
        **kept(r, "note", "notified_at", "notice_hours", "cancelled_at"),
        **flags(r, "late", "charged"),
        reason=d.Reason(r.reason),
    )


def charge(r: Any) -> d.Charge:
    return d.Charge(
        **kept(r, "id", "session_id", "client_id", "created_at", "paid_at"),
        amount=d.Money(r.amount_minor, r.currency),
        method=d.PaymentMethod(r.method) if r.method else None,
        kind=d.ChargeKind(r.kind),
        status=d.ChargeStatus(r.status),
        reference=r.reference or "",
        void_reason=r.void_reason or "",
    )


def time_off(r: Any) -> d.TimeOff:
    return d.TimeOff(id=r.id, start=r.start, end=r.end, reason=r.reason)


def feed(r: Any, *, source: str) -> d.Feed:
    return d.Feed(
        **kept(r, "id", "name", "refresh_minutes", "colour", "etag", "last_modified"),
        **kept(r, "body_hash", "last_attempt", "last_success", "last_error", "event_count"),
        **flags(r, "enabled", "stale", "block_all_day"),
        source=source,
    )


# Every column of a stored occurrence but its id, in the order the feed store writes them
# (services/feed_rows.py).
EVENT_COLUMNS = (
    "feed_id",
    "uid",
    "recurrence_id",
    "start",
    "end",
    "all_day",
    "summary",
    "location",
    "busy",
    "cancelled",
    "component_hash",
)
# The columns external_event reads (not the digest): the quick reads select these and no more.
EXTERNAL_EVENT_COLUMNS = ("id", *(c for c in EVENT_COLUMNS if c != "component_hash"))


def external_event(r: Any, *, feed_name: str) -> d.ExternalEvent:
    # Built for each of a week's hundreds of events at every key: no dicts on the way
    # (kept/flags), the fields in their order (tests/db/test_codec.py checks each by name).
    all_day = bool(r.all_day)
    return d.ExternalEvent(
        r.uid,
        r.recurrence_id,
        event_value(r.start, all_day),
        event_value(r.end, all_day),
        all_day,
        r.summary,
        r.location,
        bool(r.busy),
        bool(r.cancelled),
        r.id,
        r.feed_id,
        feed_name,
    )


def copied(cls: type[Value], r: Any, **given: Any) -> Value:
    """A value of the dataclass ``cls`` with each field not ``given`` taken from the row's
    column of the same name: for the services' own read values (a target, a claimed message),
    where the field names are the column names."""
    return cls(**{f.name: getattr(r, f.name) for f in fields(cls) if f.name not in given}, **given)
