"""A CalDAV calendar read as a feed (calendar-query over the horizon), from a real Radicale."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest

from feedkit import MemoryKeyring
from feedservers import TrickleServer
from kara_tui.config import Settings
from kara_tui.ical.caldav_fetch import fetch_caldav
from kara_tui.ical.fetch import FetchCancelled, FetchError, mask_source
from kara_tui.services.feeds import Feeds
from radicale_server import PASSWORD, USER

WEEK = datetime(2026, 11, 16, tzinfo=UTC)


def _event(uid: str, summary: str, day: int, hour: int = 10) -> str:
    start = datetime(2026, 11, day, hour, tzinfo=UTC)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Phone//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:{start:%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{start + timedelta(hours=1):%Y%m%dT%H%M%SZ}\r\nSUMMARY:{summary}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def _summaries(feeds: Feeds) -> list[str]:
    return sorted(e.summary for e in feeds.events("Work", start=WEEK, end=WEEK + timedelta(7)))


def test_a_caldav_calendar_is_read_and_re_read_with_one_change(
    practice, radicale_server, caldav_url
) -> None:
    for i, day in enumerate((17, 18, 19)):
        radicale_server.put(f"{caldav_url}e{i}.ics", _event(f"e{i}@phone", f"Meeting {i}", day))
    far = _event("far@phone", "Far away", 16).replace("20261116", "20301116")
    radicale_server.put(f"{caldav_url}far.ics", far)  # outside the horizon: not asked for
    feeds = Feeds(practice, Settings(), keyring=MemoryKeyring())
    feeds.add("Work", f"caldav+{caldav_url}")
    (first,) = feeds.sync("Work")
    assert first.ok, first.message
    assert first.added == 3
    assert _summaries(feeds) == ["Meeting 0", "Meeting 1", "Meeting 2"]
    (same,) = feeds.sync("Work")
    assert same.ok and same.skipped  # the same body: nothing parsed, nothing written
    radicale_server.put(f"{caldav_url}e1.ics", _event("e1@phone", "Meeting 1 moved", 18, 15))
    (again,) = feeds.sync("Work")
    assert again.ok, again.message
    assert (again.added, again.updated, again.removed) == (0, 1, 0)
    assert _summaries(feeds) == ["Meeting 0", "Meeting 1 moved", "Meeting 2"]


def test_an_empty_answer_keeps_the_events_until_confirmed(
    practice, radicale_server, caldav_url
) -> None:
    import httpx

    radicale_server.put(f"{caldav_url}e0.ics", _event("e0@phone", "Meeting", 17))
    feeds = Feeds(practice, Settings(), keyring=MemoryKeyring())
    feeds.add("Work", f"caldav+{caldav_url}")
    assert feeds.sync("Work")[0].added == 1
    httpx.delete(f"{caldav_url}e0.ics")
    (empty,) = feeds.sync("Work")
    assert not empty.ok and empty.stale and empty.needs_confirmation
    assert _summaries(feeds) == ["Meeting"]  # section 3: stale, not wiped


def test_credentials_in_the_address_work_and_are_never_shown(
    practice, radicale_auth_server
) -> None:
    url = radicale_auth_server.calendar("feed-private-9a8b7c6d5e4f")
    radicale_auth_server.put(f"{url}e0.ics", _event("e0@phone", "Meeting", 17))
    keyring = MemoryKeyring()
    feeds = Feeds(practice, Settings(), keyring=keyring)
    secret = f"caldav+{url.replace('://', f'://{USER}:{PASSWORD}@')}"
    feeds.add("Work", secret)
    (report,) = feeds.sync("Work")
    assert report.ok and report.added == 1, report.message
    (feed,) = feeds.list()
    assert PASSWORD not in feed.source and "9a8b7c6d5e4f" not in feed.source
    wrong = secret.replace(PASSWORD, "nope")
    feeds.add("Wrong", wrong)
    (bad,) = feeds.sync("Wrong")
    assert not bad.ok and "refused the user name or password" in bad.message
    assert "nope" not in bad.message and "9a8b7c6d5e4f" not in bad.message
    assert mask_source(wrong).startswith("caldav+http://127.0.0.1")


def test_an_unreachable_server_is_one_masked_sentence() -> None:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port = sock.getsockname()[1]
    with pytest.raises(FetchError) as caught:
        fetch_caldav(
            f"caldav+http://127.0.0.1:{port}/dav/private-0123456789abcdef/",
            start=WEEK,
            end=WEEK + timedelta(days=7),
        )
    assert "could not be reached" in str(caught.value)
    assert "0123456789abcdef" not in str(caught.value)


def test_a_silent_server_meets_the_one_deadline_and_a_closing_app_waits_for_nothing() -> None:
    with TrickleServer(b"", mode="silent") as server:
        source = "caldav+" + server.url("/dav/private-0123456789abcdef/")
        with pytest.raises(FetchError, match="did not answer within 1 s") as caught:
            fetch_caldav(source, start=WEEK, end=WEEK + timedelta(days=7), deadline_seconds=1)
        assert "0123456789abcdef" not in str(caught.value)
        cancel = threading.Event()
        cancel.set()
        with pytest.raises(FetchCancelled):
            fetch_caldav(source, start=WEEK, end=WEEK + timedelta(days=7), cancel=cancel)


class _CountingClient:
    def __init__(self, url: str) -> None:
        from caldav.davclient import DAVClient

        self.dav = DAVClient(url=url, enable_rfc6764=False)
        self.calls: list[str] = []

    def report(self, url, query="", depth=0):
        self.calls.append("REPORT sync" if "sync-collection" in query else "REPORT query")
        return self.dav.report(url, query, depth)

    def request(self, url, method="GET", body="", headers=None):
        self.calls.append(method)
        return self.dav.request(url, method, body, headers)


def test_a_sync_token_makes_an_unchanged_read_one_small_report(radicale_server, caldav_url) -> None:
    radicale_server.put(f"{caldav_url}e0.ics", _event("e0@phone", "Meeting", 17))
    source, end = f"caldav+{caldav_url}", WEEK + timedelta(days=7)
    first = fetch_caldav(source, start=WEEK, end=end, client=_CountingClient(caldav_url))
    assert first.status == "ok" and first.etag and first.etag.startswith("sync ")
    client = _CountingClient(caldav_url)
    same = fetch_caldav(source, start=WEEK, end=end, etag=first.etag, client=client)
    assert same.status == "not_modified" and same.body is None
    assert client.calls == ["REPORT sync"]  # no event was read
    # Another day's window reads in full; so does a change.
    moved = fetch_caldav(source, start=WEEK + timedelta(days=1), end=end, etag=first.etag)
    assert moved.status == "ok"
    radicale_server.put(f"{caldav_url}e1.ics", _event("e1@phone", "New", 18))
    changed = fetch_caldav(source, start=WEEK, end=end, etag=same.etag)
    assert changed.status == "ok" and b"SUMMARY:New" in (changed.body or b"")


def test_a_feed_of_an_unchanged_caldav_calendar_is_not_modified(
    practice, radicale_server, caldav_url
) -> None:
    radicale_server.put(f"{caldav_url}e0.ics", _event("e0@phone", "Meeting", 17))
    feeds = Feeds(practice, Settings(), keyring=MemoryKeyring())
    feeds.add("Work", f"caldav+{caldav_url}")
    assert feeds.sync("Work")[0].added == 1
    (again,) = feeds.sync("Work")
    assert again.ok and "not modified" in again.message
    assert _summaries(feeds) == ["Meeting"]
