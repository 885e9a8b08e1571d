"""The clients screen as a client record: edit (e), archive/restore (x), charges paid (m, then m)."""

from __future__ import annotations

from textual.widgets import Checkbox, DataTable, Input

from calendar_kit import screen_text, settle
from kara_tui.domain import ChargeStatus, Money, PaymentMethod, Reason, SessionStatus
from kara_tui.services.practice import ChargeRequest
from kara_tui.ui.screens.client_actions import money_columns
from kara_tui.ui.screens.client_charges import ChargesDialog, PayForm
from kara_tui.ui.screens.client_edit import ClientEditForm
from kara_tui.ui.screens.clients import ClientsScreen
from kara_tui.ui.screens.confirm import ConfirmDialog
from support.dialogs import at
from support.pilot import retype


async def open_clients(app, pilot, row: int = 0) -> None:
    await settle(app, pilot)
    await pilot.press("C")
    await settle(app, pilot)
    assert isinstance(app.screen, ClientsScreen)
    app.screen.query_one(DataTable).move_cursor(row=row)  # Anna, Ben, Chloe by name


async def test_e_edits_a_client_and_later_bookings_take_the_new_fee(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot)
        text = screen_text(app)
        assert "Id" in text and "Balance" in text and "3 left, 1 held" in text
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientEditForm)
        assert "Booked: Mon 23 Nov 10:00" not in screen_text(app)  # asked once the fee changes
        await retype(pilot, app, "email", "anna@new.example")
        await retype(pilot, app, "fee", "95")
        await settle(app, pilot)
        assert "Booked: Mon 23 Nov 10:00 (90.00 GBP)" in screen_text(app)
        await retype(pilot, app, "window", "48")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
        anna = cal_practice.find_client(ids["anna"])
        assert (anna.email, anna.fee, anna.window_hours) == (
            "anna@new.example",
            Money(9500, "GBP"),
            48,
        )
        assert cal_practice.get_session(ids["next_week"]).fee == Money(9000, "GBP")
        assert "95.00 GBP" in screen_text(app)


async def test_e_sets_the_clients_own_reminders_or_opts_them_out(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert "blank = the practice's" in screen_text(app)
        await retype(pilot, app, "reminders", "12")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientEditForm)  # refused in one line, nothing saved
        assert "'12' is not a reminder lead" in screen_text(app)
        await retype(pilot, app, "reminders", "none")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
        assert cal_practice.find_client(ids["anna"]).reminder_leads == "none"
        await pilot.press("e")
        await settle(app, pilot)
        assert app.screen.query_one("#reminders", Input).value == "none"
        await retype(pilot, app, "reminders", "")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert cal_practice.find_client(ids["anna"]).reminder_leads is None


async def test_a_bad_edit_says_why_in_the_form_and_saves_nothing(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        await retype(pilot, app, "name", "Ben Jones")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientEditForm)
        assert "an active client is already called 'Ben Jones'" in screen_text(app)
        # An address the outbox could never send to ('nora@@example' was stored) is refused.
        await retype(pilot, app, "name", "Anna Smith")
        await retype(pilot, app, "email", "anna@@example")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientEditForm)
        assert "'anna@@example' is not an email address" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert cal_practice.find_client(ids["anna"]).name == "Anna Smith"
        assert cal_practice.find_client(ids["anna"]).email == "anna@example.com"


async def test_x_archives_after_listing_future_sessions_and_restores(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot, row=2)  # Chloe: two sessions still to come
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "has 2 session(s) still to come" in text
        assert "Wed 18 Nov 2026 14:00" in text and "Fri 20 Nov 2026 19:00" in text
        await pilot.press("escape")  # back: nothing changes
        await settle(app, pilot)
        assert not cal_practice.find_client(ids["chloe"]).archived
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
        assert cal_practice.find_client(ids["chloe"]).archived
        future = cal_practice.get_session(ids["future"])
        assert future.status is SessionStatus.CANCELLED
        assert future.cancellation.reason is Reason.PROFESSIONAL
        assert "Chloe Patel" not in screen_text(app)
        await pilot.press("v")  # archived ones too
        await settle(app, pilot)
        assert "Chloe Patel (archived)" in screen_text(app)
        app.screen.query_one(DataTable).move_cursor(row=2)
        await pilot.press("x")
        await settle(app, pilot)
        assert "Restore Chloe Patel?" in screen_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert not cal_practice.find_client(ids["chloe"]).archived


async def test_m_lists_charges_and_m_marks_one_paid(app, ids, cal_practice) -> None:
    cancelled = cal_practice.cancel(
        ids["next_week"], Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD)
    )
    (charge,) = cancelled.charges
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot)
        assert "owes 90.00 GBP" in screen_text(app)
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, ChargesDialog)
        text = screen_text(app)
        assert "Balance: owes 90.00 GBP" in text and "cancellation" in text
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, PayForm)
        await retype(pilot, app, "ref", "INV-7")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ChargesDialog)
        paid = cal_practice.get_session(ids["next_week"]).charges[0]
        assert (paid.id, paid.status, paid.reference) == (charge.id, ChargeStatus.PAID, "INV-7")
        assert "Balance: nothing pending" in screen_text(app)
        await pilot.press("m")  # a paid charge cannot be paid again: said, nothing opens
        await settle(app, pilot)
        assert isinstance(app.screen, ChargesDialog)


async def test_privacy_mode_hides_names_in_the_edit_archive_and_charges_dialogs(
    app, ids, cal_practice
) -> None:
    cal_practice.cancel(
        ids["next_week"], Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot)
        await pilot.press("p")  # privacy mode, on this screen as on every other
        await settle(app, pilot)
        assert app.privacy
        for key, title in (
            ("e", "Edit client (id 1)"),
            ("x", "Archive A.Sm.?"),
            ("m", "A.Sm. (id 1)"),
        ):
            await pilot.press(key)
            await settle(app, pilot)
            text = screen_text(app)
            assert title in text, text
            assert "Anna Smith" not in text and "anna@example.com" not in text
            await pilot.press("escape")
            await settle(app, pilot)
        assert not cal_practice.find_client(ids["anna"]).archived


async def test_session_details_show_the_clients_balance(app, ids, cal_practice) -> None:
    from kara_tui.ui.screens.details import DetailsScreen

    cal_practice.cancel(
        ids["next_week"], Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(DetailsScreen(cal_practice, ids["past"], cal_practice.tz, False))
        await settle(app, pilot)
        assert "Balance    owes 90.00 GBP" in screen_text(app)


async def test_shift_e_on_session_details_edits_the_client(app, ids, cal_practice) -> None:
    from kara_tui.ui.screens.details import DetailsScreen

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(DetailsScreen(cal_practice, ids["past"], cal_practice.tz, False))
        await settle(app, pilot)
        await pilot.press("E")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientEditForm)
        await retype(pilot, app, "phone", "020 7946 0000")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailsScreen)
        assert "020 7946 0000" in screen_text(app)
    assert cal_practice.find_client(ids["anna"]).phone == "020 7946 0000"


async def test_o_on_the_reports_screen_lists_who_owes_what(app, ids, cal_practice) -> None:
    from kara_tui.ui.screens.reports import ReportsScreen

    cal_practice.cancel(
        ids["next_week"], Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)  # a tab of the reports screen
        assert app.screen.query_one("#reports-tabs").active == "owes-tab"
        text = screen_text(app)
        assert "1 client owes something" in text
        assert "Anna Smith" in text and "90.00 GBP" in text
        await pilot.press("o")  # and back to the report
        await settle(app, pilot)
        assert app.screen.query_one("#reports-tabs").active == "reports-tab"


async def test_who_owes_says_which_clients_are_owed_a_refund(app, ids, cal_practice) -> None:
    """A prepaid session the professional cancels leaves a refund to pay out: its client is
    owed money, and the tab says so rather than listing a negative debt."""
    dee = cal_practice.add_client("Dee Owens", fee=Money(8000, "GBP"))
    prepaid = cal_practice.book(dee.id, at(cal_practice, "2026-11-26 15:00"), prepaid=True)
    cal_practice.cancel(prepaid.id, Reason.PROFESSIONAL)
    cal_practice.cancel(
        ids["next_week"], Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("R", "o")
        await settle(app, pilot)
        text = screen_text(app)
        assert "1 client owes something now; 1 client is owed a refund not yet paid out" in text
        dee_line = next(line for line in text.splitlines() if "Dee Owens" in line)
        assert "is owed 80.00 GBP" in dee_line and "-80" not in dee_line
        anna_line = next(line for line in text.splitlines() if "Anna Smith" in line)
        assert "owes 90.00 GBP" in anna_line


async def test_enter_opens_the_client_record(app, ids, cal_practice) -> None:
    from kara_tui.ui.screens.client_record import ClientRecordDialog

    cal_practice.cancel(
        ids["next_week"], Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientRecordDialog)
        text = screen_text(app)
        assert "anna@example.com" in text and "Balance" in text and "owes 90.00 GBP" in text
        assert "Cancelled by the client: 1" in text
        assert "Reminders" in text and "the practice's" in text
        assert "Sessions (3)" in text and "✓ attended" in text
        await pilot.press("p")  # privacy mode: no name, no contact
        await settle(app, pilot)
        text = screen_text(app)
        assert "Anna" not in text and "anna@" not in text and "A.Sm." in text


async def test_a_new_fee_goes_to_booked_sessions_only_when_the_box_is_ticked(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        box = app.screen.query_one("#update-future", Checkbox)
        assert not box.display
        await retype(pilot, app, "fee", "90.00")  # the same fee: nothing to ask
        await settle(app, pilot)
        assert not box.display
        await retype(pilot, app, "fee", "100")
        await settle(app, pilot)
        assert box.display and not box.value  # asked, never ticked for the user
        coming = str(app.screen.query_one("#coming").render())
        assert (
            coming
            == "Booked: Mon 23 Nov 10:00 (90.00 GBP). They keep their fee unless the box is ticked."
        )
        box.value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
        assert cal_practice.get_session(ids["next_week"]).fee == Money(10000, "GBP")
        assert [e.action for e in cal_practice.history(ids["next_week"])][-1] == "fee"


async def test_the_edit_form_sets_the_clients_own_reminders(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert app.screen.query_one("#reminders", Input).value == ""  # the practice's
        await retype(pilot, app, "reminders", "3")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientEditForm)
        assert "'3' is not a reminder lead" in screen_text(app)
        await retype(pilot, app, "reminders", "2,48")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
        assert cal_practice.find_client(ids["anna"]).reminder_leads == "48,2"
        await pilot.press("enter")  # the client's record says so
        await settle(app, pilot)
        assert "48,2 h before" in screen_text(app)


async def test_c_tops_up_a_sponsored_clients_credit_with_a_note(app, ids, cal_practice) -> None:
    from kara_tui.ui.screens.client_credit import CreditForm

    ben = cal_practice.find_client(ids["ben"])
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot, row=1)  # Ben, sponsored
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CreditForm)
        assert f"{ben.sponsored_credit} session(s) of credit left, 1 held" in screen_text(app)
        await pilot.press(*f"-{ben.sponsored_credit + 1}", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CreditForm)  # refused in one line, nothing lost
        assert "credit cannot go below zero" in str(app.screen.query_one("#error").render())
        assert cal_practice.find_client(ben.id).sponsored_credit == ben.sponsored_credit
        await retype(pilot, app, "sessions", "+10")
        await retype(pilot, app, "note", "PO 4411")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
        assert cal_practice.find_client(ben.id).sponsored_credit == ben.sponsored_credit + 10
        await settle(app, pilot)  # the list reads the clients again once the form is gone
        row = app.screen.query_one(DataTable).get_row(str(ben.id))
        assert f"{ben.sponsored_credit + 10} left, 1 held" in row
        await pilot.press("up", "c")  # Anna is private: no credit to change
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)


async def test_v_voids_a_charge_with_a_reason(app, ids, cal_practice) -> None:
    from kara_tui.ui.screens.charge_void import VoidForm

    cancelled = cal_practice.cancel(
        ids["next_week"], Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD)
    )
    (charge,) = cancelled.charges
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, VoidForm)
        await pilot.press("enter")  # no reason: refused, said in one line
        await settle(app, pilot)
        assert isinstance(app.screen, VoidForm)
        said = str(app.screen.query_one("#error").render())
        assert f"say why charge {charge.id} is void" in said
        assert "--reason" not in said  # the form's field, not the command line's flag
        await pilot.press(*"entered twice", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ChargesDialog)
        voided = cal_practice.get_session(ids["next_week"]).charges[0]
        assert (voided.status, voided.void_reason) == (ChargeStatus.VOID, "entered twice")
        assert "Balance: nothing pending" in screen_text(app)
        await pilot.press("v")  # already void: said, nothing opens
        await settle(app, pilot)
        assert isinstance(app.screen, ChargesDialog)


async def test_the_first_frame_after_loading_draws_every_column_whole(
    app, ids, cal_practice
) -> None:
    """A proof run once saw "90." and "practi" in the clients e2e: the rows had been drawn
    before the table had measured them (compat.measure_rows_now)."""

    class NotLoadedYet(ClientsScreen):
        def _load(self) -> None:  # the test hands the screen its rows itself
            pass

    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        screen = NotLoadedYet(cal_practice)
        await app.push_screen(screen)
        await settle(app, pilot)
        clients = cal_practice.list_clients()
        screen.on_clients_screen_loaded(
            ClientsScreen.Loaded(clients, money_columns(cal_practice, clients))
        )
        drawn = screen.query_one(DataTable).render_line(1).text  # before the table's idle
        assert "90.00 GBP" in drawn and "practice's" in drawn, drawn


async def test_a_long_email_ends_in_an_ellipsis_and_the_record_shows_it_whole(
    app, ids, cal_practice
) -> None:
    # At 120 columns the table cut such an address at the screen's edge, with nothing to say so.
    long = "alexandra.montgomery-fitzwilliam@longdomain-example.co.uk"
    dana = cal_practice.add_client("Dana Long", email=long, fee=Money(9000, "GBP"))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clients(app, pilot)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(str(dana.id)))
        text = screen_text(app)
        assert "alexandra.montgomery-fitzwi…" in text
        assert long not in text
        await pilot.press("enter")
        await settle(app, pilot)
        assert long in screen_text(app)
