"""Issue 11, the calendar's part: interactions that misled (j/k into empty weeks, bare feed
marks, initials read as times, warnings all called "Double booking", a stale grid, all-day
feed events taken as conflicts, a layout that cut and doubled its lines)."""

from __future__ import annotations

from textual.widgets import Input

from calendar_kit import at, screen_text, settle
from kara_tui.ui.screens.confirm import ConfirmDialog


async def retype(pilot, app, name: str, text: str) -> None:
    app.screen.query_one(f"#{name}", Input).focus()
    await pilot.press("ctrl+a", "ctrl+k", *text)


async def test_a_warning_is_titled_by_what_it_is_not_double_booking(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"Anna Smith")
        await retype(pilot, app, "start", "2026-11-19 19:00")  # a free evening
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "Outside working hours" in text
        assert "Double booking" not in text
        await pilot.press("escape")
        await settle(app, pilot)
        await retype(pilot, app, "start", "2026-11-18 14:20")  # on Chloe's session
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Overlaps a session" in screen_text(app)
    assert cal_practice.list_sessions(start=at(19, 19), end=at(19, 20)) == []


async def test_the_week_view_shows_feed_events_by_their_titles(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        # Thursday: Ben's 11:00 session overlaps the feed's 11:30 School play; the event's
        # title is drawn where the session ends, the strip marks it beside the session.
        assert "│┊11:30 School play│" in text
        assert "┊◇ Family · busy" in text
        assert "▌● scheduled     ◇│" in text
