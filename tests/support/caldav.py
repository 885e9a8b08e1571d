"""What the publishing tests share: a counting CalDAV client, sessions to publish, read-backs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import recurring_ical_events

from feedkit import MemoryKeyring
from kara_tui.services.publish_run import Publisher
from kara_tui.services.publish_targets import PublishTargets

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class CountingClient:
    """The caldav library's own client, counting the requests it is asked to send."""

    def __init__(self, url: str, user: str = "", password: str | None = None) -> None:
        from caldav.davclient import DAVClient

        self.dav = DAVClient(
            url=url, username=user or None, password=password, enable_rfc6764=False
        )
        self.methods: list[str] = []

    def put(self, url: str, body: str, headers: Any = None) -> Any:
        self.methods.append("PUT")
        return self.dav.put(url, body, headers)

    def delete(self, url: str, headers: Any = None) -> Any:
        self.methods.append("DELETE")
        return self.dav.delete(url, headers)

    def request(self, url: str, method: str = "GET", body: str = "", headers: Any = None) -> Any:
        self.methods.append(method)
        return self.dav.request(url, method, body, headers)


def book(practice: Any, client: Any, n: int, **details: str) -> list[int]:
    """``n`` sessions from Monday 23 November, eight a day, booked through the Practice."""
    ids = []
    for i in range(n):
        start = MONDAY + timedelta(days=i // 8, hours=i % 8)
        ids.append(practice.book(client.id, start, force=True, **details).id)
    return ids


def publisher_for(
    practice: Any, url: str, detail: str = "busy", client: Any = None, **kw: Any
) -> Publisher:
    """A target "Phone" at ``url`` and its publisher (``client``: a CountingClient)."""
    targets = PublishTargets(practice, keyring=MemoryKeyring())
    targets.add("Phone", url, detail=detail, **kw)
    return Publisher(practice, targets, client=client)


def in_database(practice: Any) -> dict[str, tuple[datetime, datetime]]:
    """What a target should hold: every session not cancelled, by UID."""
    return {
        s.uid: (s.start, s.end) for s in practice.list_sessions() if s.status.value != "cancelled"
    }


def on_server(server: Any, url: str) -> dict[str, icalendar.Event]:
    """UID -> VEVENT of every resource in the calendar on ``server``."""
    events = {}
    for text in server.resources(url).values():
        for event in icalendar.Calendar.from_ical(text).walk("VEVENT"):
            events[str(event["UID"])] = event
    return events


def read_back(server: Any, url: str) -> dict[str, tuple[datetime, datetime]]:
    """The calendar as a phone would see it, expanded with recurring-ical-events."""
    cal = icalendar.Calendar()
    for event in on_server(server, url).values():
        cal.add_component(event)
    found = recurring_ical_events.of(cal).between(
        MONDAY - timedelta(days=60), MONDAY + timedelta(days=300)
    )
    return {str(e["UID"]): (e["DTSTART"].dt, e["DTEND"].dt) for e in found}
