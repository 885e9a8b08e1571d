"""Every calendar key: press it, then check what the database holds and what the screen says."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from calendar_kit import at, notices, screen_text, settle
from kara_tui.domain import SessionStatus
from kara_tui.services.errors import NotFound
from kara_tui.ui.calendar_data import View
from kara_tui.ui.screens.confirm import ConfirmDialog
from kara_tui.ui.screens.details import DetailsScreen
from kara_tui.ui.screens.goto import GotoDialog
from kara_tui.ui.screens.help import HelpScreen
from kara_tui.ui.screens.search import SearchScreen


async def test_left_right_move_the_day_and_select_its_first_session(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert screen.cursor == date(2026, 11, 18)
        await pilot.press("l")
        await settle(app, pilot)
        assert screen.cursor == date(2026, 11, 19)
        assert screen.selected == ids["external"]
        await pilot.press("h", "h", "left")
        await settle(app, pilot)
        assert screen.cursor == date(2026, 11, 16)
        assert screen.selected == ids["attended"]
        await pilot.press("right")
        await settle(app, pilot)
        assert screen.selected == ids["late"]
        await pilot.press("h")  # Sunday 15th is in week 46: the range reloads
        await pilot.press("h")
        await settle(app, pilot)
        assert screen.cursor == date(2026, 11, 15)
        assert screen.selected is None
        assert "Week 46" in screen_text(app)
        assert "Sun 15 Nov: no sessions · n books one" in screen_text(app)


async def test_up_down_walk_sessions_in_time_order(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("k")
        assert screen.selected == ids["late"]  # cancelled sessions can be selected too
        await pilot.press("up", "down", "j", "j")
        assert screen.selected == ids["future"]
        assert screen.cursor == date(2026, 11, 18)


async def test_brackets_page_weeks_and_months_and_t_comes_back(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert screen.cursor == date(2026, 11, 25)
        assert "Week 48 · 23–29 November 2026" in screen_text(app)
        await pilot.press("3", "right_square_bracket")
        await settle(app, pilot)
        assert screen.view is View.MONTH
        assert screen.cursor == date(2026, 12, 25)
        assert "December 2026" in screen_text(app)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(app, pilot)
        assert "October 2026" in screen_text(app)
        await pilot.press("t")
        await settle(app, pilot)
        assert screen.cursor == date(2026, 11, 18)
        assert "November 2026" in screen_text(app)


@pytest.mark.parametrize(
    ("typed", "day", "title"),
    [
        ("2026-12-03", date(2026, 12, 3), "Week 49"),
        ("tomorrow", date(2026, 11, 19), "Week 47"),
        ("next monday", date(2026, 11, 23), "Week 48"),
    ],
)
async def test_g_goes_to_a_typed_date(app, ids, typed, day, title) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        assert isinstance(app.screen, GotoDialog)
        await pilot.press(*typed, "enter")
        await settle(app, pilot)
        assert app.screen.cursor == day
        assert title in screen_text(app)


async def test_g_explains_a_date_it_cannot_read_and_escape_changes_nothing(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("g", *"someday", "enter")
        await pilot.pause()
        assert isinstance(app.screen, GotoDialog)
        assert "not a date I can read" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.cursor == date(2026, 11, 18)


async def test_g_says_a_date_that_cannot_be_as_soon_as_it_is_typed(app, ids) -> None:
    # "2026-02-3" may still become a date ("…"); "2026-02-30" never will: said before enter.
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("g", *"2026-02-3")
        await pilot.pause()
        assert "…" in screen_text(app)
        await pilot.press("0")
        await pilot.pause()
        assert "2026-02-30 is not a day of the calendar" in screen_text(app)
        await pilot.press("backspace", "backspace", *"28")
        await pilot.pause()
        assert "not a day of the calendar" not in screen_text(app)
        assert "Saturday 28 February 2026" in screen_text(app)


async def test_slash_finds_sessions_by_client_and_jumps_to_the_next_one(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"anna")
        await settle(app, pilot)
        text = screen_text(app)
        assert "3 sessions, next upcoming first" in text
        assert "Mon 23 Nov 2026 10:00–10:50 Anna Smith" in text
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.selected == ids["next_week"]
        assert "Week 48" in screen_text(app)


async def test_a_marks_a_started_session_attended(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.screen.selected == ids["past"]
        await pilot.press("a")
        await settle(app, pilot)
        assert cal_practice.get_session(ids["past"]).status is SessionStatus.ATTENDED
        assert "Marked attended: Wed 18 Nov 2026 10:00–10:50 Anna Smith" in notices(app)
        assert "Anna Smith · ✓ attended" in screen_text(app)
        assert [e.action for e in cal_practice.history(ids["past"])] == ["book", "attend"]


async def test_a_on_a_future_session_says_why_and_changes_nothing(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "a")
        await settle(app, pilot)
        assert cal_practice.get_session(ids["future"]).status is SessionStatus.SCHEDULED
        assert "only after it has started" in notices(app)


async def test_x_on_a_future_session_says_so(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "x")
        await settle(app, pilot)
        assert "has not started yet" in notices(app)
        assert app.screen.id == "calendar"


async def test_x_on_a_started_session_opens_the_no_show_dialog(app, ids, cal_practice) -> None:
    from kara_tui.ui.screens.cancel import CancelDialog

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, CancelDialog)
        assert dialog.session_id == ids["past"]
        assert dialog.start_as_no_show
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id == "calendar"
        assert cal_practice.get_session(ids["past"]).status is SessionStatus.SCHEDULED


async def test_c_and_r_open_their_dialogs_for_the_selected_session(app, ids) -> None:
    from kara_tui.ui.screens.cancel import CancelDialog
    from kara_tui.ui.screens.reschedule import RescheduleDialog

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "c")
        await settle(app, pilot)
        assert isinstance(app.screen, CancelDialog)
        assert app.screen.session_id == ids["future"]
        assert not app.screen.start_as_no_show
        await pilot.press("escape", "r")
        await settle(app, pilot)
        assert isinstance(app.screen, RescheduleDialog)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id == "calendar"


async def test_a_dialog_that_returns_a_session_reloads_and_selects_it(
    app, ids, cal_practice
) -> None:
    from kara_tui.domain import Reason

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        moved = cal_practice.reschedule(ids["future"], at(24, 15), by=Reason.CLIENT)
        app.screen._after_dialog(moved)  # what a RescheduleDialog dismissing does
        await settle(app, pilot)
        assert app.screen.selected == moved.id
        assert "Week 48" in screen_text(app)
        assert "Tue 24 Nov 2026 15:00–15:50 Chloe Patel · ● scheduled" in screen_text(app)


async def test_palette_cancel_range_opens_the_range_dialog_on_the_cursor_day(app, ids) -> None:
    from kara_tui.ui.screens.cancel_range import CancelRangeDialog

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("l")
        await app.screen.run_action("cancel_range")
        await settle(app, pilot)
        assert isinstance(app.screen, CancelRangeDialog)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id == "calendar"


async def test_session_keys_are_hidden_when_they_do_not_apply(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert screen.check_action("cancel", ())
        await pilot.press("k")  # the late cancellation
        assert not screen.check_action("edit", ())
        # c, r, a, x stay on the keys: pressed here, they say why they do nothing.
        assert screen.check_action("cancel", ())
        assert screen.check_action("attend", ())
        assert screen.check_action("details", ())
        await pilot.press("h", "h", "h")  # Sunday 15: nothing selected
        await settle(app, pilot)
        assert not screen.check_action("details", ())
        assert screen.check_action("new", ())
        footer = screen_text(app).splitlines()[-1]
        assert "Cancel" not in footer and "New" in footer


async def test_shift_d_explains_delete_and_only_deletes_when_confirmed(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "D")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "only for a session booked by mistake" in text
        assert "cancel it instead (c)" in text
        await pilot.press("escape")
        await settle(app, pilot)
        assert cal_practice.get_session(ids["future"]).status is SessionStatus.SCHEDULED
        await pilot.press("D", "y")
        await settle(app, pilot)
        with pytest.raises(NotFound):
            cal_practice.get_session(ids["future"])
        assert "Deleted (booked by mistake)" in notices(app)
        assert app.screen.selected == ids["past"]  # the day's first session, not a ghost


async def test_enter_shows_details_with_cancellation_charges_and_history(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("k", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailsScreen)
        text = screen_text(app)
        assert f"Session {ids['late']}" in text
        assert "⊘ late · by client" in text
        assert "Cancelled by the client" in text
        assert "11 h · late" in text
        assert "60.00 GBP  late cancellation  Sponsored credit  paid" in text
        assert "book" in text and "cancel" in text
        assert "sponsored · 3 credits left" in text
        await pilot.press("escape")
        assert app.screen.id == "calendar"


async def test_question_mark_lists_every_key(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in (
            "previous day",
            "go to a date",
            "cancel the selected session",
            "delete a session booked by mistake",
            "block time off",
            "sessions: cancel range",
        ):
            assert words in text
        await pilot.press("escape")
        assert app.screen.id == "calendar"


async def test_coming_features_say_so_and_o_r_open_their_screens(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")  # syncs the feeds: the seeded feed's file is gone, a notice
        await settle(app, pilot)
        assert "Family: the file /family.ics does not exist" in notices(app)
        await pilot.press("O")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "OutboxScreen"
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ReportsScreen"


async def test_q_quits(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_busy_database_is_a_notice_not_a_crash(app, ids, cal_practice, db_url) -> None:
    from kara_tui.db.engine import make_engine
    from kara_tui.services.practice import Practice

    impatient = Practice(make_engine(db_url, busy_timeout_ms=50), cal_practice.clock)
    app.practice = impatient
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.practice = impatient
        blocker = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("a")
            await settle(app, pilot)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert "the database is busy" in notices(app)
        assert app.screen.id == "calendar"
    assert cal_practice.get_session(ids["past"]).status is SessionStatus.SCHEDULED


@pytest.mark.parametrize(
    ("name", "key", "said"),
    [
        ("late", "c", "This session is already cancelled (Cancelled by the client)."),
        ("late", "r", "This session is already cancelled (Cancelled by the client)."),
        ("late", "a", "This session is already cancelled (Cancelled by the client)."),
        ("late", "x", "This session is already cancelled (Cancelled by the client)."),
        ("attended", "c", "This session was attended; nothing to cancel."),
        ("attended", "r", "This session was attended; nothing to reschedule."),
        ("attended", "x", "This session was attended; nothing to mark as a no-show."),
        ("attended", "a", "This session is already marked attended."),
        ("future", "a", "a session can be marked attended only after it has started."),
    ],
)
async def test_session_keys_that_do_not_apply_say_why_and_change_nothing(
    app, ids, cal_practice, name, key, said
) -> None:
    before = cal_practice.get_session(ids[name])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.select(before)
        await settle(app, pilot)
        assert app.screen.selected == ids[name]
        await pilot.press(key)
        await settle(app, pilot)
        assert app.screen.id == "calendar"  # no dialog opened
        assert said in notices(app)
    assert cal_practice.get_session(ids[name]) == before
    assert len(cal_practice.list_sessions()) == 7  # nothing booked by a reschedule either


async def test_no_show_session_says_why_keys_do_nothing(app, ids, cal_practice) -> None:
    cal_practice.no_show(ids["past"], charge=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.select(cal_practice.get_session(ids["past"]))
        await settle(app, pilot)
        await pilot.press("x")
        await pilot.press("a")
        await settle(app, pilot)
        assert "This session is already marked as a no-show." in notices(app)
        assert "recorded as a no-show, so it cannot be marked attended" in notices(app)
    assert cal_practice.get_session(ids["past"]).status is SessionStatus.NO_SHOW


async def test_j_and_k_typed_while_a_week_loads_move_on_that_week(app, ids) -> None:
    """] then k, faster than the next week loads: k selects on the week being loaded (its
    last session up to the cursor's day), not on the week still shown."""
    from textual import events

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for key, char in (("right_square_bracket", "]"), ("k", "k")):
            event = events.Key(key, char)
            event.set_sender(app)
            app.post_message(event)  # no pause between them: the load is still running
        await settle(app, pilot)
        screen = app.screen
        assert screen.data.span.first == date(2026, 11, 23)
        assert screen.cursor == date(2026, 11, 23)
        assert screen.selected == ids["next_week"]
        assert "Week 48" in screen_text(app)


async def test_search_names_the_client_id_where_names_could_be_confused(
    app, ids, cal_practice
) -> None:
    smyth = cal_practice.add_client("Anna Smyth")
    cal_practice.book(smyth.id, at(25, 9), force=True)
    anna = cal_practice.find_client("Anna Smith")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.press(*"anna sm")
        await settle(app, pilot)
        text = screen_text(app)
        assert f"Wed 25 Nov 2026 09:00–09:50 Anna Smyth (client id {smyth.id})" in text
        assert f"Mon 23 Nov 2026 10:00–10:50 Anna Smith (client id {anna.id})" in text
