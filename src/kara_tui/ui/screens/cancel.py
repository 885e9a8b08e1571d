"""The cancel dialog (DESIGN.md section 2): reason, notice, the policy's decision, charge, notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Select, Static

from kara_tui.domain import DomainError, PaymentMethod, Programme, Reason, SessionStatus
from kara_tui.domain.money import Money, MoneyError
from kara_tui.policy.cancel_money import check_charge, check_notice_time, credit_line
from kara_tui.policy.cancellation import ChargeDecision, decide, reasons_for
from kara_tui.services.practice import ChargeRequest, Practice
from kara_tui.timeparse import AmbiguousTime, parse_moment
from kara_tui.ui import format as fmt
from kara_tui.ui.resolved import moment_echo
from kara_tui.ui.screens import _dialog
from kara_tui.ui.screens._dialog import ERROR, MUTED, SUCCESS, WARNING, Line, plain, sentence
from kara_tui.ui.widgets.fold_choice import FoldChoice
from kara_tui.ui.widgets.toggles import Choice, Tick

if TYPE_CHECKING:
    from kara_tui.domain import Client, Professional, Session

REASONS: tuple[Reason, ...] = (Reason.PROFESSIONAL, Reason.CLIENT, Reason.NO_SHOW, Reason.OTHER)


@dataclass(frozen=True, slots=True)
class Loaded:
    """Everything the policy needs, read once; the dialog recomputes from it on every key."""

    session: Session
    client: Client
    professional: Professional
    tz: ZoneInfo
    opened_at: datetime


@dataclass(frozen=True, slots=True)
class CancelRequest:
    """Exactly what Confirm sends to the service."""

    reason: Reason
    note: str
    notified_at: datetime | None
    charge: ChargeRequest | None
    notify: bool
    as_no_show: bool  # a started session missed: Practice.no_show, as `sessions no-show` does
    message: str = ""  # the professional's own line in the client's notice


class CancelDialog(_dialog.LiveDialog["Session", Loaded]):
    """Cancel one session with a reason, charging only what the policy allows.

    Dismisses with the updated Session on confirm, None on Back. Nothing is ticked for the
    user except "Notify client", and nothing is written until Confirm.
    """

    BINDINGS: ClassVar[list[BindingType]] = _dialog.choice_keys("pick_reason", len(REASONS))

    DEFAULT_CSS = """
    CancelDialog #reasons { margin-bottom: 0; }
    CancelDialog #note { margin-top: 1; }
    CancelDialog #facts { margin-top: 1; }
    CancelDialog #charge, CancelDialog #notify { margin-top: 1; }
    CancelDialog #message { margin-left: 4; }
    CancelDialog #charge-why, CancelDialog #notify-hint, CancelDialog #amount-error,
    CancelDialog #refund, CancelDialog #credit { padding-left: 4; }
    CancelDialog #charge-row { padding-left: 4; }
    CancelDialog #notice-echo { padding-left: 16; }
    """

    FIRST_FOCUS = "#reasons"
    WORK_FAILED = "Not saved: {}"

    def __init__(self, practice: Practice, session_id: int, *, no_show: bool = False) -> None:
        super().__init__()
        self.practice = practice
        self.session_id = session_id
        self.start_as_no_show = no_show
        self.request: CancelRequest | None = None
        self._methods: tuple[PaymentMethod, ...] | None = None
        self._typed_notice: str | None = None  # kept while a no-show shows the start instead
        self._auto_amount = ""  # the amount last filled in from the policy, not typed

    # -- building -------------------------------------------------------------------------

    def dialog_title(self) -> str:
        return "Record a no-show" if self.start_as_no_show else "Cancel session"

    @property
    def open(self) -> bool:
        """Loaded and still scheduled: there is something to cancel."""
        return self.data is not None and self.data.session.status is SessionStatus.SCHEDULED

    def closed_why(self) -> str:
        assert self.data is not None
        status = self.data.session.status.label
        return f"This session is already {status}: only a scheduled session can be cancelled."

    def form(self) -> ComposeResult:
        assert self.data is not None
        data = self.data
        session = data.session
        yield Static("Reason  (keys 1–4 pick, arrows move)", classes="label")
        yield _dialog.ChoiceSet(
            *[
                Choice(
                    r.label,
                    value=r is Reason.NO_SHOW
                    and self.start_as_no_show
                    and r in reasons_for(session, data.opened_at),
                    compact=True,
                )
                for r in REASONS
            ],
            id="reasons",
            compact=True,
        )
        yield Line(id="started")
        yield Input(
            placeholder="Other: what happened (private: the client never sees this)",
            id="note",
            disabled=True,
            compact=True,
        )
        yield Line(id="note-error")
        with Horizontal(classes="row"):
            yield Static("Notice given at", classes="caption")
            yield Input(
                _dialog.field_text(data.opened_at, data.tz),
                id="notified-at",
                classes="-short",
                compact=True,
            )
            yield Static(plain(f"({data.tz.key})", MUTED), classes="caption")
        # Under the row, not beside it: beside, an 80-column terminal cut it.
        yield Line(id="notice-echo")
        yield Line(id="notice-error")
        yield FoldChoice("notified-at", id="notice-fold")
        yield Line(id="policy")
        yield Line(id="penalty")
        yield Tick("Charge the client for this session", id="charge", compact=True)
        yield Line(id="charge-why")
        with Horizontal(classes="row", id="charge-row"):
            yield Static("Amount", classes="caption")
            # Filled in from the policy's decision (the amount depends on the method).
            yield Input(
                "",
                id="amount",
                classes="-amount",
                compact=True,
                disabled=True,
            )
            yield Static(f"{session.fee.currency}   Method", classes="caption")
            # No blank "none" choice: it could only fail ("choose a payment method").
            # The method defaults to the first the policy allows, which decides nothing,
            # as the charge box itself is never ticked for the user. Until the policy's
            # methods are known, every method (the row is hidden and disabled meanwhile).
            yield Select[PaymentMethod](
                [(m.label, m) for m in PaymentMethod],
                id="method",
                allow_blank=False,
                compact=True,
                disabled=True,
            )
        yield Line(id="amount-error")
        yield Line(id="refund")
        yield Line(id="credit")
        yield Tick("Notify client", value=True, id="notify", compact=True)
        yield Line(id="notify-hint")
        yield Input(
            placeholder="Message to the client (optional: a line in the email)",
            id="message",
            compact=True,
        )

    def summary(self) -> Content:
        assert self.data is not None
        data, s = self.data, self.data.session
        extras = []
        if s.prepaid:
            extras.append("prepaid")
        if data.client.programme is Programme.SPONSORED:
            extras.append("sponsored programme")
        return Content.assemble(
            *_dialog.session_head(self, data.client.name, s, data.tz),
            "  fee ",
            str(s.fee),
            (f"  {', '.join(extras)}" if extras else "", MUTED),
        )

    def read(self) -> Loaded:
        session = self.practice.get_session(self.session_id)
        client = self.practice.find_client(session.client_id)
        professional = self.practice.professional()
        tz = ZoneInfo(professional.timezone)
        return Loaded(session, client, professional, tz, self.practice.clock.now())

    # -- the live decision ----------------------------------------------------------------

    @property
    def reason(self) -> Reason | None:
        index = self.query_one("#reasons", _dialog.ChoiceSet).pressed_index
        return REASONS[index] if index >= 0 else None

    def _decision(self, reason: Reason, notified_at: datetime, now: datetime) -> ChargeDecision:
        assert self.data is not None
        return decide(
            session=self.data.session,
            client=self.data.client,
            professional=self.data.professional,
            reason=reason,
            notified_at=notified_at,
            now=now,
        )

    def refresh_form(self) -> None:
        """Recompute the policy from what is on screen and say everything it decides."""
        if not self._ready or self.data is None:
            return
        data = self.data
        session = data.session
        now = self.practice.clock.now()
        problems: list[str] = []

        allowed = reasons_for(session, now)
        for reason, button in zip(
            REASONS, self.query_one("#reasons", _dialog.ChoiceSet).buttons(), strict=True
        ):
            button.disabled = reason not in allowed
        started = session.start <= now
        # Say why some reasons are greyed out, in the policy's own words.
        barred = next(r for r in (Reason.PROFESSIONAL, Reason.NO_SHOW) if r not in allowed)
        self.query_one("#started", Line).say(
            sentence(self._decision(barred, now, now).reason_why), WARNING if started else MUTED
        )

        reason = self.reason
        if reason is None:
            problems.append("Choose a reason (keys 1–4).")

        note_input = self.query_one("#note", Input)
        note_input.disabled = reason is not Reason.OTHER
        note = note_input.value.strip() if reason is Reason.OTHER else ""
        note_missing = reason is Reason.OTHER and not note
        self.query_one("#note-error", Line).say(
            "'Other' needs a note saying what happened." if note_missing else "", ERROR
        )
        if note_missing:
            problems.append("Write what happened: 'Other' needs a note.")

        as_no_show = reason is Reason.NO_SHOW and started
        notice_input = self.query_one("#notified-at", Input)
        notice_input.disabled = as_no_show
        notified_at: datetime | None = None
        notice_line = self.query_one("#notice-error", Line)
        start_text = _dialog.field_text(session.start, data.tz)
        if as_no_show:
            notified_at = session.start
            if notice_input.value != start_text:
                self._typed_notice = notice_input.value
                notice_input.value = start_text
            notice_line.say("A no-show is recorded at the session's start.", MUTED)
        else:
            if self._typed_notice is not None:
                notice_input.value, self._typed_notice = self._typed_notice, None
            fold = self.query_one("#notice-fold", FoldChoice)
            fold.show(None)
            try:
                notified_at = parse_moment(notice_input.value, data.tz, now)
                check_notice_time(notified_at, now)
                notice_line.say("")
            except AmbiguousTime as twice:  # the clocks went back: which of the two?
                fold.show(twice)
                notified_at = None
                notice_line.say(f"{twice.naive:%H:%M} happened twice that night: pick one.", ERROR)
                problems.append("Fix the notice time above.")
            except DomainError as exc:
                notified_at = None
                notice_line.say(sentence(str(exc)), ERROR)
                problems.append("Fix the notice time above.")

        self.query_one("#notice-echo", Line).say(
            ""
            if as_no_show or notified_at is None
            else moment_echo(notice_input.value, data.tz, now),
            MUTED,
        )
        decision = (
            self._decision(reason, notified_at, now)
            if reason is not None and notified_at is not None
            else None
        )
        self._show_policy(decision)
        charge = self._show_charge(decision, problems)
        notify, message = self._show_notify(
            decision is not None and decision.reason is Reason.NO_SHOW and started
        )

        if decision is not None and not decision.reason_allowed:
            problems.append(sentence(decision.reason_why))
        self.problem = problems[0] if problems else ""
        self.request = (
            None
            if problems or reason is None
            else CancelRequest(
                reason=reason,
                note=note,
                notified_at=notified_at,
                charge=charge,
                notify=notify,
                as_no_show=as_no_show,
                message=message,
            )
        )
        self.query_one("#confirm", Button).disabled = self.request is None or self.busy
        self.query_one("#status", Line).say(self.problem, MUTED)

    def _show_policy(self, decision: ChargeDecision | None) -> None:
        """One policy line (notice, window, late or not) and at most one warning: the
        policy's own words, said once (issue 11: the dialog said "late" three times)."""
        policy = self.query_one("#policy", Line)
        penalty = self.query_one("#penalty", Line)
        if decision is None:
            policy.say("The policy line appears once a reason and a notice time are set.", MUTED)
            penalty.say("")
            return
        policy.say(Content(decision.policy_line).stylize("bold", 0, decision.policy_line.find(":")))
        penalty.say(decision.penalty_warning, f"bold {WARNING}")

    def _show_charge(
        self, decision: ChargeDecision | None, problems: list[str]
    ) -> ChargeRequest | None:
        assert self.data is not None
        session, client = self.data.session, self.data.client
        box = self.query_one("#charge", Checkbox)
        amount_input = self.query_one("#amount", Input)
        method_select: Select[PaymentMethod] = self.query_one("#method", Select)
        may_charge = decision is not None and decision.may_charge and decision.reason_allowed
        box.disabled = not may_charge
        if not may_charge and box.value:
            box.value = False
        why = self.query_one("#charge-why", Line)
        if decision is None:
            why.say("")
        elif not may_charge:
            why.say(
                sentence(decision.charge_why if decision.reason_allowed else decision.reason_why),
                WARNING,
            )
        else:
            # When the policy line already says it ("Late cancellation: 7 h notice, ..."),
            # repeating it under the box is noise.
            # A no-show's policy line already says what applies.
            said = sentence(decision.charge_why).rstrip(".")
            repeated = decision.policy_line.startswith(said) or decision.reason is Reason.NO_SHOW
            why.say("" if repeated else sentence(said), MUTED)
        methods = decision.methods if decision is not None else ()
        if methods and methods != self._methods:  # none: nothing to charge, the row hides
            # Keep a method chosen from the policy's earlier list; the placeholder list's
            # first entry was never a choice.
            previous = method_select.value if self._methods else None
            self._methods = methods
            method_select.set_options([(m.label, m) for m in methods])
            method_select.value = previous if previous in methods else methods[0]
        charging = may_charge and box.value
        self.query_one("#charge-row").display = may_charge
        chosen = method_select.value if isinstance(method_select.value, PaymentMethod) else None
        by_credit = chosen is PaymentMethod.SPONSORED_CREDIT
        if decision is not None and may_charge:
            # The policy's amount for the method; what the user typed is kept, except that a
            # credit always pays the whole fee.
            default = decision.amount_for(chosen).amount_str()
            if by_credit or amount_input.value == self._auto_amount:
                self._auto_amount = default
                if amount_input.value != default:
                    amount_input.value = default
        amount_input.disabled = not charging or by_credit
        method_select.disabled = not charging

        error = self.query_one("#amount-error", Line)
        request: ChargeRequest | None = None
        if charging and decision is not None:
            method = method_select.value if isinstance(method_select.value, PaymentMethod) else None
            try:
                amount = Money.parse(amount_input.value, session.fee.currency)
                if method is None:
                    raise DomainError("choose a payment method")
                check_charge(decision, amount, method, client=client, session=session)
            except (MoneyError, DomainError) as exc:
                error.say(sentence(str(exc)), ERROR)
                problems.append("Fix the charge above, or untick it.")
            else:
                error.say("")
                request = ChargeRequest(amount=amount, method=method)
        else:
            error.say("")

        refund = decision.refund if decision is not None else None
        self.query_one("#refund", Line).say(
            f"A refund of {refund} will be recorded: the client prepaid." if refund else "",
            f"bold {SUCCESS}",
        )
        charged_by = request.method if request is not None else None
        self.query_one("#credit", Line).say(
            credit_line(client, session, charged_by, decision.fee) if decision else "", MUTED
        )
        return request

    def _show_notify(self, no_show: bool) -> tuple[bool, str]:
        """Say who is notified; whether a notice is asked for, and the personal line."""
        assert self.data is not None
        box, blocked = self.notify_box(self.data.client)
        message_input = self.query_one("#message", Input)
        box.display = not no_show
        hint = self.query_one("#notify-hint", Line)
        if blocked:
            hint.say(f"Not notified: {blocked}.", MUTED)
        elif no_show:
            hint.say("No notice is sent for a no-show, unless you write the client a line.", MUTED)
        else:
            hint.say(plain(f"To {fmt.clean(self.data.client.email)}", MUTED))
        wanted = not blocked and (no_show or box.value)
        message_input.disabled = not wanted
        message = message_input.value.strip() if wanted else ""
        return (bool(message) if no_show else wanted), message

    # -- events ---------------------------------------------------------------------------

    def action_pick_reason(self, index: int) -> None:
        self.pick("#reasons", index)

    def confirmable(self) -> bool:
        return self.request is not None

    def start_save(self) -> None:
        assert self.request is not None
        self.save(partial(self._write, self.request))

    def _write(self, request: CancelRequest) -> Session:
        if request.as_no_show:
            return self.practice.no_show(
                self.session_id,
                charge=request.charge,
                note=request.note,
                message=request.message,
            )
        return self.practice.cancel(
            self.session_id,
            request.reason,
            note=request.note,
            notified_at=request.notified_at,
            charge=request.charge,
            notify=request.notify,
            message=request.message,
        )
