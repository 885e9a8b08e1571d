"""Editing a client's record: every field, and whether booked sessions take a new fee."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static
from textual.worker import Worker

from kara_tui.domain import Client, DomainError, Money, Programme, Session
from kara_tui.ui.privacy import privacy_on, redacted, shown_name
from kara_tui.ui.workers import USER_ERRORS, WorkerErrors

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


@dataclass(frozen=True, slots=True)
class Typed:
    """The form as typed; read into ClientChanges in the worker (bad values: one line)."""

    name: str
    email: str
    phone: str
    programme: Programme
    fee: str
    currency: str
    window: str
    notes: str
    reminders: str
    update_future: bool


class ClientEditForm(WorkerErrors, ModalScreen[Client | None]):
    """Dismisses with the edited client, or None when nothing was saved."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="dialog_back"),
        Binding("ctrl+s", "submit", "Save", id="dialog_confirm", priority=True),
    ]

    class Saved(Message):
        def __init__(self, client: Client) -> None:
            self.client = client
            super().__init__()

    class Coming(Message):
        def __init__(self, sessions: list[Session]) -> None:
            self.sessions = sessions
            super().__init__()

    def __init__(self, practice: Practice, client: Client) -> None:
        super().__init__()
        self.practice = practice
        self.client = client
        self._booked = 0  # scheduled sessions still to come, once loaded

    def compose(self) -> ComposeResult:
        c = self.client
        with Vertical(classes="dialog", id="client-edit") as box:
            box.border_title = f"Edit client (id {c.id})"
            for label, field_id, value in (
                ("Name", "name", c.name),
                ("Email", "email", c.email),
                ("Phone", "phone", c.phone),
            ):
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield Input(value, id=field_id)
            with Horizontal(classes="field"):
                yield Label("Programme")
                yield Select(
                    [("private", Programme.PRIVATE), ("sponsored", Programme.SPONSORED)],
                    value=c.programme,
                    allow_blank=False,
                    id="programme",
                )
            with Horizontal(classes="field"):
                yield Label("Fee")
                yield Input(c.fee.amount_str(), id="fee")
                yield Input(c.fee.currency, id="currency", max_length=3)
            with Horizontal(classes="field"):
                yield Label("Window")
                yield Input(
                    "" if c.window_hours is None else str(c.window_hours),
                    placeholder="hours; blank = the practice's",
                    id="window",
                )
            with Horizontal(classes="field"):
                yield Label("Reminders")
                yield Input(
                    c.reminder_leads or "",
                    placeholder="hours before: 48,24,2; none; blank = the practice's",
                    id="reminders",
                )
            with Horizontal(classes="field"):
                yield Label("Notes")
                yield Input(c.notes, placeholder="private, never on a statement", id="notes")
            yield Checkbox("Sessions already booked take a new fee too", id="update-future")
            yield Static("", classes="note", id="coming")
            yield Static("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back")
                yield Button("Save", id="save", variant="primary")

    def on_mount(self) -> None:
        self._ask_about_booked()
        self.query_one("#currency", Input).styles.width = 7
        self.query_one("#name", Input).focus()
        self.privacy_changed()
        self._coming()

    def privacy_changed(self) -> None:
        hidden = privacy_on(self)
        for field_id in ("name", "email", "phone", "notes"):
            self.query_one(f"#{field_id}", Input).password = hidden
        self.query_one("#client-edit").border_subtitle = (
            "privacy mode: fields hidden · ctrl+s saves · escape back"
            if hidden
            else "ctrl+s saves · escape back"
        )

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _coming(self) -> None:
        from kara_tui.services.clients import ClientBook

        self.post_message(self.Coming(ClientBook(self.practice).future_sessions(self.client.id)))

    def on_client_edit_form_coming(self, message: Coming) -> None:
        """List the booked sessions a new fee would leave alone (unless ticked)."""
        sessions = message.sessions
        self._booked = len(sessions)
        if not sessions:
            self._ask_about_booked()
            return
        tz = self.practice.tz
        when = ", ".join(
            f"{s.start.astimezone(tz):%a %d %b %H:%M} ({s.fee}{', prepaid: kept' if s.prepaid else ''})"
            for s in sessions[:4]
        )
        more = f" and {len(sessions) - 4} more" if len(sessions) > 4 else ""
        self.query_one("#coming", Static).update(
            Text(f"Booked: {when}{more}. They keep their fee unless the box is ticked.")
        )
        self._ask_about_booked()

    def _ask_about_booked(self) -> None:
        """The question about booked sessions is asked once the fee typed differs from the
        client's (ticking it otherwise would change nothing), and only when some are booked."""
        typed = (self._value("fee"), self._value("currency").upper())
        changed = typed != (self.client.fee.amount_str(), self.client.fee.currency)
        ask = changed and self._booked > 0
        self.query_one("#update-future", Checkbox).display = ask
        self.query_one("#coming", Static).display = ask

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#error", Static).update("")
        if event.input.id in ("fee", "currency"):
            self._ask_about_booked()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def action_submit(self) -> None:
        programme = self.query_one("#programme", Select).value
        self._save(
            Typed(
                name=self._value("name"),
                email=self._value("email"),
                phone=self._value("phone"),
                programme=programme if isinstance(programme, Programme) else self.client.programme,
                fee=self._value("fee"),
                currency=self._value("currency") or self.client.fee.currency,
                window=self._value("window"),
                notes=self.query_one("#notes", Input).value,
                reminders=self._value("reminders"),
                update_future=self.query_one("#update-future", Checkbox).value,
            )
        )

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, t: Typed) -> None:
        from kara_tui.services.clients import ClientBook, ClientChanges, own_leads

        if t.window and not t.window.isdigit():
            raise DomainError("the window must be a whole number of hours (blank: the practice's)")
        fee = Money.parse(t.fee or "0", t.currency)
        c = self.client
        changes = ClientChanges(
            name=t.name if t.name != c.name else None,
            email=t.email if t.email != c.email else None,
            phone=t.phone if t.phone != c.phone else None,
            programme=t.programme if t.programme is not c.programme else None,
            fee=fee if fee != c.fee else None,
            window_hours=int(t.window) if t.window and int(t.window) != c.window_hours else None,
            clear_window=not t.window and c.window_hours is not None,
            notes=t.notes if t.notes != c.notes else None,
            reminder_leads=None
            if own_leads(t.reminders) == c.reminder_leads
            else (t.reminders or "default"),
        )
        if changes == ClientChanges():
            self.post_message(self.Saved(c))  # nothing changed: nothing to record
            return
        edited = ClientBook(self.practice).edit(
            c.id, changes, update_future_fees=t.update_future and changes.fee is not None
        )
        self.post_message(self.Saved(edited))

    def on_client_edit_form_saved(self, message: Saved) -> None:
        learn = getattr(self.app, "learn_names", None)
        if learn is not None:  # a new name is redacted in privacy mode like the others
            learn([message.client.name])
        self.app.notify(f"Saved {shown_name(self, message.client.name)}", markup=False)
        self.dismiss(message.client)

    def on_service_failed(self, worker: Worker[Any], error: BaseException | None) -> bool:
        if worker.group == "save" and isinstance(error, USER_ERRORS):
            self.query_one("#error", Static).update(Text(redacted(self, str(error))))
            return True
        return False
