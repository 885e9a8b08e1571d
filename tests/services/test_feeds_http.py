"""Feeds served by a real HTTP server on 127.0.0.1: every way a server can fail keeps the data."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from feedkit import (
    MemoryKeyring,
    count_event_writes,
    event_writes,
    ics,
    snapshot,
    week_of_events,
)
from kara_tui.config import Settings
from kara_tui.services.feeds import Feeds, SyncReport

TOKEN = "s3cr3t-9d2f0c7a41b8"
PATH = f"/calendar/ical/{TOKEN}/basic.ics"
GOOD = ics(*week_of_events(5))


@pytest.fixture
def keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def settings() -> Settings:
    return Settings(fetch_deadline_seconds=2.0, fetch_max_bytes=1_000_000)


@pytest.fixture
def feeds(practice, settings, keyring) -> Feeds:
    return Feeds(practice, settings, keyring=keyring)


@pytest.fixture
def synced(feeds: Feeds, httpserver: HTTPServer, engine) -> Iterator[Feeds]:
    """A feed that has synced five events once; then the server is told to misbehave."""
    httpserver.expect_request(PATH).respond_with_data(
        GOOD, content_type="text/calendar", headers={"ETag": '"v1"'}
    )
    feeds.add("Work", httpserver.url_for(PATH))
    [first] = feeds.sync("Work")
    assert first.ok and first.added == 5, first.message
    httpserver.clear_all_handlers()
    httpserver.clear_log()
    count_event_writes(engine)
    yield feeds


def _assert_kept(feeds: Feeds, engine, report: SyncReport, before) -> None:
    """The failure is reported, nothing stored changed, and the feed is marked stale."""
    assert not report.ok
    assert report.stale
    assert "kept the 5 stored events" in report.message
    assert TOKEN not in report.message
    assert snapshot(engine)[0] == before
    assert event_writes(engine) == 0
    feed = feeds.get("Work")
    assert feed.stale and feed.event_count == 5
    assert feed.last_error and TOKEN not in feed.last_error


def test_200_stores_the_events_and_the_secret_stays_secret(
    feeds, httpserver, keyring, practice
) -> None:
    httpserver.expect_request(PATH).respond_with_data(GOOD, content_type="text/calendar")
    added = feeds.add("Work", httpserver.url_for(PATH))
    assert TOKEN not in added.feed.source
    [report] = feeds.sync("Work")
    assert report.ok and report.added == 5
    assert all(TOKEN not in f.source for f in feeds.list())
    assert list(keyring.secrets.values()) == [httpserver.url_for(PATH)]


def test_304_with_etag_parses_and_writes_nothing(synced, httpserver, engine) -> None:
    before = snapshot(engine)[0]
    httpserver.expect_request(PATH, headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304, headers={"ETag": '"v1"'}
    )
    httpserver.expect_request(PATH).respond_with_data(GOOD, headers={"ETag": '"v1"'})
    [report] = synced.sync("Work")
    assert report.ok and report.skipped
    assert "not modified" in report.message
    [(request, _)] = httpserver.log
    assert request.headers["If-None-Match"] == '"v1"'
    assert event_writes(engine) == 0
    assert snapshot(engine)[0] == before
    assert not synced.get("Work").stale


def test_last_modified_is_sent_back(feeds, httpserver, engine) -> None:
    stamp = "Mon, 16 Nov 2026 07:00:00 GMT"
    httpserver.expect_request(PATH).respond_with_data(GOOD, headers={"Last-Modified": stamp})
    feeds.add("Work", httpserver.url_for(PATH))
    assert feeds.sync("Work")[0].ok
    httpserver.clear_all_handlers()
    httpserver.clear_log()
    httpserver.expect_request(PATH, headers={"If-Modified-Since": stamp}).respond_with_data(
        "", status=304
    )
    [report] = feeds.sync("Work")
    assert report.ok and report.skipped, report.message


def test_the_same_body_again_is_not_stored_again(synced, httpserver, engine) -> None:
    httpserver.expect_request(PATH).respond_with_data(GOOD, headers={"ETag": '"v2"'})
    [report] = synced.sync("Work")
    assert report.ok and report.skipped and report.unchanged == 5
    assert event_writes(engine) == 0
    assert synced.get("Work").etag == '"v2"'


def test_a_changed_event_is_the_only_write(synced, httpserver, engine) -> None:
    events = week_of_events(5)
    changed = [*events[:4], type(events[4])(events[4].uid, events[4].start, summary="Renamed")]
    httpserver.expect_request(PATH).respond_with_data(ics(*changed))
    [report] = synced.sync("Work")
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 0, 4)
    assert event_writes(engine) == 1


def test_500_keeps_the_events(synced, httpserver, engine) -> None:
    before = snapshot(engine)[0]
    httpserver.expect_request(PATH).respond_with_data("Internal Server Error", status=500)
    [report] = synced.sync("Work")
    _assert_kept(synced, engine, report, before)
    assert "500" in report.message


def test_an_html_login_page_keeps_the_events(synced, httpserver, engine) -> None:
    before = snapshot(engine)[0]
    page = "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>...</form></body></html>"
    httpserver.expect_request(PATH).respond_with_data(page, content_type="text/html")
    [report] = synced.sync("Work")
    _assert_kept(synced, engine, report, before)


def test_an_empty_body_keeps_the_events(synced, httpserver, engine) -> None:
    before = snapshot(engine)[0]
    httpserver.expect_request(PATH).respond_with_data(b"", content_type="text/calendar")
    [report] = synced.sync("Work")
    _assert_kept(synced, engine, report, before)
    assert "empty response" in report.message
    # An empty response is a server failing, never an empty calendar: even accept_empty keeps.
    [again] = synced.sync("Work", accept_empty=True)
    _assert_kept(synced, engine, again, before)


def test_an_empty_calendar_after_a_full_one_waits_for_confirmation(
    synced, httpserver, engine
) -> None:
    before = snapshot(engine)[0]
    httpserver.expect_request(PATH).respond_with_data(ics(), content_type="text/calendar")
    [report] = synced.sync("Work")
    _assert_kept(synced, engine, report, before)
    assert report.needs_confirmation
    assert "empty calendar" in report.message
    [accepted] = synced.sync("Work", accept_empty=True)
    assert accepted.ok and accepted.removed == 5
    assert snapshot(engine)[0] == []
    assert not synced.get("Work").stale


def test_a_truncated_file_keeps_the_events(synced, httpserver, engine) -> None:
    before = snapshot(engine)[0]
    httpserver.expect_request(PATH).respond_with_data(GOOD[: len(GOOD) // 2])
    [report] = synced.sync("Work")
    _assert_kept(synced, engine, report, before)


def test_a_redirect_loop_keeps_the_events(synced, httpserver, engine) -> None:
    before = snapshot(engine)[0]
    httpserver.expect_request(PATH).respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/elsewhere")}
    )
    httpserver.expect_request("/elsewhere").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for(PATH)}
    )
    [report] = synced.sync("Work")
    _assert_kept(synced, engine, report, before)
    assert "redirect" in report.message.lower()


def test_a_redirect_to_another_scheme_is_refused(synced, httpserver, engine) -> None:
    before = snapshot(engine)[0]
    httpserver.expect_request(PATH).respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    [report] = synced.sync("Work")
    _assert_kept(synced, engine, report, before)
    assert "redirect" in report.message.lower()


def test_a_few_redirects_are_followed(feeds, httpserver) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for(PATH)}
    )
    httpserver.expect_request(PATH).respond_with_data(GOOD)
    feeds.add("Work", httpserver.url_for("/old"))
    [report] = feeds.sync("Work")
    assert report.ok and report.added == 5, report.message


def test_a_server_slower_than_the_deadline_keeps_the_events(synced, httpserver, engine) -> None:
    """A trickle of bytes defeats a per-read timeout; only a total deadline stops it."""
    before = snapshot(engine)[0]

    def trickle(_request: Request) -> Response:
        def body() -> Iterator[bytes]:
            yield b"BEGIN:VCALENDAR\r\n"
            for _ in range(15):
                time.sleep(0.1)
                yield b"X-PAD:....\r\n"

        return Response(body(), content_type="text/calendar")

    httpserver.expect_request(PATH).respond_with_handler(trickle)
    synced.settings = synced.settings.with_changes(fetch_deadline_seconds=0.5)
    [report] = synced.sync("Work")
    _assert_kept(synced, engine, report, before)


def test_a_body_over_the_cap_keeps_the_events(synced, httpserver, engine) -> None:
    before = snapshot(engine)[0]
    huge = GOOD.replace(b"END:VCALENDAR", b"X-PAD:" + b"y" * 1_100_000 + b"\r\nEND:VCALENDAR")
    httpserver.expect_request(PATH).respond_with_data(huge)
    [report] = synced.sync("Work")
    _assert_kept(synced, engine, report, before)


def test_a_gzip_bomb_keeps_the_events(synced, httpserver, engine) -> None:
    """20 kB on the wire, 20 MB once inflated: the cap counts what is inflated."""
    before = snapshot(engine)[0]
    bomb = gzip.compress(b"BEGIN:VCALENDAR\r\n" + b"\0" * 20_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    httpserver.expect_request(PATH).respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="text/calendar"
    )
    [report] = synced.sync("Work")
    _assert_kept(synced, engine, report, before)


def test_a_gzipped_feed_is_read(feeds, httpserver) -> None:
    httpserver.expect_request(PATH).respond_with_data(
        gzip.compress(GOOD), headers={"Content-Encoding": "gzip"}, content_type="text/calendar"
    )
    feeds.add("Work", httpserver.url_for(PATH))
    [report] = feeds.sync("Work")
    assert report.ok and report.added == 5, report.message


def test_an_unreachable_server_is_a_failure_for_a_new_feed(feeds, httpserver) -> None:
    url = httpserver.url_for(PATH)
    httpserver.stop()
    try:
        feeds.add("Work", url)
        [report] = feeds.sync("Work")
    finally:
        httpserver.start()
    assert not report.ok and not report.stale  # nothing was stored, so nothing is stale
    assert TOKEN not in report.message
    assert feeds.get("Work").last_error


def test_one_failing_feed_does_not_stop_the_others(feeds, httpserver, tmp_path, engine) -> None:
    httpserver.expect_request(PATH).respond_with_data("nope", status=503)
    local = tmp_path / "local.ics"
    local.write_bytes(GOOD)
    feeds.add("Broken", httpserver.url_for(PATH))
    feeds.add("Local", str(local))
    reports = feeds.sync()
    assert [(r.feed, r.ok) for r in reports] == [("Broken", False), ("Local", True)]
