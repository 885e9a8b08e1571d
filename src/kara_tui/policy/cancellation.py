"""The cancellation and charging rules of DESIGN.md section 2, as decisions with reasons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kara_tui.domain import ChargeKind, DomainError, Money, PaymentMethod, Programme, Reason
from kara_tui.policy.cancel_money import credit_note, late_fee
from kara_tui.policy.sponsored import has_credit_to_spend

if TYPE_CHECKING:  # the rules read these entities' fields; they never make one
    from kara_tui.domain import Client, Professional, Session

SPONSORED_WINDOW_HOURS = 24
PENALTY_WARNING_HOURS = 24


def notice_hours(notified_at: datetime, start: datetime) -> float:
    """Hours of real elapsed time between notice and start (negative after the start).

    Counted on the UTC timeline, so a clock change in between does not add or remove an hour
    that nobody lived through: notice given at 10:00 on the Saturday before the clocks go back
    for a 10:00 Sunday session is 25 hours.
    """
    # Subtracting two datetimes that share a tzinfo gives wall-clock time in Python, so both
    # go to UTC first.
    return (start.astimezone(UTC) - notified_at.astimezone(UTC)).total_seconds() / 3600


def format_hours(hours: float) -> str:
    """'23 h 59 min', '48 h', '0 h': how notice reads everywhere (dialog, details, CLI).

    Whole minutes, cut rather than rounded: 47 h 59 min 40 s of notice must not read as the
    48 h a window asks for. The hours are first taken to the nearest second, so a value
    stored with fewer decimals (11.7333 for 11 h 44 min) reads as the one it was made from.
    """
    if hours < 0:
        return "after the start"
    h, m = divmod(round(hours * 3600) // 60, 60)
    return f"{h} h {m} min" if m else f"{h} h"


@dataclass(frozen=True, slots=True)
class Window:
    hours: int
    source: str  # "client", "practice" or "sponsored"

    def describe(self) -> str:
        if self.source == "client":
            return f"this client's own window is {self.hours} h"
        if self.source == "sponsored":
            return f"the sponsored programme allows a charge under {self.hours} h"
        return f"your policy is {self.hours} h"


def window_for(client: Client, professional: Professional) -> Window:
    if client.programme is Programme.SPONSORED:
        return Window(SPONSORED_WINDOW_HOURS, "sponsored")
    if client.window_hours is not None:
        return Window(client.window_hours, "client")
    return Window(professional.cancellation_window_hours, "practice")


def methods_for(
    client: Client, professional: Professional, session: Session | None = None
) -> tuple[PaymentMethod, ...]:
    """Enabled methods; sponsored credit first, for sponsored clients who have some to spend
    (held for this session, or left on their balance)."""
    enabled = tuple(
        m for m in professional.payment_methods if m is not PaymentMethod.SPONSORED_CREDIT
    )
    reserved = session is not None and session.credit_reserved
    if has_credit_to_spend(client, credit_reserved=reserved):
        return (PaymentMethod.SPONSORED_CREDIT, *enabled)
    return enabled


def reasons_for(session: Session, now: datetime) -> tuple[Reason, ...]:
    """A session that has started can only have been missed, or ended for another reason;
    one that has not started cannot have been missed yet."""
    if session.start.astimezone(UTC) <= now.astimezone(UTC):
        return (Reason.NO_SHOW, Reason.OTHER)
    return (Reason.PROFESSIONAL, Reason.CLIENT, Reason.OTHER)


@dataclass(frozen=True, slots=True)
class ChargeDecision:
    """Everything the cancel dialog shows and the service enforces, with words for each."""

    reason: Reason
    notice_hours: float
    window: Window
    late: bool
    may_charge: bool
    charge_why: str
    policy_line: str
    default_amount: Money
    methods: tuple[PaymentMethod, ...]
    penalty_warning: str
    refund: Money | None
    reason_allowed: bool
    reason_why: str
    releases_credit: bool
    charge_kind: ChargeKind  # what a charge made here is recorded as
    fee: Money  # the session's fee: what a sponsored credit pays

    def amount_for(self, method: PaymentMethod | None) -> Money:
        """The amount a charge by ``method`` defaults to: a sponsored credit pays a whole
        session, so its charge is the fee; a direct payment follows the late-fee percentage."""
        return self.fee if method is PaymentMethod.SPONSORED_CREDIT else self.default_amount

    def credit_note(self) -> str:
        """What the dialog says when a sponsored credit pays (DESIGN.md section 2)."""
        return credit_note(self.fee)

    def check_charge(self, amount: Money, method: PaymentMethod, fee: Money) -> None:
        """Raise DomainError with the policy's words when this charge may not be made."""
        if not self.reason_allowed:
            raise DomainError(self.reason_why)
        if not self.may_charge:
            raise DomainError(self.charge_why)
        if amount.currency != fee.currency:
            raise DomainError(f"the charge must be in {fee.currency}, the session's currency")
        if amount.minor <= 0:
            raise DomainError("a charge must be more than zero")
        if amount.minor > fee.minor:
            raise DomainError(f"the charge ({amount}) is more than the session fee ({fee})")
        if method not in self.methods:
            offered = ", ".join(m.value for m in self.methods) or "none"
            raise DomainError(
                f"payment method '{method.value}' is not offered here (offered: {offered})"
            )
        if method is PaymentMethod.SPONSORED_CREDIT and amount != fee:
            raise DomainError(
                f"a sponsored credit pays the whole session: the charge by credit is the fee "
                f"({fee}), not {amount}; for part of the fee, choose a direct payment"
            )


def decide(
    *,
    session: Session,
    client: Client,
    professional: Professional,
    reason: Reason,
    notified_at: datetime,
    now: datetime,
) -> ChargeDecision:
    """Apply DESIGN.md section 2 to one cancellation or no-show."""
    allowed = reasons_for(session, now)
    reason_allowed = reason in allowed
    if reason_allowed:
        reason_why = ""
    elif reason is Reason.NO_SHOW:
        reason_why = "this session has not started yet: a client can only miss it once it has begun"
    else:
        reason_why = (
            "this session has already started: it can only be recorded as "
            "'Client did not show up' or 'Other'"
        )
    hours = notice_hours(notified_at, session.start)
    if reason is Reason.NO_SHOW:
        hours = 0.0  # a client who does not come gave no notice
    window = window_for(client, professional)
    late = hours < window.hours
    notice = format_hours(hours)
    methods = methods_for(client, professional, session)
    default_amount = late_fee(session.fee, professional.late_fee_percent)
    refund = None
    releases_credit = False
    penalty_warning = ""

    if reason is Reason.PROFESSIONAL:
        may_charge = False
        charge_why = "you are cancelling: the client cannot be charged"
        policy_line = "Cancelled by you: no charge."
        if session.prepaid:
            refund = session.fee
            policy_line += f" The client prepaid: a refund of {session.fee} will be recorded."
        releases_credit = client.programme is Programme.SPONSORED
        methods = ()
    elif client.programme is Programme.SPONSORED:
        may_charge = hours < SPONSORED_WINDOW_HOURS
        if may_charge:
            charge_why = (
                f"sponsored programme: {notice} notice is under {SPONSORED_WINDOW_HOURS} h, "
                "so a charge is allowed"
            )
            policy_line = f"Late cancellation: {notice} notice, {window.describe()}."
        else:
            charge_why = (
                f"sponsored programme: a charge is allowed only with under "
                f"{SPONSORED_WINDOW_HOURS} h notice, and {notice} was given"
            )
            policy_line = (
                f"Not late: {notice} notice, {window.describe()}. "
                "No charge; any reserved credit goes back to the client."
            )
            methods = ()
            releases_credit = True
    else:
        may_charge = True
        if late:
            charge_why = f"late cancellation: {notice} notice, {window.describe()}"
            policy_line = f"Late cancellation: {notice} notice, {window.describe()}."
        else:
            charge_why = f"outside the policy: {notice} notice, {window.describe()}"
            policy_line = (
                f"Outside the policy: {notice} notice, {window.describe()}. "
                "You may still charge, but your terms do not call for it."
            )

    if reason is Reason.CLIENT and hours < PENALTY_WARNING_HOURS:
        penalty_warning = (
            f"The client is cancelling less than {PENALTY_WARNING_HOURS} h before the start: "
            "a penalty may apply under your terms."
        )
    if reason is Reason.NO_SHOW:
        policy_line = f"No-show: {window.describe()}." + (
            "" if may_charge else " No charge is allowed."
        )
        if may_charge:
            charge_why = "the client did not come: a no-show may be charged under your terms"
    if session.prepaid and reason is not Reason.PROFESSIONAL:
        policy_line += " The client prepaid: whatever is not charged is refunded."

    return ChargeDecision(
        reason=reason,
        notice_hours=hours,
        window=window,
        late=late,
        may_charge=may_charge,
        charge_why=charge_why,
        policy_line=policy_line,
        default_amount=default_amount,
        methods=methods,
        penalty_warning=penalty_warning,
        refund=refund,
        reason_allowed=reason_allowed,
        reason_why=reason_why,
        releases_credit=releases_credit,
        charge_kind=_charge_kind(reason, late),
        fee=session.fee,
    )


def _charge_kind(reason: Reason, late: bool) -> ChargeKind:
    """A charge is a late-cancellation charge only when the cancellation was late."""
    if reason is Reason.NO_SHOW:
        return ChargeKind.NO_SHOW
    return ChargeKind.LATE_CANCELLATION if late else ChargeKind.CANCELLATION
