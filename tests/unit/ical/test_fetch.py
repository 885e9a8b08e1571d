"""Feeds served by a real HTTP server on 127.0.0.1: every failure gives its own clear sentence."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from kara_tui.ical.fetch import (
    FetchError,
    _address_kind,
    _redirect_target,
    fetch_feed,
    mask_source,
)

CALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:a@test\r\n"
    b"DTSTART:20250101T100000Z\r\nDTEND:20250101T110000Z\r\nSUMMARY:Busy\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)
SECRET = "/calendar/ical/someone%40example.com/private-0123456789abcdef0123/basic.ics"


def test_200_returns_body_validators_and_hash(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/cal.ics").respond_with_data(
        CALENDAR, headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 Jan 2025 10:00:00 GMT"}
    )
    result = fetch_feed(httpserver.url_for("/cal.ics"))
    assert result.status == "ok"
    assert result.body == CALENDAR
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 01 Jan 2025 10:00:00 GMT"
    assert result.body_hash is not None and len(result.body_hash) == 64


def test_304_with_etag_is_not_modified(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/cal.ics", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304, headers={"ETag": '"v1"'}
    )
    result = fetch_feed(httpserver.url_for("/cal.ics"), etag='"v1"')
    assert result.status == "not_modified"
    assert result.body is None
    assert result.etag == '"v1"'


def test_if_modified_since_is_sent(httpserver: HTTPServer) -> None:
    stamp = "Wed, 01 Jan 2025 10:00:00 GMT"
    httpserver.expect_request("/cal.ics", headers={"If-Modified-Since": stamp}).respond_with_data(
        "", status=304
    )
    assert fetch_feed(httpserver.url_for("/cal.ics"), last_modified=stamp).status == "not_modified"


def test_500_says_server_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/cal.ics").respond_with_data("oops", status=500)
    with pytest.raises(FetchError, match=r"server had an error \(HTTP 500\)"):
        fetch_feed(httpserver.url_for("/cal.ics"))


def test_404_and_403_have_their_own_words(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    httpserver.expect_request("/denied").respond_with_data("", status=403)
    with pytest.raises(FetchError, match="not found"):
        fetch_feed(httpserver.url_for("/gone"))
    with pytest.raises(FetchError, match="refused access"):
        fetch_feed(httpserver.url_for("/denied"))


def test_html_login_page_is_refused(httpserver: HTTPServer) -> None:
    page = b"<!DOCTYPE html>\n<html><body><form>Sign in</form></body></html>"
    httpserver.expect_request("/cal.ics").respond_with_data(page, content_type="text/html")
    with pytest.raises(FetchError, match=r"a web page, not a calendar \(a login page\?\)"):
        fetch_feed(httpserver.url_for("/cal.ics"))


def test_empty_body_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/cal.ics").respond_with_data(b"")
    with pytest.raises(FetchError, match="empty response"):
        fetch_feed(httpserver.url_for("/cal.ics"))


def test_truncated_body_is_refused(httpserver: HTTPServer) -> None:
    """A server that promises more bytes than it sends: the download was cut off."""

    def handler(request: Request) -> Response:
        response = Response(iter([CALENDAR[:60]]), content_type="text/calendar")
        response.headers["Content-Length"] = str(len(CALENDAR))
        return response

    httpserver.expect_request("/cal.ics").respond_with_handler(handler)
    with pytest.raises(FetchError, match="cut off"):
        fetch_feed(httpserver.url_for("/cal.ics"))


def test_redirect_is_followed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(CALENDAR)
    assert fetch_feed(httpserver.url_for("/old")).body == CALENDAR


def test_redirect_loop_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError, match="redirected in a loop"):
        fetch_feed(httpserver.url_for("/a"))


def test_too_many_redirects_are_refused(httpserver: HTTPServer) -> None:
    for hop in range(7):
        httpserver.expect_request(f"/r{hop}").respond_with_data(
            "", status=302, headers={"Location": f"/r{hop + 1}"}
        )
    with pytest.raises(FetchError, match="more than 5 times"):
        fetch_feed(httpserver.url_for("/r0"))


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://example.com/cal.ics"])
def test_redirect_to_another_scheme_is_refused(httpserver: HTTPServer, target: str) -> None:
    httpserver.expect_request("/cal.ics").respond_with_data(
        "", status=302, headers={"Location": target}
    )
    with pytest.raises(FetchError, match=r"redirected to a '(file|ftp):' address"):
        fetch_feed(httpserver.url_for("/cal.ics"))


def test_slow_server_hits_the_deadline(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        time.sleep(2.5)
        return Response(CALENDAR)

    httpserver.expect_request("/cal.ics").respond_with_handler(handler)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"within 1 s"):
        fetch_feed(httpserver.url_for("/cal.ics"), deadline_seconds=1.0)
    assert time.monotonic() - started < 2.0


def test_trickling_server_hits_the_total_deadline(httpserver: HTTPServer) -> None:
    """Each read is quick, so only a deadline over the whole body stops this."""

    def trickle():  # type: ignore[no-untyped-def]
        yield CALENDAR[:20]
        for _ in range(40):
            time.sleep(0.1)
            yield b" "

    httpserver.expect_request("/cal.ics").respond_with_handler(
        lambda request: Response(trickle(), content_type="text/calendar")
    )
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"within 1 s"):
        fetch_feed(httpserver.url_for("/cal.ics"), deadline_seconds=1.0)
    assert time.monotonic() - started < 2.0


def test_body_over_the_cap_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/cal.ics").respond_with_data(CALENDAR + b"X" * 5000)
    with pytest.raises(FetchError, match=r"larger than the 0\.001 MB limit"):
        fetch_feed(httpserver.url_for("/cal.ics"), max_bytes=1000)


def test_gzip_bomb_is_stopped_at_the_cap(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # about 200 KB on the wire
    assert len(bomb) < 1_000_000
    httpserver.expect_request("/cal.ics").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="text/calendar"
    )
    started = time.monotonic()
    with pytest.raises(FetchError, match="larger than the 1 MB limit"):
        fetch_feed(httpserver.url_for("/cal.ics"), max_bytes=1_000_000)
    assert time.monotonic() - started < 2.0


def test_gzip_body_is_decompressed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/cal.ics").respond_with_data(
        gzip.compress(CALENDAR), headers={"Content-Encoding": "gzip"}
    )
    assert fetch_feed(httpserver.url_for("/cal.ics")).body == CALENDAR


def test_webcal_means_https() -> None:
    """webcal:// is fetched as https://; nothing listens on this port, so the error names https."""
    with pytest.raises(FetchError, match=r"could not connect to 127\.0\.0\.1"):
        fetch_feed("webcal://127.0.0.1:9/cal.ics", deadline_seconds=2)


def test_errors_never_contain_the_secret_path(httpserver: HTTPServer) -> None:
    httpserver.expect_request(SECRET).respond_with_data("", status=500)
    with pytest.raises(FetchError) as caught:
        fetch_feed(httpserver.url_for(SECRET) + "?token=hunter2")
    assert "private" not in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_mask_source_keeps_host_and_hides_tokens() -> None:
    masked = mask_source("https://calendar.google.com" + SECRET + "?token=hunter2")
    assert masked == "https://calendar.google.com/calendar/ical/…/private-•••/basic.ics?•••"
    assert mask_source("webcal://user:pw@example.com/a.ics") == "webcal://example.com/a.ics"


def test_local_file_and_file_url(tmp_path: Path) -> None:
    path = tmp_path / "cal.ics"
    path.write_bytes(CALENDAR)
    assert fetch_feed(str(path)).body == CALENDAR
    assert fetch_feed(path.as_uri()).body == CALENDAR
    with pytest.raises(FetchError, match="does not exist"):
        fetch_feed(str(tmp_path / "missing.ics"))


def test_other_schemes_are_refused() -> None:
    with pytest.raises(FetchError, match="not a 'ftp:' address"):
        fetch_feed("ftp://example.com/cal.ics")
    with pytest.raises(FetchError, match="not a 'mailto:' address"):
        fetch_feed("mailto:someone@example.com")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("93.184.215.14", None),
        ("2606:4700::1111", None),
        ("127.0.0.2", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),  # the cloud metadata service
        ("fe80::1%2", "link-local"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("fd00::1", "private"),
        ("100.64.0.1", "private"),  # carrier-grade NAT: not the public internet either
        ("0.0.0.0", "private"),
    ],
)
def test_kinds_of_address_a_redirect_may_not_reach_from_the_internet(
    address: str, kind: str | None
) -> None:
    assert _address_kind(address) == kind


@pytest.mark.parametrize(
    ("current", "location", "expected"),
    [
        # The same host: followed, the credentials kept.
        ("http://u:p@cal.example/a", "/b", "http://u:p@cal.example/b"),
        ("http://u:p@cal.example/a", "https://u:p@cal.example/b", "https://u:p@cal.example/b"),
        # Another host: https only, and never with this host's credentials.
        ("https://u:p@cal.example/a", "https://u:p@cdn.example/b", "https://cdn.example/b"),
        ("http://cal.example/a", "https://cdn.example/b", "https://cdn.example/b"),
        ("http://cal.example/a", "http://cdn.example/b", "over plain http"),
        ("http://cal.example:8080/a", "http://cal.example:8081/b", "over plain http"),
        ("http://cal.example/a", "http://CAL.example:80/b", "http://CAL.example:80/b"),
        ("https://cal.example/a", "http://cal.example/b", "from https to plain http"),
    ],
)
def test_redirect_targets(current: str, location: str, expected: str) -> None:
    if "://" in expected:
        assert _redirect_target(current, location) == expected
    else:
        with pytest.raises(FetchError, match=expected):
            _redirect_target(current, location)
