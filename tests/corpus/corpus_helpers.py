"""Helpers for the corpus tests: where the corpus is and how to ask it a window question."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from kara_tui.ical.parse import Occurrence, ParseResult, parse_feed

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "ical-corpus"
NOT_CALENDARS = {"README.md", "EXPECTED.md", "manifest.json", "UPSTREAM_LICENSE.txt"}


def corpus_files() -> list[Path]:
    """Every data file of the corpus (148 .ics files and one .txt)."""
    if not CORPUS.is_dir():
        return []
    return sorted(
        path
        for path in CORPUS.rglob("*")
        if path.is_file() and path.name not in NOT_CALENDARS and path.suffix in (".ics", ".txt")
    )


def zone(name: str) -> tzinfo:
    return UTC if name == "UTC" else ZoneInfo(name)


def at(text: str, tz: str = "UTC") -> datetime:
    """'2020-05-25' or '2020-05-25T10:00[:00]' as an aware datetime in ``tz``."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=zone(tz))


@cache
def _body(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def query(
    name: str, start: str, end: str, tz: str = "UTC", default_tz: str = "UTC"
) -> list[Occurrence]:
    """Occurrences of a corpus file overlapping [start, end), both read in ``tz``."""
    return result(name, start, end, tz, default_tz).occurrences


def result(
    name: str, start: str, end: str, tz: str = "UTC", default_tz: str = "UTC"
) -> ParseResult:
    return parse_feed(
        _body(name),
        window_start=at(start, tz),
        window_end=at(end, tz),
        default_tz=zone(default_tz),
    )


def day(name: str, text: str, tz: str = "UTC", default_tz: str = "UTC") -> list[Occurrence]:
    """Occurrences overlapping one calendar day in ``tz``."""
    start = date.fromisoformat(text)
    return query(name, text, (start + timedelta(days=1)).isoformat(), tz, default_tz)


def instant(o: Occurrence) -> str:
    """A timed start as 'YYYY-MM-DDTHH:MM' UTC; an all-day start as 'YYYY-MM-DD'."""
    if isinstance(o.start, datetime):
        return o.start.strftime("%Y-%m-%dT%H:%M")
    return o.start.isoformat()


def local(value: date | datetime, tz: str) -> str:
    """A timed value as wall time 'YYYY-MM-DDTHH:MM' in ``tz``."""
    if isinstance(value, datetime):
        return value.astimezone(zone(tz)).strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()
