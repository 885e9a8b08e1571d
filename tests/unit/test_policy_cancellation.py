"""DESIGN.md section 2, rule by rule: reasons, notice, late flag, who may be charged, wording."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kara_tui.domain import (
    Client,
    DomainError,
    Money,
    PaymentMethod,
    Professional,
    Programme,
    Reason,
    Session,
)
from kara_tui.policy.cancellation import decide, format_hours, notice_hours, reasons_for

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # Friday, well ahead of NOW
FEE = Money(9000, "GBP")

PRO = Professional(id=1, name="Dr Kara")
PRIVATE = Client(id=1, name="Anna Smith", fee=FEE)
SPONSORED = Client(id=2, name="Ben Jones", programme=Programme.SPONSORED, fee=FEE)


def session(start: datetime = START, *, prepaid: bool = False, client: Client = PRIVATE) -> Session:
    return Session(
        id=1,
        uid="s1@kara-tui",
        professional_id=1,
        client_id=client.id,
        client_name=client.name,
        start=start,
        end=start + timedelta(minutes=50),
        fee=FEE,
        prepaid=prepaid,
    )


def decide_with(
    notice: timedelta,
    *,
    reason: Reason = Reason.CLIENT,
    client: Client = PRIVATE,
    pro: Professional = PRO,
    prepaid: bool = False,
    start: datetime = START,
    now: datetime | None = None,
):
    notified = start - notice
    return decide(
        session=session(start, prepaid=prepaid, client=client),
        client=client,
        professional=pro,
        reason=reason,
        notified_at=notified,
        now=now or min(notified, start - timedelta(minutes=1)),
    )


H = timedelta(hours=1)

# (id, client, practice window, reason, notice, late, may_charge, warned, phrases in policy_line)
CASES = [
    (
        "private exactly 24 h is not late",
        PRIVATE,
        24,
        Reason.CLIENT,
        24 * H,
        False,
        True,
        False,
        ["Outside the policy", "24 h notice", "your policy is 24 h", "You may still charge"],
    ),
    (
        "private 23 h 59 min is late",
        PRIVATE,
        24,
        Reason.CLIENT,
        24 * H - timedelta(minutes=1),
        True,
        True,
        True,
        ["Late cancellation", "23 h 59 min notice", "your policy is 24 h"],
    ),
    (
        "private 24 h 1 min is not late",
        PRIVATE,
        24,
        Reason.CLIENT,
        24 * H + timedelta(minutes=1),
        False,
        True,
        False,
        ["Outside the policy", "24 h 1 min notice"],
    ),
    (
        "practice window of 48 h makes 47 h late",
        PRIVATE,
        48,
        Reason.CLIENT,
        47 * H,
        True,
        True,
        False,  # the penalty warning is about 24 h, whatever the window
        ["Late cancellation", "47 h notice", "your policy is 48 h"],
    ),
    (
        "practice window of 48 h: exactly 48 h is not late",
        PRIVATE,
        48,
        Reason.CLIENT,
        48 * H,
        False,
        True,
        False,
        ["Outside the policy", "48 h notice", "your policy is 48 h"],
    ),
    (
        "client's own window of 48 h overrides the practice's 24 h",
        replace(PRIVATE, window_hours=48),
        24,
        Reason.CLIENT,
        30 * H,
        True,
        True,
        False,
        ["Late cancellation", "30 h notice", "this client's own window is 48 h"],
    ),
    (
        "client's own window of 12 h overrides the practice's 24 h",
        replace(PRIVATE, window_hours=12),
        24,
        Reason.CLIENT,
        20 * H,
        False,
        True,
        True,  # still under 24 h before the start: the client is warned
        ["Outside the policy", "this client's own window is 12 h"],
    ),
    (
        "sponsored at 23 h may be charged",
        SPONSORED,
        24,
        Reason.CLIENT,
        23 * H,
        True,
        True,
        True,
        ["Late cancellation", "23 h notice", "sponsored programme allows a charge under 24 h"],
    ),
    (
        "sponsored at exactly 24 h may not be charged",
        SPONSORED,
        24,
        Reason.CLIENT,
        24 * H,
        False,
        False,
        False,
        ["Not late", "24 h notice", "No charge", "credit goes back to the client"],
    ),
    (
        "sponsored at 25 h may not be charged",
        SPONSORED,
        24,
        Reason.CLIENT,
        25 * H,
        False,
        False,
        False,
        ["Not late", "25 h notice", "No charge"],
    ),
    (
        "sponsored ignores a 48 h practice window",
        SPONSORED,
        48,
        Reason.CLIENT,
        30 * H,
        False,
        False,
        False,
        ["Not late", "30 h notice"],
    ),
    (
        "professional never charges",
        PRIVATE,
        24,
        Reason.PROFESSIONAL,
        2 * H,
        True,
        False,
        False,
        ["Cancelled by you: no charge."],
    ),
    (
        "professional cancelling a sponsored session never charges",
        SPONSORED,
        24,
        Reason.PROFESSIONAL,
        2 * H,
        True,
        False,
        False,
        ["Cancelled by you: no charge."],
    ),
    (
        "other follows the client's terms",
        PRIVATE,
        24,
        Reason.OTHER,
        3 * H,
        True,
        True,
        False,  # the warning is for the client cancelling
        ["Late cancellation", "3 h notice"],
    ),
]


@pytest.mark.parametrize(
    ("client", "window", "reason", "notice", "late", "may_charge", "warned", "phrases"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_rules_table(client, window, reason, notice, late, may_charge, warned, phrases) -> None:
    pro = replace(PRO, cancellation_window_hours=window)
    d = decide_with(notice, reason=reason, client=client, pro=pro)
    assert d.reason_allowed, d.reason_why
    assert d.notice_hours == pytest.approx(notice.total_seconds() / 3600)
    assert d.late is late
    assert d.may_charge is may_charge
    assert bool(d.penalty_warning) is warned
    for phrase in phrases:
        assert phrase in d.policy_line, (phrase, d.policy_line)
    if warned:
        assert "penalty may apply" in d.penalty_warning
        assert "less than 24 h" in d.penalty_warning


def test_charge_why_is_in_words() -> None:
    assert decide_with(23 * H).charge_why == ("late cancellation: 23 h notice, your policy is 24 h")
    assert decide_with(30 * H).charge_why == "outside the policy: 30 h notice, your policy is 24 h"
    assert decide_with(25 * H, client=SPONSORED).charge_why == (
        "sponsored programme: a charge is allowed only with under 24 h notice, and 25 h was given"
    )
    assert "so a charge is allowed" in decide_with(23 * H, client=SPONSORED).charge_why
    assert decide_with(H, reason=Reason.PROFESSIONAL).charge_why == (
        "you are cancelling: the client cannot be charged"
    )


# -- the professional cancels --------------------------------------------------------------


def test_professional_without_prepayment_has_no_refund_and_no_methods() -> None:
    d = decide_with(2 * H, reason=Reason.PROFESSIONAL)
    assert d.refund is None
    assert d.methods == ()
    assert "refund" not in d.policy_line
    with pytest.raises(DomainError, match="cannot be charged"):
        d.check_charge(Money(100, "GBP"), PaymentMethod.CARD, FEE)


def test_professional_with_prepayment_refunds_the_whole_fee() -> None:
    d = decide_with(2 * H, reason=Reason.PROFESSIONAL, prepaid=True)
    assert d.refund == FEE
    assert "The client prepaid: a refund of 90.00 GBP will be recorded." in d.policy_line


def test_professional_releases_a_sponsored_clients_credit() -> None:
    assert decide_with(2 * H, reason=Reason.PROFESSIONAL, client=SPONSORED).releases_credit
    assert not decide_with(2 * H, reason=Reason.PROFESSIONAL).releases_credit


def test_client_cancelling_a_prepaid_session_gets_no_automatic_refund() -> None:
    assert decide_with(2 * H, prepaid=True).refund is None


# -- a session that has started ------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "allowed"),
    [
        (Reason.NO_SHOW, True),
        (Reason.OTHER, True),
        (Reason.CLIENT, False),
        (Reason.PROFESSIONAL, False),
    ],
)
def test_past_session_only_no_show_or_other(reason: Reason, allowed: bool) -> None:
    d = decide(
        session=session(START),
        client=PRIVATE,
        professional=PRO,
        reason=reason,
        notified_at=START + timedelta(minutes=5),
        now=START + timedelta(minutes=10),
    )
    assert d.reason_allowed is allowed
    if not allowed:
        assert "already started" in d.reason_why
        assert "'Client did not show up' or 'Other'" in d.reason_why
        with pytest.raises(DomainError, match="already started"):
            d.check_charge(Money(100, "GBP"), PaymentMethod.CARD, FEE)


def test_reasons_for_a_session() -> None:
    s = session(START)
    assert reasons_for(s, START - timedelta(seconds=1)) == (
        Reason.PROFESSIONAL,
        Reason.CLIENT,
        Reason.OTHER,
    )
    assert reasons_for(s, START) == (Reason.NO_SHOW, Reason.OTHER)


def test_no_show_before_the_start_is_refused() -> None:
    d = decide_with(2 * H, reason=Reason.NO_SHOW)
    assert not d.reason_allowed
    assert "has not started yet" in d.reason_why


def test_no_show_means_no_notice_and_may_be_charged() -> None:
    for client in (PRIVATE, SPONSORED):
        d = decide(
            session=session(START, client=client),
            client=client,
            professional=PRO,
            reason=Reason.NO_SHOW,
            notified_at=START + timedelta(minutes=20),
            now=START + timedelta(minutes=20),
        )
        assert d.reason_allowed
        assert d.notice_hours == 0
        assert d.late
        assert d.may_charge
        assert d.policy_line.startswith("No-show:")
        assert d.penalty_warning == ""


# -- a clock change between notice and start -----------------------------------------------


def test_dst_autumn_back_counts_the_lived_hour() -> None:
    """Clocks go back at 02:00 on Sunday 25 Oct 2026: 10:00 Sat to 10:00 Sun is 25 h."""
    start = datetime(2026, 10, 25, 10, 0, tzinfo=LONDON)
    notified = datetime(2026, 10, 24, 10, 0, tzinfo=LONDON)
    assert notice_hours(notified, start) == 25
    for client, may_charge in ((PRIVATE, True), (SPONSORED, False)):
        d = decide(
            session=session(start, client=client),
            client=client,
            professional=PRO,
            reason=Reason.CLIENT,
            notified_at=notified,
            now=notified,
        )
        assert d.notice_hours == 25
        assert not d.late
        assert d.may_charge is may_charge
        assert d.penalty_warning == ""
        assert "25 h notice" in d.policy_line


def test_dst_spring_forward_loses_the_skipped_hour() -> None:
    """Clocks go forward at 01:00 on Sunday 29 Mar 2026: 10:00 Sat to 10:00 Sun is 23 h."""
    start = datetime(2026, 3, 29, 10, 0, tzinfo=LONDON)
    notified = datetime(2026, 3, 28, 10, 0, tzinfo=LONDON)
    assert notice_hours(notified, start) == 23
    for client in (PRIVATE, SPONSORED):
        d = decide(
            session=session(start, client=client),
            client=client,
            professional=PRO,
            reason=Reason.CLIENT,
            notified_at=notified,
            now=notified,
        )
        assert d.notice_hours == 23
        assert d.late
        assert d.may_charge
        assert "penalty may apply" in d.penalty_warning
        assert "23 h notice" in d.policy_line


# -- amounts and methods -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "expected"),
    [(100, Money(9000, "GBP")), (50, Money(4500, "GBP")), (0, Money(0, "GBP"))],
)
def test_default_amount_from_late_fee_percent(percent: int, expected: Money) -> None:
    d = decide_with(2 * H, pro=replace(PRO, late_fee_percent=percent))
    assert d.default_amount == expected


def test_default_amount_rounds_half_up_to_the_minor_unit() -> None:
    odd = replace(session(), fee=Money(9999, "GBP"))
    d = decide(
        session=odd,
        client=PRIVATE,
        professional=replace(PRO, late_fee_percent=50),
        reason=Reason.CLIENT,
        notified_at=START - 2 * H,
        now=START - 2 * H,
    )
    assert d.default_amount == Money(5000, "GBP")  # 49.995 -> 50.00


def test_charge_checks() -> None:
    d = decide_with(2 * H)
    d.check_charge(FEE, PaymentMethod.CARD, FEE)  # the whole fee is fine
    d.check_charge(Money(1, "GBP"), PaymentMethod.CASH, FEE)
    with pytest.raises(DomainError, match=r"more than the session fee \(90.00 GBP\)"):
        d.check_charge(Money(9001, "GBP"), PaymentMethod.CARD, FEE)
    with pytest.raises(DomainError, match="more than zero"):
        d.check_charge(Money(0, "GBP"), PaymentMethod.CARD, FEE)
    with pytest.raises(DomainError, match="must be in GBP"):
        d.check_charge(Money(100, "EUR"), PaymentMethod.CARD, FEE)
    with pytest.raises(DomainError, match="'sponsored_credit' is not offered here"):
        d.check_charge(Money(100, "GBP"), PaymentMethod.SPONSORED_CREDIT, FEE)


def test_only_enabled_methods_are_offered() -> None:
    pro = replace(PRO, payment_methods=(PaymentMethod.CARD, PaymentMethod.INVOICE))
    d = decide_with(2 * H, pro=pro)
    assert d.methods == (PaymentMethod.CARD, PaymentMethod.INVOICE)
    with pytest.raises(DomainError, match=r"'cash' is not offered here \(offered: card, invoice\)"):
        d.check_charge(Money(100, "GBP"), PaymentMethod.CASH, FEE)


def test_sponsored_credit_is_for_sponsored_clients_only() -> None:
    private = decide_with(2 * H)
    sponsored = decide_with(2 * H, client=replace(SPONSORED, sponsored_credit=3))
    assert PaymentMethod.SPONSORED_CREDIT not in private.methods
    assert sponsored.methods[0] is PaymentMethod.SPONSORED_CREDIT
    assert set(private.methods) <= set(sponsored.methods)
    sponsored.check_charge(FEE, PaymentMethod.SPONSORED_CREDIT, FEE)


def test_sponsored_credit_is_offered_only_when_there_is_credit_to_spend() -> None:
    empty = decide_with(2 * H, client=SPONSORED)
    assert PaymentMethod.SPONSORED_CREDIT not in empty.methods
    assert empty.may_charge  # direct payment is still possible under 24 h
    held = policy_decide_held_credit()
    assert held.methods[0] is PaymentMethod.SPONSORED_CREDIT


def policy_decide_held_credit():
    """A sponsored client with an empty balance whose credit is held for this very session."""
    from kara_tui.policy.cancellation import decide

    held = replace(session(client=SPONSORED), credit_reserved=True)
    return decide(
        session=held,
        client=SPONSORED,
        professional=PRO,
        reason=Reason.CLIENT,
        notified_at=held.start - 2 * H,
        now=held.start - 2 * H,
    )


def test_sponsored_credit_is_never_offered_even_if_enabled_for_a_private_client() -> None:
    pro = replace(PRO, payment_methods=(PaymentMethod.CARD, PaymentMethod.SPONSORED_CREDIT))
    assert decide_with(2 * H, pro=pro).methods == (PaymentMethod.CARD,)


def test_sponsored_outside_24_h_refuses_every_charge_with_the_reason() -> None:
    d = decide_with(25 * H, client=SPONSORED)
    assert d.methods == ()
    assert d.releases_credit
    with pytest.raises(DomainError, match="only with under 24 h notice, and 25 h was given"):
        d.check_charge(Money(100, "GBP"), PaymentMethod.SPONSORED_CREDIT, FEE)


# -- words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (24, "24 h"),
        (24 - 1 / 60, "23 h 59 min"),
        (0, "0 h"),
        (0.5, "0 h 30 min"),
        (48, "48 h"),
        (-0.1, "after the start"),
    ],
)
def test_format_hours(hours: float, text: str) -> None:
    assert format_hours(hours) == text


@given(
    notice_minutes=st.integers(min_value=0, max_value=24 * 60 * 20),
    window=st.integers(min_value=0, max_value=24 * 14),
)
def test_late_exactly_when_notice_is_under_the_window(notice_minutes: int, window: int) -> None:
    d = decide_with(
        timedelta(minutes=notice_minutes), pro=replace(PRO, cancellation_window_hours=window)
    )
    assert d.late is (notice_minutes < window * 60)
    assert d.may_charge  # a private client may always be charged; the words differ
    assert ("Late cancellation" in d.policy_line) is d.late


def test_a_sponsored_credit_pays_the_whole_fee_whatever_the_late_fee_percent() -> None:
    """Issue 11: at a 50 % late fee a 27.50 charge used a whole credit of a 55.00 session."""
    pro = replace(PRO, late_fee_percent=50)
    d = decide_with(2 * H, client=replace(SPONSORED, sponsored_credit=3), pro=pro)
    assert d.default_amount == FEE.percent(50)
    assert d.amount_for(PaymentMethod.SPONSORED_CREDIT) == FEE
    assert d.amount_for(PaymentMethod.CARD) == FEE.percent(50)  # a direct payment: the percent
    assert "the late-fee percentage applies only to a direct payment" in d.credit_note()
    d.check_charge(FEE, PaymentMethod.SPONSORED_CREDIT, FEE)
    d.check_charge(FEE.percent(50), PaymentMethod.CARD, FEE)
    with pytest.raises(DomainError, match="a sponsored credit pays the whole session"):
        d.check_charge(FEE.percent(50), PaymentMethod.SPONSORED_CREDIT, FEE)


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (11 + 44 / 60, "11 h 44 min"),
        (round(11 + 44 / 60, 4), "11 h 44 min"),  # as stored: it read 11 h 43 min
        (11 + 44 / 60 + 59 / 3600, "11 h 44 min"),  # cut, not rounded: never more notice
        (48 - 20 / 3600, "47 h 59 min"),  # 47:59:40 is not the 48 h a window asks for
    ],
)
def test_format_hours_reads_stored_hours_as_they_were_made(hours: float, text: str) -> None:
    """Issue 11: one formatting of notice for the dialog, the details, the CLI and reports."""
    assert format_hours(hours) == text


@given(seconds=st.integers(min_value=0, max_value=14 * 24 * 3600))
def test_format_hours_of_a_stored_value_matches_the_exact_one(seconds: int) -> None:
    exact = seconds / 3600
    assert format_hours(round(exact, 4)) == format_hours(exact)
