"""The settings screen: every key of `settings show`, checked as the CLI checks it."""

from __future__ import annotations

from textual.widgets import Input, Label

from calendar_kit import notices, screen_text, settle, shown
from kara_tui.policy.settings import SETTINGS_KEYS, settings_text
from kara_tui.ui.screens.settings import SettingsScreen
from support.pilot import type_text


def field(app, key: str) -> Input:
    return app.screen.query_one(f"#{key}", Input)


async def test_shift_s_edits_settings_with_errors_beside_the_field(app, ids, cal_practice):
    before = cal_practice.professional()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsScreen)
        shown_values = {key: field(app, key).value for key in SETTINGS_KEYS}
        assert shown_values == settings_text(before)  # what `settings show` prints
        assert app.focused is field(app, "name")
        field(app, "working_hours").focus()
        await pilot.press("ctrl+a", "backspace")
        await type_text(pilot, "mon-thu 09:00-19:00; fri 9-3")
        await pilot.pause()
        assert "'fri 9-3' is not a day's working hours" in shown(app, "#working_hours-error")
        field(app, "late_fee_percent").focus()
        await pilot.press("ctrl+a", *"50")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsScreen)  # nothing saved while one is wrong
        assert "Not saved: fix Work hours first." in shown(app, "#status")
        assert cal_practice.professional() == before
        assert app.focused is field(app, "working_hours")
        await pilot.press("ctrl+a", "backspace")
        await type_text(pilot, "mon-thu 09:00-19:00; fri 09:00-15:00")
        await pilot.pause()
        assert shown(app, "#working_hours-error") == ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, SettingsScreen)
        pro = cal_practice.professional()
        assert str(pro.working_hours) == "mon,tue,wed,thu 09:00-19:00; fri 09:00-15:00"
        assert pro.late_fee_percent == 50
        assert "Settings saved: Late fee %, Work hours" in notices(app)


async def test_escape_discards_what_was_typed(app, ids, cal_practice):
    before = cal_practice.professional()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "settings: edit")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("ctrl+a", "backspace")
        await type_text(pilot, "Somebody else")
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, SettingsScreen)
        assert cal_practice.professional() == before
        assert "Settings saved" not in notices(app)
        assert "Settings" not in screen_text(app).split("\n")[0]


async def test_charging_attended_sessions_is_a_setting_off_by_default(app, ids, cal_practice):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        box = field(app, "charge_attended_sessions")
        assert box.value == "no"
        box.focus()
        await pilot.press("ctrl+a", *"perhaps")
        await pilot.pause()
        assert "must be yes or no, not 'perhaps'" in shown(app, "#charge_attended_sessions-error")
        await pilot.press("ctrl+a", *"yes")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, SettingsScreen)
        assert cal_practice.professional().charge_attended_sessions is True
        assert "Settings saved: Session fees" in notices(app)


async def test_every_label_fits_on_one_line_beside_its_field(app, ids):
    """'Session fees' wrapped: the screen's wider label lost to app.tcss's 11 columns."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsScreen)
        heights = {
            str(label.render()): label.region.height
            for label in app.screen.query(".field > Label").results(Label)
        }
        assert heights["Session fees"] == 1
        assert set(heights.values()) == {1}
