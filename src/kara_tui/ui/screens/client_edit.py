"""Editing a client's record: every field, and whether booked sessions take a new fee."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Checkbox, Input, Static

from kara_tui.domain import Client, DomainError, Money, Session
from kara_tui.ui.privacy import privacy_on, shown_name
from kara_tui.ui.screens import _dialog, client_actions
from kara_tui.ui.screens._dialog import FormScreen, error_line, field, form_bindings, form_buttons

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


class ClientEditForm(_dialog.ForClient, FormScreen[Client | None]):
    """Dismisses with the edited client, or None when nothing was saved."""

    BINDINGS = form_bindings("Save")

    @dataclass(eq=False)
    class Coming(Message):
        sessions: list[Session]

    def __init__(self, practice: Practice, client: Client) -> None:
        super().__init__(practice, client)
        self._booked = 0  # scheduled sessions still to come, once loaded

    def compose(self) -> ComposeResult:
        c = self.client
        with _dialog.dialog_box(f"Edit client (id {c.id})", id="client-edit"):
            yield field("Name", Input(c.name, id="name"))
            yield field("Email", Input(c.email, id="email"))
            yield field("Phone", Input(c.phone, id="phone"))
            yield field("Programme", client_actions.programme_select(c.programme))
            yield field(
                "Fee",
                Input(c.fee.amount_str(), id="fee"),
                client_actions.currency_input(c.fee.currency),
            )
            yield field(
                "Window",
                Input(
                    "" if c.window_hours is None else str(c.window_hours),
                    placeholder="hours; blank = the practice's",
                    id="window",
                ),
            )
            yield field("Reminders", client_actions.reminders_input(c.reminder_leads))
            yield field(
                "Notes", Input(c.notes, placeholder="private, never on a statement", id="notes")
            )
            yield Checkbox("Sessions already booked take a new fee too", id="update-future")
            yield Static("", classes="note", id="coming")
            yield error_line()
            yield form_buttons("Save")

    def on_mount(self) -> None:
        self._ask_about_booked()
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
        typed = (self.value("fee"), self.value("currency").upper())
        changed = typed != (self.client.fee.amount_str(), self.client.fee.currency)
        ask = changed and self._booked > 0
        self.query_one("#update-future", Checkbox).display = ask
        self.query_one("#coming", Static).display = ask

    def input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("fee", "currency"):
            self._ask_about_booked()
        super().input_changed(event)

    def action_submit(self) -> None:
        self._save(
            client_actions.typed_client(
                self,
                self.client.programme,
                self.client.fee.currency,
                notes=self.query_one("#notes", Input).value,
                update_future=self.query_one("#update-future", Checkbox).value,
            ),
        )

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, t: client_actions.TypedClient) -> None:
        from kara_tui.policy.reminders import client_leads
        from kara_tui.services.clients import ClientBook, ClientChanges

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
            reminders=t.reminders or "default"
            if client_leads(t.reminders) != c.reminder_leads
            else None,
        )
        if changes == ClientChanges():
            self.post_message(self.Done(c))  # nothing changed: nothing to record
            return
        edited = ClientBook(self.practice).edit(
            c.id, changes, update_future_fees=t.update_future and changes.fee is not None
        )
        self.post_message(self.Done(edited))

    def finished(self, result: Client) -> None:
        client_actions.learn_name(self, result)

    def said(self, result: Client) -> str:
        return f"Saved {shown_name(self, result.name)}"
