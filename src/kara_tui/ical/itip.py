"""RFC 5546 messages to a client: METHOD:CANCEL for a cancellation, METHOD:REQUEST for a booking."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//kara-tui//kara-tui//EN"


def _address(email: str, name: str) -> vCalAddress:
    addr = vCalAddress(f"mailto:{email}" if email else "mailto:invalid@invalid")
    addr.params["CN"] = vText(name)
    return addr


address = _address  # ORGANIZER and ATTENDEE of a series' messages too (ical/series.py)


def build(
    *,
    method: str,
    uid: str,
    sequence: int,
    start: datetime,
    end: datetime,
    summary: str,
    location: str,
    organizer_name: str,
    organizer_email: str,
    attendee_name: str,
    attendee_email: str,
    stamp: datetime,
    tz: ZoneInfo | None = None,
) -> str:
    """One VEVENT in a VCALENDAR with ``method`` ('CANCEL' or 'REQUEST'), times in UTC, or in
    ``tz`` with its VTIMEZONE (so the client's calendar shows the practice's wall-clock time)."""
    if tz is not None:
        start, end = start.astimezone(tz), end.astimezone(tz)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    if location:
        event.add("location", location)
    event["organizer"] = _address(organizer_email, organizer_name)
    attendee = _address(attendee_email, attendee_name)
    attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
    if method == "REQUEST":
        attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
        attendee.params["RSVP"] = vText("TRUE")
    event.add("attendee", attendee)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    cal.add_component(event)
    if tz is not None:
        cal.add_missing_timezones()
    text: bytes = cal.to_ical()
    return text.decode("utf-8")
