"""A series as iCalendar: one VEVENT with RRULE and EXDATEs plus RECURRENCE-ID overrides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from kara_tui.ical.itip import PRODID, address


@dataclass(frozen=True, slots=True)
class Override:
    """One occurrence that differs from the rule: moved, or at another place."""

    recurrence_id: datetime  # its original start (UTC)
    start: datetime
    end: datetime
    location: str


@dataclass(frozen=True, slots=True)
class SeriesEvent:
    """What a calendar needs of a series; times aware (UTC), shown in ``zone``."""

    uid: str
    sequence: int
    first_start: datetime
    minutes: int
    zone: str
    rrule: dict[str, object]
    exdates: tuple[datetime, ...]
    overrides: tuple[Override, ...]
    summary: str
    location: str


@dataclass(frozen=True, slots=True)
class People:
    organizer_name: str
    organizer_email: str
    attendee_name: str
    attendee_email: str


def _base(
    series: SeriesEvent, stamp: datetime, start: datetime, end: datetime, location: str
) -> Event:
    tz = ZoneInfo(series.zone)
    event = Event()
    event.add("uid", series.uid)
    event.add("sequence", series.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", start.astimezone(tz))
    event.add("dtend", end.astimezone(tz))
    event.add("summary", series.summary)
    if location:
        event.add("location", location)
    return event


def components(
    series: SeriesEvent, stamp: datetime, decorate: Callable[[Event], None] = lambda e: None
) -> list[Event]:
    """The master VEVENT (RRULE, EXDATEs in the zone) and one VEVENT per override."""
    tz = ZoneInfo(series.zone)
    first_end = series.first_start + timedelta(minutes=series.minutes)
    master = _base(series, stamp, series.first_start, first_end, series.location)
    master.add("rrule", series.rrule)
    for exdate in sorted(series.exdates):
        master.add("exdate", exdate.astimezone(tz))
    decorate(master)
    found = [master]
    for o in sorted(series.overrides, key=lambda o: o.recurrence_id):
        event = _base(series, stamp, o.start, o.end, o.location)
        event.add("recurrence-id", o.recurrence_id.astimezone(tz))
        decorate(event)
        found.append(event)
    return found


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    return cal


def _text(cal: Calendar) -> str:
    cal.add_missing_timezones()
    text: bytes = cal.to_ical()
    return text.decode("utf-8")


def _people(people: People, method: str) -> Callable[[Event], None]:
    def decorate(event: Event) -> None:
        event["organizer"] = address(people.organizer_email, people.organizer_name)
        attendee = address(people.attendee_email, people.attendee_name)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        if method == "REQUEST":
            attendee.params["PARTSTAT"] = "NEEDS-ACTION"
            attendee.params["RSVP"] = "TRUE"
        event.add("attendee", attendee)
        event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")

    return decorate


def request(series: SeriesEvent, people: People, stamp: datetime) -> str:
    """METHOD:REQUEST for the whole series as it now stands (RFC 5546 3.2.2)."""
    cal = _calendar("REQUEST")
    for event in components(series, stamp, _people(people, "REQUEST")):
        cal.add_component(event)
    return _text(cal)


def cancel(series: SeriesEvent, people: People, stamp: datetime) -> str:
    """METHOD:CANCEL of the whole series (every occurrence gone: RFC 5546 3.2.5)."""
    cal = _calendar("CANCEL")
    (master, *_) = components(series, stamp, _people(people, "CANCEL"))
    cal.add_component(master)
    return _text(cal)


def occurrence(
    method: str,
    series: SeriesEvent,
    people: People,
    stamp: datetime,
    *,
    recurrence_id: datetime,
    start: datetime,
    end: datetime,
    location: str,
) -> str:
    """METHOD:CANCEL or REQUEST for one occurrence, named by its RECURRENCE-ID (RFC 5546
    3.2.5 and 3.2.2.3): a cancelled or moved session of the series."""
    cal = _calendar(method)
    event = _base(series, stamp, start, end, location)
    event.add("recurrence-id", recurrence_id.astimezone(ZoneInfo(series.zone)))
    _people(people, method)(event)
    cal.add_component(event)
    return _text(cal)
