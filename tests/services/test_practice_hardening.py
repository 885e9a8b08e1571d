"""Issue 12 at the service boundary: one time-off block per range, typed text checked, ids
that cannot exist, and no client chosen by an empty name."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from kara_tui.db.rows import AuditRow
from kara_tui.domain import DomainError, Money, Programme, Reason
from kara_tui.services.errors import NotFound
from kara_tui.services.practice import Practice

LONDON = ZoneInfo("Europe/London")


def at(day: int, hh: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hh, tzinfo=LONDON)


def blocks(practice: Practice) -> list[tuple[datetime, datetime, str]]:
    return [(b.start, b.end, b.reason) for b in practice.list_time_off()]


# -- item 10: cancel-range blocks a range once ------------------------------------------


def test_cancel_range_again_over_the_same_days_keeps_one_block(practice: Practice) -> None:
    practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    practice.book("Anna Smith", at(2, 10))
    practice.cancel_range(at(1), at(4), Reason.PROFESSIONAL, note="ill", notify=False)
    practice.cancel_range(at(1), at(4), Reason.PROFESSIONAL, note="ill", notify=False)
    practice.cancel_range(at(2), at(3), Reason.PROFESSIONAL, note="still ill", notify=False)
    assert blocks(practice) == [(at(1), at(4), "ill")]


def test_cancel_range_over_more_days_widens_the_block(practice: Practice) -> None:
    practice.cancel_range(at(1), at(4), Reason.PROFESSIONAL, note="ill", notify=False)
    practice.cancel_range(at(3), at(7), Reason.PROFESSIONAL, note="ill", notify=False)
    assert blocks(practice) == [(at(1), at(7), "ill")]
    with practice.reading() as db:
        actions = list(db.scalars(select(AuditRow.action).where(AuditRow.entity == "time_off")))
    assert actions == ["add", "extend"]


def test_cancel_range_over_other_days_adds_its_own_block(practice: Practice) -> None:
    practice.cancel_range(at(1), at(4), Reason.PROFESSIONAL, note="ill", notify=False)
    practice.cancel_range(at(10), at(12), Reason.OTHER, note="funeral", notify=False)
    assert blocks(practice) == [(at(1), at(4), "ill"), (at(10), at(12), "funeral")]


def test_a_multi_line_note_makes_a_one_line_time_off_reason(practice: Practice) -> None:
    practice.cancel_range(at(1), at(2), Reason.OTHER, note="flu\nback monday", notify=False)
    assert blocks(practice) == [(at(1), at(2), "flu back monday")]


# -- items 4, 5, 6: what the service refuses ----------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "Evil\x1b]0;pwned\x07"}, r"cannot contain control characters \(ESC\)"),
        ({"name": "A" * 121}, r"at most 120 characters \(this one has 121\)"),
        ({"name": "Anna\nSmith"}, "control characters"),
        ({"name": "Anna", "email": "a@b.c\r\nBcc: x@y.z"}, "email address cannot contain"),
        ({"name": "Anna", "email": "a" * 250 + "@b.cd"}, "at most 254"),
        ({"name": "Anna", "phone": "1" * 51}, "at most 50"),
        ({"name": "Anna", "notes": "n" * 2001}, "at most 2000"),
        ({"name": "Anna", "notes": "bell\x07"}, "control characters"),
        ({"name": "Anna", "fee": Money(100, "XYZ")}, "not an ISO 4217 currency"),
        (
            {"name": "Ben", "programme": Programme.SPONSORED, "sponsored_credit": 10**30},
            "at most 1000",
        ),
    ],
)
def test_client_text_is_checked(practice: Practice, kwargs: dict, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        practice.add_client(**kwargs)
    assert practice.list_clients() == []


def test_notes_keep_their_lines(practice: Practice) -> None:
    client = practice.add_client("Anna", notes="first line\r\nsecond\tline")
    assert client.notes == "first line\nsecond\tline"


def test_session_text_is_checked(practice: Practice) -> None:
    practice.add_client("Anna Smith")
    with pytest.raises(DomainError, match="the service has at most 200"):
        practice.book("Anna Smith", at(2, 10), service="s" * 201)
    with pytest.raises(DomainError, match="the location cannot contain control"):
        practice.book("Anna Smith", at(2, 10), location="room\x1b[2J")
    session = practice.book("Anna Smith", at(2, 10))
    with pytest.raises(DomainError, match="the note has at most 2000"):
        practice.cancel(session.id, Reason.OTHER, note="x" * 2001, notify=False)
    with pytest.raises(DomainError, match="the reason cannot contain control"):
        practice.add_time_off(at(5), at(6), "away\x07")
    with pytest.raises(DomainError, match="the practice's name has at most 120"):
        practice.set_setting("name", "P" * 121)
    with pytest.raises(DomainError, match="not an ISO 4217"):
        practice.set_setting("default_currency", "XYZ")


def test_an_empty_client_name_chooses_nobody(practice: Practice) -> None:
    practice.add_client("Anna Smith")
    for empty in ("", "   "):
        with pytest.raises(DomainError, match="which client"):
            practice.book(empty, at(2, 10))
    assert practice.list_sessions() == []


@pytest.mark.parametrize("huge", [2**31, 10**30])
def test_an_id_too_large_to_exist_is_not_found(practice: Practice, huge: int) -> None:
    with pytest.raises(NotFound, match=f"no client with id {huge}"):
        practice.find_client(str(huge))
    with pytest.raises(NotFound, match=f"no session with id {huge}"):
        practice.get_session(huge)
    with pytest.raises(NotFound, match=f"no time off with id {huge}"):
        practice.remove_time_off(huge)


def test_a_time_beyond_the_calendar_is_refused(practice: Practice) -> None:
    practice.add_client("Anna Smith")
    with pytest.raises(DomainError, match="kara-tui keeps years 1900 to 2999"):
        practice.book("Anna Smith", datetime(9999, 12, 31, 23, 30, tzinfo=LONDON))
