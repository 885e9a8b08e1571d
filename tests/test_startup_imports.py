"""Opening the calendar loads only what its first screen needs: no SQLAlchemy (the week is read
with the stdlib sqlite3 driver, db.quick_reads), no Alembic (the database is up to date), no
feed parser, no HTTP, no keyring, no report code. These are imported when first used (the
Practice is built in the background once the week is drawn, or by the first key that needs
it), so the calendar starts quickly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from kara_tui.clock import FixedClock
from kara_tui.db.engine import make_engine
from kara_tui.db.schema import upgrade
from kara_tui.services.practice import Practice

NOT_AT_START = [
    "sqlalchemy",
    "kara_tui.db.rows",
    "kara_tui.services.practice",
    "icalendar",
    "recurring_ical_events",
    "httpx",
    "alembic",
    "keyring",
    "kara_tui.services.feeds",
    "kara_tui.services.report",
    "kara_tui.ical.parse",
    # The dialogs' common body and the series dialogs: imported when a dialog is first
    # opened; the domain's series rule: when a series is read or booked (FEW_LEFT is not it).
    "kara_tui.ui.screens._dialog",
    "kara_tui.ui.screens.series_actions",
    "kara_tui.domain.series",
    # The shipped themes are found beside the package, not through importlib.resources (whose
    # readers bring zipfile).
    "importlib.resources",
    "zipfile",
    # Used by a month step and the agenda's series marks, not by the first week.
    "calendar",
    "kara_tui.policy.series_place",
]

PROBE = """
import asyncio, json, sys
from kara_tui.cli import build_parser
from kara_tui.cli.context import Context
from kara_tui.ui import app as app_module
from kara_tui.ui.app import make_app
from kara_tui.ui.screens import calendar

# Hold back what the app starts after its first paint, so that what the first screen itself
# needed can be seen however slow this machine is.
calendar.PREPARE_AFTER_SECONDS = app_module.CLIENT_NAMES_AFTER_SECONDS = 600

args = build_parser().parse_args(["--db", sys.argv[1], "--config", sys.argv[2]])
ctx = Context.from_args(args)
app = make_app(services=ctx.services, settings=ctx.settings, clock=ctx.clock)

async def run():
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):  # until the week is drawn with its data
            await pilot.pause(0.05)
            if getattr(app.screen, "data", None) is not None:
                break
        drawn = app.screen.data is not None and len(app.screen.data.sessions) == 1
        modules = sorted(sys.modules)
        ctx.services.prepare()  # what the timer does after the first paint
        ctx.services.wait()
        sessions = len(ctx.practice.list_sessions())  # now through SQLAlchemy
        app.exit()
    return drawn, modules, sessions

drawn, modules, sessions = asyncio.run(run())
print(json.dumps({"drawn": drawn, "modules": modules, "sessions": sessions}))
"""


def test_the_first_screen_imports_no_sqlalchemy_alembic_feed_http_keyring_or_report_code(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'kara.db'}"
    engine = make_engine(url)
    upgrade(engine)  # an up-to-date database: the start-up check needs no Alembic
    practice = Practice(engine, FixedClock(datetime(2026, 11, 16, 8, tzinfo=UTC), "Europe/London"))
    anna = practice.add_client("Anna Smith")
    practice.book(anna.id, datetime(2026, 11, 17, 10, tzinfo=UTC))
    engine.dispose()
    env = {**os.environ, "KARA_NOW": "2026-11-16T08:00:00+00:00"}
    env.pop("KARA_DB", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, url, str(tmp_path / "none.toml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["drawn"], "the calendar never drew its week"
    loaded = set(result["modules"])
    assert "kara_tui.ui.screens.calendar" in loaded  # the probe did build the calendar
    assert "kara_tui.db.quick_reads" in loaded
    assert sorted(m for m in NOT_AT_START if m in loaded) == []
    assert result["sessions"] == 1  # the Practice built afterwards works


def test_the_calendar_parses_its_arguments_without_any_command_module() -> None:
    """A command's module (arguments and handler) is imported when that command is used."""
    probe = (
        "import sys\n"
        "from kara_tui.cli import build_parser\n"
        "build_parser().parse_args(['--db', 'sqlite:///x.db', '--privacy'])\n"
        "before = sorted(m for m in sys.modules if m.startswith('kara_tui.cli.'))\n"
        "build_parser().parse_args(['sessions', 'list', '--json'])\n"
        "after = sorted(m for m in sys.modules if m.startswith('kara_tui.cli.'))\n"
        "print(before, after)\n"
    )
    assert _printed(probe).strip() == (
        "['kara_tui.cli.context'] "
        "['kara_tui.cli.args', 'kara_tui.cli.context', 'kara_tui.cli.practice', 'kara_tui.cli.render']"
    )


def test_a_command_line_run_freezes_what_its_imports_built_and_a_call_with_arguments_not() -> None:
    """The cyclic collector skips, for the rest of a run, what imports built before main():
    it lives as long as the process. A caller passing its own arguments (tests) keeps its
    collector as it is."""
    probe = (
        "import gc, sys\n"
        "from kara_tui.cli import main\n"
        "for argv in (['--version'], None):\n"
        "    sys.argv = ['kara-tui', '--version']\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    print('frozen', gc.get_freeze_count() > 1000)\n"
    )
    lines = _printed(probe).splitlines()
    assert [line for line in lines if line.startswith("frozen")] == ["frozen False", "frozen True"]


def test_log_scrubbing_waits_for_logging_and_is_in_place_when_it_is_imported() -> None:
    """A command that loads nothing that logs (a `feeds sync` of a local file) does not import
    logging for the scrubbing; whatever imports it first gets it with the scrubbing factory
    already in place, before any record can be made."""
    probe = (
        "import sys\n"
        "from kara_tui.crash import install_log_scrubbing, remember_names\n"
        "install_log_scrubbing()\n"
        "install_log_scrubbing()  # twice is once\n"
        "print('logging' in sys.modules)\n"
        "import logging.handlers  # a submodule first, as libraries often do\n"
        "remember_names(['Anna Smith'])\n"
        "records = []\n"
        "class Keep(logging.Handler):\n"
        "    def emit(self, record):\n"
        "        records.append(self.format(record))\n"
        "log = logging.getLogger('kara-test')\n"
        "log.addHandler(Keep())\n"
        "log.warning('GET %s for %s', 'https://u:pw@cal.example.com/secret/a.ics', 'Anna Smith')\n"
        "print(records[0])\n"
        "print(logging.__spec__.origin.endswith('logging/__init__.py'), logging.LogRecord.__name__)\n"
        "print(any(type(f).__name__ == '_ScrubOnImport' for f in sys.meta_path))\n"
    )
    assert _printed(probe).splitlines() == [
        "False",
        "GET https://cal.example.com/… for A.Sm.",
        "True LogRecord",
        "False",
    ]


def _printed(probe: str) -> str:
    """What a fresh interpreter running ``probe`` prints."""
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    return out.stdout
