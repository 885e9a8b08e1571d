"""Issue 14 from the command line: repairs are notes in `feeds sync --json`, a cut-off feed fails."""

from __future__ import annotations

import shutil
from pathlib import Path

ICS = Path(__file__).resolve().parents[1] / "ics"


def test_sync_json_names_feed_uid_and_repair_and_the_length_is_a_setting(cli, tmp_path) -> None:
    (tmp_path / "config.toml").write_text("feed_unknown_length_minutes = 30\n")
    path = tmp_path / "work.ics"
    shutil.copyfile(ICS / "unreadable_dtend.ics", path)
    assert cli("feeds", "add", "Work", str(path)).code == 0
    synced = cli("feeds", "sync", "--json")
    assert synced.code == 0, synced.err
    [report] = synced.json()
    problems = {p["uid"]: p for p in report["problems"]}
    assert problems["bad-dtend@rfc.test"]["feed"] == "Work"
    assert "busy for 30 minutes" in problems["bad-dtend@rfc.test"]["reason"]
    events = cli("feeds", "events", "--from", "2026-12-01", "--to", "2026-12-02", "--json").json()
    (meeting,) = [e for e in events if e["uid"] == "bad-dtend@rfc.test"]
    assert meeting["start"][11:16] == "10:00" and meeting["end"][11:16] == "10:30"


def test_a_cut_off_feed_fails_the_sync_and_keeps_its_events(cli, tmp_path) -> None:
    path = tmp_path / "work.ics"
    shutil.copyfile(ICS / "three_events.ics", path)
    assert cli("feeds", "add", "Work", str(path)).code == 0
    assert cli("feeds", "sync").code == 0
    shutil.copyfile(ICS / "truncated_between_events.ics", path)
    failed = cli("feeds", "sync")
    assert failed.code != 0
    assert "incomplete" in failed.out + failed.err
    events = cli("feeds", "events", "--from", "2026-11-16", "--to", "2026-11-23", "--json").json()
    assert len(events) == 3
