"""A cold `feeds sync` whole process loads only what the sync it runs needs (issue 19 item 2):
a local file feed is read without the HTTP client."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from feedkit import MemoryKeyring, ics, week_of_events
from kara_tui.config import Settings
from kara_tui.services.feeds import Feeds
from kara_tui.services.practice import Practice


def _loaded(run: subprocess.CompletedProcess[str]) -> set[str]:
    return {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if "|" in line}


def test_a_cold_sync_of_a_local_feed_stores_it_without_loading_httpx(
    practice: Practice, db_url: str, tmp_path: Path
) -> None:
    feed = tmp_path / "work.ics"
    feed.write_bytes(ics(*week_of_events(5)))
    Feeds(practice, Settings(), keyring=MemoryKeyring()).add("Work", str(feed))
    env = {
        **os.environ,
        "KARA_DB": db_url,
        "KARA_NOW": practice.clock.now().isoformat(),
        "KARA_CONFIG": str(tmp_path / "config.toml"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kara_tui", "feeds", "sync"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines() == ["Work: 5 added, 0 updated, 0 removed, 0 unchanged"]
    loaded = _loaded(run)
    assert "kara_tui.ical.parse" in loaded  # it did parse: a cold sync, not the quick path
    assert "httpx" not in loaded
    assert "sqlalchemy" not in loaded  # a first sync of a local feed (services/feed_cold.py)
    assert "tomllib" not in loaded  # no config file to read
    # Catching DomainError and reading the practice's zone build none of the practice's
    # dataclasses (domain/__init__.py loads model.py on first use).
    assert "kara_tui.domain.model" not in loaded
