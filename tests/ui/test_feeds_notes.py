"""Issue 14 on the feeds screen: a repaired event is a note naming its UID, not a skipped event."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from textual.widgets import DataTable

from calendar_kit import screen_text, settle, shown
from kara_tui.services.feeds import Feeds
from kara_tui.ui.screens.feeds import FeedReport
from support import feeds_screen
from support.feeds_screen import open_feeds, serve, table_rows

# The feeds screen's fixtures, shared by its test modules: the app with a memory keyring,
# that keyring, and the feeds service as the test's own hands.
keyring, feeds, app = feeds_screen.keyring, feeds_screen.feeds, feeds_screen.app

ICS = Path(__file__).resolve().parents[1] / "ics"


async def test_the_report_names_the_uid_of_each_repaired_event(
    app,
    httpserver: HTTPServer,
    feeds: Feeds,
) -> None:
    feeds.add("Work", serve(httpserver, (ICS / "unreadable_dtend.ics").read_bytes()))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_feeds(app, pilot)
        app.screen.query_one(DataTable).move_cursor(row=list(table_rows(app)).index("Work"))
        await pilot.press("s")
        await settle(app, pilot)
        assert "2 notes in the last sync" in shown(app, "#feeds-detail")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FeedReport)
        problems = app.screen.query_one("#report-problems", DataTable)
        rows = {
            str(problems.get_row(r.key)[1]): str(problems.get_row(r.key)[2])
            for r in problems.ordered_rows
        }
        assert rows["bad-dtend@rfc.test"].startswith("imported, but its end time (DTEND)")
        assert "DURATION was used" in rows["bad-dtend-duration@rfc.test"]
        assert "No event was skipped; 2 notes on the feed" in screen_text(app)
