"""The calendar's D refuses what is on record, saying why; u undoes an attendance mark."""

from __future__ import annotations

from textual.widgets import Button

from calendar_kit import notices, screen_text, settle
from kara_tui.domain import SessionStatus
from kara_tui.ui.screens.confirm import ConfirmDialog
from support.pilot import type_text


async def test_shift_d_on_a_charged_cancellation_shows_the_reason_and_no_delete_button(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("k", "D")  # Tuesday's late cancellation, charged by credit
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "This session cannot be deleted" in text
        assert "is cancelled with a charge of 60.00 GBP" in text
        assert not app.screen.query("#confirm")
        await pilot.press("y")  # no way to say yes
        await settle(app, pilot)
        assert cal_practice.get_session(ids["late"]).status is SessionStatus.CANCELLED
        assert len(cal_practice.get_session(ids["late"]).charges) == 1


async def test_shift_d_question_names_the_state(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "D")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "is scheduled: never attended, charged or announced" in screen_text(app)
        assert app.screen.query_one("#confirm", Button).label.plain == "Delete"


async def test_u_undoes_attended_and_shows_only_where_it_applies(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert screen.selected == ids["past"]
        assert not screen.check_action("unmark", ())
        assert "Undo mark" not in screen_text(app).splitlines()[-1]
        await pilot.press("h", "h")  # Monday: the attended session
        await settle(app, pilot)
        assert screen.selected == ids["attended"]
        assert screen.check_action("unmark", ())
        assert "Undo mark" in screen_text(app).splitlines()[-1]
        await pilot.press("u")
        await settle(app, pilot)
        assert cal_practice.get_session(ids["attended"]).status is SessionStatus.SCHEDULED
        assert cal_practice.history(ids["attended"])[-1].action == "unmark"
        assert "Attendance undone" in notices(app)
        assert not screen.check_action("unmark", ())


async def test_palette_offers_undo_attendance_on_a_marked_session(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("h", "h")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "session: undo")
        await pilot.pause(0.3)
        assert "session: undo attendance" in screen_text(app)


async def test_a_theme_chosen_in_the_demo_is_applied_but_not_saved(
    cal_practice, cal_clock, ids, tmp_path
) -> None:
    from kara_tui.config import Settings
    from kara_tui.ui.app import make_app
    from kara_tui.ui.themes import shipped_themes_dir

    settings = Settings(path=tmp_path / "config.toml", theme="kara-dark", demo=True)
    app = make_app(
        practice=cal_practice, settings=settings, clock=cal_clock, theme_dirs=[shipped_themes_dir()]
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await app.screen.run_action("app.use_theme('kara-light')")
        await settle(app, pilot)
        assert app.theme == "kara-light"
        assert "applied for this demo only" in notices(app)
    assert not settings.path.exists()


async def test_the_welcome_screen_shows_the_zone_and_currency_and_how_to_change_them(
    empty_app,
) -> None:
    from kara_tui.ui.screens.welcome import WelcomeScreen

    async with empty_app.run_test(size=(120, 40)) as pilot:
        await settle(empty_app, pilot)
        assert isinstance(empty_app.screen, WelcomeScreen)
        text = screen_text(empty_app)
        assert "Europe/London, this machine's (kara-tui settings set timezone ZONE)" in text
        assert "GBP (kara-tui settings set default_currency CODE)" in text
