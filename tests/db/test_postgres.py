"""The group-practice backend: the same story told on PostgreSQL leaves the same state as on SQLite.

A real PostgreSQL server of the machine's own (tests/pgserver.py); each test compares what the
services read back from both databases after the same calls, so any difference in types,
time zones, booleans, sequences or SQL between the backends shows up as a failing comparison.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from feedkit import Ev, ics
from kara_tui.clock import FixedClock
from kara_tui.config import Settings
from kara_tui.db.engine import make_engine
from kara_tui.db.schema import HEAD, upgrade
from kara_tui.domain import Money
from kara_tui.ical import parse as parse_module
from kara_tui.ical import parts
from kara_tui.services.feeds import Feeds
from kara_tui.services.practice import Practice
from kara_tui.services.report import build_report
from report_world import build

pytestmark = pytest.mark.slow


@pytest.fixture
def pg_engine(pg_url: str):
    engine = make_engine(pg_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _twin(engine, clock: FixedClock) -> Practice:
    practice = Practice(engine, FixedClock(clock.now(), "Europe/London"))
    practice.ensure_professional()
    return practice


def _shape(engine) -> dict[str, tuple[set[str], set[str]]]:
    """Each table's columns and the names of its indexes and unique constraints."""
    found = inspect(engine)
    shape = {}
    for table in found.get_table_names():
        columns = {c["name"] for c in found.get_columns(table)}
        indexes = {i["name"] for i in found.get_indexes(table)}
        indexes |= {u["name"] for u in found.get_unique_constraints(table) if u["name"]}
        shape[table] = (columns, indexes)
    return shape


def test_the_schema_upgrades_to_head_and_matches_sqlite(pg_engine, engine) -> None:
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    upgrade(pg_engine)  # at head already: nothing to do, nothing fails
    pg, lite = _shape(pg_engine), _shape(engine)
    assert set(pg) == set(lite)
    for table in lite:
        assert pg[table][0] == lite[table][0], table
        # SQLite reports a UNIQUE constraint as an index as well; PostgreSQL as both.
        assert lite[table][1] <= pg[table][1] | {None}, table


def _without_uids(values: list) -> list:
    """Session UIDs are random per booking; everything else must be equal."""
    return [dataclasses.replace(v, uid="") if hasattr(v, "uid") else v for v in values]


def test_a_practice_history_reads_back_the_same_on_both(pg_engine, practice, clock) -> None:
    pg_clock = FixedClock(clock.now(), "Europe/London")
    pg = Practice(pg_engine, pg_clock)
    pg.ensure_professional()
    build(practice, clock)
    build(pg, pg_clock)
    assert pg_clock.now() == clock.now()

    assert build_report(pg) == build_report(practice)
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    pg_sessions, lite_sessions = (
        pg.list_sessions(start=start, end=end),
        practice.list_sessions(start=start, end=end),
    )
    assert len(lite_sessions) == 15
    assert _without_uids(pg_sessions) == _without_uids(lite_sessions)
    for s in pg_sessions:
        assert s.start.tzinfo is not None and s.start.utcoffset() == timedelta(0)
    assert pg.list_clients(include_archived=True) == practice.list_clients(include_archived=True)
    assert [(n.recipient, n.subject, n.status, n.error) for n in pg.list_notifications()] == [
        (n.recipient, n.subject, n.status, n.error) for n in practice.list_notifications()
    ]
    assert pg.search_sessions("ann") == pg.search_sessions("ANN") != []
    assert _without_uids(pg.search_sessions("ann")) == _without_uids(
        practice.search_sessions("ann")
    )


def test_feed_import_and_resync_store_the_same_events(
    pg_engine, practice, clock, tmp_path: Path
) -> None:
    monday = datetime(2026, 11, 16, 9, tzinfo=UTC)
    events = [
        Ev("single", monday + timedelta(days=1), summary="Dentist"),
        Ev("weekly", monday, rrule="FREQ=WEEKLY;COUNT=20", summary="Supervision"),
        Ev("allday", monday.date() + timedelta(days=3), minutes=1440, summary="Conference"),
        Ev("free", monday + timedelta(days=2), transparent=True, summary="Maybe"),
        Ev("gone", monday + timedelta(days=4), status="CANCELLED", summary="Called off"),
    ]
    feed = tmp_path / "work.ics"
    feed.write_bytes(ics(*events))
    pg = _twin(pg_engine, clock)
    settings = Settings(path=tmp_path / "config.toml")
    on_pg, on_lite = Feeds(pg, settings), Feeds(practice, settings)
    first = on_pg.import_file(feed, name="Work"), on_lite.import_file(feed, name="Work")
    assert first[0].ok and first[0].added == first[1].added == 24

    def stored(feeds: Feeds) -> list:
        found = feeds.events(
            "Work", start=monday - timedelta(days=7), end=monday + timedelta(days=200)
        )
        return [dataclasses.replace(e, id=0) for e in found]

    assert stored(on_pg) == stored(on_lite)

    # One event moved, one removed, one added: the re-sync changes only those rows.
    events[0] = dataclasses.replace(events[0], start=events[0].start + timedelta(hours=2))
    events[3] = Ev("new", monday + timedelta(days=5), summary="Review")
    feed.write_bytes(ics(*events))
    again = on_pg.sync("Work")[0], on_lite.sync("Work")[0]
    for report in again:
        assert report.ok, report.message
        assert (report.added, report.updated, report.removed) == (1, 1, 1)
    assert stored(on_pg) == stored(on_lite)
    assert on_pg.get("Work").event_count == on_lite.get("Work").event_count == 24


def test_the_cli_works_on_postgres(pg_url: str, cli, monkeypatch) -> None:
    monkeypatch.setenv("KARA_DB", pg_url)
    assert cli("clients", "add", "Ann Archer", "--email", "ann@example.org").code == 0
    booked = cli("sessions", "add", "--client", "Ann", "--start", "2026-11-17 10:00", "--json")
    assert booked.code == 0, booked.err
    listed = cli("sessions", "list", "--from", "2026-11-16", "--to", "+7d", "--json").json()
    assert [(s["client"], s["status"]) for s in listed] == [("Ann Archer", "scheduled")]
    cancelled = cli("sessions", "cancel", str(listed[0]["id"]), "--reason", "client", "--json")
    assert cancelled.code == 0, cancelled.err
    again = cli("sessions", "list", "--from", "2026-11-16", "--to", "+7d", "--json").json()
    assert again[0]["status"] == "cancelled"


def test_an_incremental_resync_stores_the_same_on_both(
    pg_engine, practice, clock, tmp_path: Path, monkeypatch
) -> None:
    """On PostgreSQL the bulk writes go through Core and stored times come back from the
    driver as datetimes: the partial re-sync must still find the same changes."""
    import kara_tui.services.feeds as feeds_module

    monday = datetime(2026, 11, 16, 9, tzinfo=UTC)
    events = [Ev(f"e{i}", monday + timedelta(days=i, hours=i % 4)) for i in range(8)]
    events += [
        Ev("weekly", monday, rrule="FREQ=WEEKLY;COUNT=20", summary="Supervision"),
        Ev("allday", monday.date() + timedelta(days=3), minutes=1440, summary="Conference"),
        Ev("bad", monday, extra="RRULE:FREQ=WEEKLY;INTERVAL=0"),
    ]
    feed = tmp_path / "work.ics"
    feed.write_bytes(ics(*events))
    pg = _twin(pg_engine, clock)
    settings = Settings(path=tmp_path / "config.toml")
    on_pg, on_lite = Feeds(pg, settings), Feeds(practice, settings)
    assert on_pg.import_file(feed, name="Work").ok and on_lite.import_file(feed, name="Work").ok

    parsed: list[object] = []
    real = feeds_module.parse_feed

    def spy(body: bytes, **kwargs):
        parsed.append(kwargs.get("only"))
        return real(body, **kwargs)

    monkeypatch.setattr(feeds_module, "parse_feed", spy)
    events[2] = dataclasses.replace(events[2], start=events[2].start + timedelta(hours=1))
    feed.write_bytes(ics(*events))
    again = on_pg.sync("Work")[0], on_lite.sync("Work")[0]
    assert parsed == [{"e2"}, {"e2"}]  # only the changed group, on both
    for report in again:
        assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 0, 29)
        assert [p.uid for p in report.problems] == ["bad"]

    def stored(feeds: Feeds) -> list:
        found = feeds.events(
            "Work", start=monday - timedelta(days=7), end=monday + timedelta(days=200)
        )
        return [dataclasses.replace(e, id=0) for e in found]

    def groups(engine) -> list:
        with engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.execute(
                    text("SELECT uid, digest, problems FROM feed_groups ORDER BY uid")
                )
            ]

    assert stored(on_pg) == stored(on_lite)
    assert groups(pg_engine) == groups(practice.engine)


def test_postgres_never_reuses_a_deleted_session_id(pg_engine, clock) -> None:
    """Issue 11: serial ids on PostgreSQL already never come back after a delete."""
    pg = _twin(pg_engine, clock)
    anna = pg.add_client("Anna Smith")
    start = clock.now() + timedelta(days=1)
    first = pg.book(anna.id, start, force=True)
    second = pg.book(anna.id, start + timedelta(hours=2), force=True)
    pg.delete(second.id)
    assert pg.book(anna.id, start + timedelta(hours=4), force=True).id == second.id + 1 > first.id


def test_the_calendar_sees_writes_of_others_and_all_day_rules_on_postgres(
    pg_engine, clock, tmp_path: Path
) -> None:
    """The change token (the fallback where there is no PRAGMA data_version), j/k's reads and
    the block-all-day setting behave on PostgreSQL as on SQLite."""
    mine, theirs = _twin(pg_engine, clock), Practice(pg_engine, clock)
    token = mine.change_token()
    assert mine.change_token() == token
    anna = theirs.add_client("Anna Smith")
    booked = theirs.book(anna.id, datetime(2026, 11, 19, 10, tzinfo=UTC), force=True)
    assert mine.change_token() != token
    assert mine.session_after(datetime(2026, 11, 1, tzinfo=UTC)) == (booked.id, booked.start)
    assert mine.session_before(booked.start) is None
    path = tmp_path / "holidays.ics"
    path.write_bytes(ics(Ev("h@example.com", datetime(2026, 11, 19).date(), summary="Holiday")))
    feeds = Feeds(theirs, Settings(path=tmp_path / "config.toml"))
    feeds.add("Holidays", str(path))
    feeds.sync("Holidays")
    week = (datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC))
    assert mine.sessions_overlapping_busy_events(*week) == set()
    token = mine.change_token()
    feeds.set_block_all_day("Holidays", True)
    assert mine.change_token() != token
    assert mine.sessions_overlapping_busy_events(*week) == {booked.id}


def test_a_feed_read_in_parts_stores_the_same_and_lets_others_write_meanwhile(
    pg_engine, pg_url: str, practice, clock, tmp_path: Path, monkeypatch
) -> None:
    """On PostgreSQL a feed of several parts is written in its own transaction as it is read
    (SQLite stages it first): the rows it writes are locked there, no table is, so a booking
    meanwhile goes through at once; and both store the same, cold and diffed."""
    monkeypatch.setattr(parts, "PART_EVENTS", 40)
    monkeypatch.setattr(parts, "WHOLE_EVENTS", 40)
    monday = datetime(2026, 11, 16, 9, tzinfo=UTC)
    events = [
        Ev(f"e{i}", monday + timedelta(hours=i), rrule="FREQ=WEEKLY;COUNT=4" if i % 3 else None)
        for i in range(130)
    ]
    feed = tmp_path / "work.ics"
    feed.write_bytes(ics(*events))
    pg = _twin(pg_engine, clock)
    settings = Settings(path=tmp_path / "config.toml")
    on_pg, on_lite = Feeds(pg, settings), Feeds(practice, settings)
    half_way, go_on = threading.Event(), threading.Event()
    parse_part, calls = parse_module._parse_feed, []

    def pausing(body: bytes, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            half_way.set()
            go_on.wait(60)
        return parse_part(body, **kwargs)

    monkeypatch.setattr(parse_module, "_parse_feed", pausing)
    first: list[Any] = []
    importing = threading.Thread(target=lambda: first.append(on_pg.import_file(feed, "Work")))
    importing.start()
    try:
        assert half_way.wait(60)
        # Another process, which gives up after a second of waiting for a lock.
        url = pg_url.replace("postgresql://", "postgresql+psycopg://", 1)
        other_engine = create_engine(url, connect_args={"options": "-c lock_timeout=1000"})
        other = Practice(other_engine, clock)
        anna = other.add_client("Anna Smith", fee=Money(9000, "GBP"))
        booked = other.book(anna.id, monday + timedelta(days=2), force=True)
        other_engine.dispose()
    finally:
        go_on.set()
        importing.join(120)
    assert len(calls) > 3  # read in parts
    assert pg.get_session(booked.id).client_id == anna.id
    lite = on_lite.import_file(feed, name="Work")
    assert first[0].ok and first[0].added == lite.added == 44 + 86 * 4

    def stored(feeds: Feeds) -> list:
        found = feeds.events("Work", start=monday, end=monday + timedelta(days=60))
        return [dataclasses.replace(e, id=0) for e in found]

    assert stored(on_pg) == stored(on_lite)
    # A changed head: parsed whole again, in parts, and diffed.
    events = [dataclasses.replace(e, minutes=30) if i % 7 == 0 else e for i, e in enumerate(events)]
    feed.write_bytes(ics(*events[5:], name="Work, renamed"))
    again = on_pg.sync("Work")[0], on_lite.sync("Work")[0]
    assert again[0].ok and again[1].ok
    assert [(r.added, r.updated, r.removed, r.unchanged) for r in again] == [
        (again[1].added, again[1].updated, again[1].removed, again[1].unchanged)
    ] * 2
    assert again[0].updated and again[0].removed and again[0].unchanged
    assert stored(on_pg) == stored(on_lite)
