"""`kara-tui feeds add NAME URL --caldav`: a CalDAV calendar read as a feed, its address masked."""

from __future__ import annotations

from collections.abc import Iterator

import keyring as keyring_module
import pytest

from feedkit import MemoryKeyring


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring_module.get_keyring()
    kr = MemoryKeyring()
    keyring_module.set_keyring(kr)
    yield kr
    keyring_module.set_keyring(previous)


EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Phone//EN\r\nBEGIN:VEVENT\r\nUID:m@phone\r\n"
    "DTSTAMP:20261101T000000Z\r\nDTSTART:20261117T100000Z\r\nDTEND:20261117T110000Z\r\n"
    "SUMMARY:Meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_feeds_add_caldav_syncs_and_masks(cli, radicale_server, memory_keyring) -> None:
    url = radicale_server.calendar("cli-feed-private-1f2e3d4c5b6a")
    radicale_server.put(f"{url}m.ics", EVENT)
    added = cli("feeds", "add", "Work", url, "--caldav")
    assert added.code == 0, added.err
    assert list(memory_keyring.secrets.values()) == [f"caldav+{url}"]
    synced = cli("feeds", "sync", "Work")
    assert synced.code == 0, synced.err
    events = cli("feeds", "events", "--from", "2026-11-16", "--json").json()
    assert [e["summary"] for e in events] == ["Meeting"]
    listed = cli("feeds", "list").out
    assert "caldav+http://127.0.0.1" in listed and "1f2e3d4c5b6a" not in listed


def test_caldav_needs_an_http_address(cli, tmp_path, memory_keyring) -> None:
    result = cli("feeds", "add", "Work", str(tmp_path / "x.ics"), "--caldav")
    assert result.code == 2
    assert "--caldav reads an http(s) CalDAV calendar address" in result.err
