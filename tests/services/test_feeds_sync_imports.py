"""A cold `feeds sync` whole process loads only what the sync it runs needs (issue 19 item 2):
a local file feed is read without the HTTP client."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from feedkit import MemoryKeyring, ics, week_of_events
from kara_tui.config import Settings
from kara_tui.services.feeds import Feeds
from kara_tui.services.practice import Practice
from support.importtime import run_cli


def test_a_cold_sync_of_a_local_feed_stores_it_without_loading_httpx(
    practice: Practice, db_url: str, tmp_path: Path
) -> None:
    feed = tmp_path / "work.ics"
    feed.write_bytes(ics(*week_of_events(5)))
    Feeds(practice, Settings(), keyring=MemoryKeyring()).add("Work", str(feed))
    run = run_cli("feeds", "sync", db_url=db_url, now=practice.clock.now(), home=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines() == ["Work: 5 added, 0 updated, 0 removed, 0 unchanged"]
    loaded = run.loaded
    assert "kara_tui.ical.parse" in loaded  # it did parse: a cold sync, not the quick path
    assert "httpx" not in loaded
    assert "sqlalchemy" not in loaded  # a first sync of a local feed (services/feed_cold.py)
    assert "tomllib" not in loaded  # no config file to read
    # Catching DomainError and reading the practice's zone build none of the practice's
    # dataclasses (domain/__init__.py loads model.py on first use).
    assert "kara_tui.domain.model" not in loaded


ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ sits beside src/, outside the installed package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import write_feed  # noqa: E402

# The reference path's libraries (and x-wr-timezone's click): a feed whose every VEVENT takes
# the fast path, with a plain head (VTIMEZONEs of IANA names), loads none of them (issue 19).
REFERENCE_LIBRARIES = ["icalendar", "recurring_ical_events", "x_wr_timezone", "click"]
# And what only the reference path uses: dateutil's rrule (the step counting of compat.py), the
# watchdog's ctypes; nor does catching MoneyError load the money code (domain/errors.py).
REFERENCE_ONLY = [
    "dateutil.rrule",
    "kara_tui.ical.compat",
    "kara_tui.ical.watchdog",
    "ctypes",
    "kara_tui.domain.money",
]


@pytest.mark.parametrize("mode", ["birthdays", "providers"])
def test_a_cold_sync_of_a_fast_path_feed_loads_no_icalendar_library(
    practice: Practice, db_url: str, tmp_path: Path, mode: str
) -> None:
    feed = tmp_path / f"{mode}.ics"
    stats = write_feed(feed, 300, mode=mode, seed=1, today=practice.clock.today())
    text = feed.read_text()
    assert "X-WR-TIMEZONE:" in text  # Google's exports name their zone: x-wr-timezone's rules
    if mode == "providers":
        assert "BEGIN:VTIMEZONE" in text and "TZID=America/New_York" in text
        assert "RECURRENCE-ID" in text and "EXDATE" in text and "DURATION:" in text
    Feeds(practice, Settings(), keyring=MemoryKeyring()).add("Work", str(feed))
    run = run_cli("feeds", "sync", db_url=db_url, now=practice.clock.now(), home=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("Work: ") and " added, 0 updated" in run.stdout
    assert stats.events == 300
    assert "kara_tui.ical.parse" in run.loaded  # it did parse
    assert sorted(m for m in REFERENCE_LIBRARIES if m in run.loaded) == []
    assert "kara_tui.ical.expand.reference" not in run.loaded
    assert sorted(m for m in REFERENCE_ONLY if m in run.loaded) == []
    assert "json" not in run.loaded  # only a feed's problems are stored as JSON: it has none
    assert "kara_tui.services.feed_wording" not in run.loaded  # only a refused body is worded
    assert "shlex" not in run.loaded  # only the warning about a readable database quotes
    assert "logging" not in run.loaded  # nothing here logs (crash.install_log_scrubbing waits)
    if mode == "birthdays":  # no UNTIL in UTC: dateutil's tzutc is not needed
        assert "dateutil.tz" not in run.loaded


def test_a_feed_the_fast_path_leaves_to_icalendar_still_loads_it(
    practice: Practice, db_url: str, tmp_path: Path
) -> None:
    feed = tmp_path / "custom.ics"
    body = (
        ics(*week_of_events(2))
        .decode()
        .replace(
            "END:VCALENDAR",
            "BEGIN:VEVENT\r\nUID:odd\r\nDTSTART;TZID=Customized Time Zone:"
            "20261118T100000\r\nDURATION:PT1H\r\nRDATE:20261119T100000Z/PT1H\r\nEND:VEVENT\r\n"
            "END:VCALENDAR",
        )
    )
    feed.write_text(body)
    Feeds(practice, Settings(), keyring=MemoryKeyring()).add("Work", str(feed))
    run = run_cli("feeds", "sync", db_url=db_url, now=practice.clock.now(), home=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "icalendar" in run.loaded and "recurring_ical_events" in run.loaded
