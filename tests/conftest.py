"""Shared fixtures: a real SQLite file per test, a fixed clock, and the CLI run in-process."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from kara_tui.clock import FixedClock
from kara_tui.db.engine import make_engine
from kara_tui.db.schema import upgrade
from kara_tui.services.practice import Practice
from support.databases import checkpointed, engine_from, upgrade_from_copy
from support.examples import load_profile
from support.textual_caches import forget_finished_apps

load_profile()  # Hypothesis: every example, or fewer for `make test-fast`

# Monday 16 November 2026, 08:00 in London (GMT): a working week lies ahead.
NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="session", autouse=True)
def _fixed_machine_zone_and_locale():
    """A new database takes the machine's zone and the locale's currency: tests fix both to
    the defaults they were written for (Europe/London; a locale with no currency, so GBP).
    Session-wide, so that module fixtures building databases see it too."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TZ", "Europe/London")
        mp.delenv("LC_ALL", raising=False)
        mp.setenv("LC_MONETARY", "C")
        yield


@pytest.fixture(scope="session", autouse=True)
def _pilot_waits_for_stillness() -> None:
    """Pilot waits after each key for the app to be still, not for 20 ms slices of idle CPU
    (support/still.py): most of the time the Pilot tests took was those slices."""
    from support.still import install

    install()


@pytest.fixture(scope="session", autouse=True)
def _css_parsed_once() -> None:
    """Apps share the CSS rules parsed by an earlier app of the run (support/stylesheets.py)."""
    from support.stylesheets import share_parsed_rules

    share_parsed_rules()


def pytest_collection_finish(session: pytest.Session) -> None:
    """What the imports and the collection built lives as long as the run (a worker's): the
    cyclic collector need not walk it again at each full collection, as kara-tui's own
    start-up does (cli ``main``, ui ``_freeze_loaded_modules``). Objects the tests make are
    collected as usual."""
    gc.collect()
    gc.freeze()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Once a test and its fixtures are over, Textual's caches let go of its widgets
    (support/textual_caches.py)."""
    forget_finished_apps()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW, "Europe/London")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'kara.db'}"


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to HEAD, made once a session (a worker's, under xdist):
    copying it is much cheaper than running every migration for each test."""
    path = tmp_path_factory.mktemp("template") / "kara.db"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    eng.dispose()
    return checkpointed(path)


@pytest.fixture
def engine(db_url: str, _migrated_template: Path) -> Iterator[Engine]:
    yield from engine_from(_migrated_template, db_url)


@pytest.fixture
def practice(engine, clock: FixedClock) -> Practice:
    p = Practice(engine, clock)
    p.ensure_professional()
    return p


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    _migrated_template: Path,
) -> Callable[..., CliResult]:
    """Run ``kara-tui ARGS`` in-process on the test's database with the fixed clock (a new
    database is made as a copy of the migrated template: support/databases.py)."""
    from kara_tui.cli import main
    from kara_tui.db import schema

    monkeypatch.setattr(schema, "upgrade", upgrade_from_copy(_migrated_template))

    monkeypatch.setenv("KARA_DB", db_url)
    monkeypatch.setenv("KARA_NOW", NOW.isoformat())
    monkeypatch.setenv("KARA_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server of the machine's own, started once for the whole run.

    Without one the tests that need it are skipped locally, but fail where
    KARA_REQUIRE_POSTGRES=1 (``.ci/run`` installs PostgreSQL and sets it).
    """
    from pgserver import PgServer, server_bin

    bindir = server_bin()
    required = os.environ.get("KARA_REQUIRE_POSTGRES") == "1"
    why = "no PostgreSQL server installed (apt-get install postgresql, or run .ci/run)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        bindir, why = None, "the psycopg driver is not installed (pip install -e '.[postgres]')"
    if bindir is None:
        if required:
            pytest.fail(why)
        pytest.skip(why)
    server = PgServer(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    return pg_server.new_database()


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory):
    """A real Radicale CalDAV server on 127.0.0.1 without authentication, for the whole run."""
    from radicale_server import running

    with running(tmp_path_factory.mktemp("radicale")) as server:
        yield server


@pytest.fixture(scope="session")
def radicale_auth_server(tmp_path_factory):
    """A real Radicale that wants a user name and password (htpasswd)."""
    from radicale_server import running

    with running(tmp_path_factory.mktemp("radicale-auth"), auth=True) as server:
        yield server


@pytest.fixture
def caldav_url(radicale_server, request) -> str:
    """A new, empty calendar on the Radicale server for one test."""
    import re

    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:60]
    return radicale_server.calendar(name)
