"""Issue 11, the calendar's part: interactions that misled (j/k into empty weeks, bare feed
marks, initials read as times, warnings all called "Double booking", a stale grid, all-day
feed events taken as conflicts, a layout that cut and doubled its lines)."""

from __future__ import annotations

from calendar_kit import at, screen_text, settle
from kara_tui.ui.screens.confirm import ConfirmDialog
from support.pilot import retype, type_text


async def test_a_warning_is_titled_by_what_it_is_not_double_booking(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await type_text(pilot, "Anna Smith")
        await retype(pilot, app, "start", "2026-11-19 19:00")  # a free evening
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "Outside working hours" in text
        assert "Double booking" not in text
        await pilot.press("escape")
        await settle(app, pilot)
        await retype(pilot, app, "start", "2026-11-18 14:20")  # on Chloe's session
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Overlaps a session" in screen_text(app)
    assert cal_practice.list_sessions(start=at(19, 19), end=at(19, 20)) == []


async def test_the_week_view_shows_feed_events_by_their_titles(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        # Thursday: Ben's 11:00 session overlaps the feed's 11:30 School play; the event's
        # title is drawn where the session ends, the strip marks it beside the session.
        assert "│┊11:30 School play│" in text
        assert "┊◇ Family · busy" in text
        assert "▌● scheduled     ◇│" in text


async def test_j_and_k_jump_over_empty_weeks_and_stay_put_at_the_ends(
    app, ids, cal_practice
) -> None:
    from datetime import UTC, datetime

    from calendar_kit import notices

    later = cal_practice.book(ids["ben"], datetime(2027, 2, 3, 10, tzinfo=UTC))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        screen.select(cal_practice.get_session(ids["next_week"]))  # Mon 23 Nov
        await settle(app, pilot)
        await pilot.press("j")  # ten empty weeks later, in one key
        await settle(app, pilot)
        assert screen.selected == later.id
        assert "Week 5 ·" in screen_text(app)
        await pilot.press("j")  # the last session: stay, and say so
        await settle(app, pilot)
        assert screen.selected == later.id
        assert "No later session." in notices(app)
        await pilot.press("k")
        await settle(app, pilot)
        assert screen.selected == ids["next_week"]
        await pilot.press("]", "]", "]")  # an empty week, nothing selected
        await settle(app, pilot)
        assert screen.selected is None
        await pilot.press("j")
        await settle(app, pilot)
        assert screen.selected == later.id
        # From the first session of all, k says there is none earlier.
        screen.select(cal_practice.get_session(ids["attended"]))
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        assert screen.selected == ids["attended"]
        assert "No earlier session." in notices(app)


async def _book_from_the_cli(db_url: str, tmp_path) -> None:
    """``kara-tui sessions add`` in another process: another connection to the same file."""
    import asyncio
    import os
    import sys

    env = os.environ | {
        "KARA_DB": db_url,
        "KARA_NOW": "2026-11-18T12:30+00:00",
        "KARA_CONFIG": str(tmp_path / "cli-config.toml"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    args = ["sessions", "add", "--client", "Ben Jones", "--start", "2026-11-17 15:00"]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kara_tui", *args, env=env, stderr=asyncio.subprocess.PIPE
    )
    _, err = await proc.communicate()
    assert proc.returncode == 0, err


async def _until_shown(app, pilot, text: str) -> str:
    """Wait (without pressing a key) until ``text`` is on screen, or give up after a while."""
    for _ in range(40):
        await pilot.pause(0.25)
        if text in (shown := screen_text(app)):
            return shown
    return screen_text(app)


async def test_a_session_booked_by_the_cli_appears_without_a_key_press(
    app, ids, db_url, tmp_path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        selected = app.screen.selected
        assert "15:00 Ben" not in screen_text(app)
        await _book_from_the_cli(db_url, tmp_path)
        assert "15:00 Ben Jones" in await _until_shown(app, pilot, "15:00 Ben Jones")
        assert app.screen.selected == selected  # the selection stays


async def test_the_quick_reads_see_another_connections_write_too(
    cal_practice, ids, settings, cal_clock, db_url, tmp_path
) -> None:
    from kara_tui.db.quick_reads import QuickReader
    from kara_tui.ui.app import make_app
    from kara_tui.ui.deps import AppServices
    from kara_tui.ui.themes import shipped_themes_dir

    reads = QuickReader.open(db_url)
    assert reads is not None
    token = reads.change_token()
    assert reads.change_token() == token  # nothing written: the same value
    lazy = AppServices(lambda: cal_practice, quick=reads, clock=cal_clock)
    app = make_app(
        services=lazy, settings=settings, clock=cal_clock, theme_dirs=[shipped_themes_dir()]
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await _book_from_the_cli(db_url, tmp_path)
        assert reads.change_token() != token
        assert "15:00 Ben Jones" in await _until_shown(app, pilot, "15:00 Ben Jones")
    reads.close()


async def test_a_bad_time_is_said_once_not_on_two_lines(app, ids, cal_practice) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await type_text(pilot, "Anna Smith")
        await retype(pilot, app, "start", "2026-11-19 25:00")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen_text(app).count("'25:00' is not a time of day") == 1


def _fresh(cal_practice, settings, cal_clock):
    """Another app on the same practice (an app runs once)."""
    from kara_tui.ui.app import make_app
    from kara_tui.ui.themes import shipped_themes_dir

    return make_app(
        practice=cal_practice, settings=settings, clock=cal_clock, theme_dirs=[shipped_themes_dir()]
    )


async def test_the_title_bar_drops_parts_whole_when_narrow(
    ids, cal_practice, settings, cal_clock
) -> None:
    from kara_tui.ui.widgets.week import WeekGrid

    expected = {
        120: "Week 47 · 16–22 November 2026",
        80: "Week 47 · 16–22 November 2026",
        60: "Week 47 · 16–22 November 2026",
    }
    for width, height in ((120, 40), (80, 24), (60, 20)):
        app = _fresh(cal_practice, settings, cal_clock)
        async with app.run_test(size=(width, height)) as pilot:
            await settle(app, pilot)
            top = screen_text(app).splitlines()[0]
            assert top.startswith(" " + expected[width]), top
            assert "5 sessions" in top and "⚠ 1 conflict" in top, top
            assert "20265" not in top  # never run together
            # Session blocks keep the client's name, even when the time must go.
            grid = "\n".join(
                app.screen.query_one(WeekGrid).render_line(y).text for y in range(height - 6)
            )
            assert "Anna" in grid, (width, grid)
    app = _fresh(cal_practice, settings, cal_clock)
    async with app.run_test(size=(40, 20)) as pilot:
        await settle(app, pilot)
        top = screen_text(app).splitlines()[0]
        assert top.startswith(" Week 47") and "5 sessions" in top, top


def test_a_title_bar_gives_up_the_least_needed_part_first() -> None:
    from kara_tui.ui.format import fit_bar

    lefts = ["Week 50 · 7–13 December 2026", "Week 50 · 7–13 Dec", "Week 50"]
    rights = ["2 sessions", "⚠ 1 conflict", "", "Dr Sam Rivera", "Europe/London"]
    plan = [3, 4, None, 1, None, 2, 0]
    assert fit_bar(lefts, rights, plan, 200) == (
        lefts[0],
        "2 sessions · ⚠ 1 conflict · Dr Sam Rivera · Europe/London",
    )
    assert fit_bar(lefts, rights, plan, 60) == (lefts[0], "2 sessions · ⚠ 1 conflict")
    assert fit_bar(lefts, rights, plan, 46) == (lefts[1], "2 sessions · ⚠ 1 conflict")
    assert fit_bar(lefts, rights, plan, 45) == (lefts[1], "2 sessions")
    assert fit_bar(lefts, rights, plan, 20) == (lefts[2], "2 sessions")
    assert fit_bar(lefts, rights, plan, 8) == ("Week 50", "")
    assert fit_bar(lefts, rights, plan, 5) == ("Week…", "")


async def test_reports_and_outbox_have_no_stray_mark_at_the_top_left(
    ids, cal_practice, settings, cal_clock
) -> None:
    for key in ("R", "O"):
        app = _fresh(cal_practice, settings, cal_clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press(key)
            await settle(app, pilot)
            top = screen_text(app).splitlines()[0]
            assert "⭘" not in top, top
            assert ("Reports" if key == "R" else "Outbox") in top


async def test_a_wrapped_warning_hangs_under_its_first_word(app, ids) -> None:
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await type_text(pilot, "Anna Smith")
        await retype(pilot, app, "start", "2026-11-18 14:20")
        await settle(app, pilot)
        lines = screen_text(app).splitlines()
        first = next(i for i, line in enumerate(lines) if "⚠ This time overlaps" in line)
        column = lines[first].index("⚠")
        wrapped = lines[first + 1]
        assert "14:00" in wrapped, lines[first : first + 2]
        # The continuation starts under "This", not under the warning sign.
        assert wrapped[column : column + 2] == "  " and wrapped[column + 2] != " ", wrapped


def test_hanging_keeps_prose_and_indents_only_marked_lines() -> None:
    from rich.console import Console
    from rich.text import Text

    from kara_tui.ui.widgets.hanging import hanging

    console = Console(width=24, record=True)
    console.print(hanging(Text("A plain sentence that wraps here.\n  ⚠ a warning that wraps too")))
    assert [line.rstrip() for line in console.export_text().splitlines()] == [
        "A plain sentence that",
        "wraps here.",
        "  ⚠ a warning that wraps",
        "    too",
    ]


async def test_a_short_month_shows_a_session_not_only_a_count(
    ids, cal_practice, settings, cal_clock
) -> None:
    app = _fresh(cal_practice, settings, cal_clock)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        text = screen_text(app)
        assert "▌✓ Anna" in text and "▌⚠ Ben J" in text, text


async def test_an_event_that_began_above_the_view_shows_its_title_at_the_top(
    ids, cal_practice, settings, cal_clock
) -> None:
    from sqlalchemy import select

    from kara_tui.db.rows import ExternalEventRow, FeedRow

    with cal_practice.writing() as db:
        feed = db.scalars(select(FeedRow)).one()
        db.add(
            ExternalEventRow(
                feed_id=feed.id,
                uid="early@family",
                recurrence_id="",
                start=at(17, 6),
                end=at(17, 12),
                all_day=False,
                summary="Early shift",
                location="",
                busy=False,
                cancelled=False,
            )
        )
    app = _fresh(cal_practice, settings, cal_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "┊06:00 Early shift" in text, text
