"""The feeds screen's test world: the app with a memory keyring, the feeds service as the
test's own hands, a feed served over HTTP, and the screen's table as text."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer
from textual.widgets import DataTable

from feedkit import MemoryKeyring
from kara_tui.config import Settings
from kara_tui.services.feeds import Feeds
from kara_tui.services.practice import Practice
from kara_tui.ui.app import KaraApp, make_app
from kara_tui.ui.screens.feeds import FeedsScreen
from kara_tui.ui.themes import shipped_themes_dir
from support.pilot import settle

SECRET_PATH = "/calendar/ical/private-8f3a9c2d1e7b44aa/basic.ics"


@pytest.fixture
def keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def feeds(cal_practice: Practice, settings: Settings, keyring: MemoryKeyring) -> Feeds:
    """The service as the test's own hands: same database, same keyring as the app."""
    return Feeds(cal_practice, settings, keyring=keyring)


@pytest.fixture
def app(cal_practice, settings, cal_clock, ids, keyring) -> KaraApp:
    return make_app(
        practice=cal_practice,
        settings=settings,
        clock=cal_clock,
        theme_dirs=[shipped_themes_dir()],
        feed_keyring=keyring,
    )


def serve(httpserver: HTTPServer, body: bytes, status: int = 200) -> str:
    httpserver.clear()
    httpserver.expect_request(SECRET_PATH).respond_with_data(
        body, status=status, content_type="text/calendar"
    )
    return httpserver.url_for(SECRET_PATH)


def table_rows(app, selector: str = "DataTable") -> dict[str, list[str]]:
    """The rows of the screen's first table (the feeds'), or of ``selector``'s, by key, as text."""
    table = app.screen.query_one(selector, DataTable)
    return {
        str(key.value): [str(c) for c in table.get_row(key)]
        for key in (row.key for row in table.ordered_rows)
    }


async def open_feeds(app, pilot) -> FeedsScreen:
    await settle(app, pilot)
    await pilot.press("F")
    await settle(app, pilot)
    assert isinstance(app.screen, FeedsScreen)
    return app.screen
