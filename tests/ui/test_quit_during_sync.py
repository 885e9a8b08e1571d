"""Quitting never waits on a feed server: the fetch under way is cut off, its connection closed,
and the feed is not blamed for it. The server is a real, slow socket server on 127.0.0.1."""

from __future__ import annotations

import asyncio

from calendar_kit import settle
from feedkit import MemoryKeyring, ics, week_of_events
from feedservers import TrickleServer
from kara_tui.config import Settings
from kara_tui.services.feeds import Feeds
from kara_tui.ui.app import make_app
from kara_tui.ui.themes import shipped_themes_dir
from support.servers import wait_until


async def test_q_during_a_slow_sync_ends_the_fetch_and_marks_nothing_stale(
    cal_practice, cal_clock, ids, tmp_path
) -> None:
    keyring = MemoryKeyring()
    settings = Settings(path=tmp_path / "config.toml", fetch_deadline_seconds=120)
    feeds = Feeds(cal_practice, settings, keyring=keyring)
    with TrickleServer(ics(*week_of_events(5))) as server:
        feeds.add("Work", server.url("/private-0123456789abcdef/basic.ics"))
        [first] = feeds.sync("Work")
        assert first.ok
        server.mode = "body"  # one byte at a time: this sync would take hours
        app = make_app(
            practice=cal_practice,
            settings=settings,
            clock=cal_clock,
            theme_dirs=[shipped_themes_dir()],
            feed_keyring=keyring,
        )
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("s")
            for _ in range(250):
                if server.requests == 2:
                    break
                await asyncio.sleep(0.02)
            assert server.requests == 2 and app.feed_sync.busy
            await pilot.press("q")
        # The app has gone; the sync's worker thread ends with it instead of reading on.
        assert await asyncio.to_thread(wait_until, lambda: not app.feed_sync.busy)
        assert await asyncio.to_thread(wait_until, lambda: server.closed == 2)
    feed = feeds.get("Work")
    assert not feed.stale and feed.event_count == 5
