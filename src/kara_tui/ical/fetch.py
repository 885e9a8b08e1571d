"""Fetch a feed over http(s) or from a local file, with a deadline, a byte cap and masked errors."""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import re
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit

if TYPE_CHECKING:
    # The network fetch's own: a local feed never needs them (httpx brings ssl and socket).
    import socket
    import ssl

    import httpx

USER_AGENT = "kara-tui (calendar feed reader)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_SECRET_SEGMENT = 12  # path segments longer than this may be tokens
_TICK = 0.1  # how often a waiting fetch looks at its deadline and at its cancel event


# Never compared, hashed or shown: no generated __eq__, __hash__ or __repr__ (each is
# compiled at import; issue 19).
@dataclass(frozen=True, eq=False, repr=False)
class FetchResult:
    """A fetched body, or word that it has not changed since the given validators."""

    status: Literal["ok", "not_modified"]
    body: bytes | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None


class FetchError(Exception):
    """str() is one clear sentence that never contains the feed URL's secret parts.

    Feed URLs are secrets (Google's "secret address"): messages name the host at
    most, never the path or query; see :func:`mask_source`.
    """


class FetchCancelled(FetchError):
    """The fetch was stopped from outside (the app is closing) before the feed was read."""


# Addresses that are secrets; caldav+http(s) is a CalDAV calendar read as a feed (caldav_fetch.py).
_URL_SCHEMES = ("http", "https", "webcal", "caldav+http", "caldav+https")


def mask_source(source: str) -> str:
    """The source with anything that may be a secret masked, for lists and messages.

    Keeps scheme and host; drops user info; path segments longer than 12
    characters become "…" (or keep a short word prefix: "private-•••"); the
    query and fragment are masked whole. Local paths are shown as given.
    """
    try:
        parts = urlsplit(source.strip())
        port = parts.port
    except ValueError:  # a broken IPv6 host or port: nothing in it is worth showing
        scheme = source.strip().partition(":")[0].lower()
        return f"{scheme}://…" if scheme in _URL_SCHEMES else source
    scheme = parts.scheme.lower()
    if scheme not in _URL_SCHEMES:
        return source
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    if port:
        host = f"{host}:{port}"
    segments = []
    for segment in parts.path.split("/"):
        if len(segment) <= _SECRET_SEGMENT:
            segments.append(segment)
            continue
        match = re.match(r"^([A-Za-z]{2,12}[-_])", segment)
        segments.append(f"{match.group(1)}•••" if match else "…")
    masked = f"{scheme}://{host}{'/'.join(segments)}"
    if parts.query:
        masked += "?•••"
    return masked


def _hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _local_path(source: str) -> Path | None:
    """The path of a local-file source, or None when the source is a URL."""
    if source.lower().startswith("file:"):
        parts = urlsplit(source)
        if parts.netloc not in ("", "localhost"):
            raise FetchError("file: addresses must point to this computer")
        return Path(unquote(parts.path))
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source):
        return None
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", source) and not re.match(r"^[A-Za-z]:[\\/]", source):
        scheme = source.split(":", 1)[0]
        raise FetchError(
            f"feeds must be http(s), webcal or a local file, not a '{scheme}:' address"
        )
    return Path(source).expanduser()


def _read_file(path: Path, max_bytes: int) -> FetchResult:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise FetchError(f"{path} is not a file")
        if size > max_bytes:
            raise FetchError(f"the file is larger than the {_mb(max_bytes)} limit")
        with path.open("rb") as handle:
            body = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise FetchError(f"the file {path} does not exist") from None
    except PermissionError:
        raise FetchError(f"the file {path} cannot be read (permission denied)") from None
    except IsADirectoryError:
        raise FetchError(f"{path} is a folder, not a calendar file") from None
    except OSError as error:
        raise FetchError(f"the file {path} cannot be read ({error.strerror})") from None
    if len(body) > max_bytes:
        raise FetchError(f"the file is larger than the {_mb(max_bytes)} limit")
    _check_body(body)
    return FetchResult("ok", body, None, None, _hash(body))


def _mb(n: int) -> str:
    return f"{n / 1_000_000:g} MB"


def _check_body(body: bytes) -> None:
    """Refuse bodies that are certainly not a calendar, with the reason a person needs."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        raise FetchError("the server sent an empty response, not a calendar")
    if head.startswith((b"<!doctype", b"<html", b"<head", b"<body")) or (
        head.startswith(b"<") and b"<html" in body[:4096].lower()
    ):
        raise FetchError("the server sent a web page, not a calendar (a login page?)")


def _http_url(source: str) -> str:
    url = source.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    return url


class _Decoder:
    """Decompresses as the bytes arrive, never producing more than the cap allows.

    httpx's own decoders inflate a whole network chunk at once, so a gzip bomb
    could allocate hundreds of megabytes before any count is checked.
    """

    def __init__(self, encoding: str) -> None:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._inflater = None
        elif encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflater = zlib.decompressobj(32 + zlib.MAX_WBITS)
        else:
            raise FetchError(f"the server used a compression kara-tui cannot read ({encoding})")

    def feed(self, data: bytes, room: int) -> bytes:
        """Up to ``room + 1`` decoded bytes from ``data`` (one more proves the cap is exceeded)."""
        if self._inflater is None:
            return data
        out = bytearray()
        try:
            chunk = self._inflater.decompress(data, room + 1)
            out += chunk
            while self._inflater.unconsumed_tail and len(out) <= room:
                out += self._inflater.decompress(
                    self._inflater.unconsumed_tail, room + 1 - len(out)
                )
        except zlib.error:
            raise FetchError("the server sent damaged compressed data") from None
        return bytes(out)


def _status_error(code: int) -> FetchError:
    if code in (401, 403):
        return FetchError(
            f"the server refused access (HTTP {code}); the feed address may have been reset"
        )
    if code in (404, 410):
        return FetchError(
            f"the feed was not found (HTTP {code}); the address may have changed or been removed"
        )
    if code == 429:
        return FetchError("the server asked kara-tui to slow down (HTTP 429); try again later")
    if code >= 500:
        return FetchError(f"the server had an error (HTTP {code}); try again later")
    return FetchError(f"the server answered HTTP {code} instead of sending the calendar")


def fetch_feed(
    source: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    deadline_seconds: float = 30.0,
    max_bytes: int = 20_000_000,
    max_redirects: int = 5,
    cancel: threading.Event | None = None,
    verify: ssl.SSLContext | bool = True,
) -> FetchResult:
    """Fetch a feed body: conditional GET, redirects checked one by one, one deadline for all.

    ``webcal://`` means https. Local paths and ``file://`` URLs are read directly. The
    deadline bounds the whole fetch whatever the server does (connecting, every redirect,
    the headers and the body, however slowly they trickle in); the byte cap counts
    decompressed bytes. Setting ``cancel`` ends a fetch within a tenth of a second, its
    connection closed (the app is closing). ``verify``: the certificates to trust (the
    system's by default).

    Raises:
        FetchError: with one sentence that is safe to show and to log;
            FetchCancelled when ``cancel`` was set.
    """
    if cancel is not None and cancel.is_set():
        raise FetchCancelled("the sync was stopped before the feed was read")
    path = _local_path(source.strip())
    if path is not None:
        return _read_file(path, max_bytes)
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/calendar, application/ics;q=0.9, */*;q=0.5",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    exchange = _Exchange(
        _http_url(source),
        headers,
        deadline_seconds=deadline_seconds,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
        verify=verify,
    )
    return exchange.wait(cancel)


class _Exchange:
    """One fetch over the network, run in a daemon thread that the caller can walk away from.

    httpx's timeouts restart with every byte, and a byte count is only checked between
    chunks, so a server trickling a byte a second (in the headers or the body) would hold
    a plain fetch for minutes. Here the caller waits only until the deadline or ``cancel``;
    then the connection is shut, which ends the thread soon after (and a thread stuck where
    nothing can be shut, in a name lookup, is a daemon that never delays an exit).

    Every connection is also checked for where it leads (see ``_connected``).
    """

    def __init__(
        self,
        url: str,
        headers: dict[str, str],
        *,
        deadline_seconds: float,
        max_bytes: int,
        max_redirects: int,
        verify: ssl.SSLContext | bool,
    ) -> None:
        self._url = url
        self._headers = headers
        self._deadline_seconds = deadline_seconds
        self._deadline = time.monotonic() + deadline_seconds
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._verify = verify
        self.host = urlsplit(url).hostname or "the server"
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []  # our own handles on the open connections
        self._shut = False
        self._home: str | None = None  # the kind of address the first connection reached
        self._connections = 0
        self._done = threading.Event()
        self._result: FetchResult | None = None
        self._error: BaseException | None = None

    def late(self) -> FetchError:
        return FetchError(
            f"{self.host} did not send the calendar within {self._deadline_seconds:g} s"
        )

    def wait(self, cancel: threading.Event | None) -> FetchResult:
        """Run the fetch in its thread; return its result, or raise at the deadline or cancel."""
        threading.Thread(target=self._run, name="kara-fetch", daemon=True).start()
        try:
            while not self._done.wait(max(0.0, min(_TICK, self._deadline - time.monotonic()))):
                if cancel is not None and cancel.is_set():
                    raise FetchCancelled("the sync was stopped before the feed was read")
                if time.monotonic() >= self._deadline:
                    raise self.late()
        finally:
            if not self._done.is_set():
                self.shut()  # the thread ends as soon as its socket fails; nobody waits for it
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def _run(self) -> None:
        try:
            self._result = self._fetch()
        except BaseException as error:  # handed over to the caller's thread
            self._error = error
        finally:
            self.shut()
            self._done.set()

    def shut(self) -> None:
        """Close every connection of this fetch, now and as soon as any new one opens."""
        with self._lock:
            self._shut = True
            handles, self._sockets = self._sockets, []
        from socket import SHUT_RDWR

        for handle in handles:
            with contextlib.suppress(OSError):  # already closed by the other side
                handle.shutdown(SHUT_RDWR)  # wakes a read blocked in the other thread
            handle.close()

    def _connected(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: keep a handle on each new connection (so ``shut`` can end
        it), and refuse one that leads somewhere the original address did not (a redirect
        from the internet into the local network)."""
        if event != "connection.connect_tcp.complete":
            return
        stream = info["return_value"]
        sock: socket.socket = stream.get_extra_info("socket")
        peer = str(sock.getpeername()[0])
        kind = _address_kind(peer)
        with self._lock:
            self._connections += 1
            if self._connections == 1:
                self._home = kind  # the original URL's own kind of address
            refused = kind is not None and kind != self._home
            shut = self._shut
            if not (refused or shut):
                self._sockets.append(sock.dup())
        if refused or shut:
            stream.close()  # nothing was sent on it
        if refused:
            raise FetchError(
                f"the server redirected to a {kind} address ({peer}), which is not allowed"
            )
        if shut:
            raise self.late()

    def _fetch(self) -> FetchResult:
        import httpx

        url = self._url
        seen: set[str] = set()
        with httpx.Client(follow_redirects=False, trust_env=False, verify=self._verify) as client:
            for _hop in range(self._max_redirects + 1):
                _check_url(url)
                seen.add(url)
                self.host = urlsplit(url).hostname or "the server"
                result = _request(
                    client,
                    url,
                    self._headers,
                    self._deadline,
                    self._deadline_seconds,
                    self._max_bytes,
                    self.host,
                    self._connected,
                )
                if isinstance(result, FetchResult):
                    return result
                target = _redirect_target(url, result)
                if target in seen:
                    raise FetchError("the server redirected in a loop")
                url = target
        raise FetchError(f"the server redirected more than {self._max_redirects} times")


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(
            f"feeds must be http(s), webcal or a local file, not a '{parts.scheme}:' address"
        )
    if not parts.hostname:
        raise FetchError("the feed address has no host name")


def _redirect_target(current: str, location: str) -> str:
    """The address a redirect leads to, if it may be followed.

    The same host (see ``_same_host``) is followed freely, keeping the address's user and
    password; another host only over https and never with them. Where the connection
    leads is checked when it opens (``_Exchange._connected``): a loopback, link-local or
    private address only when the original address was one of the same kind.
    """
    target = urljoin(current, location)
    old, new = urlsplit(current), urlsplit(target)
    if new.scheme.lower() not in ("http", "https"):
        raise FetchError(
            f"the server redirected to a '{new.scheme or '?'}:' address, which is not allowed"
        )
    if old.scheme.lower() == "https" and new.scheme.lower() == "http":
        raise FetchError("the server redirected from https to plain http, which is not allowed")
    if _same_host(old, new):
        return target
    if new.scheme.lower() != "https":
        raise FetchError(
            "the server redirected to another host over plain http, which is not allowed"
        )
    # Credentials belong to the host they were written for: never sent on to another one.
    return urlunsplit(new._replace(netloc=new.netloc.rpartition("@")[2]))


def _same_host(old: SplitResult, new: SplitResult) -> bool:
    """Whether a redirect stays with the same server: the same host name as written
    (``localhost`` and ``127.0.0.1`` are two hosts) on the same port.

    Another port on the same machine counts as another host: it may be another service
    (an admin page on 127.0.0.1:8080). Only the usual upgrade from http's default port to
    https's counts as the same host.
    """
    if (old.hostname or "").lower() != (new.hostname or "").lower():
        return False
    before, after = _port(old), _port(new)
    return before == after or (before, after, new.scheme.lower()) == (80, 443, "https")


def _port(parts: SplitResult) -> int:
    try:
        port = parts.port
    except ValueError:
        raise FetchError("the server redirected to an address with a bad port number") from None
    return port if port is not None else (443 if parts.scheme.lower() == "https" else 80)


def _address_kind(address: str) -> str | None:
    """'loopback', 'link-local' or 'private' for an address outside the public internet
    (reserved and shared ranges count as private); None for a public one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if not ip.is_global or ip.is_multicast or ip.is_reserved:
        return "private"
    return None


def _request(
    client: httpx.Client,
    url: str,
    headers: dict[str, str],
    deadline: float,
    deadline_seconds: float,
    max_bytes: int,
    host: str,
    trace: Callable[[str, dict[str, Any]], None],
) -> FetchResult | str:
    """One GET: a result, or the Location of a redirect to follow."""
    import httpx

    late = FetchError(f"{host} did not send the calendar within {deadline_seconds:g} s")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise late
    try:
        with client.stream(
            "GET",
            url,
            headers=headers,
            timeout=httpx.Timeout(remaining),
            extensions={"trace": trace},
        ) as response:
            code = response.status_code
            if code in _REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"the server sent a redirect (HTTP {code}) without a target")
                return str(location)
            if code == 304:
                return FetchResult(
                    "not_modified",
                    None,
                    response.headers.get("ETag") or headers.get("If-None-Match"),
                    response.headers.get("Last-Modified") or headers.get("If-Modified-Since"),
                    None,
                )
            if code != 200:
                raise _status_error(code)
            declared = response.headers.get("Content-Length", "")
            encoding = response.headers.get("Content-Encoding", "")
            if declared.isdigit() and not encoding and int(declared) > max_bytes:
                raise FetchError(f"the calendar is larger than the {_mb(max_bytes)} limit")
            decoder = _Decoder(encoding)
            body = bytearray()
            for raw in response.iter_raw(_CHUNK):
                if time.monotonic() > deadline:
                    raise late
                body += decoder.feed(raw, max_bytes - len(body))
                if len(body) > max_bytes:
                    raise FetchError(f"the calendar is larger than the {_mb(max_bytes)} limit")
            if time.monotonic() > deadline:
                raise late
            data = bytes(body)
            _check_body(data)
            return FetchResult(
                "ok",
                data,
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
                _hash(data),
            )
    except httpx.TimeoutException:
        raise late from None
    except httpx.ConnectError as error:
        if "ssl" in str(error).lower() or "certificate" in str(error).lower():
            raise FetchError(
                f"the secure connection to {host} failed (certificate problem?)"
            ) from None
        raise FetchError(f"could not connect to {host} (no answer or name not found)") from None
    except httpx.RemoteProtocolError:
        raise FetchError("the download was cut off before the end of the calendar") from None
    except httpx.HTTPError:
        raise FetchError(f"the connection to {host} failed") from None
