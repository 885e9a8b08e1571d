"""What a publishing target shows: the detail levels, the horizon, and what never leaves."""

from __future__ import annotations

from dataclasses import astuple
from datetime import UTC, datetime, timedelta

import pytest

from kara_tui.domain import DomainError, Money, Session, SessionStatus, TimeOff
from kara_tui.policy.publishing import (
    BUSY,
    Detail,
    check_days,
    horizon,
    session_event,
    time_off_event,
    time_off_uid,
    wanted,
)

NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
WINDOW = horizon(NOW, 90, 365)
NAME, SERVICE, PLACE = "Anna Smith", "Couples therapy", "12 Rose Street, flat 3"


def _session(sid: int = 1, status: SessionStatus = SessionStatus.SCHEDULED, **kw) -> Session:
    start = kw.pop("start", NOW + timedelta(days=1))
    return Session(
        id=sid,
        uid=f"session-{sid}@kara-tui",
        professional_id=1,
        client_id=1,
        client_name=NAME,
        start=start,
        end=start + timedelta(minutes=50),
        fee=Money(9000, "GBP"),
        status=status,
        service=SERVICE,
        location=PLACE,
        sequence=kw.pop("sequence", 2),
    )


def test_busy_is_the_default_level_and_leaks_nothing() -> None:
    assert Detail.parse("busy") is Detail.BUSY
    event = session_event(_session(), Detail.BUSY)
    assert event is not None
    assert (event.summary, event.location, event.private) == (BUSY, "", True)
    text = " ".join(str(v) for v in astuple(event))
    for secret in ("Anna", "Smith", "A.Sm.", "Couples", "Rose", "9000"):
        assert secret not in text
    assert (event.uid, event.sequence) == ("session-1@kara-tui", 2)


def test_initials_show_initials_and_no_place() -> None:
    event = session_event(_session(), Detail.INITIALS)
    assert event is not None
    assert event.summary == "Session: A.Sm."
    assert event.location == ""
    assert "Anna" not in event.summary and SERVICE not in event.summary


def test_full_shows_name_service_and_place() -> None:
    event = session_event(_session(), Detail.FULL)
    assert event is not None
    assert event.summary == f"Session with {NAME} ({SERVICE})"
    assert event.location == PLACE
    assert event.private is False


@pytest.mark.parametrize("detail", list(Detail))
def test_cancelled_sessions_are_never_published(detail: Detail) -> None:
    assert session_event(_session(status=SessionStatus.CANCELLED), detail) is None
    for status in (SessionStatus.ATTENDED, SessionStatus.NO_SHOW, SessionStatus.SCHEDULED):
        assert session_event(_session(status=status), detail) is not None


def test_wanted_keeps_the_horizon_and_drops_cancelled() -> None:
    sessions = [
        _session(1),
        _session(2, status=SessionStatus.CANCELLED),
        _session(3, start=NOW - timedelta(days=91)),  # before the horizon
        _session(4, start=NOW + timedelta(days=366)),  # after it
        _session(5, start=NOW - timedelta(days=89)),
    ]
    events = wanted(sessions, [], detail=Detail.BUSY, window=WINDOW, include_time_off=False)
    assert sorted(events) == ["session-1@kara-tui", "session-5@kara-tui"]


def test_time_off_is_busy_only_by_flag_and_never_says_why() -> None:
    block = TimeOff(7, NOW + timedelta(days=2), NOW + timedelta(days=4), reason="illness: flu")
    assert wanted([], [block], detail=Detail.FULL, window=WINDOW, include_time_off=False) == {}
    events = wanted([], [block], detail=Detail.BUSY, window=WINDOW, include_time_off=True)
    assert list(events) == [time_off_uid(7)]
    assert events[time_off_uid(7)].summary == BUSY
    assert "flu" not in str(astuple(time_off_event(block, Detail.FULL)))


def test_bad_detail_and_days_are_refused_in_one_line() -> None:
    with pytest.raises(DomainError, match="busy, initials or full"):
        Detail.parse("everything")
    with pytest.raises(DomainError, match="from 0 to"):
        check_days(-1, "--from-days")
    assert check_days(90, "--from-days") == 90
