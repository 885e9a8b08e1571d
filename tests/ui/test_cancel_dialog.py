"""The cancel dialog, driven with keys, for every rule of DESIGN.md section 2, checked in the database."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Select

from kara_tui.clock import FixedClock
from kara_tui.domain import (
    ChargeKind,
    ChargeStatus,
    Money,
    NotificationKind,
    NotificationStatus,
    PaymentMethod,
    Programme,
    Reason,
    Session,
    SessionStatus,
)
from kara_tui.services.practice import Practice
from kara_tui.ui.screens._dialog import ChoiceSet
from kara_tui.ui.screens.cancel import CancelDialog
from support.dialogs import DIALOG_NOW, Host, at, said
from support.pilot import settle, type_text

GBP90 = Money(9000, "GBP")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DIALOG_NOW, "Europe/London")


def book(practice: Practice, client: str, start: str, **kwargs: object) -> Session:
    return practice.book(client, at(practice, start), force=True, **kwargs)  # type: ignore[arg-type]


def open_dialog(practice: Practice, session_id: int, **kwargs: bool) -> Host:
    return Host(lambda: CancelDialog(practice, session_id, **kwargs))


async def opened(pilot: Pilot[None]) -> CancelDialog:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CancelDialog)
    return screen


async def confirm(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


@pytest.fixture
def ada(practice: Practice):
    return practice.add_client("Ada Lovelace", email="ada@example.org", fee=GBP90)


# -- opening -----------------------------------------------------------------------------


async def test_opens_on_the_reasons_with_nothing_chosen_or_ticked_for_the_user(practice, ada):
    session = book(practice, ada.id, "2026-11-17 10:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        reasons = dialog.query_one("#reasons", ChoiceSet)
        assert dialog.focused is reasons
        assert reasons.pressed_index == -1
        assert [b.label.plain for b in reasons.buttons()] == [
            "Cancelled by the professional",
            "Cancelled by the client",
            "Client did not show up",
            "Other",
        ]
        assert "Ada Lovelace" in said(dialog, "#summary")
        assert "Tue 17 Nov 2026, 10:00–10:50" in said(dialog, "#summary")
        assert "90.00 GBP" in said(dialog, "#summary")
        assert dialog.query_one("#notified-at", Input).value == "2026-11-16 08:00"
        assert dialog.query_one("#charge", Checkbox).value is False
        assert dialog.query_one("#notify", Checkbox).value is True
        assert dialog.query_one("#confirm", Button).disabled
        assert "Choose a reason" in said(dialog, "#status")
        # The arrows pick, they do not only move a cursor.
        await pilot.press("down")
        await settle(pilot)
        assert dialog.reason is Reason.PROFESSIONAL
        await pilot.press("down")
        await settle(pilot)
        assert dialog.reason is Reason.CLIENT
        assert not dialog.query_one("#confirm", Button).disabled


# -- private clients ---------------------------------------------------------------------


async def test_private_client_inside_the_window_is_charged_by_card(practice, ada):
    session = book(practice, ada.id, "2026-11-16 15:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("2")
        await settle(pilot)
        # One policy line and one warning (issue 11: "late" was said three times).
        assert said(dialog, "#policy") == "Late cancellation: 7 h notice, your policy is 24 h."
        assert "a penalty may apply" in said(dialog, "#penalty")
        charge = dialog.query_one("#charge", Checkbox)
        assert not charge.disabled and charge.value is False
        await pilot.press("tab")
        assert dialog.focused is dialog.query_one("#notified-at")
        await pilot.press("tab")
        assert dialog.focused is charge
        await pilot.press("space")
        await settle(pilot)
        assert dialog.query_one("#amount", Input).value == "90.00"
        assert dialog.query_one("#method", Select).value is PaymentMethod.CARD
        await confirm(pilot)
        assert app.results and isinstance(app.results[0], Session)

    saved = practice.get_session(session.id)
    assert app.results[0] == saved
    assert saved.status is SessionStatus.CANCELLED
    c = saved.cancellation
    assert c is not None
    assert (c.reason, c.late, c.charged, c.notice_hours) == (Reason.CLIENT, True, True, 7.0)
    assert c.notified_at == at(practice, "2026-11-16 08:00")
    assert [(ch.kind, ch.amount, ch.method, ch.status) for ch in saved.charges] == [
        (ChargeKind.LATE_CANCELLATION, GBP90, PaymentMethod.CARD, ChargeStatus.PENDING)
    ]
    [notice] = practice.list_notifications()
    assert (notice.kind, notice.status, notice.recipient) == (
        NotificationKind.CANCELLATION,
        NotificationStatus.QUEUED,
        "ada@example.org",
    )
    assert "METHOD:CANCEL" in notice.ical


async def test_private_client_outside_the_window_may_be_charged_but_is_not(practice, ada):
    session = book(practice, ada.id, "2026-11-18 10:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert said(dialog, "#policy").startswith(
            "Outside the policy: 50 h notice, your policy is 24 h."
        )
        assert said(dialog, "#penalty") == ""
        assert not dialog.query_one("#charge", Checkbox).disabled
        await confirm(pilot)

    saved = practice.get_session(session.id)
    assert saved.status is SessionStatus.CANCELLED
    assert saved.cancellation is not None
    assert (saved.cancellation.late, saved.cancellation.charged) == (False, False)
    assert saved.charges == ()
    assert len(practice.list_notifications()) == 1


async def test_a_48_hour_client_is_late_at_30_hours_and_pays_an_edited_amount_in_cash(practice):
    cat = practice.add_client("Cat", email="cat@example.org", fee=GBP90, window_hours=48)
    session = book(practice, cat.id, "2026-11-17 14:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert said(dialog, "#policy") == (
            "Late cancellation: 30 h notice, this client's own window is 48 h."
        )
        assert said(dialog, "#penalty") == ""  # 30 h is more than the 24 h of the warning
        await pilot.press("tab", "tab", "space", "tab")
        assert dialog.focused is dialog.query_one("#amount")
        await pilot.press("ctrl+a", "ctrl+k", *"45", "tab")
        assert dialog.focused is dialog.query_one("#method")
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        assert dialog.query_one("#method", Select).value is PaymentMethod.CASH
        await confirm(pilot)

    saved = practice.get_session(session.id)
    assert saved.cancellation is not None
    assert (saved.cancellation.late, saved.cancellation.notice_hours) == (True, 30.0)
    assert [(ch.amount, ch.method) for ch in saved.charges] == [
        (Money(4500, "GBP"), PaymentMethod.CASH)
    ]


# -- sponsored clients -------------------------------------------------------------------


@pytest.fixture
def sponsored(practice: Practice):
    return practice.add_client(
        "Sam Sponsored",
        email="sam@example.org",
        programme=Programme.SPONSORED,
        fee=Money(6000, "GBP"),
        sponsored_credit=3,
    )


async def test_sponsored_at_25_hours_cannot_be_charged_and_the_credit_goes_back(
    practice, sponsored
):
    session = book(practice, sponsored.id, "2026-11-17 09:00")
    assert session.credit_reserved
    assert practice.find_client(sponsored.id).sponsored_credit == 2
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert "the sponsored programme allows a charge under 24 h" in said(dialog, "#policy")
        charge = dialog.query_one("#charge", Checkbox)
        assert charge.disabled and charge.value is False
        assert "a charge is allowed only with under 24 h notice, and 25 h was given" in said(
            dialog, "#charge-why"
        )
        assert "goes back to the client" in said(dialog, "#credit")
        await confirm(pilot)

    saved = practice.get_session(session.id)
    assert saved.cancellation is not None and not saved.cancellation.charged
    assert saved.charges == ()
    assert practice.find_client(sponsored.id).sponsored_credit == 3


async def test_sponsored_at_23_hours_is_charged_with_sponsored_credit(practice, sponsored):
    session = book(practice, sponsored.id, "2026-11-16 15:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("2", "tab")
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-15 16:00")
        await settle(pilot)
        assert said(dialog, "#policy") == (
            "Late cancellation: 23 h notice, the sponsored programme allows a charge under 24 h."
        )
        assert "a penalty may apply" in said(dialog, "#penalty")
        await pilot.press("tab", "space")
        await settle(pilot)
        assert dialog.query_one("#method", Select).value is PaymentMethod.SPONSORED_CREDIT
        assert "reserved at booking pays this charge" in said(dialog, "#credit")
        await confirm(pilot)

    saved = practice.get_session(session.id)
    c = saved.cancellation
    assert c is not None and (c.late, c.charged, c.notice_hours) == (True, True, 23.0)
    assert c.notified_at == at(practice, "2026-11-15 16:00")
    assert [(ch.amount, ch.method, ch.status) for ch in saved.charges] == [
        (Money(6000, "GBP"), PaymentMethod.SPONSORED_CREDIT, ChargeStatus.PAID)
    ]
    assert practice.find_client(sponsored.id).sponsored_credit == 2  # the reserved one is spent


# -- the professional cancels -------------------------------------------------------------


async def test_professional_cancelling_a_prepaid_session_records_a_refund(practice, ada):
    session = book(practice, ada.id, "2026-11-17 10:00", prepaid=True)
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("1")
        await settle(pilot)
        charge = dialog.query_one("#charge", Checkbox)
        assert charge.disabled
        assert said(dialog, "#charge-why") == "You are cancelling: the client cannot be charged."
        assert (
            said(dialog, "#refund") == "A refund of 90.00 GBP will be recorded: the client prepaid."
        )
        assert "refund of 90.00 GBP" in said(dialog, "#policy")
        await confirm(pilot)

    saved = practice.get_session(session.id)
    assert saved.cancellation is not None
    assert (saved.cancellation.reason, saved.cancellation.charged) == (Reason.PROFESSIONAL, False)
    assert [(ch.kind, ch.amount, ch.status) for ch in saved.charges] == [
        (ChargeKind.REFUND, Money(-9000, "GBP"), ChargeStatus.PENDING)
    ]
    assert len(practice.list_notifications()) == 1


async def test_professional_cancelling_an_unpaid_session_without_a_notice(practice, ada):
    session = book(practice, ada.id, "2026-11-17 10:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert said(dialog, "#refund") == ""
        assert said(dialog, "#policy") == "Cancelled by you: no charge."
        # reasons -> notice time -> (charge is disabled) -> notify
        await pilot.press("tab", "tab")
        assert dialog.focused is dialog.query_one("#notify")
        await pilot.press("space")
        await confirm(pilot)

    saved = practice.get_session(session.id)
    assert saved.status is SessionStatus.CANCELLED
    assert saved.charges == ()
    assert practice.list_notifications() == []


# -- other -------------------------------------------------------------------------------


async def test_other_needs_a_private_note_and_keeps_it(practice, ada):
    session = book(practice, ada.id, "2026-11-17 10:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        note = dialog.query_one("#note", Input)
        assert note.disabled
        await pilot.press("4")
        await settle(pilot)
        assert not note.disabled
        assert dialog.query_one("#confirm", Button).disabled
        assert "needs a note" in said(dialog, "#status")
        await pilot.press("ctrl+s")  # refused: nothing written
        await settle(pilot)
        assert practice.get_session(session.id).status is SessionStatus.SCHEDULED
        await pilot.press("tab")
        assert dialog.focused is note
        await type_text(pilot, "Flood in the building")
        await settle(pilot)
        assert not dialog.query_one("#confirm", Button).disabled
        await confirm(pilot)

    saved = practice.get_session(session.id)
    assert saved.cancellation is not None
    assert (saved.cancellation.reason, saved.cancellation.note) == (
        Reason.OTHER,
        "Flood in the building",
    )
    [notice] = practice.list_notifications()
    assert "Flood" not in notice.body  # the note is private to the professional


# -- a session that has started -----------------------------------------------------------


async def test_a_started_session_offers_only_no_show_and_other_and_says_why(
    practice, ada, clock: FixedClock
):
    session = book(practice, ada.id, "2026-11-16 10:00")
    clock.advance(hours=3)
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        reasons = dialog.query_one("#reasons", ChoiceSet)
        assert [b.disabled for b in reasons.buttons()] == [True, True, False, False]
        assert said(dialog, "#started") == (
            "This session has already started: it can only be recorded as "
            "'Client did not show up' or 'Other'."
        )
        await pilot.press("1", "2")
        await settle(pilot)
        assert reasons.pressed_index == -1
        await pilot.press("3")
        await settle(pilot)
        assert dialog.reason is Reason.NO_SHOW
        assert not dialog.query_one("#notify", Checkbox).display
        assert dialog.query_one("#notified-at", Input).value == "2026-11-16 10:00"
        assert said(dialog, "#policy") == "No-show: your policy is 24 h."
        await pilot.press("tab")
        assert dialog.focused is dialog.query_one("#charge")
        await pilot.press("space")
        await confirm(pilot)

    saved = practice.get_session(session.id)
    assert saved.status is SessionStatus.NO_SHOW
    c = saved.cancellation
    assert c is not None and (c.reason, c.charged, c.notice_hours) == (Reason.NO_SHOW, True, 0.0)
    assert c.notified_at == saved.start
    assert [(ch.kind, ch.amount, ch.method) for ch in saved.charges] == [
        (ChargeKind.NO_SHOW, GBP90, PaymentMethod.CARD)
    ]
    assert practice.list_notifications() == []  # no notice for a no-show


async def test_no_show_key_preselects_the_reason(practice, ada, clock: FixedClock):
    session = book(practice, ada.id, "2026-11-16 10:00")
    clock.advance(hours=2, minutes=5)
    app = open_dialog(practice, session.id, no_show=True)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        assert dialog.reason is Reason.NO_SHOW
        await confirm(pilot)
    saved = practice.get_session(session.id)
    assert saved.status is SessionStatus.NO_SHOW
    assert saved.charges == ()


async def test_no_show_is_not_offered_before_the_start(practice, ada):
    session = book(practice, ada.id, "2026-11-17 10:00")
    app = open_dialog(practice, session.id, no_show=True)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        assert dialog.reason is None
        assert "has not started yet" in said(dialog, "#started")
        await pilot.press("3")
        await settle(pilot)
        assert dialog.reason is None


# -- nothing written unless confirmed -----------------------------------------------------


async def test_escape_writes_nothing(practice, ada):
    session = book(practice, ada.id, "2026-11-16 15:00")
    history = practice.history(session.id)
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.press("2", "tab", "tab", "space")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    assert app.results == [None]
    assert practice.get_session(session.id) == session
    assert practice.history(session.id) == history
    assert practice.list_notifications() == []


async def test_bad_values_are_explained_and_block_confirm(practice, ada):
    session = book(practice, ada.id, "2026-11-16 15:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        confirm_button = dialog.query_one("#confirm", Button)
        await pilot.press("2", "tab", "ctrl+a", "ctrl+k", *"someday")
        await settle(pilot)
        assert "is not a date and time I can read" in said(dialog, "#notice-error")
        assert confirm_button.disabled
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-16 09:00")
        await settle(pilot)
        assert said(dialog, "#notice-error") == "Notice cannot have been given in the future."
        assert confirm_button.disabled
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-16 07:00")
        await settle(pilot)
        assert not confirm_button.disabled
        await pilot.press("tab", "space", "tab")
        for typed, words in [
            ("200", "is more than the session fee (90.00 GBP)"),
            ("0", "A charge must be more than zero."),
            ("ten", "'ten' is not an amount"),
            ("10.555", "has more decimals than GBP allows"),
        ]:
            await pilot.press("ctrl+a", "ctrl+k", *typed)
            await settle(pilot)
            assert words in said(dialog, "#amount-error"), typed
            assert confirm_button.disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert practice.get_session(session.id).status is SessionStatus.SCHEDULED
        assert app.results == []


async def test_a_refusal_from_the_service_is_shown_and_the_dialog_stays(practice, ada):
    session = book(practice, ada.id, "2026-11-17 10:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("2")
        await settle(pilot)
        practice.cancel(session.id, Reason.PROFESSIONAL)  # someone else got there first
        await confirm(pilot)
        assert app.screen is dialog
        assert (
            said(dialog, "#status")
            == f"Not saved: Session {session.id} is cancelled, not scheduled."
        )
        assert not dialog.busy
    assert app.results == []
    assert practice.get_session(session.id).cancellation.reason is Reason.PROFESSIONAL


async def test_a_missing_or_closed_session_is_explained(practice, ada):
    done = book(practice, ada.id, "2026-11-17 10:00")
    practice.cancel(done.id, Reason.PROFESSIONAL)
    for session_id, words in [
        (999, "No session with id 999."),
        (done.id, "This session is already cancelled"),
    ]:
        app = open_dialog(practice, session_id)
        async with app.run_test(size=(120, 40)) as pilot:
            dialog = await opened(pilot)
            assert words in said(dialog, "#summary") + " ".join(
                str(w.content) for w in dialog.query("Static")
            )
            assert not dialog.query("#confirm")
            await pilot.press("escape")
            await settle(pilot)
        assert app.results == [None]


# -- the same record as the command line ---------------------------------------------------


async def test_confirm_writes_what_the_cli_writes(practice, cli):
    one = practice.add_client("Twin One", email="one@example.org", fee=GBP90)
    two = practice.add_client("Twin Two", email="two@example.org", fee=GBP90)
    by_dialog = book(practice, one.id, "2026-11-16 15:00")
    by_cli = book(practice, two.id, "2026-11-16 15:00")
    app = open_dialog(practice, by_dialog.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.press("2", "tab", "ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-16 07:30")
        await pilot.press("tab", "space", "tab", "ctrl+a", "ctrl+k", *"45.50", "tab")
        await pilot.press("enter", "down", "down", "enter")
        await settle(pilot)
        await confirm(pilot)
    result = cli(
        "sessions", "cancel", str(by_cli.id), "--reason", "client",
        "--notified-at", "2026-11-16 07:30", "--charge", "--amount", "45.50",
        "--method", "bank_transfer",
    )  # fmt: skip
    assert result.code == 0, result.err

    def shown(session_id: int) -> dict[str, object]:
        out = cli("sessions", "show", str(session_id), "--json").json()
        for key in ("id", "uid", "client", "client_id"):
            out.pop(key, None)
        for charge in out["charges"]:
            charge.pop("id", None)
        return out

    dialog_json = shown(by_dialog.id)
    assert dialog_json["charges"][0]["method"] == "bank_transfer"  # type: ignore[index]
    assert dialog_json == shown(by_cli.id)
    kinds = [(n.kind, n.status) for n in practice.list_notifications()]
    assert kinds == [(NotificationKind.CANCELLATION, NotificationStatus.QUEUED)] * 2


async def test_the_method_offers_no_blank_choice_and_the_charge_box_stays_unticked(
    practice, sponsored
):
    session = book(practice, sponsored.id, "2026-11-16 15:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("2")
        await settle(pilot)
        charge = dialog.query_one("#charge", Checkbox)
        assert not charge.disabled and charge.value is False  # never decided for the user
        method = dialog.query_one("#method", Select)
        assert method.disabled  # until the box is ticked
        offered = [value for _, value in method._options]
        assert Select.BLANK not in offered and None not in offered
        assert offered and all(isinstance(v, PaymentMethod) for v in offered)
        assert method.value is offered[0]
        await pilot.press("escape")
        await settle(pilot)
    assert practice.get_session(session.id).status is SessionStatus.SCHEDULED
    assert practice.get_session(session.id).charges == ()


async def test_notice_time_shows_what_it_means_and_takes_now(practice, ada):
    session = book(practice, ada.id, "2026-11-17 10:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert said(dialog, "#notice-echo") == "→ Mon 16 Nov 2026 08:00"
        notice = dialog.query_one("#notified-at", Input)
        notice.focus()
        notice.value = "yesterday 19:30"
        await settle(pilot)
        assert said(dialog, "#notice-echo") == "→ Sun 15 Nov 2026 19:30"
        assert "38 h 30 min notice" in said(dialog, "#policy")
        notice.value = "now"
        await settle(pilot)
        assert said(dialog, "#notice-error") == ""
        assert said(dialog, "#notice-echo") == "→ Mon 16 Nov 2026 08:00"
        await confirm(pilot)
    saved = practice.get_session(session.id).cancellation
    assert saved is not None and saved.notified_at == DIALOG_NOW


async def test_charge_amount_reads_a_decimal_comma_and_refuses_an_ambiguous_one(practice, ada):
    """Issue 11: '27,50' was read as 2750.00 (the comma dropped) and refused as over the fee."""
    session = book(practice, ada.id, "2026-11-16 15:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("2", "tab", "tab", "space", "tab")
        await settle(pilot)
        await pilot.press("ctrl+a", "ctrl+k", *"1,000")
        await settle(pilot)
        assert "'1,000' is ambiguous" in said(dialog, "#amount-error")
        assert dialog.query_one("#confirm", Button).disabled
        await pilot.press("ctrl+a", "ctrl+k", *"27,50")
        await settle(pilot)
        assert said(dialog, "#amount-error") == ""
        await confirm(pilot)
    [charge] = practice.get_session(session.id).charges
    assert charge.amount == Money(2750, "GBP")


async def test_a_sponsored_credit_pays_the_whole_fee_and_a_card_the_percentage(practice, sponsored):
    """Issue 11: at a 50 % late fee a 30.00 charge used a whole credit of a 60.00 session."""
    practice.set_setting("late_fee_percent", "50")
    session = book(practice, sponsored.id, "2026-11-16 15:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("2", "tab", "tab", "space")
        await settle(pilot)
        amount = dialog.query_one("#amount", Input)
        method = dialog.query_one("#method", Select)
        assert method.value is PaymentMethod.SPONSORED_CREDIT
        assert (amount.value, amount.disabled) == ("60.00", True)
        assert "the late-fee percentage applies only to a direct payment" in said(dialog, "#credit")
        method.value = PaymentMethod.CARD
        await settle(pilot)
        assert (amount.value, amount.disabled) == ("30.00", False)
        assert "percentage" not in said(dialog, "#credit")
        method.value = PaymentMethod.SPONSORED_CREDIT
        await settle(pilot)
        assert amount.value == "60.00"
        await confirm(pilot)

    [charge] = practice.get_session(session.id).charges
    assert (charge.amount, charge.method) == (Money(6000, "GBP"), PaymentMethod.SPONSORED_CREDIT)
    assert practice.find_client(sponsored.id).sponsored_credit == 2


async def test_a_message_to_the_client_goes_into_the_notice(practice, ada):
    session = book(practice, ada.id, "2026-11-17 10:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("1")
        await settle(pilot)
        message = dialog.query_one("#message", Input)
        assert not message.disabled
        message.focus()
        await type_text(pilot, "Sorry, I am unwell.")
        await settle(pilot)
        await confirm(pilot)
    [notice] = practice.list_notifications()
    assert "\n\nSorry, I am unwell.\n\n" in notice.body
    assert "No fee applies." in notice.body


async def test_a_client_without_email_has_notify_unticked_and_disabled(practice):
    """Issue 11: 'Notify client' was ticked and every cancellation left a failed notice."""
    cy = practice.add_client("Cy Nomail", fee=GBP90)
    session = book(practice, cy.id, "2026-11-17 10:00")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("2")
        await settle(pilot)
        box = dialog.query_one("#notify", Checkbox)
        assert (box.value, box.disabled) == (False, True)
        assert said(dialog, "#notify-hint") == "Not notified: no email address for this client."
        assert dialog.query_one("#message", Input).disabled
        await confirm(pilot)
    assert practice.get_session(session.id).status is SessionStatus.CANCELLED
    assert practice.list_notifications() == []


async def test_late_is_said_once_and_the_notice_reads_as_in_the_details(practice, ada):
    """Issue 11: the dialog said "late" three times, and 11 h 44 min here was 11 h 43 min in
    the session's details."""
    session = book(practice, ada.id, "2026-11-16 19:44")
    app = open_dialog(practice, session.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("2")
        await settle(pilot)
        lines = [said(dialog, f"#{name}") for name in ("policy", "penalty", "charge-why")]
        assert lines[0] == "Late cancellation: 11 h 44 min notice, your policy is 24 h."
        assert sum(line.lower().count("late") for line in lines) == 1
        await confirm(pilot)
    from kara_tui.policy.cancellation import format_hours

    saved = practice.get_session(session.id).cancellation
    assert format_hours(saved.notice_hours) == "11 h 44 min"
