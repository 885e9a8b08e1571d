"""`sessions list` without --client or --status reads through the quick reads (no SQLAlchemy)
and prints exactly what the Practice's read prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from calendar_kit import seed_week
from kara_tui.cli import render
from kara_tui.clock import FixedClock
from kara_tui.services.practice import Practice


def _practice_json(practice: Practice, start: datetime | None, end: datetime | None) -> list:
    tz = practice.tz
    return [render.session_json(s, tz) for s in practice.list_sessions(start=start, end=end)]


def test_the_listing_is_the_practices(cli, practice: Practice) -> None:
    seed_week(practice)
    assert cli("sessions", "list", "--json").json() == json.loads(
        json.dumps(_practice_json(practice, None, None))
    )
    week = cli("sessions", "list", "--from", "2026-11-16", "--to", "2026-11-23", "--json").json()
    start, end = datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC)
    assert week == json.loads(json.dumps(_practice_json(practice, start, end)))
    assert any(s["cancellation"] and s["charges"] for s in week)
    text = cli("sessions", "list", "--from", "2026-11-16", "--to", "2026-11-23").out
    assert "Anna Smith" in text


def _listed_apart(tmp_path: Path, url: str, said: str) -> tuple[str, str]:
    """`sessions list --json` by ``main`` in a fresh interpreter on ``url``: the line it printed
    on stderr last (``said``, an expression over ``sys.modules``, then the exit code) and its
    standard output."""
    probe = (
        "import sys\n"
        "from kara_tui.cli import main\n"
        "code = main(['--db', sys.argv[1], 'sessions', 'list', '--json'])\n"
        f"print({said}, code, file=sys.stderr)\n"
    )
    env = {**os.environ, "KARA_NOW": "2026-11-16T08:00:00+00:00"}
    env.pop("KARA_DB", None)
    env["KARA_CONFIG"] = str(tmp_path / "none.toml")
    out = subprocess.run(
        [sys.executable, "-c", probe, url],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return out.stderr.strip().splitlines()[-1], out.stdout


def test_the_listing_needs_no_sqlalchemy(tmp_path: Path, engine, clock: FixedClock) -> None:
    practice = Practice(engine, clock)
    practice.ensure_professional()
    seed_week(practice)
    said, listed = _listed_apart(tmp_path, str(engine.url), "'sqlalchemy' in sys.modules")
    assert said == "False 0"
    assert len(json.loads(listed)) == len(practice.list_sessions())


def test_the_listing_imports_no_rule_it_does_not_print(
    tmp_path: Path, engine, clock: FixedClock
) -> None:
    """The cancellation rules and the settings' wording are for `sessions show` and `settings
    show`: `sessions list` (issue 13's benchmark) does not import them."""
    practice = Practice(engine, clock)
    practice.ensure_professional()
    seed_week(practice)
    rules = "('kara_tui.policy.cancellation', 'kara_tui.policy.settings')"
    said, listed = _listed_apart(
        tmp_path, str(engine.url), f"sorted(m for m in {rules} if m in sys.modules)"
    )
    assert said == "[] 0"
    assert len(json.loads(listed)) == len(practice.list_sessions())
