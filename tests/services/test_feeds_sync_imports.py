"""A cold `feeds sync` whole process loads only what the sync it runs needs (issue 19 item 2):
a local file feed is read without the HTTP client."""

from __future__ import annotations

from pathlib import Path

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
