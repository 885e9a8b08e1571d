"""A notice in the open calendar a few minutes before the next session: off by default, the
minutes from the config, once per session (Pilot, with the clock moved by hand)."""

from __future__ import annotations

from calendar_kit import notices, settle
from kara_tui.ui.app import make_app
from kara_tui.ui.themes import shipped_themes_dir


def _app(cal_practice, settings, cal_clock, minutes: int):
    return make_app(
        practice=cal_practice,
        settings=settings.with_changes(notify_before_session_minutes=minutes),
        clock=cal_clock,
        theme_dirs=[shipped_themes_dir()],
    )


async def test_the_next_session_is_announced_once_a_few_minutes_before(
    ids, cal_practice, settings, cal_clock
) -> None:
    app = _app(cal_practice, settings, cal_clock, 5)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        calendar = app.screen
        calendar.heads_up()  # Wed 12:30: Chloe's 14:00 is an hour and a half away
        await settle(app, pilot)
        assert "Next session" not in notices(app)
        cal_clock.advance(hours=1, minutes=25, seconds=50)  # 13:55:50
        calendar.heads_up()
        await settle(app, pilot)
        assert [(n.title, n.message) for n in app._notifications if n.title] == [
            ("Next session in 5 min", "14:00–14:50 Chloe Patel")
        ]
        cal_clock.advance(minutes=2)
        calendar.heads_up()  # the same session: not again
        await settle(app, pilot)
        assert [n.title for n in app._notifications].count("Next session in 5 min") == 1
        assert "Next session in 3 min" not in [n.title for n in app._notifications]


async def test_it_is_off_unless_the_config_sets_the_minutes(
    ids, cal_practice, settings, cal_clock
) -> None:
    app = _app(cal_practice, settings, cal_clock, 0)
    assert settings.notify_before_session_minutes == 0  # the default
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        cal_clock.advance(hours=1, minutes=28)  # 13:58, two minutes before Chloe's
        app.screen.heads_up()
        await settle(app, pilot)
        assert not any((n.title or "").startswith("Next session") for n in app._notifications)
