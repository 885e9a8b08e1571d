"""Reading a CalDAV calendar as a feed: one calendar-query REPORT over the sync horizon.

For providers that give no secret .ics address. ``caldav+https://user:password@host/path/``
(the whole address is a secret, kept like a feed URL) is read with the ``caldav`` library's
client, and the events found are joined into one calendar body, sorted by resource, so that
the feed's usual steps apply unchanged: the body's hash (nothing to do when it is the same),
the parse, the limits, stale-not-wipe, one transaction.

Where the server keeps a sync-token (RFC 6578), it is kept as the feed's validator (the
``etag`` column, with the window it was read for): the next sync first asks what changed
since, and when nothing did (and the window is the same day's) it is "not modified" after
one small REPORT, without reading the events.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from kara_tui.ical.fetch import FetchCancelled, FetchError, FetchResult, mask_source

PREFIX = "caldav+"
_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter>
    <C:comp-filter name="VCALENDAR">
      <C:comp-filter name="VEVENT">
        <C:time-range start="{start}" end="{end}"/>
      </C:comp-filter>
    </C:comp-filter>
  </C:filter>
</C:calendar-query>"""
_SYNC = """<?xml version="1.0" encoding="utf-8"?>
<D:sync-collection xmlns:D="DAV:">
  <D:sync-token>{token}</D:sync-token>
  <D:sync-level>1</D:sync-level>
  <D:prop><D:getetag/></D:prop>
</D:sync-collection>"""
_TOKEN_PROPFIND = """<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:sync-token/></D:prop></D:propfind>"""
_TOKEN = re.compile(r"<(?:[\w-]+:)?sync-token[^>]*>\s*([^<\s]+)\s*</", re.IGNORECASE)
_RESPONSE = re.compile(r"<(?:[\w-]+:)?response[\s>]", re.IGNORECASE)
_VALIDATOR = "sync "  # the etag column: "sync WINDOW TOKEN"
MAX_VALIDATOR = 500  # feeds.etag
_INNER = re.compile(r"BEGIN:VCALENDAR\r?\n(.*?)END:VCALENDAR", re.DOTALL)
_TZID = re.compile(r"^TZID:(.*)$", re.MULTILINE)


def is_caldav(source: str) -> bool:
    return source.strip().lower().startswith((PREFIX + "http://", PREFIX + "https://"))


def _split(source: str) -> tuple[str, str | None, str | None]:
    """(the http(s) address without credentials, user, password)."""
    parts = urlsplit(source.strip()[len(PREFIX) :])
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return url, user, password


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _joined(objects: list[tuple[str, str]]) -> bytes:
    """One VCALENDAR holding every object's components; each VTIMEZONE once."""
    zones: dict[str, str] = {}
    events: list[str] = []
    for _, text in sorted(objects):
        for inner in _INNER.findall(text.replace("\r\n", "\n")):
            for block in re.split(r"(?m)^(?=BEGIN:V(?:TIMEZONE|EVENT)\s*$)", inner):
                if block.startswith("BEGIN:VTIMEZONE"):
                    found = _TZID.search(block)
                    zones.setdefault(found.group(1).strip() if found else block, block)
                elif block.startswith("BEGIN:VEVENT"):
                    events.append(block)
    head = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//kara-tui//caldav feed//EN\n"
    body = head + "".join(zones.values()) + "".join(events) + "END:VCALENDAR\n"
    return body.replace("\n", "\r\n").encode("utf-8")


def fetch_caldav_in(start: datetime, end: datetime) -> Callable[..., FetchResult]:
    """``fetch_feed``'s stand-in for a CalDAV source, reading [start, end) (the sync window);
    it takes fetch_feed's arguments, and needs no validators: an unchanged body is skipped
    by its hash."""

    def fetch(
        source: str,
        *,
        deadline_seconds: float,
        max_bytes: int,
        cancel: threading.Event | None = None,
        etag: str | None = None,
        **_: Any,
    ) -> FetchResult:
        return fetch_caldav(
            source,
            start=start,
            end=end,
            deadline_seconds=deadline_seconds,
            max_bytes=max_bytes,
            cancel=cancel,
            etag=etag,
        )

    return fetch


def fetch_caldav(
    source: str,
    *,
    start: datetime,
    end: datetime,
    deadline_seconds: float = 30.0,
    max_bytes: int = 20_000_000,
    client: Any = None,
    cancel: threading.Event | None = None,
    etag: str | None = None,
) -> FetchResult:
    """The events of the calendar at ``source`` overlapping [start, end), as one body;
    "not_modified" when ``etag`` (the validator this returned last) says nothing changed.

    The request runs in a daemon thread that is waited for at most ``deadline_seconds`` in
    all (however slowly the server answers), and no longer once ``cancel`` is set (the app
    is closing): an abandoned request never holds up the exit.

    Raises:
        FetchError: one sentence, the address masked; FetchCancelled when ``cancel`` was set.
    """
    shown = mask_source(source)
    box: dict[str, Any] = {}
    done = threading.Event()

    def read() -> None:
        try:
            box["result"] = _fetch(source, start, end, deadline_seconds, max_bytes, client, etag)
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=read, name="kara-caldav-feed", daemon=True).start()
    deadline = time.monotonic() + deadline_seconds
    while not done.wait(0.1):
        if cancel is not None and cancel.is_set():
            raise FetchCancelled("the sync was stopped before the feed was read")
        if time.monotonic() >= deadline:
            raise FetchError(f"{shown}: the server did not answer within {deadline_seconds:g} s")
    if "error" in box:
        raise box["error"]
    result: FetchResult = box["result"]
    return result


def _fetch(
    source: str,
    start: datetime,
    end: datetime,
    deadline_seconds: float,
    max_bytes: int,
    client: Any,
    etag: str | None,
) -> FetchResult:
    url, user, password = _split(source)
    shown = mask_source(source)
    window = f"{_stamp(start)}/{_stamp(end)}"
    try:
        if client is None:
            from caldav.davclient import DAVClient

            client = DAVClient(
                url=url,
                username=user,
                password=password,
                # The one deadline is kept by fetch_caldav; this only ends an abandoned request.
                timeout=int(deadline_seconds) + 5,
                ssl_verify_cert=True,
                enable_rfc6764=False,
            )
        known = _known_token(etag, window)
        if known is not None:
            fresh = _unchanged_since(client, url, known)
            if fresh is not None:
                return FetchResult(
                    "not_modified", None, _VALIDATOR + f"{window} {fresh}", None, None
                )
        token = _current_token(client, url)  # before the query: a change meanwhile shows next time
        response = client.report(url, _QUERY.format(start=_stamp(start), end=_stamp(end)), 1)
        if int(response.status) in (401, 403):
            raise FetchError(f"{shown}: the server refused the user name or password")
        if int(response.status) not in (200, 207):
            raise FetchError(f"{shown}: the server answered HTTP {response.status}")
        results = response.parse_calendar_query()
    except FetchError:
        raise
    except Exception as exc:
        raise FetchError(_said(shown, exc)) from None
    objects = [(r.href, r.calendar_data) for r in results if r.calendar_data]
    if sum(len(text) for _, text in objects) > max_bytes:
        raise FetchError(f"{shown}: the calendar is larger than {max_bytes // 1_000_000} MB")
    body = _joined(objects)
    validator = _VALIDATOR + f"{window} {token}" if token else None
    if validator is not None and len(validator) > MAX_VALIDATOR:
        validator = None  # longer than the column: read in full each time
    return FetchResult("ok", body, validator, None, hashlib.sha256(body).hexdigest())


def _known_token(etag: str | None, window: str) -> str | None:
    """The sync-token kept from the last read of this same window, if any."""
    if not etag or not etag.startswith(_VALIDATOR):
        return None
    kept_window, _, token = etag[len(_VALIDATOR) :].partition(" ")
    return token if kept_window == window and token else None


def _current_token(client: Any, url: str) -> str | None:
    """The collection's sync-token now; None when the server keeps none (then every sync
    reads the events, and the body's hash still skips the parse when nothing changed)."""
    try:
        response = client.request(url, "PROPFIND", _TOKEN_PROPFIND, {"Depth": "0"})
        if int(response.status) != 207:
            return None
        found = _TOKEN.search(str(response.raw))
    except Exception:
        return None
    return found.group(1) if found else None


def _unchanged_since(client: Any, url: str, token: str) -> str | None:
    """The new sync-token when nothing changed since ``token``; None when something did (or
    the server cannot say: an expired token, no sync support)."""
    from xml.sax.saxutils import escape

    try:
        response = client.report(url, _SYNC.format(token=escape(token)), 0)
        if int(response.status) != 207:
            return None
        raw = str(response.raw)
    except Exception:
        return None
    found = _TOKEN.search(raw)
    if found is None or _RESPONSE.search(raw):
        return None
    return found.group(1)


# What a failed read says, by a word in the error's class name (the first that matches).
_SAID_BY_NAME = (
    ("Timeout", "the server did not answer in time"),
    ("Connection", "the server could not be reached (connection failed)"),
)


def _said(shown: str, exc: Exception) -> str:
    from caldav.lib import error

    if isinstance(exc, error.AuthorizationError):
        return f"{shown}: the server refused the user name or password"
    name = type(exc).__name__
    said = next((said for word, said in _SAID_BY_NAME if word in name), None)
    return f"{shown}: {said or f'the calendar could not be read ({name})'}"
