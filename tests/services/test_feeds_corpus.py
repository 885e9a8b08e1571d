"""Every real-world file of the shared corpus goes through the import service without a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from feedkit import MemoryKeyring
from kara_tui.config import Settings
from kara_tui.db.rows import ExternalEventRow
from kara_tui.services.feeds import Feeds

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "ical-corpus"
NOT_CALENDARS = {"README.md", "EXPECTED.md", "manifest.json", "UPSTREAM_LICENSE.txt"}


def _files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        p
        for p in CORPUS.rglob("*")
        if p.is_file() and p.name not in NOT_CALENDARS and p.suffix in (".ics", ".txt")
    )


@pytest.mark.slow
@pytest.mark.skipif(not _files(), reason="the shared corpus is not next to this checkout")
def test_every_corpus_file_imports_or_is_refused_with_a_reason(practice) -> None:
    # A horizon wide enough to reach the corpus's old events (2000s-2020s) and store them.
    feeds = Feeds(
        practice,
        Settings(horizon_past_days=365 * 30, horizon_future_days=365 * 3),
        keyring=MemoryKeyring(),
    )
    imported = refused = 0
    for path in _files():
        name = str(path.relative_to(CORPUS))
        report = feeds.import_file(path, name)
        assert report.message.startswith(f"{name}: "), report.message
        if report.ok:
            imported += 1
            feed = feeds.get(name)
            with practice.reading() as db:
                stored = db.scalar(
                    select(func.count())
                    .select_from(ExternalEventRow)
                    .join(ExternalEventRow.feed)
                    .where(ExternalEventRow.feed_id == feed.id)
                )
            assert stored == feed.event_count == report.added
            assert all(p.feed == name and p.reason for p in report.problems)
        else:
            refused += 1
            assert len(report.message) > len(name) + 2
            assert name not in [f.name for f in feeds.list()]  # no empty feed left behind
    assert imported > 100
    assert imported + refused == len(_files())
    # Importing every file again stores nothing new: the bodies are unchanged.
    again = [feeds.import_file(p, str(p.relative_to(CORPUS))) for p in _files()[:20]]
    assert all(r.skipped for r in again if r.ok)
