"""The time off screen: every block listed, block more, and remove one after a confirmation."""

from __future__ import annotations

from calendar_kit import at, notices, screen_text, settle
from kara_tui.ui.screens.confirm import ConfirmDialog
from kara_tui.ui.screens.time_off import TimeOffForm
from kara_tui.ui.screens.time_off_list import TimeOffScreen
from support.pilot import retype, type_text


async def test_shift_b_lists_time_off_and_removes_one_after_naming_it(app, ids, cal_practice):
    cal_practice.add_time_off(at(24, 0), at(29, 0), "holiday")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("B")
        await settle(app, pilot)
        assert isinstance(app.screen, TimeOffScreen)
        text = screen_text(app)
        assert "Fri 20 Nov 13:00–17:00" in text and "dentist" in text
        assert "Tue 24 Nov – Sat 28 Nov 2026, 5 days" in text and "holiday" in text
        await pilot.press("down", "d")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Tue 24 Nov – Sat 28 Nov 2026, 5 days (holiday)" in screen_text(app)
        await pilot.press("escape")  # no: nothing changes
        await settle(app, pilot)
        assert len(cal_practice.list_time_off()) == 2
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert [b.reason for b in cal_practice.list_time_off()] == ["dentist"]
        assert "Time off removed: Tue 24 Nov – Sat 28 Nov 2026, 5 days (holiday)" in notices(app)
        assert "holiday" not in screen_text(app)
        await pilot.press("b")
        await settle(app, pilot)
        assert isinstance(app.screen, TimeOffForm)
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, TimeOffScreen)


async def test_palette_opens_the_time_off_list(app, ids):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "time off: list")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TimeOffScreen)


async def test_a_backwards_range_is_explained_once_when_it_is_submitted(app, ids, cal_practice):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        assert isinstance(app.screen, TimeOffForm)
        await retype(pilot, app, "from", "2026-11-27")
        await retype(pilot, app, "to", "2026-11-25")
        await settle(app, pilot)
        assert screen_text(app).count("time off must end after it starts") == 1  # as typed
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, TimeOffForm)
        assert screen_text(app).count("time off must end after it starts") == 1  # not twice
        assert len(cal_practice.list_time_off()) == 1  # the seeded week's only block
        await retype(pilot, app, "to", "2026-11-28")  # mended: the range is said again
        await settle(app, pilot)
        assert "Blocks Fri 27 Nov – Sat 28 Nov 2026" in screen_text(app)


async def test_a_weekday_to_counts_from_the_from_day(app, ids, cal_practice):
    # Today is Wednesday 18 Nov: "mon" to "wed" blocks Mon 23 - Wed 25, echoed as such.
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        await retype(pilot, app, "from", "mon")
        await retype(pilot, app, "to", "wed")
        await settle(app, pilot)
        text = screen_text(app)
        assert "→ Wed 25 Nov 2026" in text
        assert "Blocks Mon 23 Nov – Wed 25 Nov 2026, 3 days" in text
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, TimeOffForm)
        assert any((t.start.day, t.end.day) == (23, 26) for t in cal_practice.list_time_off())
