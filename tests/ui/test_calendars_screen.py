"""The Calendars screen (F): feeds in, targets out; adding a target from the app and its state."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

from textual.widgets import DataTable, Input

from kara_tui.domain import Reason
from kara_tui.services.publish_targets import PublishTargets
from kara_tui.ui.publish_sync import PublishSync
from kara_tui.ui.screens.feeds import FeedsScreen
from kara_tui.ui.screens.target_form import TargetForm
from support import feeds_screen
from support.feeds_screen import open_feeds, table_rows
from support.pilot import notices, screen_text, settle, shown

keyring, app = feeds_screen.keyring, feeds_screen.app


def target_rows(app) -> dict[str, list[str]]:
    return table_rows(app, "#targets-table")


async def fill_form(app, pilot, **values: str) -> None:
    await pilot.press("t")
    await settle(app, pilot)
    assert isinstance(app.screen, TargetForm)
    for key, value in values.items():
        app.screen.query_one(f"#{key}", Input).value = value
    await pilot.press("ctrl+s")
    await settle(app, pilot)


async def test_add_a_file_target_from_the_app_and_see_it_published(
    app, cal_practice, tmp_path: Path
) -> None:
    path = tmp_path / "phone.ics"
    async with app.run_test(size=(120, 40)) as pilot:
        await open_feeds(app, pilot)
        assert "Calendars · feeds in" in screen_text(app)
        assert "No targets yet" in shown(app, "#targets-detail")
        await fill_form(app, pilot, name="Phone", target=str(path))
        assert isinstance(app.screen, FeedsScreen)
        assert "Added Phone; publishing to it now." in notices(app)
        held = [s for s in cal_practice.list_sessions() if s.status.value != "cancelled"]
        row = target_rows(app)["Phone"]
        assert row[1:4] == ["✓ ok", "busy", str(len(held))]
        assert "Last error" in screen_text(app) and "Targets · your sessions out" in screen_text(
            app
        )
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        body = path.read_text()
        assert body.count("SUMMARY:Busy") == len(held)
        for session in cal_practice.list_sessions():
            assert session.client_name not in body


async def test_a_bad_address_is_said_in_the_form_and_nothing_is_added(app, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_feeds(app, pilot)
        await fill_form(app, pilot, name="Phone", target="ftp://example.com/cal")
        assert isinstance(app.screen, TargetForm)
        assert "'ftp:' targets are not supported" in shown(app, "#error")
        await pilot.press("escape")
        await settle(app, pilot)
    assert PublishTargets(cal_practice).list() == []


async def test_an_unreachable_server_shows_failed_with_its_error_and_the_app_goes_on(
    app, cal_practice, keyring
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    url = f"http://127.0.0.1:{port}/dav/private-0d9e8c7b6a5f4e3d/"
    PublishTargets(cal_practice, keyring=keyring).add("Phone", url)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_feeds(app, pilot)
        app.screen.query_one("#targets-table", DataTable).focus()
        await pilot.press("s")
        await settle(app, pilot)
        row = target_rows(app)["Phone"]
        assert row[1] == "✗ failed"
        assert "could not be reached" in row[5]
        assert "✗ Last run failed" in shown(app, "#targets-detail")
        assert "0d9e8c7b6a5f4e3d" not in screen_text(app) + notices(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id == "calendar"  # the calendar goes on


def test_the_app_publishes_once_a_change_has_settled(cal_practice, ids, tmp_path: Path) -> None:
    path = tmp_path / "phone.ics"
    sync = PublishSync(cal_practice)
    sync.targets.add("Phone", str(path))
    opened = sync.tick()  # the first tick catches up on what changed while closed
    assert opened is not None and opened[0].ok and path.exists()
    assert sync.tick() is None  # nothing changed
    cal_practice.cancel(ids["future"], Reason.CLIENT, notify=False)
    assert sync.tick() is None  # a change: wait one tick for more of the burst
    reports = sync.tick()
    assert reports is not None and reports[0].ok
    held = [s for s in cal_practice.list_sessions() if s.status.value != "cancelled"]
    assert path.read_text().count("SUMMARY:Busy") == len(held)
    assert cal_practice.get_session(ids["future"]).uid not in path.read_text()
    assert sync.tick() is None  # published: nothing more to do


def test_closing_the_app_does_not_wait_for_a_silent_server(cal_practice, ids) -> None:
    import threading

    from feedservers import TrickleServer

    with TrickleServer(b"", mode="silent") as server:
        sync = PublishSync(cal_practice)
        sync.targets.add("Phone", server.url("/dav/cal/"))
        result: dict[str, object] = {}
        runner = threading.Thread(target=lambda: result.setdefault("r", sync.run()))
        runner.start()
        while not server.requests and runner.is_alive():  # the PUT is waiting on the server
            threading.Event().wait(0.05)
        sync.stop()
        runner.join(20)
        assert not runner.is_alive() and result["r"] is None
    assert PublishTargets(cal_practice).get("Phone").published == 0


def test_a_change_made_before_the_first_tick_is_published(
    cal_practice, ids, tmp_path: Path
) -> None:
    path = tmp_path / "phone.ics"
    sync = PublishSync(cal_practice)
    sync.targets.add("Phone", str(path))
    assert sync.run("Phone")  # added from the app: published at once
    cal_practice.cancel(ids["future"], Reason.CLIENT, notify=False)  # within the first seconds
    reports = sync.tick()
    assert reports is not None and reports[0].ok and reports[0].deleted == 1
    assert cal_practice.get_session(ids["future"]).uid not in path.read_text()
