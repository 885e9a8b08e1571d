"""QuickReader (stdlib sqlite3) gives the calendar exactly what the Practice's reads give.

The calendar draws its first week from QuickReader so that it need not import SQLAlchemy
first; every value it reads must be the one the Practice would have given, on a database
with one of everything a page can show.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from calendar_kit import UI_NOW, at, seed_week
from kara_tui.clock import FixedClock
from kara_tui.db.engine import make_engine
from kara_tui.db.quick_reads import QuickReader, sqlite_path
from kara_tui.db.rows import (
    ChargeRow,
    ClientRow,
    ExternalEventRow,
    FeedRow,
    date_to_utc_midnight,
)
from kara_tui.db.schema import upgrade
from kara_tui.domain import ChargeKind, Money, PaymentMethod, Reason
from kara_tui.services.practice import ChargeRequest, Practice
from kara_tui.ui.calendar_data import View, load, span_for


def _feed(practice: Practice, name: str, *, enabled: bool, stale: bool, events: list[dict]) -> None:
    with practice.writing() as db:
        feed = FeedRow(
            name=name,
            source=f"https://example.com/{name}.ics",
            enabled=enabled,
            refresh_minutes=30,
            colour="#af5f87",
            etag='"abc"' if stale else None,
            last_modified="Tue, 17 Nov 2026 08:00:00 GMT" if stale else None,
            body_hash="f" * 64 if stale else None,
            last_attempt=at(18, 8, 15) if stale else None,
            last_success=at(17, 7, 59) if stale else None,
            last_error="HTTP 503" if stale else "",
            stale=stale,
            event_count=len(events),
            created_at=at(1, 9),
        )
        db.add(feed)
        db.flush()
        for i, e in enumerate(events):
            all_day = not isinstance(e["start"], datetime)
            db.add(
                ExternalEventRow(
                    feed_id=feed.id,
                    uid=f"{name}-{i}@example.com",
                    recurrence_id=e.get("rid", ""),
                    start=date_to_utc_midnight(e["start"]) if all_day else e["start"],
                    end=date_to_utc_midnight(e["end"]) if all_day else e["end"],
                    all_day=all_day,
                    summary=e.get("summary", f"{name} {i}"),
                    location=e.get("location", ""),
                    busy=e.get("busy", True),
                    cancelled=e.get("cancelled", False),
                )
            )


def _everything(p: Practice) -> None:
    """seed_week's week, plus a reschedule, a no-show with a charge, prepaid sessions (one
    cancelled, with its refund), an archived client, times with microseconds, feeds enabled,
    disabled and stale, all-day and timed events (busy, free, cancelled, over the edges)."""
    ids = seed_week(p)
    real = p.clock
    p.clock = FixedClock(at(12, 9), "Europe/London")
    moved = p.book(ids["anna"], at(24, 9))
    prepaid = p.book(ids["chloe"], at(25, 16, 30), prepaid=True, fee=Money(12050, "GBP"))
    p.reschedule(moved.id, at(26, 9, 15), by=Reason.CLIENT)
    p.clock = FixedClock(at(17, 12), "Europe/London")
    noshow = p.book(ids["ben"], at(17, 10, 0) + timedelta(microseconds=250), force=True)
    p.no_show(noshow.id, charge=ChargeRequest(method=PaymentMethod.CASH))
    p.cancel(prepaid.id, Reason.PROFESSIONAL)  # paid in advance: a refund is recorded
    p.book(ids["chloe"], at(25, 16, 30), prepaid=True)
    p.clock = real
    gone = p.add_client("Dora Archived")
    with p.writing() as db:
        row = db.get(ClientRow, gone.id)
        assert row is not None
        row.archived = True
    _feed(
        p,
        "work",
        enabled=True,
        stale=False,
        events=[
            {"start": at(16, 9), "end": at(16, 10), "summary": "Supervision", "location": "R1"},
            {"start": at(16, 11), "end": at(16, 12), "busy": False, "rid": "20261116T110000Z"},
            {"start": at(17, 9), "end": at(17, 10), "cancelled": True},
            {"start": date(2026, 11, 20), "end": date(2026, 11, 21), "summary": "Conference"},
            {"start": date(2026, 11, 22), "end": date(2026, 11, 25), "summary": "Holiday"},
            {"start": at(15, 23, 30), "end": at(16, 0, 30), "summary": "Across midnight"},
            {"start": at(22, 23, 0), "end": at(23, 1, 0), "summary": "Across the week"},
        ],
    )
    _feed(
        p,
        "family",
        enabled=False,
        stale=False,
        events=[{"start": at(18, 15), "end": at(18, 16), "summary": "Hidden"}],
    )
    _feed(
        p,
        "old",
        enabled=True,
        stale=True,
        events=[{"start": at(19, 8), "end": at(19, 9, 30), "summary": "Stale but shown"}],
    )


@pytest.fixture
def world(tmp_path: Path) -> tuple[Practice, QuickReader]:
    url = f"sqlite:///{tmp_path / 'kara.db'}"
    engine = make_engine(url)
    upgrade(engine)
    practice = Practice(engine, FixedClock(UI_NOW, "Europe/London"))
    practice.ensure_professional()
    _everything(practice)
    reader = QuickReader.open(url)
    assert reader is not None
    yield practice, reader
    reader.close()
    engine.dispose()


def _ranges(tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """Weeks and days around the data, as the calendar asks for them (local midnights)."""
    out = []
    for first, days in ((date(2026, 11, 16), 7), (date(2026, 11, 23), 7), (date(2026, 11, 20), 1)):
        start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
        out.append((start.astimezone(UTC), (start + timedelta(days=days)).astimezone(UTC)))
    out.append((datetime(2026, 10, 26, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC)))
    return out


def test_every_read_the_calendar_makes_gives_the_practices_values(world) -> None:
    practice, reader = world
    assert reader.professional() == practice.professional()
    assert reader.list_sessions() == practice.list_sessions()
    assert reader.list_time_off() == practice.list_time_off()
    assert reader.calendar_feeds() == practice.calendar_feeds()
    assert reader.list_clients() == practice.list_clients()
    assert reader.list_clients(include_archived=True) == practice.list_clients(
        include_archived=True
    )
    assert reader.is_empty() is practice.is_empty() is False
    sessions = practice.list_sessions()
    ids = [s.id for s in sessions]
    assert reader.rescheduled_to(ids) == practice.rescheduled_to(ids) != {}
    assert reader.rescheduled_to([]) == {}
    # What the data holds, so that the comparisons above compare something.
    assert any(s.cancellation is not None and s.charges for s in sessions)
    assert any(s.rescheduled_from is not None for s in sessions)
    assert any(s.prepaid for s in sessions)
    assert any(c.kind is ChargeKind.REFUND for s in sessions for c in s.charges)
    assert any(s.start.microsecond for s in sessions)
    assert any(f.stale and f.last_success is not None for f in reader.calendar_feeds())
    for zone in ("Europe/London", "America/New_York", "Pacific/Auckland"):
        tz = ZoneInfo(zone)
        for start, end in _ranges(tz):
            assert reader.list_sessions(start=start, end=end) == practice.list_sessions(
                start=start, end=end
            )
            assert reader.list_time_off(start=start, end=end) == practice.list_time_off(
                start=start, end=end
            )
            assert reader.visible_events(start, end, tz) == practice.visible_events(start, end, tz)


def test_the_next_and_previous_session_past_a_page_are_the_practices(world) -> None:
    """j/k past a page's edge ask where the next session is; both reads must agree."""
    practice, reader = world
    starts = sorted({s.start for s in practice.list_sessions()})
    moments = [starts[0] - timedelta(days=400), starts[-1] + timedelta(seconds=1)]
    moments += [t + delta for t in starts for delta in (timedelta(0), timedelta(microseconds=1))]
    for moment in moments:
        assert reader.session_after(moment) == practice.session_after(moment), moment
        assert reader.session_before(moment) == practice.session_before(moment), moment
    first = practice.list_sessions()[0]
    assert practice.session_after(starts[0] - timedelta(days=400)) == (first.id, first.start)
    assert reader.session_before(starts[0]) is None
    assert reader.session_after(starts[-1] + timedelta(seconds=1)) is None


def test_a_calendar_page_read_quickly_is_the_page_read_through_the_practice(world) -> None:
    practice, reader = world
    clock = FixedClock(UI_NOW, "Europe/London")
    for view in View:
        for cursor in (date(2026, 11, 18), date(2026, 11, 24), date(2026, 12, 30)):
            span = span_for(view, cursor)
            quick = load(reader, span, clock, first=True)
            assert quick == load(practice, span, clock, first=True)
    week = load(reader, span_for(View.WEEK, date(2026, 11, 18)), clock)
    assert week.events and week.sessions and week.time_off and week.conflicts
    assert {e.feed_id for e in week.events} <= set(week.feeds)
    assert "Hidden" not in {e.summary for e in week.events}  # the disabled feed's


def test_the_practices_time_zone_is_the_default_for_all_day_events(world) -> None:
    practice, reader = world
    practice.set_setting("timezone", "America/Los_Angeles")
    start, end = datetime(2026, 11, 20, 8, tzinfo=UTC), datetime(2026, 11, 21, 8, tzinfo=UTC)
    assert reader.visible_events(start, end) == practice.visible_events(start, end)
    assert reader.professional().timezone == "America/Los_Angeles"


def test_an_empty_practice_reads_empty(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kara.db'}"
    engine = make_engine(url)
    upgrade(engine)
    practice = Practice(engine, FixedClock(UI_NOW, "Europe/London"))
    practice.ensure_professional()
    reader = QuickReader.open(url)
    assert reader is not None
    try:
        assert reader.is_empty() is practice.is_empty() is True
        span = span_for(View.WEEK, date(2026, 11, 18))
        clock = FixedClock(UI_NOW, "Europe/London")
        assert load(reader, span, clock, first=True) == load(practice, span, clock, first=True)
    finally:
        reader.close()
        engine.dispose()


def test_only_a_database_ready_to_open_is_read_quickly(tmp_path: Path) -> None:
    """A new file, one that needs a migration or its professional, or is not a database at
    all, takes the ordinary path (which creates, migrates or explains)."""
    missing = tmp_path / "missing.db"
    assert QuickReader.open(f"sqlite:///{missing}") is None
    assert not missing.exists()  # never created here
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("hello, this is not SQLite\n" * 100)
    assert QuickReader.open(f"sqlite:///{not_a_db}") is None
    empty = tmp_path / "empty.db"
    empty.touch()
    assert QuickReader.open(f"sqlite:///{empty}") is None

    url = f"sqlite:///{tmp_path / 'kara.db'}"
    engine = make_engine(url)
    upgrade(engine)
    try:
        assert QuickReader.open(url) is None  # no professional yet
        Practice(engine, FixedClock(UI_NOW, "Europe/London")).ensure_professional()
        reader = QuickReader.open(url)
        assert reader is not None
        reader.close()
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0000'")
        assert QuickReader.open(url) is None  # a migration is due
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///kara.db", "kara.db"),
        ("sqlite:////srv/kara/kara.db", "/srv/kara/kara.db"),
        ("sqlite+pysqlite:////srv/kara.db", "/srv/kara.db"),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("sqlite:///~/kara.db", None),
        ("sqlite:///kara.db?timeout=3", None),
        ("sqlite:///file:kara.db?mode=ro&uri=true", None),
        ("sqlite:///my%20kara.db", None),
        ("postgresql://kara@localhost/kara", None),
        ("not a url", None),
    ],
)
def test_which_urls_are_read_quickly(url: str, path: str | None) -> None:
    found = sqlite_path(url)
    assert (str(found) if found is not None else None) == path


def test_the_quick_professional_reads_the_session_charge_setting(world) -> None:
    practice, reader = world
    practice.set_setting("charge_attended_sessions", "yes")
    assert reader.professional().charge_attended_sessions is True
    assert reader.professional() == practice.professional()


def test_the_quick_zone_is_the_practices(world) -> None:
    practice, reader = world
    practice.set_setting("timezone", "America/New_York")
    assert reader.timezone() == practice.professional().timezone == "America/New_York"


def test_reminder_settings_and_a_paid_charge_read_quickly_as_the_practice_reads_them(
    world,
) -> None:
    # One mapping from the stored columns to the domain (db/codec.py) serves both readers, so
    # a column the Practice reads cannot be left out of the quick reads.
    practice, reader = world
    practice.set_settings({"reminder_leads": "48,2", "quiet_hours": "22:00-07:00"})
    with practice.writing() as db:
        client = db.scalars(select(ClientRow).order_by(ClientRow.id)).first()
        assert client is not None
        client.reminder_leads = "none"
        charge = db.scalars(select(ChargeRow).order_by(ChargeRow.id)).first()
        assert charge is not None
        charge.status = "paid"
        charge.paid_at = at(18, 9, 5)
        charge.reference = "receipt 12"
        charge.void_reason = ""
    assert reader.professional() == practice.professional()
    assert reader.list_clients(include_archived=True) == practice.list_clients(
        include_archived=True
    )
    assert reader.list_sessions() == practice.list_sessions()
    assert any(c.reference == "receipt 12" for s in reader.list_sessions() for c in s.charges)


def test_timed_events_on_a_pages_edges_are_the_practices(world) -> None:
    """A timed event's overlap is decided in SQL on the stored text: one that ends as the
    range starts, or starts as it ends, is left out; a microsecond over, it is in."""
    practice, reader = world
    start, end = at(20, 12), at(20, 14)
    hour, tiny = timedelta(hours=1), timedelta(microseconds=1)
    _feed(
        practice,
        "edges",
        enabled=True,
        stale=False,
        events=[
            {"start": start - hour, "end": start, "summary": "ends as it starts"},
            {"start": end, "end": end + hour, "summary": "starts as it ends"},
            {"start": start - hour, "end": start + tiny, "summary": "a moment in"},
            {"start": end - tiny, "end": end + hour, "summary": "a moment before the end"},
            {"start": start - 30 * hour, "end": end + 30 * hour, "summary": "all around"},
        ],
    )
    for zone in ("Europe/London", "Pacific/Auckland"):
        tz = ZoneInfo(zone)
        events = reader.visible_events(start, end, tz)
        assert events == practice.visible_events(start, end, tz)
        shown = {e.summary for e in events if e.feed_name == "edges"}
        assert shown == {"a moment in", "a moment before the end", "all around"}
