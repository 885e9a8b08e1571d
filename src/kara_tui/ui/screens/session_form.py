"""Book or edit a session, with conflict warnings that follow what is typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static
from textual.worker import Worker

from kara_tui.clock import Clock
from kara_tui.domain import DomainError, Money, Professional, Session
from kara_tui.domain.series import SeriesRule
from kara_tui.policy.conflicts import Conflict, warnings_title
from kara_tui.policy.notices import why_not_notified
from kara_tui.policy.sponsored import booking_credit_warning
from kara_tui.services.errors import ConflictError
from kara_tui.timeparse import AmbiguousTime, parse_datetime, plus_minutes
from kara_tui.ui import format as fmt
from kara_tui.ui.client_pick import ClientPicker, Pickable
from kara_tui.ui.privacy import privacy_on, redacted
from kara_tui.ui.screens import _dialog
from kara_tui.ui.screens import series_dialogs as series_form
from kara_tui.ui.screens._dialog import FormScreen, error_line, form_bindings, form_buttons
from kara_tui.ui.screens.confirm import ConfirmDialog
from kara_tui.ui.widgets.fold_choice import FoldChoice
from kara_tui.ui.widgets.hanging import hanging
from kara_tui.ui.widgets.toggles import Tick

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice

MAX_MINUTES = 12 * 60
BOOKING_FIELDS = ("minutes", "service", "location", "prepaid", "notify")


@dataclass(frozen=True, slots=True)
class Request:
    """What the form asks for, read from the fields (the client and fee are checked by the service)."""

    client: str
    start: datetime
    minutes: int
    fee: str
    service: str
    location: str
    prepaid: bool
    notify: bool = False
    rule: SeriesRule | None = None  # a series (Repeat and Ends), None for one session

    def booking(self) -> dict[str, Any]:
        """What booking one session and booking a series both take from the form, by keyword."""
        return {name: getattr(self, name) for name in BOOKING_FIELDS}


class SessionForm(FormScreen[Session | None]):
    """New session (``day`` given) or edit (``session`` given); dismisses with the saved Session."""

    BINDINGS = form_bindings("Save")
    _series_said = ""  # what a series' booking did, for the notification

    class ClientsLoaded(Message):
        def __init__(
            self,
            clients: list[Pickable],
            warnings: dict[int, str] | None = None,
            unreachable: dict[int, str] | None = None,
        ) -> None:
            self.clients = clients
            self.warnings = warnings or {}  # by client id: the policy's credit warning
            self.unreachable = unreachable or {}  # by client id: why no notice can go
            super().__init__()

    def __init__(
        self,
        practice: Practice,
        professional: Professional,
        clock: Clock,
        *,
        day: date | None = None,
        start: datetime | None = None,
        session: Session | None = None,
        privacy: bool = False,
        scope: str | None = None,
    ) -> None:
        super().__init__()
        self.scope = scope  # editing a series' following / all sessions (series_actions.py)
        self.practice = practice
        self.professional = professional
        self.tz = ZoneInfo(professional.timezone)
        self.clock = clock
        self.editing = session
        self._privacy = privacy
        self._picker = ClientPicker()
        self._credit_warnings: dict[int, str] = {}
        self._unreachable: dict[int, str] = {}
        self._checked_key: tuple[datetime, datetime] | None = None
        self._request: Request | None = None
        if session is not None:
            self._start = session.start
            self._minutes = session.minutes
        else:
            self._start = start or default_start(professional, clock, day or clock.today())
            self._minutes = professional.default_minutes

    @property
    def privacy(self) -> bool:
        return privacy_on(self, self._privacy)

    def privacy_changed(self) -> None:
        """Privacy mode hides the typed name and its completion; a line below shows initials."""
        s = self.editing
        if s is not None:
            self.query_one("#client-echo", Static).update(
                Text(fmt.display_name(s.client_name, self.privacy))
            )
            return
        field = self.query_one("#client", Input)
        field.password = self.privacy
        field.suggester = (
            None
            if self.privacy
            else SuggestFromList(self._picker.suggestions(), case_sensitive=False)
        )
        self._echo_client()

    def _echo_client(self) -> None:
        """Whom the typed text means, with ids where names could be confused (ui/client_pick)."""
        echo = self.query_one("#client-echo", Static)
        said = self._picker.echo(self.query_one("#client", Input).value, self.privacy)
        echo.update(Text(fmt.clean(said)))
        echo.display = bool(said)

    def _warn_credit(self) -> None:
        """Warn, as soon as the client is known, that a sponsored client has no credit left."""
        if self.editing is not None:
            return
        line = self.query_one("#credit-warning", Static)
        chosen = self._picker.chosen(self.query_one("#client", Input).value)
        warning = self._credit_warnings.get(chosen.id, "") if chosen else ""
        line.update(Text(f"⚠ This client has {warning}.", style="bold") if warning else "")
        line.display = bool(warning)

    def _offer_notice(self) -> None:
        """Tick "Notify client" for a client with an email; disable it, saying why, without."""
        if self.editing is not None:
            return
        chosen = self._picker.chosen(self.query_one("#client", Input).value)
        blocked = self._unreachable.get(chosen.id, "") if chosen else ""
        box = self.query_one("#notify", Tick)
        hint = self.query_one("#notify-hint", Static)
        if blocked:
            box.value = False
        elif box.disabled:
            box.value = True
        box.disabled = bool(blocked)
        hint.update(Text(f"Not notified: {blocked}.") if blocked else "")
        hint.display = bool(blocked)

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        s = self.editing
        with Vertical(classes="dialog", id="session-form") as box:
            box.border_title = "New session" if s is None else f"Edit session {s.id}"
            if s is not None and self.scope is not None:
                which = "and the following" if self.scope == "following" else "and the whole series"
                box.border_title = f"Edit session {s.id} {which}"
            box.border_subtitle = "enter or ctrl+s saves · tab next field · escape back"
            with Horizontal(classes="field"):
                yield Label("Client")
                if s is None:
                    yield Input(placeholder="name (→ completes)", id="client")
                    yield Static("", classes="echo", id="client-echo")
                else:
                    yield Static(
                        Text(fmt.display_name(s.client_name, self.privacy)),
                        classes="echo",
                        id="client-echo",
                    )
            credit_warning = Static("", classes="conflicts -warn", id="credit-warning")
            credit_warning.display = False
            yield credit_warning
            with Horizontal(classes="field"):
                yield Label("Start")
                # An edit keeps the time: moving a session is a reschedule (the client is told).
                yield Input(
                    self._local(self._start),
                    placeholder="YYYY-MM-DD HH:MM",
                    id="start",
                    disabled=s is not None,
                )
            yield FoldChoice("start", id="start-fold")
            with Horizontal(classes="field"):
                yield Label("Minutes")
                yield Input(
                    str(self._minutes),
                    id="minutes",
                    type="integer",
                    max_length=4,
                    disabled=s is not None,
                )
                yield Static("", classes="echo", id="start-echo")
            if s is not None:
                yield Static(
                    "To change the time, reschedule it (r): the client is told.",
                    classes="echo",
                    id="time-hint",
                )
            with Horizontal(classes="field"):
                yield Label("Fee")
                fee = s.fee.amount_str() if s is not None else ""
                yield Input(fee, placeholder="the client's usual fee", id="fee")
            with Horizontal(classes="field"):
                yield Label("Service")
                yield Input(s.service if s else "", placeholder="e.g. Therapy", id="service")
            with Horizontal(classes="field"):
                yield Label("Location")
                yield Input(
                    s.location if s else "", placeholder="room or video link", id="location"
                )
            yield Tick("Prepaid", s.prepaid if s else False, id="prepaid")
            if s is None:
                with Horizontal(classes="field"):
                    yield Label("Repeat")
                    yield Input(
                        placeholder="none · weekly · 2w · monthly · monthly-by-date", id="repeat"
                    )
                with Horizontal(classes="field"):
                    yield Label("Ends")
                    yield Input(placeholder="12 · 2027-03-01 · blank", id="ends")
                    yield Static("", classes="echo", id="repeat-echo")
                yield Tick("Notify client", True, id="notify")
                hint = Static("", classes="echo", id="notify-hint")
                hint.display = False
                yield hint
            yield Static("", classes="conflicts", id="conflicts")
            yield error_line()
            yield form_buttons("Book" if s is None else "Save")

    def on_mount(self) -> None:
        if self.editing is None:
            self._load_clients()
            self.query_one("#client", Input).focus()
        else:
            self.query_one("#fee", Input).focus()
        self.privacy_changed()
        self._recheck()

    def _local(self, value: datetime) -> str:
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    @work(thread=True, exclusive=True, group="clients", exit_on_error=False)
    def _load_clients(self) -> None:
        clients = self.practice.list_clients()
        warnings = {c.id: w for c in clients if (w := booking_credit_warning(c))}
        unreachable = {c.id: why for c in clients if (why := why_not_notified(c))}
        pickable = [Pickable(c.id, c.name) for c in clients]
        self.post_message(self.ClientsLoaded(pickable, warnings, unreachable))

    def on_session_form_clients_loaded(self, message: ClientsLoaded) -> None:
        self._picker = ClientPicker(message.clients)
        self._credit_warnings = message.warnings
        self._unreachable = message.unreachable
        self._warn_credit()
        self._offer_notice()
        self.privacy_changed()

    # -- live conflict check ------------------------------------------------------------------

    def input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("start", "minutes", "repeat", "ends"):
            self._recheck()
        elif event.input.id == "client":
            self._echo_client()
            self._warn_credit()
            self._offer_notice()
        super().input_changed(event)

    def _slot(self) -> tuple[datetime, datetime]:
        """The typed start and end; DomainError saying what is wrong with them."""
        start = parse_datetime(self.query_one("#start", Input).value, self.tz, self.clock.today())
        text = self.query_one("#minutes", Input).value.strip()
        if not text.isdigit() or not 0 < int(text) <= MAX_MINUTES:
            raise DomainError(f"minutes must be a whole number from 1 to {MAX_MINUTES}")
        return start, plus_minutes(start, int(text))

    def _recheck(self) -> None:
        echo = self.query_one("#start-echo", Static)
        fold = self.query_one("#start-fold", FoldChoice)
        try:
            start, end = self._slot()
        except AmbiguousTime as twice:
            fold.show(twice)
            echo.update("")
            self._show_conflicts(Text(f"{twice.naive:%H:%M} happens twice that night: pick one."))
            self._checked_key = None
            return
        except DomainError as exc:
            fold.show(None)
            echo.update("")
            self._show_conflicts(Text(str(exc), style="italic"))
            self._checked_key = None
            return
        fold.show(None)
        local = start.astimezone(self.tz)
        echo.update(
            Text(f"{local:%a} {local.day} {local:%b} {fmt.time_range(start, end, self.tz)}")
        )
        self._checked_key = (start, end)
        if not self._echo_rule(start):
            self._check(start, end)

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def _check(self, start: datetime, end: datetime) -> None:
        ignore = self.editing.id if self.editing is not None else None
        conflicts = self.practice.check_slot(start, end, ignore_session_id=ignore)
        self.post_message(_dialog.SpanRead((start, end), conflicts))

    def on_span_read(self, message: _dialog.SpanRead) -> None:
        if message.key != self._checked_key:
            return  # typed on since
        conflicts: list[Conflict] = message.found
        if not conflicts:
            self._show_conflicts(Text("✓ the time is free", style="green"))
            self.query_one("#conflicts").set_class(False, "-warn")
            return
        text = Text()
        for conflict in conflicts:
            text.append(
                f"{fmt.CONFLICT} This time {redacted(self, fmt.clean(conflict.message))}\n",
                style="bold",
            )
        text.rstrip()
        self.query_one("#conflicts", Static).update(hanging(text))  # wrapped lines hang
        self.query_one("#conflicts").set_class(True, "-warn")

    def _show_conflicts(self, text: Text) -> None:
        self.query_one("#conflicts", Static).update(text)

    # -- saving -------------------------------------------------------------------------------

    def action_submit(self) -> None:
        try:
            start, end = self._slot()
        except DomainError:
            # The live line under the times already says what is wrong with them (_recheck):
            # saying it again on the error line printed it twice.
            self._recheck()
            return
        client = "" if self.editing else self.query_one("#client", Input).value.strip()
        if self.editing is None and not client:
            self.show_error("Who is the session with? Type the client's name.")
            self.query_one("#client", Input).focus()
            return
        rule = None
        if self.editing is None:
            try:
                rule = self._rule()
            except DomainError as exc:
                self.show_error(str(exc))
                return
        request = Request(
            rule=rule,
            client=client,
            start=start,
            minutes=int((end - start).total_seconds() // 60),
            fee=self.query_one("#fee", Input).value.strip(),
            service=self.query_one("#service", Input).value,
            location=self.query_one("#location", Input).value,
            prepaid=self.query_one("#prepaid", Tick).value,
            notify=self.editing is None and self.query_one("#notify", Tick).value,
        )
        self._request = request
        self._save(request, False)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, request: Request, force: bool | str) -> None:
        p = self.practice
        fee: Money | None = None
        if self.editing is None:
            try:
                client = p.find_client(self._picker.reference(request.client))
            except DomainError:
                if self.privacy:  # the error would repeat what was typed, in full
                    raise DomainError(
                        "no single client matches what you typed (hidden: privacy mode)"
                    ) from None
                raise
            if request.fee:
                fee = Money.parse(request.fee, client.fee.currency)
            if request.rule is not None:  # a series: every session checked first
                booked = series_form.book(p, client.id, request, fee, force)
                self._series_said = series_form.booked_words(booked)
                self.post_message(self.Done(booked.sessions[0]))  # the calendar shows the first
                return
            session = p.book(client.id, request.start, fee=fee, force=force, **request.booking())
        else:
            if request.fee:
                fee = Money.parse(request.fee, self.editing.fee.currency)
            if self.scope is not None:  # the following sessions, or all, of its series
                self.post_message(
                    self.Done(series_form.edit(p, self.editing, request, fee, self.scope))
                )
                return
            session = p.edit_session(
                self.editing.id,
                fee=fee,
                service=request.service,
                location=request.location,
                prepaid=request.prepaid,
                force=force,
            )
        self.post_message(self.Done(session))

    def said(self, result: Session) -> str:
        line = fmt.session_line(result, self.tz, self.privacy)
        if self._series_said:  # a series: how many, then its first
            return f"{self._series_said}, the first: {line}"
        verb = "Booked" if self.editing is None else "Saved"
        return f"{verb}: {line}"

    def on_service_failed(self, worker: Worker[Any], error: BaseException | None) -> bool:
        if worker.group == "save" and isinstance(error, ConflictError):
            self._ask_to_force(error)
            return True
        if worker.group == "save" and isinstance(error, series_form.SeriesConflictError):
            self._ask_about_clashes(error)  # the series' clashes by date
            return True
        return super().on_service_failed(worker, error)

    def _ask_to_force(self, error: ConflictError) -> None:
        request = self._request
        body = Text("This time\n")
        for conflict in error.conflicts:
            body.append(f"  {fmt.CONFLICT} {redacted(self, fmt.clean(conflict.message))}\n")
        body.append("\nBook it anyway?" if self.editing is None else "\nSave it anyway?")

        def done(yes: bool | None) -> None:
            if yes and request is not None:
                self._save(request, True)

        verb = "Book anyway" if self.editing is None else "Save anyway"
        title = warnings_title(error.conflicts)
        self.app.push_screen(ConfirmDialog(title, body, confirm=verb), done)

    # -- a series: Repeat and Ends (ui/screens/series_form.py) ----------------------------------

    def _rule(self) -> SeriesRule | None:
        return series_form.rule_from_fields(
            self.query_one("#repeat", Input).value,
            self.query_one("#ends", Input).value,
            self.clock.today(),
        )

    def _echo_rule(self, start: datetime) -> bool:
        """Say what the series will be; True when it is one (its check is by date, at Book)."""
        if self.editing is not None:
            return False
        echo = self.query_one("#repeat-echo", Static)
        try:
            rule = self._rule()
        except DomainError as exc:
            echo.update(Text(str(exc), style="italic"))
            return False
        if rule is None:
            echo.update("")
            return False
        said = f"{fmt.SERIES} {rule.describe(start.astimezone(self.tz))}, {rule.ends_text()}"
        echo.update(Text(said))
        self._show_conflicts(Text("every session is checked for clashes when you book"))
        self.query_one("#conflicts").set_class(False, "-warn")
        return True

    def _ask_about_clashes(self, error: series_form.SeriesConflictError) -> None:
        request = self._request

        def done(answer: str | None) -> None:
            if request is None:
                return
            if answer in (series_form.FORCE, series_form.SKIP):
                self._save(request, answer)
            elif answer == series_form.STOP:
                self.dismiss(None)
            else:
                self.query_one("#start", Input).focus()

        total = error.total
        self.app.push_screen(series_form.SeriesConflictsDialog(error.by_date, total, self.tz), done)


def default_start(pro: Professional, clock: Clock, day: date) -> datetime:
    """The start of working hours on ``day``, or the next whole hour when that is today."""
    tz = ZoneInfo(pro.timezone)
    hours = pro.working_hours.on(day.weekday())
    start = datetime.combine(day, hours[0] if hours else pro.working_hours.start, tzinfo=tz)
    now = clock.now().astimezone(tz)
    if day == now.date() and now > start:
        start = (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return start
