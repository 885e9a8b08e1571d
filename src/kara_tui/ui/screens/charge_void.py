"""Voiding a charge or refund from the client's charges, with the reason the audit keeps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from kara_tui.domain import Charge, ChargeKind, ChargeStatus
from kara_tui.ui.screens._dialog import FormScreen, error_line, field, form_bindings, form_buttons

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


class VoidForm(FormScreen[Charge | None]):
    """The same use case as `kara-tui charges void ID --reason TEXT` (policy.check_voidable)."""

    BINDINGS = form_bindings("Void")

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
            yield field("Reason", Input(placeholder="why, e.g. entered twice", id="reason"))
            yield error_line()
            yield form_buttons("Void")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def action_submit(self) -> None:
        self._void(self.query_one("#reason", Input).value)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _void(self, reason: str) -> None:
        from kara_tui.services.charges import Ledger

        self.post_message(self.Done(Ledger(self.practice).void(self.charge.id, reason)))

    def said(self, result: Charge) -> str:
        return f"Charge {result.id} voided"
