"""Topping up or correcting a sponsored client's credit from the clients screen (audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker

from kara_tui.domain import Client
from kara_tui.policy.sponsored import parse_credit_change
from kara_tui.ui.privacy import redacted, shown_name
from kara_tui.ui.workers import USER_ERRORS, WorkerErrors

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


class CreditForm(WorkerErrors, ModalScreen[Client | None]):
    """'+10' tops up, '-2' corrects; a note (a purchase order) goes in the audit trail.

    The same use case as `kara-tui clients credit NAME +10 --note TEXT`."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="dialog_back"),
        Binding("ctrl+s", "submit", "Save", id="dialog_confirm", priority=True),
    ]

    class Changed(Message):
        def __init__(self, client: Client) -> None:
            self.client = client
            super().__init__()

    def __init__(self, practice: Practice, client: Client, held: int = 0) -> None:
        super().__init__()
        self.practice = practice
        self.client = client
        self.held = held

    def compose(self) -> ComposeResult:
        c = self.client
        with Vertical(classes="dialog", id="credit-form") as box:
            box.border_title = f"Sponsored credit: {shown_name(self, c.name)} (id {c.id})"
            box.border_subtitle = "enter or ctrl+s saves · escape back"
            yield Static(
                Text(
                    f"{c.sponsored_credit} session(s) of credit left, {self.held} held by "
                    "booked sessions."
                ),
                classes="note",
            )
            with Horizontal(classes="field"):
                yield Label("Change")
                yield Input(placeholder="+10 to top up, -2 to correct", id="sessions")
            with Horizontal(classes="field"):
                yield Label("Note")
                yield Input(placeholder="optional: PO 4411", id="note")
            yield Static("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back")
                yield Button("Save", id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#sessions", Input).focus()

    def on_input_changed(self) -> None:
        self.query_one("#error", Static).update("")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        self._save(self.query_one("#sessions", Input).value, self.query_one("#note", Input).value)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, typed: str, note: str) -> None:
        from kara_tui.services.clients import ClientBook

        sessions = parse_credit_change(typed)
        changed = ClientBook(self.practice).add_credit(self.client.id, sessions, note)
        self.post_message(self.Changed(changed))

    def on_credit_form_changed(self, message: Changed) -> None:
        c = message.client
        self.app.notify(
            f"{shown_name(self, c.name)}: {c.sponsored_credit} session(s) of credit", markup=False
        )
        self.dismiss(c)

    def on_service_failed(self, worker: Worker[Any], error: BaseException | None) -> bool:
        if worker.group == "save" and isinstance(error, USER_ERRORS):
            self.query_one("#error", Static).update(Text(redacted(self, str(error))))
            return True
        return False
