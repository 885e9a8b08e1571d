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


@pytest.fixture
def ids(cal_practice: Practice) -> dict[str, int]:
    return seed_week(cal_practice)


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
