"""Exported sessions: valid iCalendar, faithful times and status, and nothing private in --private."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from kara_tui.domain import Cancellation, Money, Reason, Session, SessionStatus
from kara_tui.ical.export import export_sessions

STAMP = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def _session(
    sid: int,
    start: datetime,
    *,
    name: str = "Anna Smith",
    status: SessionStatus = SessionStatus.SCHEDULED,
    service: str = "",
    location: str = "",
    sequence: int = 0,
) -> Session:
    cancellation = None
    if status is SessionStatus.CANCELLED:
        cancellation = Cancellation(
            reason=Reason.CLIENT,
            note="flu, said she is sorry",
            notified_at=start - timedelta(hours=3),
            notice_hours=3.0,
            late=True,
            charged=False,
        )
    return Session(
        id=sid,
        uid=f"session-{sid}@kara-tui",
        professional_id=1,
        client_id=1,
        client_name=name,
        start=start,
        end=start + timedelta(minutes=50),
        fee=Money(9000, "GBP"),
        status=status,
        service=service,
        location=location,
        sequence=sequence,
        cancellation=cancellation,
    )


@pytest.fixture
def sessions() -> list[Session]:
    return [
        # Local London times on both sides of the DST change, written as UTC.
        _session(
            1,
            datetime(2026, 3, 27, 10, 0, tzinfo=LONDON),
            service="Couples therapy",
            location="Room 2, 1 High St",
        ),
        _session(2, datetime(2026, 3, 30, 10, 0, tzinfo=LONDON), name="Bob; Jones, Jr"),
        _session(
            3,
            datetime(2026, 11, 17, 9, 0, tzinfo=UTC),
            status=SessionStatus.CANCELLED,
            sequence=2,
            location="Video call",
        ),
        _session(4, datetime(2026, 11, 18, 9, 0, tzinfo=UTC), status=SessionStatus.ATTENDED),
    ]


def _events(body: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_full_export_parses_with_icalendar_and_keeps_every_field(sessions) -> None:
    body = export_sessions(sessions, stamp=STAMP, calendar_name="Dr Kara")
    cal = icalendar.Calendar.from_ical(body)
    assert str(cal["PRODID"]) == "-//kara-tui//kara-tui//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["X-WR-CALNAME"]) == "Dr Kara"
    events = _events(body)
    assert set(events) == {s.uid for s in sessions}
    for s in sessions:
        e = events[s.uid]
        assert e.decoded("DTSTART") == s.start
        assert e.decoded("DTEND") == s.end
        assert e.decoded("DTSTART").tzinfo is not None
        assert e.decoded("DTSTART").utcoffset() == timedelta(0)
        assert int(e["SEQUENCE"]) == s.sequence
        assert e.decoded("DTSTAMP") == STAMP
    one = events["session-1@kara-tui"]
    assert str(one["SUMMARY"]) == "Session with Anna Smith (Couples therapy)"
    assert str(one["LOCATION"]) == "Room 2, 1 High St"
    assert str(one["STATUS"]) == "CONFIRMED"
    assert one.decoded("DTSTART") == datetime(2026, 3, 27, 10, 0, tzinfo=UTC)  # GMT
    assert events["session-2@kara-tui"].decoded("DTSTART") == datetime(
        2026, 3, 30, 9, 0, tzinfo=UTC
    )  # BST
    assert str(events["session-2@kara-tui"]["SUMMARY"]) == "Session with Bob; Jones, Jr"
    cancelled = events["session-3@kara-tui"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["TRANSP"]) == "TRANSPARENT"
    assert str(events["session-4@kara-tui"]["STATUS"]) == "CONFIRMED"
    # The cancellation's private note is never exported, even in a full export.
    assert b"flu" not in body
    assert b"VTIMEZONE" not in body


def test_private_export_has_busy_blocks_and_nothing_about_the_client(sessions) -> None:
    body = export_sessions(sessions, stamp=STAMP, calendar_name="Dr Kara", private=True)
    for secret in (b"Anna", b"Smith", b"Bob", b"Jones", b"Couples", b"Room 2", b"Video", b"flu"):
        assert secret not in body
    assert b"Dr Kara" not in body
    events = _events(body)
    assert len(events) == len(sessions)
    for s in sessions:
        e = events[s.uid]
        assert str(e["SUMMARY"]) == "Busy"
        assert str(e["CLASS"]) == "PRIVATE"
        assert "LOCATION" not in e
        assert "DESCRIPTION" not in e
        assert e.decoded("DTSTART") == s.start
        assert e.decoded("DTEND") == s.end
    assert str(events["session-3@kara-tui"]["STATUS"]) == "CANCELLED"


def test_no_sessions_is_still_a_valid_calendar() -> None:
    cal = icalendar.Calendar.from_ical(export_sessions([], stamp=STAMP))
    assert cal.walk("VEVENT") == []


def test_stamp_must_be_aware(sessions) -> None:
    with pytest.raises(ValueError, match="aware"):
        export_sessions(sessions, stamp=datetime(2026, 11, 16, 8, 0))


def test_export_imports_back_through_the_feed_parser_without_loss(sessions) -> None:
    from kara_tui.ical.parse import parse_feed

    for private in (False, True):
        body = export_sessions(sessions, stamp=STAMP, private=private)
        result = parse_feed(
            body,
            window_start=datetime(2026, 1, 1, tzinfo=UTC),
            window_end=datetime(2027, 1, 1, tzinfo=UTC),
        )
        assert result.problems == []
        assert result.event_count == len(sessions)
        got = {o.uid: o for o in result.occurrences}
        assert set(got) == {s.uid for s in sessions}
        for s in sessions:
            o = got[s.uid]
            assert (o.start, o.end, o.all_day) == (s.start, s.end, False)
            assert o.recurrence_id == ""
            cancelled = s.status is SessionStatus.CANCELLED
            assert o.cancelled is cancelled
            assert o.busy is not cancelled
            assert o.summary == ("Busy" if private else o.summary)
        if not private:
            assert got["session-1@kara-tui"].summary == "Session with Anna Smith (Couples therapy)"
            assert got["session-1@kara-tui"].location == "Room 2, 1 High St"
