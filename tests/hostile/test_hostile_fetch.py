"""Hostile feed servers, as a table of (input, expected outcome): slow servers and redirects.

Every server is real and listens on this machine: a socket server that trickles bytes (in the
headers, in the body, in 1-byte chunks, or not at all), and HTTP(S) servers that redirect.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from feedservers import (
    TRICKLES,
    TrickleServer,
    this_machines_private_address,
    tls_certificate,
)
from kara_tui.ical.fetch import FetchError, fetch_feed
from support.servers import wait_until

CALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:a@test\r\n"
    b"DTSTART:20250101T100000Z\r\nDTEND:20250101T110000Z\r\nSUMMARY:Busy\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)
DEADLINE = 1.0

# -- slow servers: (what the server does, what the fetch says) ------------------------------

SLOW = [
    ("status", "the status line itself, one byte every 0.2 s"),
    ("headers", "one header byte every 0.2 s, never ending the headers"),
    ("body", "the headers at once, then one body byte every 0.2 s"),
    ("chunks", "a chunked body in 1-byte chunks, one every 0.2 s"),
    ("silent", "accepts the connection and never answers"),
]
assert {mode for mode, _ in SLOW} == set(TRICKLES)


@pytest.mark.parametrize(("mode", "server_does"), SLOW, ids=[m for m, _ in SLOW])
def test_a_slow_server_is_cut_off_at_the_deadline(mode: str, server_does: str) -> None:
    """Expected: 'did not send the calendar within 1 s', within the deadline + 1 s, and the
    connection is closed (nothing keeps reading in the background)."""
    with TrickleServer(CALENDAR, mode=mode) as server:
        started = time.monotonic()
        with pytest.raises(
            FetchError, match=r"^127\.0\.0\.1 did not send the calendar within 1 s$"
        ):
            fetch_feed(server.url(), deadline_seconds=DEADLINE)
        assert time.monotonic() - started < DEADLINE + 1.0, server_does
        assert wait_until(lambda: server.closed == 1), "the connection was left open"


# -- redirects ------------------------------------------------------------------------------


@dataclass
class Servers:
    """Where the redirects of the table lead."""

    home: HTTPServer  # http://127.0.0.1:P, the feed's own server
    other_port: HTTPServer  # http://127.0.0.1:Q
    other_host_tls: HTTPServer  # https://127.0.0.2:R
    private_tls: HTTPServer | None  # https://<this machine's private address>:S
    private_home: HTTPServer | None  # http://<this machine's private address>:T
    client_tls: object  # the client context that trusts the test certificate


@pytest.fixture
def servers(httpserver: HTTPServer, tmp_path: Path) -> Iterator[Servers]:
    private = this_machines_private_address()
    names = ["127.0.0.2", "127.0.0.1", "localhost", *([private] if private else [])]
    server_tls, client_tls = tls_certificate(tmp_path, *names)
    started: list[HTTPServer] = []

    def serve(host: str, tls: bool) -> HTTPServer:
        server = HTTPServer(host=host, port=0, ssl_context=server_tls if tls else None)
        server.start()
        started.append(server)
        return server

    try:
        yield Servers(
            home=httpserver,
            other_port=serve("127.0.0.1", tls=False),
            other_host_tls=serve("127.0.0.2", tls=True),
            private_tls=serve(private, tls=True) if private else None,
            private_home=serve(private, tls=False) if private else None,
            client_tls=client_tls,
        )
    finally:
        for server in started:
            server.clear()
            if server.is_running():
                server.stop()


@dataclass(frozen=True)
class Redirect:
    """A feed at ``start`` (a server of Servers, path /feed) that redirects to ``target``."""

    start: str
    target: Callable[[Servers], str]
    expected: str  # "followed", or the start of the error sentence
    user: str = ""  # "user:pw@" in the feed's address


def _on(server: HTTPServer | None, path: str = "/cal.ics", host: str | None = None) -> str:
    """The URL of ``path`` on ``server``, by its IP address unless ``host`` names it."""
    if server is None:
        pytest.skip("this machine has no private network address")
    scheme = "https" if server.ssl_context else "http"
    name = host or ("127.0.0.1" if server.host == "localhost" else server.host)
    return f"{scheme}://{name}:{server.port}{path}"


REDIRECTS = {
    "same host, another path: followed": Redirect(
        "home", lambda s: "/cal.ics", "followed", user="ann:pw@"
    ),
    "same host, another port, plain http: refused": Redirect(
        "home",
        lambda s: _on(s.other_port),
        "the server redirected to another host over plain http",
    ),
    "127.0.0.1 to localhost (another host name), plain http: refused": Redirect(
        "home",
        lambda s: _on(s.home, host="localhost"),
        "the server redirected to another host over plain http",
    ),
    "loopback to another loopback host over https: followed, credentials left behind": Redirect(
        "home", lambda s: _on(s.other_host_tls), "followed", user="ann:pw@"
    ),
    "loopback to this machine's private address over https: refused": Redirect(
        "home",
        lambda s: _on(s.private_tls),
        "the server redirected to a private address",
    ),
    "private address to loopback over https: refused": Redirect(
        "private_home",
        lambda s: _on(s.other_host_tls),
        "the server redirected to a loopback address (127.0.0.2)",
    ),
    "https to plain http on the same host: refused": Redirect(
        "other_host_tls",
        lambda s: _on(s.other_host_tls).replace("https:", "http:"),
        "the server redirected from https to plain http",
    ),
    "to a file: address: refused": Redirect(
        "home", lambda s: "file:///etc/passwd", "the server redirected to a 'file:' address"
    ),
}


@pytest.mark.parametrize("row", list(REDIRECTS.values()), ids=list(REDIRECTS))
def test_redirects(servers: Servers, row: Redirect) -> None:
    start: HTTPServer | None = getattr(servers, row.start)
    source = _on(start, "/feed")
    target = row.target(servers)
    assert start is not None
    start.expect_request("/feed").respond_with_data("", status=302, headers={"Location": target})
    landed = [s for s in vars(servers).values() if isinstance(s, HTTPServer)]
    for server in landed:
        server.expect_request("/cal.ics").respond_with_data(CALENDAR)
    source = source.replace("://", f"://{row.user}", 1)

    if row.expected == "followed":
        result = fetch_feed(source, deadline_seconds=5, verify=servers.client_tls)  # type: ignore[arg-type]
        assert result.body == CALENDAR
        [(arrived, _)] = [entry for s in landed for entry in s.log if entry[0].path == "/cal.ics"]
        same_host = arrived.host == start.log[0][0].host
        # Credentials go to the host they were written for, never on to another one.
        assert ("Authorization" in arrived.headers) == (bool(row.user) and same_host)
    else:
        with pytest.raises(FetchError) as refused:
            fetch_feed(source, deadline_seconds=5, verify=servers.client_tls)  # type: ignore[arg-type]
        assert str(refused.value).startswith(row.expected), str(refused.value)
        assert not [entry for s in landed for entry in s.log if entry[0].path == "/cal.ics"]
