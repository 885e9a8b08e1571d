"""Themes: the shipped three load, a choice from the palette is saved and used at the next start,
a broken user theme is a notice naming its file, and high contrast reads without colour."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from calendar_kit import notices, screen_text, settle
from kara_tui.config import load
from kara_tui.domain import Reason
from kara_tui.ui.app import KaraApp, make_app
from kara_tui.ui.themes import load_themes, shipped_themes_dir
from support.pilot import type_text

SHIPPED = {"kara-dark", "kara-light", "kara-high-contrast"}


def test_the_shipped_themes_are_found_through_the_package() -> None:
    loaded = load_themes([shipped_themes_dir()])
    assert {t.name for t in loaded.themes} == SHIPPED
    assert loaded.problems == []
    dark = {t.name: t.dark for t in loaded.themes}
    assert dark == {"kara-dark": True, "kara-light": False, "kara-high-contrast": True}


def restart(app: KaraApp, config: Path) -> KaraApp:
    """The app as the CLI would build it at the next start, from the same config file."""
    return make_app(
        practice=app.practice,
        settings=load(config),
        clock=app.clock,
        theme_dirs=[shipped_themes_dir()],
    )


@pytest.mark.parametrize("theme", sorted(SHIPPED - {"kara-dark"}))
async def test_a_theme_chosen_in_the_palette_is_saved_and_used_next_time(
    app: KaraApp, settings, theme: str
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.theme == "kara-dark"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, f"theme: {theme}")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.theme == theme
        switched = (dict(app.stylesheet._variables), set(app.classes), screen_text(app))
    assert f'theme = "{theme}"' in settings.path.read_text(encoding="utf-8")
    again = restart(app, settings.path)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(again, pilot)
        assert again.theme == theme
        # Started with the theme (chosen without Textual's watcher, before any CSS is
        # parsed): the same variables, classes and screen as switched to it while running.
        started = (dict(again.stylesheet._variables), set(again.classes), screen_text(again))
        assert started == switched


async def test_textuals_own_theme_list_is_remembered_too(app: KaraApp, settings) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.search_themes()  # the palette's "Theme" command
        await pilot.pause()
        await pilot.press(*"kara-light")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.theme == "kara-light"
    assert restart(app, settings.path).theme == "kara-light"


BROKEN = {
    "bad-toml.toml": ('name = "oops\nprimary = "#ffffff"\n', "not valid TOML"),
    "no-primary.toml": (
        'name = "no-primary"\nbackground = "#000000"\n',
        "'primary' colour is missing",
    ),
    "bad-colour.toml": (
        'name = "bad-colour"\nprimary = "#ff00zz"\n',
        "'primary' = '#ff00zz' is not a colour",
    ),
    "bad-state.toml": (
        'name = "bad-state"\nprimary = "#ffffff"\n[variables]\nsession-late = "loud"\n',
        "'variables.session-late' = 'loud' is not a colour",
    ),
}


async def test_broken_user_themes_are_reported_with_their_path_and_the_app_starts(
    cal_practice, cal_clock, ids, tmp_path: Path
) -> None:
    user = tmp_path / "themes"
    user.mkdir()
    for name, (text, _) in BROKEN.items():
        (user / name).write_text(text, encoding="utf-8")
    (user / "mine.toml").write_text('name = "mine"\nprimary = "#336699"\n', encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text('theme = "bad-colour"\n', encoding="utf-8")
    app = make_app(
        practice=cal_practice,
        settings=load(config),
        clock=cal_clock,
        theme_dirs=[shipped_themes_dir(), user],
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        said = notices(app)
        for name, (_, why) in BROKEN.items():
            assert f"theme skipped: {user / name}: " in said, name
            assert why in said, name
        assert "theme 'bad-colour' not found; using kara-dark" in said
        assert app.theme == "kara-dark"
        assert "mine" in app.available_themes
        assert "Anna Smith" in screen_text(app)  # the calendar is there
    # Falling back is not choosing: the user's choice stays in the file for when it is fixed.
    assert 'theme = "bad-colour"' in config.read_text(encoding="utf-8")


async def test_high_contrast_says_every_state_in_words_and_glyphs(
    app: KaraApp, ids, cal_practice
) -> None:
    cal_practice.no_show(ids["past"])
    cal_practice.cancel(ids["next_week"], Reason.PROFESSIONAL)
    app.theme = "kara-high-contrast"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("h", "h", "4")  # the agenda from Monday: one session in each state
        await settle(app, pilot)
        rows = [line for line in screen_text(app).splitlines() if line.startswith("  ▌")]
        states = [re.split(r"\s{2,}", row.strip())[2] for row in rows]
    expected = [
        "✓ attended",
        "⊘ late · by client",
        "✗ no-show",
        "● scheduled",
        "● scheduled ⚠ conflict",
        "● scheduled",
        "⊘ cancelled · by you",
    ]
    assert states == expected, rows
    # With the colour gone, each kind of state still reads differently (and starts with its
    # own glyph), so the theme loses nothing for a screen reader or a monochrome terminal.
    kinds = set(expected)
    assert len(kinds) == 6
    assert len({k.split()[0] for k in kinds}) == 4  # ✓ ✗ ● ⊘, plus ⚠ and the words
