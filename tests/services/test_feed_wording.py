"""Issue 12 item 13 and item 4 for feeds: a local file's problems are said of the file, a skip
reason is in words (not Python's), and a broken address is refused in one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedkit import MemoryKeyring
from kara_tui.config import Settings
from kara_tui.domain import DomainError
from kara_tui.ical.fetch import mask_source
from kara_tui.services.feeds import Feeds


@pytest.fixture
def feeds(practice) -> Feeds:
    return Feeds(practice, Settings(), keyring=MemoryKeyring())


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"", "the file is empty, not a calendar"),
        (
            b"<!doctype html><html><body>Sign in</body></html>",
            "the file is a web page, not a calendar",
        ),
        (b'{"events": []}', "the file holds JSON data, not a calendar"),
    ],
)
def test_a_local_file_is_not_called_a_server(feeds, tmp_path: Path, body: bytes, said: str) -> None:
    path = tmp_path / "family.ics"
    path.write_bytes(body)
    report = feeds.import_file(path)
    assert not report.ok
    assert said in report.message
    assert "server" not in report.message


def test_a_skip_reason_is_in_words(feeds, tmp_path: Path) -> None:
    path = tmp_path / "far.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:far@example.com\r\nSUMMARY:far\r\n"
        b"DTSTART:99991231T230000Z\r\nDURATION:P2D\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:near@example.com\r\nSUMMARY:near\r\n"
        b"DTSTART:20261117T100000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    report = feeds.import_file(path)
    assert report.ok, report.message
    reasons = [p.reason for p in report.problems]
    assert reasons == ["skipped an event: a date in it is out of range"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("http://example.com:99999/x.ics", "a port that is not a number from 1 to 65535"),
        ("https://example.com:0/x.ics", "a port that is not a number from 1 to 65535"),
        ("https://example.com:abc/x.ics", "a port that is not a number from 1 to 65535"),
        ("http://[::1/x.ics", r"a broken IPv6 host \(a '\[' without '\]'\)"),
        ("https://exa mple.com/x.ics", "cannot contain spaces or control characters"),
        ("https://example.com/\x1b[2Jx.ics", "cannot contain spaces or control characters"),
    ],
)
def test_a_broken_address_is_refused(feeds, source: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        feeds.add("Work", source)
    assert feeds.list() == []


def test_mask_source_survives_a_broken_address() -> None:
    assert mask_source("http://[::1/secret-token-abcdef/x.ics") == "http://…"
    assert mask_source("https://h.example:99999/a") == "https://…"
    assert mask_source("https://[::1]:8443/cal.ics") == "https://[::1]:8443/cal.ics"
