"""A process that re-syncs a feed again and again (the app's refresh) outlines each new body
from the one it stored last (ical/outline_delta.py): it must end exactly where separate
processes, and a cold import, end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_feeds_resync import (  # the autouse template database too
    NOW,
    _outcome,
    _practice_at,
    _sync,
    _template_database,  # noqa: F401
    added,
    dtstamps,
    generate_feed,
    moved,
    removed,
    several,
)

import kara_tui.services.feed_resync as resync_module
from feedkit import MemoryKeyring
from kara_tui.config import Settings
from kara_tui.services.feeds import Feeds


def test_an_app_that_resyncs_again_and_again_outlines_only_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(path=tmp_path / "config.toml")
    # Big enough for the shortcut (a body under 64 KB is outlined whole: it is quick).
    body_a = generate_feed(400, mode="history", seed=11, today=NOW.date()).encode()
    assert len(body_a) > 200_000
    body_b = moved(body_a, settings)[0]
    bodies = [body_a, body_b, body_a, body_b]  # one event moved and back, as the benchmark
    for edit in (moved, added, removed, several, dtstamps):
        bodies.append(edit(bodies[-1], settings)[0])
    bodies.append(body_a)

    delta: list[bool] = []
    real = resync_module.outline_after

    def spy(*args: Any) -> Any:
        found = real(*args)
        delta.append(found is not None)
        return found

    monkeypatch.setattr(resync_module, "outline_after", spy)
    (tmp_path / "app").mkdir()
    practice = _practice_at(tmp_path / "app" / "kara.db")
    feeds = Feeds(practice, settings, keyring=MemoryKeyring())  # one for all, as the app
    path = tmp_path / "app" / "work.ics"
    for index, body in enumerate(bodies):
        path.write_bytes(body)
        report = feeds.import_file(path, "Work")
        assert report.ok, report.message
        # After every sync, not just the last: a later whole parse would hide a miss.
        cold = _sync(tmp_path / f"cold{index}", "gen", [body], settings)
        now = _outcome(practice, feeds, report)
        assert (now.events, now.groups) == (cold.events, cold.groups), index
    practice.engine.dispose()
    assert sum(delta) >= 3  # the shortcut was taken (one event moved, and back)
