"""The iCalendar text of published events: one resource per event (CalDAV), or one file.

Pure: ``Published`` values (policy/publishing.py) in, text out. Shares its PRODID and refresh
hints with ``export.py``; the PRODID also tells kara-tui's own resources from anyone else's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from kara_tui.ical.export import PRODID, REFRESH
from kara_tui.ical.series import SeriesEvent, components
from kara_tui.policy.publishing import Published


@dataclass(frozen=True, slots=True)
class PublishedSeries:
    """A series as a target holds it: one resource (its UID), the master VEVENT with RRULE and
    EXDATEs and a RECURRENCE-ID VEVENT per override; summary and locations already at the
    target's detail level (services/publish_series.py)."""

    series: SeriesEvent
    private: bool

    @property
    def uid(self) -> str:
        return self.series.uid

    @property
    def sequence(self) -> int:
        return self.series.sequence

    @property
    def start(self) -> datetime:
        return self.series.first_start

    @property
    def end(self) -> datetime:
        return self.series.first_start + timedelta(minutes=self.series.minutes)


Publishable = Published | PublishedSeries


def _calendar(name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name is not None:
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", name)
        cal.add("x-published-ttl", "PT1H")
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    return cal


def _event(published: Published) -> Event:
    """The VEVENT without DTSTAMP (which changes on every write and is not content)."""
    event = Event()
    event.add("uid", published.uid)
    event.add("sequence", published.sequence)
    event.add("dtstart", published.start.astimezone(UTC))
    event.add("dtend", published.end.astimezone(UTC))
    event.add("summary", published.summary)
    if published.location:
        event.add("location", published.location)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    if published.private:
        event.add("class", "PRIVATE")
    return event


# Change it whenever _event writes anything differently: every target is then rewritten once.
RENDER_REVISION = "1"


def _series_events(published: PublishedSeries, stamp: datetime) -> list[Event]:
    def decorate(event: Event) -> None:
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        if published.private:
            event.add("class", "PRIVATE")

    return components(published.series, stamp.astimezone(UTC), decorate)


def digest(published: Publishable) -> str:
    """What decides whether a target must be rewritten: everything ``_event`` writes (the
    event's text but DTSTAMP), and the renderer's revision. Computed from the values, not
    the text, so that a run with nothing to write renders nothing. A series is one digest:
    a change to any of its occurrences rewrites its one resource."""
    if isinstance(published, PublishedSeries):
        text = "\x1f".join((RENDER_REVISION, "series", repr(published)))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    p = published
    parts = (
        RENDER_REVISION,
        p.uid,
        str(p.sequence),
        p.start.astimezone(UTC).isoformat(),
        p.end.astimezone(UTC).isoformat(),
        p.summary,
        p.location,
        str(p.private),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _add(cal: Calendar, published: Publishable, stamp: datetime) -> bool:
    """Add the event's VEVENTs; True when it was a series (its zone then needs a VTIMEZONE)."""
    if isinstance(published, PublishedSeries):
        for event in _series_events(published, stamp):
            cal.add_component(event)
        return True
    event = _event(published)
    event.add("dtstamp", stamp.astimezone(UTC))
    cal.add_component(event)
    return False


def resource(published: Publishable, stamp: datetime) -> str:
    """A CalDAV calendar object: one VCALENDAR holding one VEVENT, or a series' VEVENTs
    under one UID (RFC 4791 section 4.1)."""
    cal = _calendar()
    if _add(cal, published, stamp):  # a series keeps its wall-clock time: DTSTART in its zone
        cal.add_missing_timezones()
    text: bytes = cal.to_ical()
    return text.decode("utf-8")


def calendar_file(events: Iterable[Publishable], stamp: datetime, name: str) -> bytes:
    """A whole .ics file to subscribe to, events in start order."""
    cal = _calendar(name)
    zoned = False
    for published in sorted(events, key=lambda e: (e.start, e.uid)):
        zoned = _add(cal, published, stamp) or zoned
    if zoned:
        cal.add_missing_timezones()
    text: bytes = cal.to_ical()
    return text


def written_by_us(text: str, uid: str) -> bool:
    """Whether ``text`` is a resource kara-tui wrote for ``uid`` (its PRODID and that UID)."""
    try:
        cal = Calendar.from_ical(text)
    except ValueError:
        return False
    if str(cal.get("prodid", "")) != PRODID:
        return False
    uids = {str(c.get("uid", "")) for c in cal.walk("VEVENT")}
    return uids == {uid}
