"""`kara-tui agenda`: the day's sessions for a login message, today by KARA_NOW, in text or
JSON, read without SQLAlchemy from an up-to-date SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from calendar_kit import seed_week
from kara_tui.services.practice import Practice


@pytest.fixture
def week(practice: Practice) -> dict[str, int]:
    return seed_week(practice)


def test_today_is_kara_now_and_each_session_says_what_to_know(cli, week) -> None:
    r = cli("agenda")  # KARA_NOW: Monday 16 November 2026, 08:00
    assert r.code == 0, r.err
    assert r.out == (
        "Mon 16 Nov 2026 · 1 session · Europe/London\n"
        "10:00–10:50  Anna Smith                Room 2 · ✓ attended\n"
    )
    r = cli("agenda", "--date", "tomorrow")
    assert r.out.splitlines()[1].startswith("09:00–09:50  Ben Jones")
    assert "⊘ cancelled" in r.out


def test_privacy_shows_initials(cli, week) -> None:
    r = cli("--privacy", "agenda")
    assert "Anna Smith" not in r.out and "A.Sm." in r.out
    assert cli("--privacy", "agenda", "--json").json()["sessions"][0]["client"] == "A.Sm."


def test_json_has_the_sessions_with_balance_and_series(cli, week, monkeypatch) -> None:
    monkeypatch.setenv("KARA_NOW", "2026-11-18T20:00:00+00:00")
    doc = cli("agenda", "--json").json()
    assert (doc["date"], doc["timezone"]) == ("2026-11-18", "Europe/London")
    assert [(s["id"], s["client"], s["start"], s["status"]) for s in doc["sessions"]] == [
        (week["past"], "Anna Smith", "2026-11-18T10:00:00+00:00", "scheduled"),
        (week["future"], "Chloe Patel", "2026-11-18T14:00:00+00:00", "scheduled"),
    ]
    first = doc["sessions"][0]
    assert (first["minutes"], first["series"], first["balance"]) == (50, None, [])


def test_a_day_without_sessions_and_a_bad_date(cli, week) -> None:
    assert cli("agenda", "--date", "2026-12-25").out == "No sessions on Fri 25 Dec 2026.\n"
    r = cli("agenda", "--date", "someday")
    assert (r.code, r.out) == (2, "")
    assert r.err.count("\n") == 1 and "'someday' is not a date" in r.err


def test_the_agenda_needs_no_sqlalchemy(tmp_path: Path, engine, week) -> None:
    probe = (
        "import sys\n"
        "from kara_tui.cli import main\n"
        "code = main(['--db', sys.argv[1], 'agenda', '--json'])\n"
        "print('sqlalchemy' in sys.modules, code, file=sys.stderr)\n"
    )
    env = {**os.environ, "KARA_NOW": "2026-11-18T08:00:00+00:00"}
    env.pop("KARA_DB", None)
    env["KARA_CONFIG"] = str(tmp_path / "none.toml")
    out = subprocess.run(
        [sys.executable, "-c", probe, str(engine.url)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert out.stderr.strip().splitlines()[-1] == "False 0"
    assert len(json.loads(out.stdout)["sessions"]) == 2


def test_a_series_session_says_its_place_in_text_and_json(cli, practice, monkeypatch) -> None:
    """Issue 17 item 3: the series position, flagged when two or fewer are left after now."""
    from datetime import UTC, datetime

    from kara_tui.domain import Money
    from kara_tui.domain.series import Repeat, SeriesRule
    from kara_tui.services.series import SeriesBook

    anna = practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    tue = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
    SeriesBook(practice).book(anna.id, tue, SeriesRule(Repeat.WEEKLY, count=3))
    monkeypatch.setenv("KARA_NOW", "2026-11-17T08:00:00+00:00")
    assert "session 1 of 3\n" in cli("agenda").out  # three to come: not yet flagged
    monkeypatch.setenv("KARA_NOW", "2026-11-17T12:00:00+00:00")  # today's is over
    r = cli("agenda")
    assert r.code == 0, r.err
    assert r.out.splitlines()[1] == (
        "10:00–10:50  Anna Smith                weekly on Tuesday, session 1 of 3 · ⚑ 2 left"
    )
    [entry] = cli("agenda", "--date", "2026-11-24", "--json").json()["sessions"]
    assert entry["series"] == "weekly on Tuesday, session 2 of 3 · ⚑ 2 left"


def test_a_client_owed_a_refund_is_said_to_be_owed_it(cli, week) -> None:
    cli("clients", "add", "Dee Owens", "--fee", "80")
    cli("sessions", "add", "--client", "Dee", "--start", "2026-11-20 10:00", "--prepaid")
    sessions = cli(
        "sessions", "list", "--from", "2026-11-20", "--to", "2026-11-21", "--json"
    ).json()
    cancelled = next(s["id"] for s in sessions if s["client"] == "Dee Owens")
    assert cli("sessions", "cancel", str(cancelled), "--reason", "professional",
               "--no-notify").code == 0  # fmt: skip
    cli("sessions", "add", "--client", "Dee", "--start", "2026-11-16 15:00")
    dee = next(line for line in cli("agenda").out.splitlines() if "Dee Owens" in line)
    assert dee.endswith("is owed 80.00 GBP"), dee
