"""Report money by the right date: charges by the day made, payments by the day paid (issue 15)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kara_tui.domain import ChargeKind, Money, PaymentMethod, Reason
from kara_tui.services.charges import Ledger
from kara_tui.services.practice import ChargeRequest, Practice
from kara_tui.services.report import COUNTED_BY, Amounts, build_report
from report_world import at, utc

GBP90 = Money(9000, "GBP")


def _late_charge_made_today_for_next_week(practice: Practice, clock) -> int:
    """Today is Mon 16 Nov; Anna (8-day window) cancels her Mon 23 Nov session, charged."""
    anna = practice.add_client("Anna Smith", fee=GBP90, window_hours=24 * 8)
    s = practice.book(anna.id, utc(11, 23), force=True)
    done = practice.cancel(s.id, Reason.CLIENT, charge=ChargeRequest(method=PaymentMethod.CARD))
    return done.charges[0].id


def test_a_charge_counts_in_the_period_of_the_day_it_was_made(practice, clock) -> None:
    _late_charge_made_today_for_next_week(practice, clock)
    this_week = build_report(practice, start=date(2026, 11, 16), end=date(2026, 11, 17))
    assert (this_week.booked, this_week.charged.count) == (0, 1)  # no session: the charge
    assert this_week.charged.totals == (GBP90,)
    [line] = this_week.clients
    assert (line.name, line.sessions, line.charged) == ("Anna Smith", 0, (GBP90,))
    next_week = build_report(practice, start=date(2026, 11, 23), end=date(2026, 11, 24))
    assert (next_week.booked, next_week.cancelled, next_week.late) == (1, 1, 1)
    assert next_week.charged == Amounts(0, ())  # the session's week, not the charge's


def test_paid_and_pending_totals_and_payments_by_the_day_paid(practice, clock) -> None:
    charge_id = _late_charge_made_today_for_next_week(practice, clock)
    bob = practice.add_client("Bob Baker", fee=Money(8000, "GBP"))
    s = practice.book(bob.id, utc(11, 16, 9), force=True)
    at(clock, utc(11, 16, 10))
    practice.no_show(s.id, charge=ChargeRequest(method=PaymentMethod.CASH))
    november = build_report(practice, start=date(2026, 11, 1), end=date(2026, 12, 1))
    assert november.charged.totals == (Money(17000, "GBP"),)
    assert (november.charged_pending.count, november.charged_paid.count) == (2, 0)
    assert november.payments == Amounts(0, ())

    at(clock, utc(12, 2))
    Ledger(practice).pay(charge_id, at=utc(12, 1, 9))
    november = build_report(practice, start=date(2026, 11, 1), end=date(2026, 12, 1))
    assert november.charged_paid.totals == (GBP90,)  # made in November, paid since
    assert november.charged_pending.totals == (Money(8000, "GBP"),)
    assert november.payments == Amounts(0, ())  # paid in December
    december = build_report(practice, start=date(2026, 12, 1), end=date(2027, 1, 1))
    assert december.charged == Amounts(0, ())
    assert december.payments == Amounts(1, (GBP90,))
    [line] = december.clients
    assert (line.name, line.payments, line.charged) == ("Anna Smith", (GBP90,), ())


def test_a_prepaid_refund_counts_by_its_date_and_paid_out_by_the_day_paid(practice, clock):
    cara = practice.add_client("Cara Cole", fee=Money(6000, "GBP"))
    s = practice.book(cara.id, datetime(2026, 11, 30, 10, tzinfo=UTC), force=True, prepaid=True)
    [refund] = practice.cancel(s.id, Reason.PROFESSIONAL).charges
    assert refund.kind is ChargeKind.REFUND
    r = build_report(practice, start=date(2026, 11, 16), end=date(2026, 11, 17))
    assert (r.refunds.totals, r.refunds_pending.totals) == (
        (Money(6000, "GBP"),),
        (Money(6000, "GBP"),),
    )
    Ledger(practice).pay(refund.id, method=PaymentMethod.BANK_TRANSFER)
    r = build_report(practice, start=date(2026, 11, 16), end=date(2026, 11, 17))
    assert (r.refunds_pending.count, r.refunds_paid.totals) == (0, (Money(6000, "GBP"),))


def test_each_part_names_the_date_it_counts_by() -> None:
    assert COUNTED_BY == {
        "sessions": "session date",
        "cancellations": "session date",
        "waived": "session date",
        "charges": "charge date",
        "refunds": "charge date",
        "payments": "payment date",
    }
