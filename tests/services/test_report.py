"""The report's figures against a practice built with known counts (see tests/report_world.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from kara_tui.domain import (
    Cancellation,
    Charge,
    ChargeKind,
    ChargeStatus,
    DomainError,
    Money,
    PaymentMethod,
    Reason,
    Session,
    SessionStatus,
)
from kara_tui.services.errors import NotFound
from kara_tui.services.report import (
    Period,
    build_report,
    compute_report,
    default_period,
    initials,
    make_period,
)
from report_world import build, charged_outside_the_window

GBP = "GBP"


def gbp(minor: int) -> Money:
    return Money(minor, GBP)


def test_every_headline_figure_of_the_default_period(practice, clock):
    build(practice, clock)
    r = build_report(practice)

    assert r.period == Period(date(2026, 8, 19), date(2026, 11, 17), "Europe/London")
    assert r.period.days == 90
    assert r.period.last_day == date(2026, 11, 16)
    assert r.client is None
    # #13 (12 Aug) is before the period and #9's rebooking (19 Nov) after it.
    assert r.booked == 13
    assert (r.attended, r.scheduled, r.cancelled, r.no_shows) == (1, 2, 8, 2)
    assert r.attended + r.scheduled + r.cancelled + r.no_shows == r.booked
    assert r.unmarked == 1  # #12 started and nobody recorded it
    assert r.late == 5  # #2 #7 #10 (client), #8 (other), #14 (professional)
    assert r.rescheduled == 1
    assert [(c.reason, c.count, c.late) for c in r.by_reason] == [
        (Reason.PROFESSIONAL, 2, 1),
        (Reason.CLIENT, 5, 3),
        (Reason.NO_SHOW, 2, 2),
        (Reason.OTHER, 1, 1),
    ]
    assert (r.by_side.client, r.by_side.professional, r.by_side.other) == (7, 2, 1)
    assert r.professional_rate == Decimal("15.4")  # 2 of 13


def test_charges_waivers_and_refunds_per_currency(practice, clock):
    build(practice, clock)
    r = build_report(practice)

    assert r.charged.count == 3
    assert r.charged.totals == (Money(5000, "EUR"), gbp(13500))
    by_kind = {k.kind: k.amounts for k in r.charged_by_kind}
    assert by_kind[ChargeKind.LATE_CANCELLATION].count == 2
    assert by_kind[ChargeKind.LATE_CANCELLATION].totals == (Money(5000, "EUR"), gbp(9000))
    assert by_kind[ChargeKind.NO_SHOW].count == 1
    assert by_kind[ChargeKind.NO_SHOW].totals == (gbp(4500),)
    assert by_kind[ChargeKind.SESSION].count == 0
    # #5 no-show (80), #7 late (80), #8 late other (90); the professional's late #14 is not
    # a waiver, and #3/#9 were not late.
    assert r.waived.count == 3
    assert r.waived.totals == (gbp(25000),)
    assert r.refunds.count == 1
    assert r.refunds.totals == (gbp(6000),)  # Cara's prepaid #4, shown as a positive amount


def test_per_client_table(practice, clock):
    w = build(practice, clock)
    r = build_report(practice)

    rows = {
        line.name: (
            line.client_id,
            line.sessions,
            line.attended,
            line.scheduled,
            line.cancelled,
            line.late,
            line.no_shows,
            line.waived,
            line.charged,
        )
        for line in r.clients
    }
    assert [line.name for line in r.clients] == ["Ann Archer", "Bob Baker", "Cara Cole", "Dee Dunn"]
    assert rows["Ann Archer"] == (w.ann.id, 6, 1, 1, 3, 3, 1, 1, (gbp(13500),))
    assert rows["Bob Baker"] == (w.bob.id, 3, 0, 0, 2, 1, 1, 2, ())
    assert rows["Cara Cole"] == (w.cara.id, 2, 0, 0, 2, 0, 0, 0, ())
    assert rows["Dee Dunn"] == (w.dee.id, 2, 0, 1, 1, 1, 0, 0, (Money(5000, "EUR"),))
    assert sum(line.sessions for line in r.clients) == r.booked
    assert r.currencies == ("EUR", GBP)


def test_weekly_series_covers_the_period_from_its_monday(practice, clock):
    build(practice, clock)
    r = build_report(practice)

    starts = [w.start for w in r.weeks]
    assert starts[0] == date(2026, 8, 17)  # the Monday before Wed 19 Aug
    assert starts[-1] == date(2026, 11, 16)
    assert len(starts) == 14
    assert all(d.weekday() == 0 for d in starts)
    series = {w.start: (w.attended, w.cancelled, w.no_shows) for w in r.weeks}
    assert series[date(2026, 11, 2)] == (1, 3, 1)
    assert series[date(2026, 11, 9)] == (0, 5, 1)
    assert sum(sum(v) for v in series.values()) == r.attended + r.cancelled + r.no_shows


def test_one_client(practice, clock):
    w = build(practice, clock)
    r = build_report(practice, client_id=w.bob.id)

    assert r.client is not None
    assert (r.client.name, r.client.sessions) == ("Bob Baker", 3)
    assert [line.name for line in r.clients] == ["Bob Baker"]
    assert (r.booked, r.cancelled, r.no_shows, r.late) == (3, 2, 1, 1)
    assert (r.waived.count, r.waived.totals) == (2, (gbp(16000),))
    assert r.charged.totals == ()
    assert r.professional_rate == Decimal("0.0")


def test_a_client_without_sessions_in_the_period_gets_a_zero_line(practice, clock):
    build(practice, clock)
    eve = practice.add_client("Eve Evans")
    r = build_report(practice, client_id=eve.id)
    assert r.booked == 0
    assert r.client is not None and (r.client.name, r.client.sessions) == ("Eve Evans", 0)
    assert r.professional_rate is None


def test_an_unknown_client_is_a_clear_error(practice):
    with pytest.raises(NotFound):
        build_report(practice, client_id=999)


def test_explicit_period_bounds_are_local_days_end_excluded(practice, clock):
    build(practice, clock)
    # [9 Nov, 16 Nov): #6 #7 #8 #9 #10 #12 #14; #11 (16 Nov) is on the excluded end day.
    r = build_report(practice, start=date(2026, 11, 9), end=date(2026, 11, 16))
    assert r.booked == 7
    assert [w.start for w in r.weeks] == [date(2026, 11, 9)]
    # [3 Nov, 4 Nov): only #2.
    r = build_report(practice, start=date(2026, 11, 3), end=date(2026, 11, 4))
    assert (r.booked, r.cancelled, r.charged.totals) == (1, 1, (gbp(9000),))


def test_a_session_belongs_to_the_local_day_it_starts_on():
    # 23:30 UTC on 1 Oct is 00:30 on 2 Oct in London (BST): it is in [2 Oct, 3 Oct).
    late_night = _session(1, datetime(2026, 10, 1, 23, 30, tzinfo=UTC), SessionStatus.ATTENDED)
    period = Period(date(2026, 10, 2), date(2026, 10, 3), "Europe/London")
    r = compute_report([late_night], period=period, now=_NOW, late_fee_percent=100)
    assert r.booked == 1
    earlier = Period(date(2026, 10, 1), date(2026, 10, 2), "Europe/London")
    r = compute_report([late_night], period=earlier, now=_NOW, late_fee_percent=100)
    assert r.booked == 0


def test_void_charges_are_left_out_and_the_waiver_uses_the_fee_percentage():
    start = datetime(2026, 11, 2, 10, tzinfo=UTC)
    charged = _session(
        1,
        start,
        SessionStatus.CANCELLED,
        cancellation=_cancel(Reason.CLIENT, late=True, charged=True),
        charges=(
            # Made the day of the session: charges count by the day they were made.
            _charge(7000, ChargeKind.LATE_CANCELLATION, ChargeStatus.VOID, start),
            _charge(3000, ChargeKind.LATE_CANCELLATION, ChargeStatus.PAID, start),
        ),
    )
    waived = _session(
        2,
        start + timedelta(days=1),
        SessionStatus.NO_SHOW,
        cancellation=_cancel(Reason.NO_SHOW, late=True, charged=False),
    )
    period = Period(date(2026, 11, 1), date(2026, 11, 8), "Europe/London")
    r = compute_report([charged, waived], period=period, now=_NOW, late_fee_percent=50)
    assert (r.charged.count, r.charged.totals) == (1, (gbp(3000),))
    assert (r.waived.count, r.waived.totals) == (1, (gbp(4500),))  # 50 % of 90.00


@pytest.mark.parametrize(
    ("professional", "booked", "rate"),
    [(1, 3, "33.3"), (2, 3, "66.7"), (1, 8, "12.5"), (0, 5, "0.0"), (3, 3, "100.0")],
)
def test_professional_rate_has_one_decimal(professional, booked, rate):
    start = datetime(2026, 11, 2, 10, tzinfo=UTC)
    sessions = [
        _session(
            i,
            start + timedelta(hours=i),
            SessionStatus.CANCELLED if i < professional else SessionStatus.ATTENDED,
            cancellation=_cancel(Reason.PROFESSIONAL) if i < professional else None,
        )
        for i in range(booked)
    ]
    period = Period(date(2026, 11, 1), date(2026, 11, 8), "Europe/London")
    r = compute_report(sessions, period=period, now=_NOW, late_fee_percent=100)
    assert r.professional_rate == Decimal(rate)


def test_an_empty_practice_has_zeros_and_no_rate(practice):
    r = build_report(practice)
    assert (r.booked, r.cancelled, r.no_shows, r.charged.count) == (0, 0, 0, 0)
    assert r.professional_rate is None
    assert r.clients == ()
    assert len(r.weeks) == 14
    assert all((w.attended, w.cancelled, w.no_shows) == (0, 0, 0) for w in r.weeks)


def test_make_period_fills_missing_bounds():
    today = date(2026, 11, 16)
    tz = "Europe/London"
    assert make_period(None, None, today=today, timezone=tz) == default_period(today, tz)
    p = make_period(date(2026, 1, 1), None, today=today, timezone=tz)
    assert (p.start, p.end) == (date(2026, 1, 1), date(2026, 11, 17))
    p = make_period(None, date(2026, 4, 1), today=today, timezone=tz)
    assert (p.start, p.end) == (date(2026, 1, 1), date(2026, 4, 1))
    p = make_period(date(2027, 1, 1), None, today=today, timezone=tz)
    assert (p.start, p.days) == (date(2027, 1, 1), 90)


@pytest.mark.parametrize("end", [date(2026, 11, 1), date(2026, 10, 1)])
def test_an_empty_or_backwards_period_is_refused(end):
    with pytest.raises(DomainError, match="must be after its start"):
        make_period(date(2026, 11, 1), end, today=date(2026, 11, 16), timezone="Europe/London")


def test_period_describes_its_days():
    p = Period(date(2026, 8, 19), date(2026, 11, 17), "Europe/London")
    assert p.describe() == "Wed 19 Aug 2026 – Mon 16 Nov 2026 (90 days)"
    assert p.shifted(-30).start == date(2026, 7, 20)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Ann Archer", "A.Ar."), ("Ann-Marie O'Neill", "An.M.O."), ("=cmd", "?"), ("élodie", "Él.")],
)
def test_initials(name, expected):
    assert initials(name) == expected


# -- building blocks for the pure tests ------------------------------------------------------

_NOW = datetime(2026, 11, 16, 8, tzinfo=UTC)


def _session(
    sid: int,
    start: datetime,
    status: SessionStatus,
    *,
    cancellation: Cancellation | None = None,
    charges: tuple[Charge, ...] = (),
) -> Session:
    return Session(
        id=sid,
        uid=f"{sid}@test",
        professional_id=1,
        client_id=1,
        client_name="Ann Archer",
        start=start,
        end=start + timedelta(minutes=50),
        fee=gbp(9000),
        status=status,
        cancellation=cancellation,
        charges=charges,
    )


def _cancel(reason: Reason, *, late: bool = False, charged: bool = False) -> Cancellation:
    return Cancellation(
        reason=reason,
        note="",
        notified_at=_NOW,
        notice_hours=2.0 if late else 72.0,
        late=late,
        charged=charged,
    )


def _charge(minor: int, kind: ChargeKind, status: ChargeStatus, made: datetime = _NOW) -> Charge:
    return Charge(
        id=minor,
        session_id=1,
        client_id=1,
        amount=gbp(minor),
        method=PaymentMethod.CARD,
        kind=kind,
        status=status,
        created_at=made,
    )


def test_a_charge_on_a_cancellation_that_was_not_late_is_its_own_kind(practice, clock):
    cancelled = charged_outside_the_window(practice)
    assert cancelled.cancellation.late is False
    [charge] = cancelled.charges
    assert charge.kind is ChargeKind.CANCELLATION
    r = build_report(practice)
    by_kind = {k.kind: k.amounts for k in r.charged_by_kind}
    assert by_kind[ChargeKind.LATE_CANCELLATION].count == 0
    assert (by_kind[ChargeKind.CANCELLATION].count, by_kind[ChargeKind.CANCELLATION].totals) == (
        1,
        (gbp(9000),),
    )
    assert r.late == 0
    [line] = r.clients
    assert (line.charges_of(ChargeKind.CANCELLATION), line.charged) == (1, (gbp(9000),))


def test_client_line_counts_are_in_the_client_tables_column_order() -> None:
    """The screen's and the CLI's client tables read one tuple, so their columns agree."""
    from kara_tui.services.report import ClientLine

    line = ClientLine(
        client_id=1, name="A", sessions=9, attended=5, scheduled=1, cancelled=3, late=2,
        no_shows=1, waived=4, charged=(),
    )  # fmt: skip
    assert line.counts() == (9, 5, 3, 2, 1, 4)
