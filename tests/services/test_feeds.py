"""The Feeds service on local files: adding, secrets, the sync rules and the one-transaction store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from keyring.backends import fail
from sqlalchemy import select, text

from feedkit import (
    Ev,
    MemoryKeyring,
    count_event_writes,
    event_writes,
    ics,
    snapshot,
    week_of_events,
)
from kara_tui.config import Settings
from kara_tui.db.rows import ExternalEventRow, FeedRow, SessionRow
from kara_tui.domain import DomainError
from kara_tui.services.errors import ConflictError, NotFound
from kara_tui.services.feeds import KEYRING_SERVICE, Feeds

SECRET = "https://calendar.example.com/private-7f3a9c1e55d04b2f/basic.ics"
TOKEN = "7f3a9c1e55d04b2f"


@pytest.fixture
def keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def feeds(practice, keyring) -> Feeds:
    return Feeds(practice, Settings(), keyring=keyring)


@pytest.fixture
def ics_file(tmp_path: Path):
    path = tmp_path / "work.ics"

    def write(*events: Ev) -> Path:
        path.write_bytes(ics(*events))
        return path

    return write


def _rows(practice) -> list[ExternalEventRow]:
    with practice.reading() as db:
        return list(db.scalars(select(ExternalEventRow).order_by(ExternalEventRow.uid)))


def _feed_row(practice, name: str) -> FeedRow:
    with practice.reading() as db:
        row = db.scalars(select(FeedRow).where(FeedRow.name == name)).one()
        db.expunge(row)
        return row


# -- adding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "source", "message"),
    [
        ("", SECRET, "needs a name"),
        ("Work", "ftp://example.com/cal.ics", "'ftp:' addresses are not supported"),
        ("Work", "https:///no-host.ics", "no host name"),
        ("Work", "/nowhere/at/all.ics", "no such file"),
        ("Work", "   ", "needs a source"),
    ],
)
def test_add_refuses_bad_input_in_one_sentence(feeds, name, source, message) -> None:
    with pytest.raises(DomainError, match=message):
        feeds.add(name, source)
    assert feeds.list() == []


def test_add_refuses_a_second_feed_with_the_same_name(feeds, ics_file) -> None:
    path = ics_file(*week_of_events(1))
    feeds.add("Work", str(path))
    with pytest.raises(DomainError, match="already exists"):
        feeds.add("Work", SECRET)
    assert [f.name for f in feeds.list()] == ["Work"]


def test_a_secret_address_goes_to_the_keyring_and_is_never_shown(practice, feeds, keyring) -> None:
    added = feeds.add("Work", SECRET)
    assert added.note == ""
    assert _feed_row(practice, "Work").source == "keyring:Work"
    assert keyring.secrets == {(KEYRING_SERVICE, "Work"): SECRET}
    for feed in (added.feed, *feeds.list(), feeds.get("Work")):
        assert TOKEN not in feed.source
        assert "calendar.example.com" in feed.source
    feeds.remove("Work")
    assert keyring.secrets == {}
    assert feeds.list() == []


def test_without_a_keyring_the_address_is_kept_in_the_database_and_the_user_is_told(
    practice,
) -> None:
    feeds = Feeds(practice, Settings(), keyring=fail.Keyring())
    added = feeds.add("Work", SECRET)
    assert "No keyring" in added.note
    assert _feed_row(practice, "Work").source == SECRET
    assert TOKEN not in feeds.list()[0].source


def test_a_local_file_is_kept_as_an_absolute_path(practice, feeds, ics_file, monkeypatch) -> None:
    path = ics_file(*week_of_events(1))
    monkeypatch.chdir(path.parent)
    feeds.add("Local", "work.ics")
    assert _feed_row(practice, "Local").source == str(path.resolve())


def test_unknown_feed_is_not_found(feeds) -> None:
    with pytest.raises(NotFound, match="no feed called 'Nope'"):
        feeds.sync("Nope")
    with pytest.raises(NotFound):
        feeds.remove("Nope")
    with pytest.raises(NotFound):
        feeds.set_enabled("Nope", False)


# -- syncing a local file -----------------------------------------------------------------


def test_first_sync_stores_every_occurrence(practice, feeds, ics_file) -> None:
    path = ics_file(
        *week_of_events(3),
        Ev(
            "weekly@example.com",
            datetime(2026, 11, 18, 9, 0, tzinfo=UTC),
            rrule="COUNT=4;FREQ=WEEKLY",
        ),
        Ev("holiday@example.com", date(2026, 12, 24), summary="Holiday", transparent=True),
    )
    feeds.add("Work", str(path))
    [report] = feeds.sync("Work")
    assert report.ok, report.message
    assert (report.added, report.updated, report.removed, report.unchanged) == (8, 0, 0, 0)
    assert report.message.startswith("Work: 8 added")
    rows = _rows(practice)
    assert len(rows) == 8
    weekly = sorted(r.start for r in rows if r.uid == "weekly@example.com")
    assert weekly == [
        datetime(2026, 11, 18, 9, 0, tzinfo=UTC) + timedelta(weeks=i) for i in range(4)
    ]
    holiday = next(r for r in rows if r.uid == "holiday@example.com")
    assert holiday.all_day and not holiday.busy
    assert holiday.to_domain().start == date(2026, 12, 24)
    feed = feeds.get("Work")
    assert feed.event_count == 8
    assert feed.last_success == practice.clock.now()
    assert not feed.stale and feed.last_error == ""


def test_resync_of_an_unchanged_file_writes_no_event(practice, feeds, ics_file, engine) -> None:
    feeds.add("Work", str(ics_file(*week_of_events(5))))
    feeds.sync("Work")
    before = _rows(practice)
    count_event_writes(engine)
    [report] = feeds.sync("Work")
    assert report.ok and report.skipped
    assert report.unchanged == 5
    assert "unchanged" in report.message
    assert event_writes(engine) == 0
    assert [(r.id, r.component_hash) for r in _rows(practice)] == [
        (r.id, r.component_hash) for r in before
    ]


def test_resync_writes_only_what_changed(practice, feeds, ics_file, engine) -> None:
    events = week_of_events(5)
    path = ics_file(*events)
    feeds.add("Work", str(path))
    feeds.sync("Work")
    ids = {r.uid: r.id for r in _rows(practice)}
    count_event_writes(engine)
    moved = Ev(events[1].uid, events[1].start + timedelta(hours=2), summary="Moved")
    new = Ev("new@example.com", datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    ics_file(events[0], moved, *events[2:4], new)  # events[4] is gone
    [report] = feeds.sync("Work")
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 3)
    assert event_writes(engine) == 3
    rows = {r.uid: r for r in _rows(practice)}
    assert events[4].uid not in rows
    assert rows[moved.uid].summary == "Moved"
    assert rows[moved.uid].start == moved.start
    assert rows[moved.uid].id == ids[moved.uid]  # updated in place
    assert rows[events[0].uid].id == ids[events[0].uid]
    assert feeds.get("Work").event_count == 5


def test_a_new_day_reparses_but_rewrites_nothing_unchanged(
    practice, feeds, ics_file, engine, clock
) -> None:
    feeds.add("Work", str(ics_file(*week_of_events(5))))
    feeds.sync("Work")
    count_event_writes(engine)
    clock.advance(days=1)
    [report] = feeds.sync("Work")
    assert report.ok and not report.skipped  # the window moved: the body is read again
    assert report.unchanged == 5
    assert event_writes(engine) == 0


def test_only_the_horizon_is_stored(practice, ics_file) -> None:
    feeds = Feeds(
        practice, Settings(horizon_past_days=7, horizon_future_days=30), keyring=MemoryKeyring()
    )
    now = practice.clock.now()
    path = ics_file(
        Ev("old@example.com", now - timedelta(days=20)),
        Ev("recent@example.com", now - timedelta(days=3)),
        Ev("soon@example.com", now + timedelta(days=10)),
        Ev("far@example.com", now + timedelta(days=60)),
        Ev("daily@example.com", now - timedelta(days=100), rrule="FREQ=DAILY"),
    )
    feeds.add("Work", str(path))
    [report] = feeds.sync("Work")
    assert report.ok, report.message
    uids = [r.uid for r in _rows(practice)]
    assert "old@example.com" not in uids and "far@example.com" not in uids
    assert {"recent@example.com", "soon@example.com"} <= set(uids)
    daily = [r.start for r in _rows(practice) if r.uid == "daily@example.com"]
    assert 36 <= len(daily) <= 40  # about 7 days back and 31 ahead, not since day -100
    assert min(daily) >= now - timedelta(days=8)
    assert max(daily) <= now + timedelta(days=32)


def test_one_bad_event_is_skipped_and_reported_while_the_rest_import(
    practice, feeds, ics_file
) -> None:
    path = ics_file(*week_of_events(3))
    text_ = path.read_text().replace(
        "END:VCALENDAR",
        "BEGIN:VEVENT\r\nUID:bad@example.com\r\nDTSTAMP:20261101T000000Z\r\n"
        "DTSTART:not-a-date\r\nSUMMARY:Broken\r\nEND:VEVENT\r\nEND:VCALENDAR",
    )
    path.write_text(text_)
    feeds.add("Work", str(path))
    [report] = feeds.sync("Work")
    assert report.ok, report.message
    assert report.added == 3
    assert [(p.feed, p.uid) for p in report.problems] == [("Work", "bad@example.com")]
    assert report.problems[0].reason
    assert "1 event skipped" in report.message
    assert len(_rows(practice)) == 3


def test_an_empty_calendar_after_a_full_one_keeps_the_events_until_confirmed(
    practice, feeds, ics_file
) -> None:
    feeds.add("Work", str(ics_file(*week_of_events(4))))
    feeds.sync("Work")
    ics_file()  # the same file, now with no events at all
    [report] = feeds.sync("Work")
    assert not report.ok
    assert report.stale and report.needs_confirmation
    assert "empty calendar" in report.message
    assert "kept the 4 stored events" in report.message
    assert len(_rows(practice)) == 4
    feed = feeds.get("Work")
    assert feed.stale and "empty calendar" in feed.last_error
    assert feed.event_count == 4

    [again] = feeds.sync("Work")  # still empty: still kept
    assert not again.ok and len(_rows(practice)) == 4

    [accepted] = feeds.sync("Work", accept_empty=True)
    assert accepted.ok, accepted.message
    assert accepted.removed == 4
    assert _rows(practice) == []
    feed = feeds.get("Work")
    assert not feed.stale and feed.last_error == "" and feed.event_count == 0


def test_a_blank_body_after_a_full_one_keeps_the_events_until_confirmed(
    practice, feeds, ics_file
) -> None:
    """Told without copying the body (a 56 MB feed's strip() copied it whole)."""
    path = ics_file(*week_of_events(4))
    feeds.add("Work", str(path))
    feeds.sync("Work")
    path.write_bytes(b" \r\n\t\x0b\x0c\r\n")  # only whitespace
    [report] = feeds.sync("Work")
    assert not report.ok and report.needs_confirmation
    assert "the feed returned nothing" in report.message
    assert len(_rows(practice)) == 4
    [accepted] = feeds.sync("Work", accept_empty=True)
    assert accepted.ok and accepted.removed == 4 and _rows(practice) == []


def test_an_unreadable_file_keeps_the_events_and_marks_the_feed_stale(
    practice, feeds, ics_file, engine
) -> None:
    path = ics_file(*week_of_events(4))
    feeds.add("Work", str(path))
    feeds.sync("Work")
    events_before, _ = snapshot(engine)
    path.write_bytes(b"<!DOCTYPE html><html><body>Please sign in</body></html>")
    [report] = feeds.sync("Work")
    assert not report.ok and report.stale
    assert "kept the 4 stored events" in report.message
    assert snapshot(engine)[0] == events_before
    feed = feeds.get("Work")
    assert feed.stale and feed.last_error
    assert feed.last_success == practice.clock.now()  # of the earlier good sync

    path.write_bytes(ics(*week_of_events(4)))  # the feed recovers
    [recovered] = feeds.sync("Work")
    assert recovered.ok and not feeds.get("Work").stale


def test_a_missing_file_is_a_failure_not_a_crash(practice, feeds, ics_file) -> None:
    path = ics_file(*week_of_events(2))
    feeds.add("Work", str(path))
    feeds.sync("Work")
    path.unlink()
    [report] = feeds.sync("Work")
    assert not report.ok and report.stale
    assert len(_rows(practice)) == 2


def test_a_failure_while_storing_changes_nothing(practice, feeds, ics_file, engine) -> None:
    events = week_of_events(5)
    path = ics_file(*events)
    feeds.add("Work", str(path))
    feeds.sync("Work")
    events_before, _ = snapshot(engine)
    feed_before = _feed_row(practice, "Work")
    # The store deletes and updates first, then inserts; the insert of 'boom' fails, so the
    # deletes and updates already done must be rolled back with it.
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER boom BEFORE INSERT ON external_events WHEN NEW.uid = 'boom' "
                "BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END"
            )
        )
    moved = Ev(events[0].uid, events[0].start + timedelta(hours=1), summary="Moved")
    ics_file(moved, *events[1:3], Ev("boom", datetime(2026, 11, 26, 9, 0, tzinfo=UTC)))
    [report] = feeds.sync("Work")
    assert not report.ok
    assert "could not be stored" in report.message
    assert snapshot(engine)[0] == events_before
    feed = _feed_row(practice, "Work")
    assert (feed.body_hash, feed.event_count, feed.last_success) == (
        feed_before.body_hash,
        feed_before.event_count,
        feed_before.last_success,
    )
    assert feed.stale and "could not be stored" in feed.last_error


def test_a_feed_never_touches_a_session_with_the_same_uid(practice, feeds, ics_file) -> None:
    practice.add_client("Anna Smith")
    session = practice.book("Anna Smith", datetime(2026, 11, 17, 10, 0, tzinfo=UTC))
    with practice.reading() as db:
        session_row_before = db.execute(select(SessionRow.__table__)).all()
    path = ics_file(
        Ev(session.uid, datetime(2026, 11, 19, 15, 0, tzinfo=UTC), summary="Same UID"),
    )
    feeds.add("Work", str(path))
    [report] = feeds.sync("Work")
    assert report.ok and report.added == 1
    assert practice.get_session(session.id) == session
    ics_file()
    feeds.sync("Work", accept_empty=True)
    feeds.remove("Work")
    assert practice.get_session(session.id) == session
    with practice.reading() as db:
        assert db.execute(select(SessionRow.__table__)).all() == session_row_before


def test_sync_all_skips_disabled_feeds_and_one_shot_imports(practice, feeds, tmp_path) -> None:
    for name in ("A", "B", "C"):
        (tmp_path / f"{name}.ics").write_bytes(ics(*week_of_events(1, prefix=name)))
    feeds.add("A", str(tmp_path / "A.ics"))
    feeds.add("B", str(tmp_path / "B.ics"))
    feeds.set_enabled("B", False)
    assert feeds.import_file(tmp_path / "C.ics").ok
    progress: list[tuple[str, int, int]] = []
    reports = feeds.sync(on_progress=lambda *a: progress.append(a))
    assert [r.feed for r in reports] == ["A"]
    assert progress == [("A", 0, 1)]
    assert [f.name for f in feeds.due()] == []  # A was just synced; B is off; C never refreshes
    practice.clock.advance(minutes=61)
    assert [f.name for f in feeds.due()] == ["A"]


def test_a_disabled_feed_is_hidden_from_the_calendar_but_kept(practice, feeds, ics_file) -> None:
    feeds.add("Work", str(ics_file(*week_of_events(2))))
    feeds.sync("Work")
    start = datetime(2026, 11, 16, tzinfo=UTC)
    end = start + timedelta(days=7)
    assert len(practice.external_events(start, end)) == 2
    feeds.set_enabled("Work", False)
    assert practice.external_events(start, end) == []
    assert feeds.events(start=start, end=end) == []
    assert len(feeds.events("Work", start=start, end=end)) == 2


# -- import -------------------------------------------------------------------------------


def test_import_makes_a_snapshot_feed_named_after_the_file(practice, feeds, tmp_path) -> None:
    path = tmp_path / "holidays 2026.ics"
    path.write_bytes(ics(*week_of_events(3)))
    report = feeds.import_file(path)
    assert report.ok and report.added == 3
    feed = feeds.get("holidays 2026")
    assert feed.refresh_minutes == 0
    again = feeds.import_file(path)  # the same file again updates the same feed
    assert again.ok and again.unchanged == 3
    other = tmp_path / "other.ics"
    other.write_bytes(ics())
    with pytest.raises(DomainError, match="already exists"):
        feeds.import_file(other, "holidays 2026")


def test_an_unreadable_import_leaves_no_feed_behind(feeds, tmp_path) -> None:
    path = tmp_path / "junk.ics"
    path.write_bytes(b"\x00\x01 this is not a calendar")
    report = feeds.import_file(path)
    assert not report.ok
    assert report.message.startswith("junk: ")
    assert feeds.list() == []


def test_import_refuses_an_address(feeds) -> None:
    with pytest.raises(DomainError, match="feeds add"):
        feeds.import_file(SECRET)


# -- external events in booking -----------------------------------------------------------


def test_a_busy_feed_event_blocks_booking_and_a_transparent_one_does_not(
    practice, feeds, ics_file
) -> None:
    practice.add_client("Anna Smith")
    path = ics_file(
        Ev("dentist@example.com", datetime(2026, 11, 17, 10, 0, tzinfo=UTC), summary="Dentist"),
        Ev(
            "reminder@example.com",
            datetime(2026, 11, 18, 10, 0, tzinfo=UTC),
            summary="Reminder",
            transparent=True,
        ),
    )
    feeds.add("Personal", str(path))
    assert feeds.sync("Personal")[0].ok
    with pytest.raises(ConflictError) as caught:
        practice.book("Anna Smith", datetime(2026, 11, 17, 10, 15, tzinfo=UTC))
    assert "Dentist" in str(caught.value)
    assert practice.list_sessions() == []
    booked = practice.book("Anna Smith", datetime(2026, 11, 18, 10, 0, tzinfo=UTC))
    assert booked.id
    forced = practice.book("Anna Smith", datetime(2026, 11, 17, 10, 15, tzinfo=UTC), force=True)
    start = datetime(2026, 11, 16, tzinfo=UTC)
    assert practice.sessions_overlapping_busy_events(start, start + timedelta(days=7)) == {
        forced.id
    }


def test_a_secret_gone_from_the_keyring_is_a_clear_failure(practice, feeds, keyring) -> None:
    feeds.add("Work", SECRET)
    keyring.secrets.clear()
    [report] = feeds.sync("Work")
    assert not report.ok
    assert "no longer in your keyring" in report.message
    assert feeds.get("Work").source == "(in your keyring)"
    assert "no longer in your keyring" in feeds.get("Work").last_error
