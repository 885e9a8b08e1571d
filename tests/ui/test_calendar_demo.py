"""`kara-tui --demo`: a realistic practice around today, the same for the same day."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from kara_tui.clock import FixedClock
from kara_tui.db.engine import make_engine
from kara_tui.db.schema import upgrade
from kara_tui.domain import NotificationStatus, Programme, Reason, SessionStatus
from kara_tui.policy.conflicts import within_working_hours
from kara_tui.services.demo import seed
from kara_tui.services.practice import Practice
from kara_tui.ui.calendar_data import overlapping_sessions

NOW = datetime(2026, 11, 18, 12, 30, tzinfo=UTC)


def demo(path) -> Practice:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    clock = FixedClock(NOW, "Europe/London")
    practice = Practice(engine, clock)
    seed(practice)
    assert practice.clock is clock  # the history trick gives the clock back
    return practice


def test_the_demo_is_a_believable_practice(tmp_path) -> None:
    p = demo(tmp_path / "demo.db")
    clients = p.list_clients()
    assert len(clients) == 25
    assert sum(c.programme is Programme.SPONSORED for c in clients) >= 5
    assert all(c.sponsored_credit > 0 for c in clients if c.programme is Programme.SPONSORED)
    assert sum(c.window_hours == 48 for c in clients) >= 3
    assert all(c.email.endswith("@example.com") for c in clients if c.email)
    assert any(not c.email for c in clients)  # notices to them fail, as in life

    sessions = p.list_sessions()
    assert min(s.start for s in sessions) < NOW - timedelta(days=80)
    assert max(s.start for s in sessions) > NOW + timedelta(days=55)
    past = [s for s in sessions if s.end < NOW - timedelta(days=1)]
    states = Counter(s.status for s in past)
    assert states[SessionStatus.ATTENDED] > 100
    assert states[SessionStatus.NO_SHOW] >= 3
    assert all(s.status is not SessionStatus.SCHEDULED for s in past)
    reasons = Counter(s.cancellation.reason for s in sessions if s.cancellation)
    assert set(reasons) == set(Reason)
    assert any(s.cancellation and s.cancellation.late and s.cancellation.charged for s in sessions)
    assert any(c.kind.value == "refund" for s in sessions for c in s.charges)
    assert any(s.prepaid for s in sessions)
    # Something is left to mark today (or on the last working day), and the week has work.
    assert any(s.status is SessionStatus.SCHEDULED and s.start < NOW for s in sessions)
    assert len(p.list_time_off()) == 2

    tz = p.tz
    hours = p.professional().working_hours
    upcoming = [s for s in sessions if NOW < s.start < NOW + timedelta(days=14)]
    assert overlapping_sessions(upcoming), "the demo shows one double booking"
    assert any(not within_working_hours(s.start, s.end, tz, hours) for s in upcoming)

    history = p.history(past[0].id)
    assert history[0].action == "book" and history[0].at < past[0].start


def test_the_same_day_gives_the_same_demo(tmp_path) -> None:
    def shape(p: Practice) -> list[tuple[str, datetime, str]]:
        return [(s.client_name, s.start, s.status.value) for s in p.list_sessions()]

    assert shape(demo(tmp_path / "a.db")) == shape(demo(tmp_path / "b.db"))


def test_past_notices_were_sent_back_then_and_upcoming_ones_wait_in_the_outbox(tmp_path) -> None:
    p = demo(tmp_path / "demo.db")
    starts = {s.id: s.start for s in p.list_sessions()}
    notices = p.list_notifications()
    past = [n for n in notices if starts[n.session_id] < NOW]
    upcoming = [n for n in notices if starts[n.session_id] >= NOW]
    assert past and upcoming
    # Nothing months old sits queued: a past session's notice went out when it was written.
    assert not [n for n in past if n.status is NotificationStatus.QUEUED]
    sent = [n for n in past if n.status is NotificationStatus.SENT]
    assert sent
    assert all(n.sent_at is not None and n.created_at <= n.sent_at < NOW for n in sent)
    assert all(n.sent_at - n.created_at < timedelta(hours=1) for n in sent)  # type: ignore[operator]
    # Those to clients without an email address failed, as they would have.
    assert all(n.recipient for n in sent)
    # The upcoming ones are left for the user to send from the outbox.
    assert any(n.status is NotificationStatus.QUEUED for n in upcoming)
    assert all(n.sent_at is None for n in upcoming)
