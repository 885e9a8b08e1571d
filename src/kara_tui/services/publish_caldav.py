"""Writing the differences to a CalDAV calendar through the ``caldav`` library (one-way).

Each event is one resource named by its UID. A change is a PUT with the ETag kara-tui last
saw (If-Match), a new one a PUT that must not replace anything (If-None-Match: *), a removal
a DELETE with the ETag. Only resources kara-tui wrote are ever changed or deleted: a new
event that finds someone else's resource at its address leaves it alone, with a note.
What succeeded is returned even when the run stops half-way, so the next run catches up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin

from kara_tui.ical.caldav_failure import failure
from kara_tui.ical.fetch import mask_source
from kara_tui.ical.publish import written_by_us

TIMEOUT_SECONDS = 30
_OK = (200, 201, 204)


@dataclass(frozen=True, slots=True)
class Want:
    """An event the calendar should hold; ``label`` names it in notes (a time, never a name)."""

    uid: str
    sequence: int
    digest: str
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class Kept:
    """What kara-tui last wrote for one UID (a publish_state row)."""

    uid: str
    sequence: int
    digest: str
    href: str
    etag: str


@dataclass
class Outcome:
    """What a run did: the state to keep, the notes, and the error that stopped it, if any."""

    written: dict[str, Kept] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    error: str = ""
    unchanged: int = 0


class PublishStopped(Exception):
    """The server refused or could not be reached; the message is safe to show."""


def href_for(calendar_url: str, uid: str) -> str:
    return urljoin(calendar_url, quote(uid, safe="") + ".ics")


def differences(
    wants: Mapping[str, Want], kept: Mapping[str, Kept]
) -> tuple[list[Want], list[Kept]]:
    """What to PUT (new or changed) and what to DELETE (kara-tui's and no longer wanted)."""
    puts = [
        w
        for uid, w in wants.items()
        if uid not in kept or (kept[uid].digest, kept[uid].sequence) != (w.digest, w.sequence)
    ]
    deletes = [k for uid, k in kept.items() if uid not in wants]
    return puts, deletes


def publish(
    url: str,
    *,
    user: str,
    password: str | None,
    wants: Mapping[str, Want],
    kept: Mapping[str, Kept],
    client: Any = None,
    stop: Callable[[], bool] | None = None,
) -> Outcome:
    """Bring the calendar at ``url`` to ``wants``, writing only the differences.

    ``stop`` is asked before each request: the app is closing, the rest waits for next run.
    """
    outcome = Outcome()
    puts, deletes = differences(wants, kept)
    outcome.unchanged = len(wants) - len(puts)
    if not puts and not deletes:
        return outcome  # nothing to say to the server at all
    try:
        dav = client or _client(url, user, password)
        writer = _Writer(dav, url, outcome)
        for want in puts:
            _check(stop)
            writer.put(want, kept.get(want.uid))
        for gone in deletes:
            _check(stop)
            writer.delete(gone)
    except PublishStopped as exc:
        outcome.error = str(exc)
    except Exception as exc:  # never a traceback, never the address unmasked
        outcome.error = _unreachable(url, exc)
    return outcome


def _check(stop: Callable[[], bool] | None) -> None:
    if stop is not None and stop():
        raise PublishStopped("stopped as the calendar closed; the rest follows next run")


def _client(url: str, user: str, password: str | None) -> Any:
    from caldav.davclient import DAVClient

    return DAVClient(
        url=url,
        username=user or None,
        password=password if user else None,
        timeout=TIMEOUT_SECONDS,
        ssl_verify_cert=True,
        enable_rfc6764=False,
    )


_UNREACHABLE = {  # by caldav_failure's kind; {url} masked
    "refused": "{url} refused the user name or password",
    "timeout": f"{{url}} did not answer within {TIMEOUT_SECONDS} s",
    "certificate": "{url}: the server's TLS certificate could not be verified",
    "connection": "{url} could not be reached (connection failed)",
}


def _unreachable(url: str, exc: Exception) -> str:
    said = _UNREACHABLE.get(failure(exc), "{url} could not be written ({name})")
    return said.format(url=mask_source(url), name=type(exc).__name__)


class _Writer:
    """The requests of one run, each recorded in ``outcome`` as soon as it succeeded."""

    def __init__(self, dav: Any, url: str, outcome: Outcome) -> None:
        self.dav = dav
        self.url = url
        self.outcome = outcome

    def _status(self, response: Any, what: str) -> int:
        status = int(response.status)
        if status in _OK or status in (404, 412):
            return status
        if status in (401, 403):
            raise PublishStopped(f"{mask_source(self.url)} refused access (HTTP {status})")
        raise PublishStopped(f"{mask_source(self.url)} refused to {what} (HTTP {status})")

    @staticmethod
    def _etag(response: Any) -> str:
        value = response.headers.get("ETag") or response.headers.get("etag") or ""
        return str(value)

    def _put(self, href: str, text: str, condition: dict[str, str]) -> Any:
        headers = {"Content-Type": "text/calendar; charset=utf-8", **condition}
        return self.dav.put(href, text, headers)

    def _current(self, href: str) -> tuple[str, str] | None:
        """(text, etag) of the resource at ``href`` now, or None when there is none."""
        response = self.dav.request(href, "GET")
        if int(response.status) == 404:
            return None
        self._status(response, "read an event")
        raw = response.raw
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        return text, self._etag(response)

    def _done(self, want: Want, href: str, response: Any) -> None:
        self.outcome.written[want.uid] = Kept(
            want.uid, want.sequence, want.digest, href, self._etag(response)
        )

    def put(self, want: Want, kept: Kept | None) -> None:
        href = kept.href if kept is not None else href_for(self.url, want.uid)
        if kept is not None and kept.etag:
            condition = {"If-Match": kept.etag}
        elif kept is not None:
            condition = {}  # the server gave no ETag last time: the resource is ours anyway
        else:
            condition = {"If-None-Match": "*"}
        response = self._put(href, want.text, condition)
        status = self._status(response, "save an event")
        if status in _OK:
            self._done(want, href, response)
            return
        current = self._current(href)
        if current is None:  # deleted on the calendar by someone: ours, so it comes back
            response = self._put(href, want.text, {"If-None-Match": "*"})
        elif kept is None and not written_by_us(current[0], want.uid):
            self.outcome.notes.append(
                f"the calendar already holds an event kara-tui did not write where the "
                f"session of {want.label} goes; it was left alone"
            )
            return
        else:
            if kept is not None:
                self.outcome.notes.append(
                    f"the session of {want.label} was changed on the calendar by someone "
                    "else; kara-tui's version was written back"
                )
            response = self._put(href, want.text, {"If-Match": current[1]} if current[1] else {})
        if self._status(response, "save an event") not in _OK:
            raise PublishStopped(
                f"{mask_source(self.url)} kept changing the event of {want.label}; "
                "it is tried again next run"
            )
        self._done(want, href, response)

    def delete(self, gone: Kept) -> None:
        condition = {"If-Match": gone.etag} if gone.etag else {}
        status = self._status(self.dav.delete(gone.href, condition), "delete an event")
        if status == 412:  # ours, changed there by someone: removed all the same
            self.outcome.notes.append(
                "an event kara-tui had removed was changed on the calendar by someone else; "
                "it was removed all the same"
            )
            status = self._status(self.dav.delete(gone.href, {}), "delete an event")
        if status in (*_OK, 404):
            self.outcome.dropped.add(gone.uid)
