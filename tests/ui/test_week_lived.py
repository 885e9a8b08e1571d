"""What living a therapist's week in the calendar turned up: each slip a person makes, read
back as a clear line, nothing lost and nothing stored wrong."""

from __future__ import annotations

from datetime import UTC, datetime

from calendar_kit import settle, shown
from kara_tui.domain import Money
from kara_tui.domain.series import Repeat, SeriesRule
from kara_tui.services.series import SeriesBook
from kara_tui.ui.screens.cancel_range import CancelRangeDialog
from kara_tui.ui.screens.clients import ClientForm
from kara_tui.ui.screens.reports import ReportsScreen
from kara_tui.ui.screens.reschedule import RescheduleDialog
from kara_tui.ui.screens.series_actions import MoveDialog
from kara_tui.ui.screens.series_dialogs import EndSeriesDialog
from kara_tui.ui.screens.session_form import SessionForm
from support.pilot import field, notices, retype

THU_19 = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)  # the day after the calendar's today


async def keys(app, pilot, *pressed: str) -> None:
    """Press each key and let the app settle after it, as a person waits for the screen."""
    for key in pressed:
        await pilot.press(key)
        await settle(app, pilot)


def _client(practice, name: str, email: str = ""):
    return practice.add_client(name, email=email, fee=Money(9000, "GBP"))


async def test_credit_typed_for_a_private_client_is_refused_not_hidden(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await keys(app, pilot, "C", "a")
        assert isinstance(app.screen, ClientForm)
        await pilot.press(*"Ian Parr")
        await retype(pilot, app, "credit", "10", by_key=True)
        await keys(app, pilot, "ctrl+s")
        assert isinstance(app.screen, ClientForm)
        assert shown(app, "#error") == (
            "Ian Parr is a private client; sponsored credit is for sponsored clients"
        )
        assert field(app, "credit").value == "10"  # nothing typed is lost
    assert all(c.name != "Ian Parr" for c in cal_practice.list_clients())


async def _through_dialog(app, opening, dialog, field_id: str, typed: str, closing) -> str:
    """Open ``dialog`` with the ``opening`` keys, type into one field, close it with the
    ``closing`` keys; what the calendar said."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await keys(app, pilot, *opening)
        assert isinstance(app.screen, dialog)
        await retype(pilot, app, field_id, typed)
        await keys(app, pilot, *closing)
        assert app.screen.id == "calendar"
        return notices(app)


END_SERIES = ("j", "ctrl+p", *"series: end", "enter")


def _weekly(practice, name: str, count: int, email: str = ""):
    """A client seen weekly from THU_19; one with an email was sent the series."""
    client = _client(practice, name, email)
    rule = SeriesRule(Repeat.WEEKLY, count=count)
    SeriesBook(practice).book(client.id, THU_19, rule, notify=bool(email))
    return client


async def test_ending_a_series_says_a_notice_waits_only_when_one_was_queued(
    empty_app, cal_practice
) -> None:
    tara = _weekly(cal_practice, "Tara Nolan", 4)  # no email
    said = await _through_dialog(
        empty_app, END_SERIES, EndSeriesDialog, "end-from", "2026-12-03", ("ctrl+s",)
    )
    assert "Series ended from Thu 03 Dec 2026: 2 scheduled sessions removed." in said
    assert "outbox" not in said and "notices go out" not in said.lower()
    assert len(cal_practice.list_sessions(client_id=tara.id)) == 2


async def test_ending_an_announced_series_says_the_notice_waits_in_the_outbox(
    empty_app, cal_practice
) -> None:
    _weekly(cal_practice, "Dora Lee", 4, "dora@example.com")
    said = await _through_dialog(
        empty_app, END_SERIES, EndSeriesDialog, "end-from", "2026-12-10", ("ctrl+s",)
    )
    assert (
        "Series ended from Thu 10 Dec 2026: 1 scheduled session removed. "
        "The client's notice waits in the outbox (O to send it)."
    ) in said


async def test_moving_a_series_promises_no_notice_to_a_client_without_email(
    empty_app, cal_practice
) -> None:
    _weekly(cal_practice, "Tara Nolan", 3)  # no email
    said = await _through_dialog(
        empty_app, ("j", "r", "3"), MoveDialog, "move-to", "2026-11-20 15:00", ("enter",)
    )
    assert "3 sessions moved." in said and "notices go out" not in said


async def test_deleting_from_an_announced_series_says_the_notice_waits(
    empty_app, cal_practice
) -> None:
    dora = _weekly(cal_practice, "Dora Lee", 3, "dora@example.com")
    async with empty_app.run_test(size=(120, 40)) as pilot:
        await settle(empty_app, pilot)
        await keys(empty_app, pilot, "j", "D", "2", "tab", "enter")  # following: all three
    assert cal_practice.list_sessions(client_id=dora.id) == []
    assert "Removed from the series; it ends before them; notices go out from O." in notices(
        empty_app
    )


async def test_the_session_form_books_tomorrow_10_as_typed(empty_app, cal_practice) -> None:
    dora = _client(cal_practice, "Dora Lee")
    async with empty_app.run_test(size=(120, 40)) as pilot:
        await settle(empty_app, pilot)
        await keys(empty_app, pilot, "n")
        assert isinstance(empty_app.screen, SessionForm)
        await pilot.press(*"Dora")
        await retype(pilot, empty_app, "start", "tomorrow 10", by_key=True)
        await keys(empty_app, pilot, "ctrl+s")
        assert empty_app.screen.id == "calendar"
    [booked] = cal_practice.list_sessions(client_id=dora.id)
    assert booked.start == THU_19  # the practice is on GMT in November


async def _move_the_first(app, practice, client) -> str:
    practice.book(client.id, THU_19)
    closing = ("tab", "tab", "1", "ctrl+s")  # who asked: the client
    return await _through_dialog(
        app, ("j", "r"), RescheduleDialog, "start", "2026-11-20 11:00", closing
    )


async def test_a_move_for_a_client_without_email_promises_no_notice(
    empty_app, cal_practice
) -> None:
    tara = _client(cal_practice, "Tara Nolan")  # no email
    said = await _move_the_first(empty_app, cal_practice, tara)
    assert "Moved to Fri 20 Nov 2026 11:00–11:50 Tara Nolan" in said
    assert "the old time is kept as cancelled." in said
    assert "Notices go out" not in said


async def test_a_move_with_the_client_notified_says_the_notice_waits(
    empty_app, cal_practice
) -> None:
    dora = _client(cal_practice, "Dora Lee", "dora@example.com")
    said = await _move_the_first(empty_app, cal_practice, dora)
    assert "the old time is kept as cancelled. Notices go out from O." in said


def _report_keys(screen) -> set[str]:
    return {b.binding.key for b in screen.active_bindings.values()}


async def test_who_owes_shows_and_takes_no_period_or_sort_keys(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await keys(app, pilot, "R")
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert {"left_square_bracket", "d", "s"} <= _report_keys(screen)
        period = screen.report.period
        await keys(app, pilot, "o")
        hidden = {"left_square_bracket", "right_square_bracket", "d", "t", "s", "S"}
        assert not hidden & _report_keys(screen)
        await keys(app, pilot, "left_square_bracket", "o")  # [ changes no report out of sight
        assert screen.query_one("#reports-tabs").active == "reports-tab"
        assert screen.report.period == period
        assert "left_square_bracket" in _report_keys(screen)


async def test_cancelling_a_range_promises_no_notice_no_one_can_get(
    empty_app, cal_practice
) -> None:
    tara = _client(cal_practice, "Tara Nolan")  # no email: "1 not notified" in the dialog
    cal_practice.book(tara.id, THU_19)
    opening = ("ctrl+p", *"sessions: cancel range", "enter")
    said = await _through_dialog(
        empty_app, opening, CancelRangeDialog, "to", "2026-11-19", ("ctrl+s",)
    )
    assert "Cancelled 1 session; the days are blocked as time off." in said
    assert "Notices go out" not in said
