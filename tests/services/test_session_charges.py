"""Attended sessions charged for themselves when the practice asks (issue 15, setting off by default)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kara_tui.domain import ChargeKind, ChargeStatus, DomainError, Money, PaymentMethod, Programme
from kara_tui.services.charges import Ledger
from kara_tui.services.practice import Practice
from kara_tui.services.report import build_report
from kara_tui.services.statement import build_statement

# The conftest clock: Mon 16 Nov 2026 08:00 UTC; this session started on the Friday before.
HELD = datetime(2026, 11, 13, 10, tzinfo=UTC)
FEE = Money(9000, "GBP")


def test_off_by_default_attending_charges_nothing(practice: Practice) -> None:
    assert practice.professional().charge_attended_sessions is False
    anna = practice.add_client("Anna Smith", fee=FEE)
    s = practice.book(anna.id, HELD, force=True)
    assert practice.attend(s.id).charges == ()


def test_attending_charges_the_fee_once_and_undoing_voids_it(practice: Practice) -> None:
    practice.set_setting("charge_attended_sessions", "yes")
    anna = practice.add_client("Anna Smith", fee=FEE)
    s = practice.book(anna.id, HELD, force=True)
    [charge] = practice.attend(s.id).charges
    assert (charge.kind, charge.amount, charge.status) == (
        ChargeKind.SESSION,
        FEE,
        ChargeStatus.PENDING,
    )
    assert Ledger(practice).balance(anna.id) == [FEE]
    with pytest.raises(DomainError, match="not scheduled"):
        practice.attend(s.id)  # a second mark is refused: still one charge
    assert len(practice.get_session(s.id).charges) == 1
    [voided] = practice.unmark(s.id).charges
    assert (voided.status, voided.void_reason) == (ChargeStatus.VOID, "attendance undone")
    assert Ledger(practice).balance(anna.id) == []
    attend = [e for e in practice.history(s.id) if e.action == "attend"]
    assert attend[0].after["charge"] == "90.00 GBP (session, pending)"


def test_a_sponsored_credit_pays_the_session_and_comes_back_once_on_undo(
    practice: Practice,
) -> None:
    practice.set_setting("charge_attended_sessions", "on")
    ben = practice.add_client(
        "Ben Jones", programme=Programme.SPONSORED, fee=FEE, sponsored_credit=2
    )
    s = practice.book(ben.id, HELD, force=True)
    assert practice.find_client(ben.id).sponsored_credit == 1  # one held
    [charge] = practice.attend(s.id).charges
    assert (charge.method, charge.status, charge.amount) == (
        PaymentMethod.SPONSORED_CREDIT,
        ChargeStatus.PAID,
        FEE,
    )
    assert Ledger(practice).balance(ben.id) == []
    again = practice.unmark(s.id)
    assert again.credit_reserved  # held again for the session, not also given back
    assert practice.find_client(ben.id).sponsored_credit == 1


def test_a_prepaid_session_charge_is_paid(practice: Practice) -> None:
    practice.set_setting("charge_attended_sessions", "yes")
    anna = practice.add_client("Anna Smith", fee=FEE)
    s = practice.book(anna.id, HELD, force=True, prepaid=True)
    [charge] = practice.attend(s.id).charges
    assert (charge.status, charge.paid_at) == (ChargeStatus.PAID, practice.clock.now())


def test_reports_and_statements_show_the_session_kind(practice: Practice) -> None:
    practice.set_setting("charge_attended_sessions", "yes")
    anna = practice.add_client("Anna Smith", fee=FEE)
    s = practice.book(anna.id, HELD, force=True)
    practice.attend(s.id)
    report = build_report(practice)
    session_kind = next(k for k in report.charged_by_kind if k.kind is ChargeKind.SESSION)
    assert (session_kind.amounts.count, session_kind.amounts.totals) == (1, (FEE,))
    statement = build_statement(
        practice, anna.id, datetime(2026, 11, 1).date(), datetime(2026, 12, 1).date()
    )
    assert [(c.kind, c.amount) for c in statement.charges] == [(ChargeKind.SESSION, FEE)]
    assert statement.balance == [FEE]


def test_the_setting_takes_only_yes_or_no(practice: Practice) -> None:
    with pytest.raises(DomainError, match="charge_attended_sessions must be yes or no"):
        practice.set_setting("charge_attended_sessions", "maybe")
    practice.set_setting("charge_attended_sessions", "YES")
    assert practice.professional().charge_attended_sessions is True
    practice.set_setting("charge_attended_sessions", "off")
    assert practice.professional().charge_attended_sessions is False
