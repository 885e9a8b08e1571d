"""Voiding a charge or refund from the client's charges, with the reason the audit keeps."""

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

from kara_tui.domain import Charge, ChargeKind, ChargeStatus
from kara_tui.ui.privacy import redacted
from kara_tui.ui.workers import USER_ERRORS, WorkerErrors

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


class VoidForm(WorkerErrors, ModalScreen[Charge | None]):
    """The same use case as `kara-tui charges void ID --reason TEXT` (policy.check_voidable)."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="dialog_back"),
        Binding("ctrl+s", "submit", "Void", id="dialog_confirm", priority=True),
    ]

    class Voided(Message):
        def __init__(self, charge: Charge) -> None:
            self.charge = charge
            super().__init__()

    def __init__(self, practice: Practice, charge: Charge) -> None:
        super().__init__()
        self.practice = practice
        self.charge = charge

    def compose(self) -> ComposeResult:
        c = self.charge
        what = "Refund" if c.kind is ChargeKind.REFUND else "Charge"
        with Vertical(classes="dialog", id="void-form") as box:
            box.border_title = f"Void {what.lower()} {c.id}: {c.amount}"
            box.border_subtitle = "enter or ctrl+s voids it · escape back"
            if c.status is ChargeStatus.PAID:
                said = (
                    f"{what} {c.id} is paid: voiding keeps it on record; enter it again if wrong."
                )
                yield Static(Text(said), classes="note")
            with Horizontal(classes="field"):
                yield Label("Reason")
                yield Input(placeholder="why, e.g. entered twice", id="reason")
            yield Static("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back")
                yield Button("Void", id="save", variant="error")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

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
        self._void(self.query_one("#reason", Input).value)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _void(self, reason: str) -> None:
        from kara_tui.services.charges import Ledger

        self.post_message(self.Voided(Ledger(self.practice).void(self.charge.id, reason)))

    def on_void_form_voided(self, message: Voided) -> None:
        self.app.notify(f"Charge {message.charge.id} voided", markup=False)
        self.dismiss(message.charge)

    def on_service_failed(self, worker: Worker[Any], error: BaseException | None) -> bool:
        if worker.group == "save" and isinstance(error, USER_ERRORS):
            self.query_one("#error", Static).update(Text(redacted(self, str(error))))
            return True
        return False
