"""The feeds screen (F), driven with keys against feeds served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from keyring.backends import fail
from pytest_httpserver import HTTPServer
from textual.widgets import DataTable, Input

from calendar_kit import notices, screen_text, settle, shown
from feedkit import Ev, MemoryKeyring, ics, week_of_events
from kara_tui.services.feeds import Feeds
from kara_tui.services.practice import Practice
from kara_tui.ui.app import make_app
from kara_tui.ui.screens.confirm import ConfirmDialog
from kara_tui.ui.screens.feeds import FeedForm, FeedReport, FeedsScreen
from kara_tui.ui.themes import shipped_themes_dir
from support import feeds_screen
from support.feeds_screen import open_feeds, serve, table_rows

# The feeds screen's fixtures, shared by its test modules: the app with a memory keyring,
# that keyring, and the feeds service as the test's own hands.
keyring, feeds, app = feeds_screen.keyring, feeds_screen.feeds, feeds_screen.app

WEEK_START = datetime(2026, 11, 16, tzinfo=UTC)
WEEK_END = WEEK_START + timedelta(days=7)


def work_events(feeds: Feeds) -> list[str]:
    return [e.summary for e in feeds.events("Work", start=WEEK_START, end=WEEK_END)]


async def add_through_the_form(app, pilot, name: str, source: str) -> None:
    await pilot.press("a")
    await settle(app, pilot)
    assert isinstance(app.screen, FeedForm)
    await pilot.press(*name, "tab")
    app.screen.query_one("#source", Input).insert_text_at_cursor(source)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_add_a_feed_sync_it_and_see_its_events_in_the_calendar(
    app, httpserver: HTTPServer, feeds: Feeds, keyring: MemoryKeyring, ids
) -> None:
    url = serve(httpserver, ics(*week_of_events(5)))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_feeds(app, pilot)
        await add_through_the_form(app, pilot, "Work", url)
        assert isinstance(app.screen, FeedsScreen)
        # Added, then synced at once: the table says so in words.
        rows = table_rows(app)
        assert rows["Work"][1:4] == ["Work", "✓ ok", "5"]
        assert "Added Work; syncing it now." in notices(app)
        assert "Work: 5 added, 0 updated, 0 removed, 0 unchanged" in notices(app)
        # The secret address went to the keyring and is shown masked, never whole.
        assert list(keyring.secrets.values()) == [url]
        assert "private-•••" in rows["Work"][6]
        assert "8f3a9c2d1e7b44aa" not in screen_text(app)
        assert "8f3a9c2d1e7b44aa" not in notices(app)
        assert work_events(feeds) == [f"Event {i}" for i in range(5)]

        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id == "calendar"
        data = app.screen.data
        assert {e.summary for e in data.events if e.feed_name == "Work"} == {
            f"Event {i}" for i in range(5)
        }
        # Wednesday's Event 1 (14:00) lies on Chloe's session: now a conflict.
        assert ids["future"] in data.conflicts
        await pilot.press("1")  # the day view (Wednesday 18) draws the event as a block
        await settle(app, pilot)
        text = screen_text(app)
        assert "14:00 Event 1" in text
        assert "◇ Work · busy" in text


async def test_a_failing_server_marks_the_feed_stale_keeps_its_events_and_says_why(
    app, httpserver: HTTPServer, feeds: Feeds
) -> None:
    url = serve(httpserver, ics(*week_of_events(5)))
    feeds.add("Work", url)
    feeds.sync("Work")
    serve(httpserver, b"oops", status=500)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_feeds(app, pilot)
        app.screen.query_one(DataTable).move_cursor(row=list(table_rows(app)).index("Work"))
        await pilot.press("s")
        await settle(app, pilot)
        said = notices(app)
        assert "Work:" in said and "500" in said
        assert "kept the 5 stored events (marked stale)" in said
        assert url not in said
        assert table_rows(app)["Work"][2] == "⚠ stale"
        assert "⚠ Stale:" in shown(app, "#feeds-detail")
        assert work_events(feeds) == [f"Event {i}" for i in range(5)]
        assert feeds.get("Work").stale

        await pilot.press("escape")
        await pilot.press("1")  # Wednesday: the stale event says so in words
        await settle(app, pilot)
        assert "◌ Work · busy · stale" in screen_text(app)


async def test_space_turns_a_feed_off_and_on_and_the_calendar_follows(
    app, httpserver: HTTPServer, feeds: Feeds
) -> None:
    feeds.add("Work", serve(httpserver, ics(*week_of_events(5))))
    feeds.sync("Work")

    def shown_in_calendar() -> set[str]:
        return {e.summary for e in app.screen.data.events if e.feed_name == "Work"}

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert len(shown_in_calendar()) == 5
        await open_feeds(app, pilot)
        app.screen.query_one(DataTable).move_cursor(row=list(table_rows(app)).index("Work"))
        await pilot.press("space")
        await settle(app, pilot)
        assert table_rows(app)["Work"][2] == "– off"
        assert not feeds.get("Work").enabled
        assert "Work is off" in notices(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert shown_in_calendar() == set()

        await pilot.press("F")
        await settle(app, pilot)
        app.screen.query_one(DataTable).move_cursor(row=list(table_rows(app)).index("Work"))
        await pilot.press("e")
        await settle(app, pilot)
        assert feeds.get("Work").enabled
        await pilot.press("escape")
        await settle(app, pilot)
        assert len(shown_in_calendar()) == 5


async def test_d_removes_a_feed_and_its_events_after_asking(
    app, httpserver: HTTPServer, feeds: Feeds, cal_practice: Practice, keyring: MemoryKeyring
) -> None:
    feeds.add("Work", serve(httpserver, ics(*week_of_events(5))))
    feeds.sync("Work")
    sessions_before = len(cal_practice.list_sessions())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_feeds(app, pilot)
        app.screen.query_one(DataTable).move_cursor(row=list(table_rows(app)).index("Work"))
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "5 stored events leave the calendar" in screen_text(app)
        await pilot.press("escape")  # no: nothing changes
        await settle(app, pilot)
        assert "Work" in table_rows(app)
        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert "Work" not in table_rows(app)
        assert "Removed Work" in notices(app)
    assert [f.name for f in feeds.list()] == ["Family"]
    assert cal_practice.external_events(WEEK_START, WEEK_END)[0].feed_name == "Family"
    assert all(e.feed_name != "Work" for e in cal_practice.external_events(WEEK_START, WEEK_END))
    assert len(cal_practice.list_sessions()) == sessions_before
    assert keyring.secrets == {}


async def test_an_empty_feed_asks_before_its_stored_events_are_deleted(
    app, httpserver: HTTPServer, feeds: Feeds
) -> None:
    feeds.add("Work", serve(httpserver, ics(*week_of_events(5))))
    feeds.sync("Work")
    serve(httpserver, ics())  # a calendar with no events at all
    async with app.run_test(size=(120, 40)) as pilot:
        await open_feeds(app, pilot)
        app.screen.query_one(DataTable).move_cursor(row=list(table_rows(app)).index("Work"))
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "Work looks empty" in text
        assert "The feed returned no events; delete the stored ones?" in text
        await pilot.press("escape")  # not now: the events stay, marked stale
        await settle(app, pilot)
        assert len(work_events(feeds)) == 5
        assert table_rows(app)["Work"][2] == "⚠ stale"

        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert work_events(feeds) == []
        assert not feeds.get("Work").stale
        assert table_rows(app)["Work"][2:4] == ["✓ ok", "0"]


async def test_enter_shows_the_last_report_with_each_skipped_event(
    app, httpserver: HTTPServer, feeds: Feeds
) -> None:
    bad = Ev("broken@example.com", datetime(2026, 11, 19, 9, 0, tzinfo=UTC), summary="Broken")
    body = ics(*week_of_events(2), bad).replace(b"DTSTART:20261119T090000Z", b"DTSTART:garbage")
    feeds.add("Work", serve(httpserver, body))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_feeds(app, pilot)
        app.screen.query_one(DataTable).move_cursor(row=list(table_rows(app)).index("Work"))
        await pilot.press("enter")  # before any sync: says so
        await settle(app, pilot)
        assert isinstance(app.screen, FeedReport)
        assert "Not synced since kara-tui opened" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("s")
        await settle(app, pilot)
        assert "1 event skipped in the last sync" in shown(app, "#feeds-detail")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FeedReport)
        problems = app.screen.query_one("#report-problems", DataTable)
        [row] = [[str(c) for c in problems.get_row(r.key)] for r in problems.ordered_rows]
        assert row[:2] == ["Work", "broken@example.com"]
        assert row[2]  # the reason, in the parser's words
        assert "1 event skipped (the rest imported)" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, FeedsScreen)
        # The same body again: nothing is read, and the report does not claim nothing was skipped.
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "The feed had not changed, so it was not read again." in text
        assert "No event was skipped" not in text


async def test_the_form_keeps_bad_input_and_says_why(app, feeds: Feeds) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_feeds(app, pilot)
        await add_through_the_form(app, pilot, "Work", "ftp://example.com/cal.ics")
        assert isinstance(app.screen, FeedForm)
        assert "'ftp:' addresses are not supported" in shown(app, "#error")
        assert app.screen.query_one("#name", Input).value == "Work"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, FeedsScreen)
    assert [f.name for f in feeds.list()] == ["Family"]


async def test_without_a_keyring_the_note_is_shown_once(
    cal_practice, settings, cal_clock, ids, httpserver: HTTPServer
) -> None:
    app = make_app(
        practice=cal_practice,
        settings=settings,
        clock=cal_clock,
        theme_dirs=[shipped_themes_dir()],
        feed_keyring=fail.Keyring(),
    )
    url = serve(httpserver, ics(*week_of_events(2)))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_feeds(app, pilot)
        await add_through_the_form(app, pilot, "Work", url)
        assert notices(app).count("No keyring is available") == 1
        assert "Work" in table_rows(app)


async def test_a_sync_already_running_is_a_notice_not_a_second_sync(
    app, httpserver: HTTPServer, feeds: Feeds
) -> None:
    feeds.add("Work", serve(httpserver, ics(*week_of_events(2))))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_feeds(app, pilot)
        assert app.feed_sync._lock.acquire(blocking=False)  # as if the background were syncing
        try:
            await pilot.press("S")
            await settle(app, pilot)
        finally:
            app.feed_sync._lock.release()
        assert "Feeds are already syncing" in notices(app)
        assert work_events(feeds) == []
        await pilot.press("S")
        await settle(app, pilot)
        assert work_events(feeds) == ["Event 0", "Event 1"]


async def test_b_sets_whether_a_feeds_all_day_events_block_time(
    app, httpserver: HTTPServer, feeds: Feeds
) -> None:
    feeds.add("Holidays", serve(httpserver, ics(*week_of_events(1))))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_feeds(app, pilot)
        app.screen.query_one(DataTable).move_cursor(row=list(table_rows(app)).index("Holidays"))
        await settle(app, pilot)
        assert "all-day events do not block (b)" in screen_text(app)
        await pilot.press("b")
        await settle(app, pilot)
        assert feeds.get("Holidays").block_all_day
        assert "all-day events block (b)" in screen_text(app)
        assert "Holidays: its all-day events now block your time" in notices(app)
        await pilot.press("b")
        await settle(app, pilot)
        assert not feeds.get("Holidays").block_all_day
