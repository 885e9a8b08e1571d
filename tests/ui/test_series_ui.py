"""Series in the calendar: the form's Repeat and Ends with the clash list, ↻ and the details,
the three-way question on reschedule / edit / delete, and ending a series from the palette."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from calendar_kit import screen_text, settle
from kara_tui.domain import Money
from kara_tui.domain.series import Repeat, SeriesRule
from kara_tui.services.series import SeriesBook
from kara_tui.ui.screens.series_actions import MoveDialog
from kara_tui.ui.screens.series_dialogs import (
    EndSeriesDialog,
    ScopeDialog,
    SeriesConflictsDialog,
)
from kara_tui.ui.screens.session_form import SessionForm
from support.pilot import notices, retype

FIRST = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # Tue 24 Nov 16:00 (GMT)


def _dora(practice):
    return practice.add_client("Dora Lee", email="dora@example.com", fee=Money(7000, "GBP"))


async def test_the_form_books_a_series_and_skips_the_dates_that_clash(
    empty_app, cal_practice
) -> None:
    app = empty_app
    dora = _dora(cal_practice)
    holiday = datetime(2026, 12, 22, tzinfo=UTC)
    cal_practice.add_time_off(holiday, holiday + timedelta(days=1), "holiday")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionForm)
        await pilot.press(*"Dora")
        await retype(pilot, app, "start", "2026-11-24 16:00")
        await retype(pilot, app, "repeat", "weekly")
        await retype(pilot, app, "ends", "6")
        await settle(app, pilot)
        assert "↻ weekly on Tuesday, 6" in screen_text(app)  # "sessions" wraps
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SeriesConflictsDialog)
        text = screen_text(app)
        assert "1 of 6 sessions clash" in text
        assert "Tue 22 Dec 2026 16:00" in text and "falls in time off (holiday)" in text
        assert cal_practice.list_sessions(client_id=dora.id) == []  # nothing written yet
        await pilot.press("s")  # skip those dates
        await settle(app, pilot)
        assert app.screen.id == "calendar"
        said = notices(app)  # what was booked, not only its first session
        assert "5 sessions booked (1 clashing date skipped), the first: " in said
        booked = cal_practice.list_sessions(client_id=dora.id)
        assert len(booked) == 5
        assert holiday.date() not in {s.start.date() for s in booked}
        (series,) = SeriesBook(cal_practice).of_client(dora.id)
        assert series.exceptions == (datetime(2026, 12, 22, 16, tzinfo=UTC),)


async def test_bad_repeat_words_say_so_and_book_nothing(empty_app, cal_practice) -> None:
    app = empty_app
    dora = _dora(cal_practice)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"Dora")
        await retype(pilot, app, "repeat", "fortnightly")
        await settle(app, pilot)
        assert "'fortnightly' is not a repeat" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionForm)
        assert cal_practice.list_sessions(client_id=dora.id) == []


async def test_series_sessions_show_the_mark_and_the_details_say_where_they_stand(
    empty_app, cal_practice
) -> None:
    app = empty_app
    dora = _dora(cal_practice)
    SeriesBook(cal_practice).book(dora.id, FIRST, SeriesRule(Repeat.WEEKLY, count=3))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        assert "● scheduled ↻" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "↻ weekly on Tuesday, session 1 of 3" in text
        assert "Other sessions of series" in text
        assert "Tue 1 Dec 2026 16:00" in text
        await pilot.press("escape")
        await pilot.press("4")  # the agenda
        await settle(app, pilot)
        assert "● scheduled ↻" in screen_text(app)


async def test_reschedule_asks_the_scope_and_moves_the_following(empty_app, cal_practice) -> None:
    app = empty_app
    dora = _dora(cal_practice)
    booked = SeriesBook(cal_practice).book(dora.id, FIRST, SeriesRule(Repeat.WEEKLY, count=4))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, ScopeDialog)
        assert "This and following" in screen_text(app)
        await pilot.press("escape")  # none: nothing changes
        await settle(app, pilot)
        assert app.screen.id == "calendar"
        await pilot.press("r")
        await settle(app, pilot)
        await pilot.press("3")  # the whole series
        await settle(app, pilot)
        assert isinstance(app.screen, MoveDialog)
        await retype(pilot, app, "move-to", "2026-11-25 15:00")
        await pilot.pause()  # the typed time shows the moment it means, as in every form
        assert "→ Wed 25 Nov 2026 15:00" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        moved = cal_practice.list_sessions(client_id=dora.id)
        assert [s.start for s in moved] == [
            datetime(2026, 11, 25, 15, tzinfo=UTC) + timedelta(weeks=i) for i in range(4)
        ]
        assert [s.id for s in moved] == [s.id for s in booked.sessions]


async def test_delete_this_and_following_and_end_from_the_palette(empty_app, cal_practice) -> None:
    app = empty_app
    dora = _dora(cal_practice)
    book = SeriesBook(cal_practice)
    booked = book.book(dora.id, FIRST, SeriesRule(Repeat.WEEKLY, count=6))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"series: end")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, EndSeriesDialog)
        await retype(pilot, app, "end-from", "2026-12-15")
        await pilot.pause()
        assert "→ Tue 15 Dec 2026" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen.id == "calendar"
        left = cal_practice.list_sessions(client_id=dora.id)
        assert [s.id for s in left] == [s.id for s in booked.sessions[:3]]
        assert book.get(booked.series.id).ended_from == datetime(2026, 12, 15, tzinfo=UTC)
        await pilot.press("D")
        await settle(app, pilot)
        assert isinstance(app.screen, ScopeDialog)
        await pilot.press("2")
        await settle(app, pilot)
        assert "Delete from the series?" in screen_text(app)
        await pilot.press("tab", "enter")  # from the safe button to Delete
        await settle(app, pilot)
        assert cal_practice.list_sessions(client_id=dora.id) == []
        assert date(2026, 11, 24) == book.get(booked.series.id).ended_from.date()


async def test_time_off_blocked_later_over_a_series_shows_its_sessions_as_conflicts(
    empty_app, cal_practice
) -> None:
    app = empty_app
    dora = _dora(cal_practice)
    booked = SeriesBook(cal_practice).book(dora.id, FIRST, SeriesRule(Repeat.WEEKLY, count=2))
    cal_practice.add_time_off(FIRST - timedelta(hours=16), FIRST + timedelta(hours=8), "away")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        assert app.screen.selected == booked.sessions[0].id
        assert booked.sessions[0].id in app.screen.data.conflicts
        assert booked.sessions[1].id not in app.screen.data.conflicts
        assert "⚠" in screen_text(app)


async def test_the_agenda_flags_a_series_with_two_sessions_left(empty_app, cal_practice) -> None:
    app = empty_app
    dora, eve = _dora(cal_practice), cal_practice.add_client("Eve Ng", fee=Money(7000, "GBP"))
    SeriesBook(cal_practice).book(dora.id, FIRST, SeriesRule(Repeat.WEEKLY, count=2))
    SeriesBook(cal_practice).book(
        eve.id, FIRST + timedelta(days=1), SeriesRule(Repeat.WEEKLY, count=3)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        lines = screen_text(app).splitlines()
        assert [line for line in lines if "⚑ 2 left" in line] and all(
            "Dora Lee" in line for line in lines if "⚑" in line
        )


async def test_the_client_record_lists_the_clients_series(empty_app, cal_practice) -> None:
    from kara_tui.ui.screens.client_record import ClientRecordDialog

    app = empty_app
    dora = _dora(cal_practice)
    SeriesBook(cal_practice).book(dora.id, FIRST, SeriesRule(Repeat.WEEKLY, count=12))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("C")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientRecordDialog)
        assert "↻ 1: weekly on Tuesday at 16:00 from Tue 24 Nov 2026, 12 sessions" in screen_text(
            app
        )
