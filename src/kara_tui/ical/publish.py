"""The iCalendar text of published events: one resource per event (CalDAV), or one file.

Pure: ``Published`` values (policy/publishing.py) in, text out. Shares its PRODID and refresh
hints with ``export.py``; the PRODID also tells kara-tui's own resources from anyone else's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from icalendar import Calendar, Event

from kara_tui.ical.export import PRODID, REFRESH
from kara_tui.policy.publishing import Published


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


def digest(published: Published) -> str:
    """What decides whether a target must be rewritten: everything ``_event`` writes (the
    event's text but DTSTAMP), and the renderer's revision. Computed from the values, not
    the text, so that a run with nothing to write renders nothing."""
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


def resource(published: Published, stamp: datetime) -> str:
    """A CalDAV calendar object: one VCALENDAR holding one VEVENT (RFC 4791 section 4.1)."""
    cal = _calendar()
    event = _event(published)
    event.add("dtstamp", stamp.astimezone(UTC))
    cal.add_component(event)
    text: bytes = cal.to_ical()
    return text.decode("utf-8")


def calendar_file(events: Iterable[Published], stamp: datetime, name: str) -> bytes:
    """A whole .ics file to subscribe to, events in start order."""
    cal = _calendar(name)
    for published in sorted(events, key=lambda e: (e.start, e.uid)):
        event = _event(published)
        event.add("dtstamp", stamp.astimezone(UTC))
        cal.add_component(event)
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
