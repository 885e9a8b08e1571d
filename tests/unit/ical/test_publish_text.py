"""The text of published events: one VEVENT per resource, a digest of what is written, ours or not."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import icalendar

from kara_tui.ical.publish import calendar_file, digest, resource, written_by_us
from kara_tui.policy.publishing import Published

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BUSY = Published("s-1@kara-tui", 2, START, START + timedelta(minutes=50), "Busy")


def test_a_resource_holds_one_event_as_the_policy_said() -> None:
    text = resource(BUSY, START)
    cal = icalendar.Calendar.from_ical(text)
    (event,) = cal.walk("VEVENT")
    assert (str(event["UID"]), int(event["SEQUENCE"]), str(event["SUMMARY"])) == (
        "s-1@kara-tui",
        2,
        "Busy",
    )
    assert event["DTSTART"].dt == START and str(event["CLASS"]) == "PRIVATE"
    assert "LOCATION" not in event and "DESCRIPTION" not in event and "ATTENDEE" not in event


def test_the_digest_follows_every_written_field_and_not_the_stamp() -> None:
    assert resource(BUSY, START) != resource(BUSY, START + timedelta(hours=1))  # DTSTAMP
    changes = [
        replace(BUSY, sequence=3),
        replace(BUSY, start=START + timedelta(minutes=5)),
        replace(BUSY, end=START + timedelta(minutes=60)),
        replace(BUSY, summary="Session: A.Sm."),
        replace(BUSY, location="Room 2"),
        replace(BUSY, private=False),
    ]
    digests = {digest(BUSY), *(digest(c) for c in changes)}
    assert len(digests) == len(changes) + 1
    same_instant = replace(BUSY, start=START.astimezone(datetime.now().astimezone().tzinfo))
    assert digest(same_instant) == digest(BUSY)


def test_ours_is_told_from_someone_elses() -> None:
    text = resource(BUSY, START)
    assert written_by_us(text, "s-1@kara-tui")
    assert not written_by_us(text, "other@kara-tui")
    assert not written_by_us(text.replace("kara-tui//kara-tui", "Phone//App"), "s-1@kara-tui")
    assert not written_by_us("garbage", "s-1@kara-tui")


def test_the_file_lists_events_in_start_order() -> None:
    later = replace(
        BUSY,
        uid="s-2@kara-tui",
        start=START + timedelta(days=1),
        end=START + timedelta(days=1, minutes=50),
    )
    cal = icalendar.Calendar.from_ical(calendar_file([later, BUSY], START, "Busy"))
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == ["s-1@kara-tui", "s-2@kara-tui"]
    assert str(cal["X-WR-CALNAME"]) == "Busy"
