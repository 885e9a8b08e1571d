"""Snapshots of the calendar: the test practice, a fixed clock, size, theme and time zone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from calendar_kit import UI_NOW, seed_week
from kara_tui.clock import FixedClock
from kara_tui.config import Settings
from kara_tui.services.practice import Practice
from kara_tui.ui.app import KaraApp, make_app
from kara_tui.ui.themes import shipped_themes_dir


@pytest.fixture
def calendar_app(engine, tmp_path: Path) -> Callable[..., KaraApp]:
    """Build the real app on the test practice; the theme is fixed, never the user's own."""

    def build(theme: str = "kara-dark", *, empty: bool = False) -> KaraApp:
        clock = FixedClock(UI_NOW, "Europe/London")
        practice = Practice(engine, clock)
        practice.ensure_professional()
        if not empty:
            seed_week(practice)
        settings = Settings(path=tmp_path / "config.toml", theme=theme)
        return make_app(
            practice=practice, settings=settings, clock=clock, theme_dirs=[shipped_themes_dir()]
        )

    return build
