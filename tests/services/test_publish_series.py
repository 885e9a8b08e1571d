"""A series on a publishing target is one resource (RRULE, EXDATEs, RECURRENCE-ID overrides):
read back with recurring-ical-events, a target always shows the scheduled sessions on record
(issue 18 item 2), on a real Radicale and in the .ics file, at every detail level."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from feedkit import MemoryKeyring
from kara_tui.domain import Money, Reason
from kara_tui.domain.series import Repeat, SeriesRule
from kara_tui.services.publish_run import Publisher
from kara_tui.services.publish_targets import PublishTargets
from kara_tui.services.series import SeriesBook
from kara_tui.services.series_changes import Scope, SeriesChanges
from support.caldav import MONDAY, CountingClient

NAME, SERVICE, PLACE = "Anna Smith", "Grief counselling", "12 Rose Street"
TUESDAY = MONDAY + timedelta(days=1)  # Tue 24 Nov 2026 09:00 UTC
FROM, TO = MONDAY - timedelta(days=60), MONDAY + timedelta(days=300)


def _expanded(calendars: list[icalendar.Calendar]) -> list[tuple[str, datetime, datetime]]:
    cal = icalendar.Calendar()
    for one in calendars:
        for event in one.walk("VEVENT"):
            cal.add_component(event)
        for zone in one.walk("VTIMEZONE"):
            cal.add_component(zone)
    found = recurring_ical_events.of(cal).between(FROM, TO)
    return sorted((str(e["UID"]), e["DTSTART"].dt, e["DTEND"].dt) for e in found)


def _in_database(practice) -> list[tuple[str, datetime, datetime]]:
    """The sessions that hold a slot, each under the UID of its series when it has one."""
    book = SeriesBook(practice)
    uid_of = {}
    found = []
    for s in practice.list_sessions(start=FROM, end=TO):
        if s.status.value == "cancelled":
            continue
        uid = s.uid
        if s.series_id is not None and s.original_start is not None:
            if s.series_id not in uid_of:
                uid_of[s.series_id] = book.get(s.series_id).uid
            uid = uid_of[s.series_id]
        found.append((uid, s.start, s.end))
    return sorted(found)


def _times(rows):
    return sorted((a, b) for _, a, b in rows)


@pytest.fixture
def anna(practice):
    return practice.add_client(NAME, email="anna@example.com", fee=Money(9000, "GBP"))


def _steps(practice, anna):
    """Book, cancel one, move one, split, end: after each, the caller compares."""
    booked = SeriesBook(practice).book(
        anna.id,
        TUESDAY,
        SeriesRule(Repeat.WEEKLY, count=10),
        service=SERVICE,
        location=PLACE,
        on_conflict="force",
    )
    s = booked.sessions
    yield "booked"
    practice.cancel(s[1].id, Reason.CLIENT, notify=False)
    yield "cancelled"
    changes = SeriesChanges(practice)
    changes.reschedule(s[3].id, s[3].start + timedelta(days=1, hours=2), Scope.THIS, notify=False)
    yield "moved"
    changes.reschedule(s[5].id, s[5].start + timedelta(hours=3), Scope.FOLLOWING, notify=False)
    yield "split"
    later = SeriesBook(practice).sessions(booked.series.id)  # the first part stays as it was
    changes.end(booked.series.id, date(2026, 12, 9), notify=False)
    assert later  # ended from 9 Dec: Tue 1 Dec's stays, the rest of the first part goes
    yield "ended"


def _resources(radicale_server, url) -> list[icalendar.Calendar]:
    return [icalendar.Calendar.from_ical(t) for t in radicale_server.resources(url).values()]


@pytest.mark.parametrize("detail", ["busy", "full"])
def test_series_on_radicale_one_resource_reads_back_as_db(
    practice, anna, radicale_server, caldav_url, detail
) -> None:
    targets = PublishTargets(practice, keyring=MemoryKeyring())
    targets.add("Phone", caldav_url, detail=detail)
    single = practice.book(anna.id, MONDAY, force=True, location=PLACE)
    for step in _steps(practice, anna):
        client = CountingClient(caldav_url)
        (report,) = Publisher(practice, targets, client=client).run()
        assert report.ok, (step, report.message)
        resources = _resources(radicale_server, caldav_url)
        assert _expanded(resources) == _in_database(practice), step
        if step == "booked":
            assert len(resources) == 2  # the single session and the series, one each
            assert client.methods.count("PUT") == 2
        if step in ("cancelled", "moved"):
            # One occurrence changed: the series' one resource is rewritten, nothing else.
            assert client.methods.count("PUT") == 1 and "DELETE" not in client.methods, step
        if step == "split":
            assert len(resources) == 3  # the single session and both parts
        text = "".join(c.to_ical().decode() for c in resources)
        if detail == "busy":
            assert NAME not in text and "Rose" not in text and SERVICE not in text, step
        else:
            assert NAME in text
        if step == "cancelled":
            assert "EXDATE" in text
        if step == "moved":
            assert "RECURRENCE-ID" in text  # the moved one, at every detail level
    assert single.uid in {str(e["UID"]) for c in resources for e in c.walk("VEVENT")}
    (again,) = Publisher(practice, targets, client=CountingClient(caldav_url)).run()
    assert again.ok and (again.written, again.deleted) == (0, 0)


def test_a_series_in_the_ics_file_reads_back_as_the_database(practice, anna, tmp_path: Path):
    path = tmp_path / "practice.ics"
    targets = PublishTargets(practice, keyring=MemoryKeyring())
    targets.add("Web", str(path), detail="initials")
    for step in _steps(practice, anna):
        (report,) = Publisher(practice, targets).run()
        assert report.ok, (step, report.message)
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        assert _expanded([cal]) == _in_database(practice), step
        parts = 2 if step in ("split", "ended") else 1
        assert len({str(e["UID"]) for e in cal.walk("VEVENT")}) == parts
        text = path.read_text()
        assert "Anna Smith" not in text and "Rose" not in text, step
        assert {str(e["SUMMARY"]) for e in cal.walk("VEVENT")} == {"Session: A.Sm."}


def test_an_open_ended_series_shows_what_is_booked_and_a_new_place_does_not_leak(
    practice, anna, tmp_path: Path
) -> None:
    path = tmp_path / "practice.ics"
    targets = PublishTargets(practice, keyring=MemoryKeyring())
    targets.add("Web", str(path), to_days=3000)  # far past the 26 weeks booked ahead
    booked = SeriesBook(practice).book(anna.id, TUESDAY, SeriesRule(Repeat.WEEKLY))
    SeriesChanges(practice).edit(booked.sessions[2].id, Scope.THIS, location="Room 9")
    (report,) = Publisher(practice, targets).run()
    assert report.ok, report.message
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert _expanded([cal]) == _in_database(practice)
    assert "Room 9" not in path.read_text()
    assert "RECURRENCE-ID" not in path.read_text()  # busy: a new place alone says nothing
