"""Every money field of the app reads amounts with the one parser: a decimal comma where it is
certain, a sentence for anything ambiguous, never a dropped character (issue 11)."""

from __future__ import annotations

from calendar_kit import screen_text, settle, shown
from kara_tui.domain import Money, Programme
from kara_tui.ui.screens.clients import ClientForm, ClientsScreen
from kara_tui.ui.screens.details import DetailsScreen
from kara_tui.ui.screens.session_form import SessionForm
from support.pilot import field, retype


async def _client_form(app, pilot) -> None:
    await pilot.press("C")
    await settle(app, pilot)
    assert isinstance(app.screen, ClientsScreen)
    await pilot.press("a")
    await settle(app, pilot)
    assert isinstance(app.screen, ClientForm)


async def test_client_fee_reads_a_decimal_comma_and_refuses_an_ambiguous_one(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await _client_form(app, pilot)
        await pilot.press(*"Dana Lee")
        await retype(pilot, app, "fee", "1,000", by_key=True)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientForm)
        assert "'1,000' is ambiguous" in shown(app, "#error")
        assert field(app, "fee").value == "1,000"  # nothing typed is lost
        assert all(c.name != "Dana Lee" for c in cal_practice.list_clients())
        await retype(pilot, app, "fee", "80,50", by_key=True)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
    assert cal_practice.find_client("Dana Lee").fee == Money(8050, "GBP")


async def test_session_fee_reads_a_decimal_comma_and_refuses_overflow(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        before = len(cal_practice.list_sessions())
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionForm)
        await retype(pilot, app, "start", "2026-11-19 16:00")
        await retype(pilot, app, "client", "Anna")
        await retype(pilot, app, "fee", "1" + "0" * 30, by_key=True)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "is too large (at most 9999999.99 GBP)" in shown(app, "#error")
        assert len(cal_practice.list_sessions()) == before
        await retype(pilot, app, "fee", "3,5", by_key=True)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.id == "calendar"
    [booked] = [s for s in cal_practice.list_sessions() if s.fee == Money(350, "GBP")]
    assert booked.client_name == "Anna Smith"


async def test_details_history_shows_a_fee_change_in_major_units(app, ids, cal_practice) -> None:
    cal_practice.edit_session(ids["future"], fee=Money(8500, "GBP"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.select(cal_practice.get_session(ids["future"]))
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailsScreen)
        text = screen_text(app)
        assert "fee 80.00 GBP → 85.00 GBP" in text
        assert "8000" not in text


async def test_booking_form_warns_when_a_sponsored_client_has_no_credit(
    app, ids, cal_practice
) -> None:
    cal_practice.add_client("Dora Sponsored", programme=Programme.SPONSORED, sponsored_credit=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionForm)
        warning = app.screen.query_one("#credit-warning")
        await retype(pilot, app, "client", "Anna")
        await settle(app, pilot)
        assert not warning.display
        await retype(pilot, app, "client", "Dora")
        await settle(app, pilot)
        assert warning.display
        assert shown(app, "#credit-warning") == (
            "⚠ This client has no sponsored credit left: the session can be booked, but the "
            "programme will not cover it (to be paid directly)."
        )
        await retype(pilot, app, "start", "2026-11-19 16:00")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.id == "calendar"  # booked all the same
    [booked] = cal_practice.list_sessions(client_id=cal_practice.find_client("Dora").id)
    assert not booked.credit_reserved
