"""Fetch a feed over http(s) or from a local file, with a deadline, a byte cap and masked errors."""

from __future__ import annotations

import hashlib
import re
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urljoin, urlsplit

import httpx

USER_AGENT = "kara-tui (calendar feed reader)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_SECRET_SEGMENT = 12  # path segments longer than this may be tokens


@dataclass(frozen=True)
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
        return f"{scheme}://…" if scheme in ("http", "https", "webcal") else source
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "webcal"):
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
) -> FetchResult:
    """Fetch a feed body: conditional GET, redirects checked one by one, one deadline for all.

    ``webcal://`` means https. Local paths and ``file://`` URLs are read
    directly. The deadline covers connecting, every redirect and the whole
    body (checked as bytes arrive); the byte cap counts decompressed bytes.

    Raises:
        FetchError: with one sentence that is safe to show and to log.
    """
    path = _local_path(source.strip())
    if path is not None:
        return _read_file(path, max_bytes)
    url = _http_url(source)
    deadline = time.monotonic() + deadline_seconds
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/calendar, application/ics;q=0.9, */*;q=0.5",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    seen: set[str] = set()
    with httpx.Client(follow_redirects=False, trust_env=False) as client:
        for _hop in range(max_redirects + 1):
            _check_url(url)
            seen.add(url)
            host = urlsplit(url).hostname or "the server"
            result = _request(client, url, headers, deadline, deadline_seconds, max_bytes, host)
            if isinstance(result, FetchResult):
                return result
            target = urljoin(url, result)
            _check_redirect(url, target)
            if target in seen:
                raise FetchError("the server redirected in a loop")
            url = target
    raise FetchError(f"the server redirected more than {max_redirects} times")


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(
            f"feeds must be http(s), webcal or a local file, not a '{parts.scheme}:' address"
        )
    if not parts.hostname:
        raise FetchError("the feed address has no host name")


def _check_redirect(current: str, target: str) -> None:
    old, new = urlsplit(current).scheme.lower(), urlsplit(target).scheme.lower()
    if new not in ("http", "https"):
        raise FetchError(
            f"the server redirected to a '{new or '?'}:' address, which is not allowed"
        )
    if old == "https" and new == "http":
        raise FetchError("the server redirected from https to plain http, which is not allowed")


def _request(
    client: httpx.Client,
    url: str,
    headers: dict[str, str],
    deadline: float,
    deadline_seconds: float,
    max_bytes: int,
    host: str,
) -> FetchResult | str:
    """One GET: a result, or the Location of a redirect to follow."""
    late = FetchError(f"{host} did not send the calendar within {deadline_seconds:g} s")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise late
    try:
        with client.stream(
            "GET", url, headers=headers, timeout=httpx.Timeout(remaining)
        ) as response:
            code = response.status_code
            if code in _REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"the server sent a redirect (HTTP {code}) without a target")
                return location
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
