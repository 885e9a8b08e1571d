"""`s` in the calendar, the background refresh, and how synced events meet booking and rescheduling.

Feeds are served by a real HTTP server on 127.0.0.1; the database is a real SQLite file.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from textual.widgets import Input, Label
from werkzeug import Request, Response

from calendar_kit import notices, screen_text, settle
from feedkit import ics, week_of_events
from kara_tui.clock import FixedClock
from kara_tui.services.feeds import Feeds
from kara_tui.services.practice import Practice
from kara_tui.ui.app import KaraApp, make_app
from kara_tui.ui.screens.confirm import ConfirmDialog
from kara_tui.ui.screens.reschedule import RescheduleDialog
from kara_tui.ui.screens.session_form import SessionForm
from kara_tui.ui.themes import shipped_themes_dir
from support import feeds_screen
from support.pilot import type_text

WEEK_START = datetime(2026, 11, 16, tzinfo=UTC)
WEEK_END = WEEK_START + timedelta(days=7)
HOME = "/home/private-a1b2c3d4e5f6a7b8/basic.ics"
WORK = "/work/private-99aa88bb77cc66dd/basic.ics"


keyring, feeds = feeds_screen.keyring, feeds_screen.feeds


def build(cal_practice, settings, cal_clock, keyring, refresh: float = 0) -> KaraApp:
    return make_app(
        practice=cal_practice,
        settings=settings,
        clock=cal_clock,
        theme_dirs=[shipped_themes_dir()],
        feed_keyring=keyring,
        feed_refresh_seconds=refresh,
    )


@pytest.fixture
def app(cal_practice, settings, cal_clock, ids, keyring) -> KaraApp:
    return build(cal_practice, settings, cal_clock, keyring)


def serve(httpserver: HTTPServer, path: str, body: bytes, status: int = 200) -> str:
    httpserver.expect_request(path).respond_with_data(
        body, status=status, content_type="text/calendar"
    )
    return httpserver.url_for(path)


def calendar_events(app, feed: str) -> set[str]:
    return {e.summary for e in app.screen.data.events if e.feed_name == feed}


async def until(pilot, condition, rounds: int = 500) -> None:
    """Wait for something a worker or a timer brings about (a bound, not a timing assertion)."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the condition never held")


async def test_s_syncs_every_feed_with_progress_in_the_status_line_then_reloads(
    app, httpserver: HTTPServer, feeds: Feeds, ids
) -> None:
    feeds.add("Home", serve(httpserver, HOME, ics(*week_of_events(2, prefix="home"))))
    gate = threading.Event()
    body = ics(*week_of_events(5))

    def slow_work(request: Request) -> Response:
        gate.wait(timeout=20)  # held until the test has read the status line
        return Response(body, content_type="text/calendar")

    httpserver.expect_request(WORK).respond_with_handler(slow_work)
    feeds.add("Work", httpserver.url_for(WORK))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        calendar = app.screen
        status = calendar.query_one("#sync-status", Label)
        seen: list[str] = []
        original = calendar._sync_status
        calendar._sync_status = lambda text: (seen.append(text), original(text))
        assert calendar_events(app, "Work") == set()
        await pilot.press("s")
        try:
            await until(pilot, lambda: "Syncing Work 3/3…" in str(status.content))
        finally:
            gate.set()
        await settle(app, pilot)
        # Family (a missing file), Home and Work, in name order, then the line is cleared.
        assert seen == [
            "⟳ Syncing feeds…",
            "⟳ Syncing Family 1/3…",
            "⟳ Syncing Home 2/3…",
            "⟳ Syncing Work 3/3…",
            "",
        ]
        assert str(status.content) == ""
        said = notices(app)
        assert "Home: 2 added, 0 updated, 0 removed, 0 unchanged" in said
        assert "Work: 5 added, 0 updated, 0 removed, 0 unchanged" in said
        assert "Family: the file /family.ics does not exist" in said  # a notice, not a crash
        assert "private-" not in said and "127.0.0.1" not in said and "localhost" not in said
        # The visible week was read again: Work's events are drawn, and Wednesday's at
        # 14:00 lies on Chloe's session, now marked as a conflict.
        assert calendar_events(app, "Work") == {f"Event {i}" for i in range(5)}
        assert ids["future"] in calendar.data.conflicts
        assert "⚠ 2 conflicts" in screen_text(app)


async def test_a_500_is_a_notice_the_events_stay_and_are_marked_stale(
    app, httpserver: HTTPServer, feeds: Feeds
) -> None:
    url = serve(httpserver, WORK, ics(*week_of_events(5)))
    feeds.add("Work", url)
    feeds.sync("Work")
    feeds.set_enabled("Family", False)
    httpserver.clear()
    serve(httpserver, WORK, b"Internal Server Error", status=500)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        said = notices(app)
        assert "Work:" in said and "500" in said
        assert "kept the 5 stored events (marked stale)" in said
        assert url not in said
        assert calendar_events(app, "Work") == {f"Event {i}" for i in range(5)}
        assert app.screen.data.feeds[feeds.get("Work").id].stale
        await pilot.press("1")  # Wednesday's event, in the day view, says it may be old
        await settle(app, pilot)
        assert "◌ Work · busy · stale" in screen_text(app)


async def test_an_empty_feed_asks_in_the_calendar_too(
    app, httpserver: HTTPServer, feeds: Feeds
) -> None:
    feeds.add("Work", serve(httpserver, WORK, ics(*week_of_events(5))))
    feeds.sync("Work")
    feeds.set_enabled("Family", False)
    httpserver.clear()
    serve(httpserver, WORK, ics())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "delete the stored ones?" in screen_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen.id == "calendar"
        assert calendar_events(app, "Work") == set()
    assert feeds.events("Work", start=WEEK_START, end=WEEK_END) == []


async def test_s_with_no_feed_to_sync_says_where_to_add_one(app, feeds: Feeds) -> None:
    feeds.set_enabled("Family", False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert "No feeds to sync. Press F to add one" in notices(app)


async def test_the_palette_names_the_feed_commands(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "feeds")
        await settle(app, pilot)
        text = screen_text(app)
        assert "feeds: sync now" in text
        assert "feeds: manage" in text


async def test_the_background_refresh_is_quiet_on_success_and_says_a_failure_once(
    cal_practice, settings, cal_clock: FixedClock, ids, keyring, httpserver: HTTPServer, feeds
) -> None:
    feeds.add("Work", serve(httpserver, WORK, ics(*week_of_events(5))))
    app = build(cal_practice, settings, cal_clock, keyring, refresh=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        # Nobody pressed anything: the timer synced the due feeds and the week was read again.
        await until(pilot, lambda: len(calendar_events(app, "Work")) == 5)
        await until(pilot, lambda: "Family:" in notices(app))
        said = notices(app)
        assert "Work: 5 added" not in said  # success is quiet
        assert said.count("Family: the file /family.ics does not exist") == 1
        first_try = feeds.get("Family").last_attempt

        cal_clock.advance(minutes=61)  # both are due again; Family fails the same way
        await until(pilot, lambda: feeds.get("Family").last_attempt != first_try)
        await until(pilot, lambda: not app.feed_sync.busy)
        await settle(app, pilot)
        assert notices(app).count("Family: the file /family.ics does not exist") == 1
        assert feeds.get("Work").last_success == cal_clock.now()


async def test_booking_warns_about_a_synced_busy_event(
    app, httpserver: HTTPServer, feeds: Feeds
) -> None:
    feeds.add("Work", serve(httpserver, WORK, ics(*week_of_events(5))))
    feeds.sync("Work")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionForm)
        start = app.screen.query_one("#start", Input)
        start.focus()
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-19 14:00")
        await settle(app, pilot)
        assert "⚠ This time overlaps busy event 'Event 2'" in screen_text(app)


async def test_rescheduling_warns_about_a_synced_busy_event(
    app, httpserver: HTTPServer, feeds: Feeds, cal_practice: Practice, ids
) -> None:
    feeds.add("Work", serve(httpserver, WORK, ics(*week_of_events(5))))
    feeds.sync("Work")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.select(cal_practice.get_session(ids["future"]))
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, RescheduleDialog)
        app.screen.query_one("#start", Input).focus()
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-19 14:00")
        await settle(app, pilot)
        assert "overlaps busy event 'Event 2'" in screen_text(app)


def test_a_closing_app_fetches_no_further_feed(
    cal_practice, settings, keyring, httpserver: HTTPServer, feeds: Feeds
) -> None:
    from kara_tui.ui.feed_sync import FeedSync

    feeds.add("Home", serve(httpserver, HOME, ics(*week_of_events(2, prefix="home"))))
    feeds.add("Work", serve(httpserver, WORK, ics(*week_of_events(5))))
    sync = FeedSync(cal_practice, settings, keyring=keyring)
    # Quit is pressed as Home (the first of two) starts: its fetch ends at once (quitting never
    # waits on a server) with nothing recorded, not even a stale mark; Work never begins.
    assert sync.run(on_progress=lambda feed, i, n: sync.stop()) is None
    assert feeds.get("Home").last_attempt is None and not feeds.get("Home").stale
    assert feeds.get("Work").last_attempt is None
    assert not sync.busy
    assert sync.run() is None  # and no new sync starts
