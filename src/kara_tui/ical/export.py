"""Sessions as an iCalendar feed that other calendars can subscribe to (pure: no database)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from icalendar import Calendar, Event

from kara_tui.domain import Session, SessionStatus

if TYPE_CHECKING:
    from kara_tui.ical.series import SeriesEvent

PRODID = "-//kara-tui//kara-tui//EN"
# Subscribing calendars poll at this pace when they honour it (Apple, Thunderbird, Outlook).
REFRESH = timedelta(hours=1)


def export_sessions(
    sessions: Iterable[Session],
    *,
    stamp: datetime,
    calendar_name: str = "kara-tui sessions",
    private: bool = False,
    series: Iterable[SeriesEvent] = (),
) -> bytes:
    """One VEVENT per session, times in UTC so that no VTIMEZONE is needed.

    ``private`` writes opaque "Busy" blocks: no client names, services, locations or notes,
    for a calendar that someone else (a partner, a shared office) can see.
    """
    if stamp.tzinfo is None:
        raise ValueError("stamp must be aware")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Busy" if private else calendar_name)
    cal.add("x-published-ttl", "PT1H")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    stamp_utc = stamp.astimezone(UTC)
    for session in sessions:
        cal.add_component(_event(session, stamp_utc, private=private))
    zoned = False
    for one in series:
        for event in _series(one, stamp_utc, private=private):
            cal.add_component(event)
        zoned = True
    if zoned:  # a series keeps its wall-clock time: DTSTART in the practice zone
        cal.add_missing_timezones()
    text: bytes = cal.to_ical()
    return text


def _series(series: SeriesEvent, stamp: datetime, *, private: bool) -> list[Event]:
    """A series as one VEVENT with RRULE and EXDATEs (cancelled sessions among them) and a
    RECURRENCE-ID override for each moved or changed session (ical/series.py)."""
    from kara_tui.ical.series import components

    if private:
        series = replace(
            series,
            summary="Busy",
            location="",
            overrides=tuple(replace(o, location="") for o in series.overrides),
        )

    def decorate(event: Event) -> None:
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        if private:
            event.add("class", "PRIVATE")

    return components(series, stamp, decorate)


def _event(session: Session, stamp: datetime, *, private: bool) -> Event:
    event = Event()
    event.add("uid", session.uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", session.start.astimezone(UTC))
    event.add("dtend", session.end.astimezone(UTC))
    cancelled = session.status is SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # A cancelled session no longer blocks the slot in the subscriber's calendar.
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if private:
        event.add("summary", "Busy")
        event.add("class", "PRIVATE")
        return event
    summary = f"Session with {session.client_name}"
    if session.service:
        summary += f" ({session.service})"
    event.add("summary", summary)
    if session.location:
        event.add("location", session.location)
    if session.cancellation is not None:
        event.add("description", session.cancellation.reason.label)
    return event
