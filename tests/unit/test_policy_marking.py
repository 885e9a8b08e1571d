"""Which past sessions need their attendance marked, and when the open calendar announces the
next session: the edges of both rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kara_tui.domain import Money, Session, SessionStatus
from kara_tui.policy.heads_up import minutes_until, next_session_soon
from kara_tui.policy.marking import need_attendance_words, needs_marking, to_mark

NOW = datetime(2026, 11, 18, 12, 30, tzinfo=UTC)


def _session(id_: int, start: datetime, status: SessionStatus = SessionStatus.SCHEDULED) -> Session:
    return Session(
        id=id_,
        uid=f"{id_}@test",
        professional_id=1,
        client_id=1,
        client_name="Anna Smith",
        start=start,
        end=start + timedelta(minutes=50),
        fee=Money(9000, "GBP"),
        status=status,
    )


def test_a_session_needs_marking_once_it_has_ended_and_only_while_scheduled() -> None:
    ended_now = _session(1, NOW - timedelta(minutes=50))
    running = _session(2, NOW - timedelta(minutes=49))
    attended = _session(3, NOW - timedelta(hours=3), SessionStatus.ATTENDED)
    cancelled = _session(4, NOW - timedelta(hours=4), SessionStatus.CANCELLED)
    older = _session(5, NOW - timedelta(days=2))
    assert needs_marking(ended_now, NOW) and not needs_marking(running, NOW)
    assert [s.id for s in to_mark([ended_now, running, attended, cancelled, older], NOW)] == [5, 1]


def test_the_count_reads_as_a_sentence() -> None:
    assert need_attendance_words(0) == ""
    assert need_attendance_words(1) == "1 session needs attendance"
    assert need_attendance_words(3) == "3 sessions need attendance"


def test_the_next_session_is_announced_only_inside_the_minutes_and_only_if_scheduled() -> None:
    at_edge = _session(1, NOW + timedelta(minutes=5))
    beyond = _session(2, NOW + timedelta(minutes=5, seconds=1))
    cancelled = _session(3, NOW + timedelta(minutes=2), SessionStatus.CANCELLED)
    assert next_session_soon([beyond, at_edge, cancelled], NOW, 5) == at_edge
    assert next_session_soon([beyond], NOW, 5) is None
    assert next_session_soon([at_edge], NOW, 0) is None  # 0: off
    assert next_session_soon([_session(4, NOW - timedelta(minutes=1))], NOW, 5) is None
    assert minutes_until(NOW + timedelta(minutes=4, seconds=10), NOW) == 5
    assert minutes_until(NOW, NOW) == 0
