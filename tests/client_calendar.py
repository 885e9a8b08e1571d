"""A client's calendar rebuilt from the iTIP messages they received (RFC 5546), for tests.

Applied in order, as a calendar program does: a REQUEST with the whole event (no
RECURRENCE-ID) replaces everything of that UID; a REQUEST of one occurrence adds or replaces
that override; a CANCEL of one occurrence removes it, and a CANCEL of the whole event
removes the event. What the calendar then shows comes from recurring-ical-events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import recurring_ical_events
from icalendar import Calendar, Event


@dataclass
class _Entry:
    master: Event | None = None
    overrides: dict[datetime, Event] = field(default_factory=dict)
    cancelled: set[datetime] = field(default_factory=set)


def _rid(event: Event) -> datetime | None:
    if "RECURRENCE-ID" not in event:
        return None
    return event["RECURRENCE-ID"].dt.astimezone(UTC)


class ClientCalendar:
    def __init__(self) -> None:
        self.entries: dict[str, _Entry] = {}
        self.timezones: dict[str, object] = {}

    def apply(self, text: str) -> None:
        cal = Calendar.from_ical(text)
        method = str(cal["METHOD"])
        for tz in cal.walk("VTIMEZONE"):
            self.timezones[str(tz["TZID"])] = tz
        events = list(cal.walk("VEVENT"))
        for uid in dict.fromkeys(str(e["UID"]) for e in events):
            group = [e for e in events if str(e["UID"]) == uid]
            whole = [e for e in group if _rid(e) is None]
            if method == "REQUEST":
                if whole:
                    entry = _Entry(master=whole[0])
                    self.entries[uid] = entry
                else:
                    entry = self.entries.setdefault(uid, _Entry())
                for e in group:
                    rid = _rid(e)
                    if rid is not None:
                        entry.overrides[rid] = e
                        entry.cancelled.discard(rid)
            elif method == "CANCEL":
                if whole:
                    self.entries.pop(uid, None)
                    continue
                entry = self.entries.setdefault(uid, _Entry())
                for e in group:
                    rid = _rid(e)
                    assert rid is not None
                    entry.overrides.pop(rid, None)
                    entry.cancelled.add(rid)

    def shown(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime, str]]:
        """(start, end, location) of every instance shown in [start, end), UTC, in order."""
        cal = Calendar()
        cal.add("prodid", "-//test//client//EN")
        cal.add("version", "2.0")
        for tz in self.timezones.values():
            cal.add_component(tz)
        for entry in self.entries.values():
            if entry.master is not None:
                master = Event.from_ical(entry.master.to_ical())
                for rid in sorted(entry.cancelled):
                    master.add("exdate", rid)
                cal.add_component(master)
            for e in entry.overrides.values():
                cal.add_component(e)
        found = recurring_ical_events.of(cal).between(start, end)
        return sorted(
            (
                e["DTSTART"].dt.astimezone(UTC),
                e["DTEND"].dt.astimezone(UTC),
                str(e.get("LOCATION", "")),
            )
            for e in found
        )
