"""A small practice with one of everything, the app built by the real factory, and Pilot helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from calendar_kit import UI_NOW, seed_week
from kara_tui.clock import FixedClock
from kara_tui.config import Settings
from kara_tui.services.practice import Practice
from kara_tui.ui.app import KaraApp, make_app
from kara_tui.ui.themes import shipped_themes_dir
from support.databases import checkpointed, engine_from


# The calendar's own "now" and practice, so that other tests in this folder keep the suite's
# clock (Monday 08:00) from tests/conftest.py.
@pytest.fixture
def cal_clock() -> FixedClock:
    return FixedClock(UI_NOW, "Europe/London")


@pytest.fixture
def cal_practice(engine, cal_clock: FixedClock) -> Practice:
    p = Practice(engine, cal_clock)
    p.ensure_professional()
    return p


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(path=tmp_path / "config.toml", theme="kara-dark")


@pytest.fixture(scope="session")
def _seeded_week(
    tmp_path_factory: pytest.TempPathFactory,
    _migrated_template: Path,
    _fixed_machine_zone_and_locale,
) -> tuple[Path, dict[str, int]]:
    """The migrated template with the calendar's week seeded as ``cal_practice`` would seed it,
    made once a session (a worker's), and the ids: seeding costs a fifth of a second a test."""
    path = tmp_path_factory.mktemp("seeded") / "kara.db"
    engine = next(engine_from(_migrated_template, f"sqlite:///{path}"))
    practice = Practice(engine, FixedClock(UI_NOW, "Europe/London"))
    practice.ensure_professional()
    ids = seed_week(practice)
    engine.dispose()
    return checkpointed(path), ids


@pytest.fixture
def engine(request: pytest.FixtureRequest, db_url: str, _migrated_template: Path):
    """The test's database: a copy of the seeded week where the test asks for ``ids``."""
    template = _migrated_template
    if "ids" in request.fixturenames:
        template = request.getfixturevalue("_seeded_week")[0]
    yield from engine_from(template, db_url)


@pytest.fixture
def ids(cal_practice: Practice, _seeded_week: tuple[Path, dict[str, int]]) -> dict[str, int]:
    """The seeded week's ids (its rows are in the test's database already: see ``engine``)."""
    return dict(_seeded_week[1])


@pytest.fixture
def app(
    cal_practice: Practice, settings: Settings, cal_clock: FixedClock, ids: dict[str, int]
) -> KaraApp:
    return make_app(
        practice=cal_practice, settings=settings, clock=cal_clock, theme_dirs=[shipped_themes_dir()]
    )


@pytest.fixture
def empty_app(cal_practice: Practice, settings: Settings, cal_clock: FixedClock) -> KaraApp:
    return make_app(
        practice=cal_practice, settings=settings, clock=cal_clock, theme_dirs=[shipped_themes_dir()]
    )
