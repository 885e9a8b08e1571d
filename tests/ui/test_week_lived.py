"""What living a therapist's week in the calendar turned up: each slip a person makes, read
back as a clear line, nothing lost and nothing stored wrong."""

from __future__ import annotations

from datetime import UTC, datetime

from calendar_kit import settle, shown
from kara_tui.domain import Money
from kara_tui.domain.series import Repeat, SeriesRule
from kara_tui.services.series import SeriesBook
from kara_tui.ui.screens.clients import ClientForm
from kara_tui.ui.screens.reschedule import RescheduleDialog
from kara_tui.ui.screens.series_dialogs import EndSeriesDialog
from kara_tui.ui.screens.session_form import SessionForm
from support.pilot import field, notices, retype


async def test_credit_typed_for_a_private_client_is_refused_not_hidden(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("C")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientForm)
        await pilot.press(*"Ian Parr")
        await retype(pilot, app, "credit", "10", by_key=True)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientForm)
        assert shown(app, "#error") == (
            "Ian Parr is a private client; sponsored credit is for sponsored clients"
        )
        assert field(app, "credit").value == "10"  # nothing typed is lost
    assert all(c.name != "Ian Parr" for c in cal_practice.list_clients())


async def _end_series_from_the_palette(app, pilot, day: str) -> str:
    await pilot.press("j")
    await settle(app, pilot)
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    await pilot.press(*"series: end")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, EndSeriesDialog)
    await retype(pilot, app, "end-from", day)
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert app.screen.id == "calendar"
    return notices(app)


async def test_ending_a_series_says_a_notice_waits_only_when_one_was_queued(
    empty_app, cal_practice
) -> None:
    tara = cal_practice.add_client("Tara Nolan", fee=Money(9000, "GBP"))  # no email
    first = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    SeriesBook(cal_practice).book(tara.id, first, SeriesRule(Repeat.WEEKLY, count=4))
    async with empty_app.run_test(size=(120, 40)) as pilot:
        await settle(empty_app, pilot)
        said = await _end_series_from_the_palette(empty_app, pilot, "2026-12-08")
    assert "Series ended from Tue 08 Dec 2026: 2 scheduled sessions removed." in said
    assert "outbox" not in said and "notices go out" not in said.lower()
    assert len(cal_practice.list_sessions(client_id=tara.id)) == 2


async def test_ending_an_announced_series_says_the_notice_waits_in_the_outbox(
    empty_app, cal_practice
) -> None:
    dora = cal_practice.add_client("Dora Lee", email="dora@example.com", fee=Money(7000, "GBP"))
    first = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    rule = SeriesRule(Repeat.WEEKLY, count=4)
    SeriesBook(cal_practice).book(dora.id, first, rule, notify=True)
    async with empty_app.run_test(size=(120, 40)) as pilot:
        await settle(empty_app, pilot)
        said = await _end_series_from_the_palette(empty_app, pilot, "2026-12-15")
    assert (
        "Series ended from Tue 15 Dec 2026: 1 scheduled session removed. "
        "The client's notice waits in the outbox (O to send it)."
    ) in said


async def test_the_session_form_books_tomorrow_10_as_typed(empty_app, cal_practice) -> None:
    dora = cal_practice.add_client("Dora Lee", fee=Money(7000, "GBP"))
    async with empty_app.run_test(size=(120, 40)) as pilot:
        await settle(empty_app, pilot)
        await pilot.press("n")
        await settle(empty_app, pilot)
        assert isinstance(empty_app.screen, SessionForm)
        await pilot.press(*"Dora")
        await retype(pilot, empty_app, "start", "tomorrow 10", by_key=True)
        await pilot.press("ctrl+s")
        await settle(empty_app, pilot)
        assert empty_app.screen.id == "calendar"
    [booked] = cal_practice.list_sessions(client_id=dora.id)
    assert booked.start == datetime(2026, 11, 19, 10, 0, tzinfo=UTC)  # the practice is on GMT


async def _reschedule_the_first(app, pilot, to: str) -> str:
    await pilot.press("j")
    await settle(app, pilot)
    await pilot.press("r")
    await settle(app, pilot)
    assert isinstance(app.screen, RescheduleDialog)
    await retype(pilot, app, "start", to)
    await pilot.press("tab", "tab", "1")
    await settle(app, pilot)
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert app.screen.id == "calendar"
    return notices(app)


async def test_a_move_for_a_client_without_email_promises_no_notice(
    empty_app, cal_practice
) -> None:
    tara = cal_practice.add_client("Tara Nolan", fee=Money(9000, "GBP"))  # no email
    cal_practice.book(tara.id, datetime(2026, 11, 19, 10, 0, tzinfo=UTC))
    async with empty_app.run_test(size=(120, 40)) as pilot:
        await settle(empty_app, pilot)
        said = await _reschedule_the_first(empty_app, pilot, "2026-11-20 11:00")
    assert "Moved to Fri 20 Nov 2026 11:00–11:50 Tara Nolan" in said
    assert "the old time is kept as cancelled." in said
    assert "Notices go out" not in said


async def test_a_move_with_the_client_notified_says_the_notice_waits(
    empty_app, cal_practice
) -> None:
    dora = cal_practice.add_client("Dora Lee", email="dora@example.com", fee=Money(7000, "GBP"))
    cal_practice.book(dora.id, datetime(2026, 11, 19, 10, 0, tzinfo=UTC))
    async with empty_app.run_test(size=(120, 40)) as pilot:
        await settle(empty_app, pilot)
        said = await _reschedule_the_first(empty_app, pilot, "2026-11-20 11:00")
    assert "the old time is kept as cancelled. Notices go out from O." in said


async def test_who_owes_shows_and_takes_no_period_or_sort_keys(app, ids) -> None:
    from kara_tui.ui.screens.reports import ReportsScreen

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        shown_keys = {b.binding.key for b in screen.active_bindings.values()}
        assert {"left_square_bracket", "d", "s"} <= shown_keys
        period = screen.report.period
        await pilot.press("o")
        await settle(app, pilot)
        shown_keys = {b.binding.key for b in screen.active_bindings.values()}
        assert not {"left_square_bracket", "right_square_bracket", "d", "t", "s", "S"} & shown_keys
        await pilot.press("left_square_bracket")  # nothing changes a report out of sight
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert screen.query_one("#reports-tabs").active == "reports-tab"
        assert screen.report.period == period
        shown_keys = {b.binding.key for b in screen.active_bindings.values()}
        assert "left_square_bracket" in shown_keys
