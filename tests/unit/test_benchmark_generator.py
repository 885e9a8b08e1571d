"""The benchmark data generator: same seed, same bytes; the promised mix; valid iCalendar."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ sits beside src/, outside the installed package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import (  # noqa: E402
    generate_feed,
    plan_feed,
    write_feed,
    write_practice,
)

TODAY = date(2026, 11, 16)


def vevents(text: str) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


def start_date(event: icalendar.Event) -> date:
    value = event.decoded("DTSTART")
    return value.date() if isinstance(value, datetime) else value


@pytest.mark.parametrize("mode", ["history", "dense"])
def test_the_same_arguments_give_the_same_bytes(mode: str) -> None:
    first = generate_feed(200, mode=mode, seed=3, today=TODAY)
    assert first == generate_feed(200, mode=mode, seed=3, today=TODAY)
    assert first != generate_feed(200, mode=mode, seed=4, today=TODAY)
    assert first != generate_feed(200, mode=mode, seed=3, today=TODAY + timedelta(days=1))


def test_the_mix_is_70_20_10_with_zones_exdates_and_overrides() -> None:
    text = generate_feed(500, mode="history", today=TODAY)
    events = vevents(text)
    masters = [e for e in events if "RRULE" in e]
    overrides = [e for e in events if "RECURRENCE-ID" in e]
    all_day = [e for e in events if not isinstance(e.decoded("DTSTART"), datetime)]
    singles = [e for e in events if e not in masters and e not in overrides and e not in all_day]
    assert (len(singles), len(masters), len(all_day)) == (350, 100, 50)
    assert all("FREQ=WEEKLY" in e["RRULE"].to_ical().decode() for e in masters)
    assert sum("EXDATE" in e for e in masters) > 20
    assert overrides, "series need RECURRENCE-ID overrides"
    master_uids = {str(e["UID"]) for e in masters}
    assert {str(e["UID"]) for e in overrides} <= master_uids
    assert any(str(e.get("STATUS")) == "CANCELLED" for e in overrides)
    zones = Counter(e["DTSTART"].params.get("TZID") for e in singles)
    assert zones["Europe/London"] > zones["America/New_York"] > 0
    assert zones[None] > 0, "some timed events are written in UTC, as Google does"
    # Every TZID used has its VTIMEZONE, as in real exports.
    cal = icalendar.Calendar.from_ical(text)
    defined = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert {z for z in zones if z} <= defined
    assert any("ATTENDEE" in e for e in events) and any("DESCRIPTION" in e for e in events)


def test_history_is_ten_years_mostly_past_and_dense_is_one_year() -> None:
    history = [start_date(e) for e in vevents(generate_feed(400, mode="history", today=TODAY))]
    past = sum(d < TODAY for d in history)
    assert past / len(history) > 0.8
    assert min(history) < TODAY - timedelta(days=9 * 365)
    assert min(history) >= TODAY - timedelta(days=3660)
    dense = vevents(generate_feed(400, mode="dense", today=TODAY))
    firsts = [start_date(e) for e in dense if "RECURRENCE-ID" not in e]
    assert min(firsts) >= TODAY - timedelta(days=90)
    assert max(firsts) < TODAY + timedelta(days=275)


def test_ten_thousand_events_would_make_about_five_megabytes(tmp_path: Path) -> None:
    stats = write_feed(tmp_path / "feed.ics", 2_000, mode="history", today=TODAY)
    assert 4_000_000 < stats.size_bytes * 5 < 7_000_000
    assert (tmp_path / "feed.ics").stat().st_size == stats.size_bytes
    assert stats.events == 2_000 and stats.vevents == 2_000 + stats.overrides
    lines = (tmp_path / "feed.ics").read_bytes().split(b"\r\n")
    assert max(len(line) for line in lines) <= 75, "lines are folded at 75 octets"


def test_changed_feed_differs_in_exactly_one_upcoming_event() -> None:
    before = {
        str(e["UID"]) + str(e.get("RECURRENCE-ID", "")): e
        for e in vevents(generate_feed(300, today=TODAY))
    }
    after = {
        str(e["UID"]) + str(e.get("RECURRENCE-ID", "")): e
        for e in vevents(generate_feed(300, today=TODAY, changed=True))
    }
    assert before.keys() == after.keys()
    differing = [k for k in before if before[k].to_ical() != after[k].to_ical()]
    assert len(differing) == 1
    old, new = before[differing[0]], after[differing[0]]
    assert str(new["SUMMARY"]) == str(old["SUMMARY"]) + " (moved)"
    assert new.decoded("DTSTART") - old.decoded("DTSTART") == timedelta(hours=1)
    assert int(new["SEQUENCE"]) == int(old["SEQUENCE"]) + 1
    assert TODAY < start_date(old) <= TODAY + timedelta(days=30)


def test_provider_feeds_have_duration_monthly_series_and_alarms_as_providers_write() -> None:
    text = generate_feed(1000, mode="providers", seed=2, today=TODAY)
    assert text == generate_feed(1000, mode="providers", seed=2, today=TODAY)
    assert text != generate_feed(1000, mode="providers", seed=3, today=TODAY)
    events = vevents(text)
    masters = [e for e in events if "RRULE" in e and "RECURRENCE-ID" not in e]
    rules = Counter(e["RRULE"].to_ical().decode().split(";")[0] for e in masters)
    assert rules["FREQ=WEEKLY"] > rules["FREQ=MONTHLY"] > 20
    timed = [e for e in events if isinstance(e.decoded("DTSTART"), datetime)]
    with_duration = sum("DURATION" in e for e in timed)
    assert 0.03 < with_duration / len(timed) < 0.12
    alarms = sum(bool(e.walk("VALARM")) for e in events)
    assert 0.10 < alarms / len(events) < 0.25
    assert any("EXDATE" in e for e in masters) and any("RECURRENCE-ID" in e for e in events)


def test_a_birthdays_feed_is_yearly_all_day_series() -> None:
    events = vevents(generate_feed(300, mode="birthdays", seed=1, today=TODAY))
    assert len(events) == 300
    assert all(e["RRULE"].to_ical() == b"FREQ=YEARLY" for e in events)
    assert all(not isinstance(e.decoded("DTSTART"), datetime) for e in events)
    assert all(start_date(e).year < TODAY.year for e in events)


def test_plan_refuses_an_unknown_mode() -> None:
    with pytest.raises(ValueError, match="mode"):
        plan_feed(10, mode="sparse", today=TODAY)


def test_practice_database_is_a_real_kara_database(tmp_path: Path) -> None:
    from kara_tui.clock import FixedClock
    from kara_tui.db.engine import make_engine
    from kara_tui.db.schema import current_revision, head_revision
    from kara_tui.services.practice import Practice

    now = datetime(2026, 11, 16, 12, tzinfo=UTC)
    path = tmp_path / "practice.db"
    stats = write_practice(path, sessions=300, external=400, now=now)
    assert stats.sessions == 300 and 0 < stats.external <= 400
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert current_revision(engine) == head_revision()
        practice = Practice(engine, FixedClock(now))
        sessions = practice.list_sessions()
        assert len(sessions) == 300
        assert any(s.start > now for s in sessions) and any(s.start < now for s in sessions)
        assert any(s.cancellation is not None for s in sessions)
        window = practice.external_events(now - timedelta(days=90), now + timedelta(days=366))
        assert len(window) == stats.external
    finally:
        engine.dispose()
