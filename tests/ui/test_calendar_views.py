"""The four views show what the database holds, in words as well as colours."""

from __future__ import annotations

from calendar_kit import screen_text, settle
from kara_tui.ui.screens.calendar import CalendarScreen
from kara_tui.ui.widgets.agenda import AgendaList
from kara_tui.ui.widgets.month import MonthGrid
from kara_tui.ui.widgets.week import WeekGrid


async def test_week_view_opens_on_today_with_sessions_states_and_blocks(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CalendarScreen)
        text = screen_text(app)
        assert "Week 47 · 16–22 November 2026" in text
        assert "Wed 18 · today" in text
        # The first session of today is selected and described in words.
        assert screen.selected == ids["past"]
        assert "Wed 18 Nov 2026 10:00–10:50 Anna Smith · ● scheduled" in text
        assert "✓ attended" in text
        assert "⊘ late · by cl" in text  # narrow columns cut with an ellipsis
        assert "⚠ 11:00 Ben Jon" in text  # overlaps the busy external event...
        assert "1 ● ⚠ 1 ◇ 1" in text  # ...which has a strip at the column's edge
        assert "time off: dent" in text


async def test_sessions_out_of_view_are_announced_and_j_walks_into_the_next_week(app, ids) -> None:
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        grid = app.screen.query_one(WeekGrid)
        bottom = grid.render_line(grid.size.height - 1).text
        assert "▼ 1 later" in bottom  # Friday's 19:00 session, below the working hours
        for _ in range(3):
            await pilot.press("j")
        await settle(app, pilot)
        assert app.screen.selected == ids["evening"]
        assert "19:00 Chloe" in screen_text(app)  # scrolled into view
        await pilot.press("j")  # past the end of the week: the next one loads
        await settle(app, pilot)
        assert app.screen.selected == ids["next_week"]
        assert "Week 48" in screen_text(app)
        await pilot.press("k")
        await settle(app, pilot)
        assert app.screen.selected == ids["evening"]
        assert "Week 47" in screen_text(app)


async def test_day_month_and_agenda_views(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Wednesday 18 November 2026 · today" in text
        assert "14:00–14:50  Chloe Patel" in text
        await pilot.press("l")  # Thursday: the external event drawn beside the session
        await settle(app, pilot)
        text = screen_text(app)
        assert "⚠ 11:00–11:50  Ben Jones" in text
        assert "┊11:30 School play" in text
        assert "┊◇ Family · busy" in text

        await pilot.press("3")
        await settle(app, pilot)
        assert app.screen.query_one(MonthGrid).display
        text = screen_text(app)
        assert "November 2026" in text
        assert "18 today" in text
        assert "⊘ 09:00 Ben Jones" in text

        await pilot.press("4")
        await settle(app, pilot)
        assert app.screen.query_one(AgendaList).display
        text = screen_text(app)
        assert "Agenda · 19 Nov – 16 Dec 2026" in text  # from the cursor's day
        assert "Thursday 19 November 2026" in text
        assert "● scheduled ⚠ conflict" in text
        assert "School play" in text
        assert "◇ Family · busy" in text
        assert "time off: dentist" in text
        assert "Monday 23 November 2026" in text

        await pilot.press("2")
        await settle(app, pilot)
        assert "Week 47" in screen_text(app)


async def test_names_are_shown_as_typed_never_as_markup(app, ids, cal_practice) -> None:
    from calendar_kit import at
    from kara_tui.db.rows import ClientRow

    eve = cal_practice.add_client("[red]Eve[/red]")
    with cal_practice.writing() as db:  # an old database: the service refuses ESC now
        db.get(ClientRow, eve.id).name = "[red]Eve[/red] \x1b[2J"
    cal_practice.book(eve.id, at(19, 15))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("l", "1")
        await settle(app, pilot)
        assert "[red]Eve[/red] [2J" in screen_text(app)


async def test_a_click_in_the_agenda_selects_a_session_or_moves_to_a_day(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        screen = app.screen
        agenda = screen.query_one(AgendaList)
        lines = list(agenda._lines)
        top = int(agenda.scroll_offset.y)
        session_at = next(
            y
            for y, line in enumerate(lines)
            if line.kind == "session" and line.item.id != screen.selected and y >= top
        )
        wanted = lines[session_at].item.id
        await pilot.click(AgendaList, offset=(10, session_at - top))
        await settle(app, pilot)
        assert screen.selected == wanted

        day_at = next(
            y
            for y, line in enumerate(lines)
            if line.kind == "day" and line.day != screen.cursor and y >= top
        )
        await pilot.click(AgendaList, offset=(10, day_at - top))
        await settle(app, pilot)
        assert screen.cursor == lines[day_at].day
