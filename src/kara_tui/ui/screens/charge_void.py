"""Voiding a charge or refund from the client's charges, with the reason the audit keeps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from kara_tui.domain import Charge, ChargeKind, ChargeStatus
from kara_tui.ui.screens import _dialog
from kara_tui.ui.screens._dialog import FormScreen, error_line, field, form_bindings, form_buttons

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


class ChargeForm(FormScreen[Charge | None]):
    """A form about one charge or refund of the client's charges (void it, mark it paid)."""

    def __init__(self, practice: Practice, charge: Charge) -> None:
        super().__init__()
        self.practice = practice
        self.charge = charge


class VoidForm(ChargeForm):
    """The same use case as `kara-tui charges void ID --reason TEXT` (policy.check_voidable)."""

    BINDINGS = form_bindings("Void")
    FOCUS = "reason"

    def compose(self) -> ComposeResult:
        c = self.charge
        what = "Refund" if c.kind is ChargeKind.REFUND else "Charge"
        with _dialog.dialog_box(
            f"Void {what.lower()} {c.id}: {c.amount}",
            "enter or ctrl+s voids it · escape back",
            id="void-form",
        ):
            if c.status is ChargeStatus.PAID:
                said = (
                    f"{what} {c.id} is paid: voiding keeps it on record; enter it again if wrong."
                )
                yield Static(Text(said), classes="note")
            yield field("Reason", Input(placeholder="why, e.g. entered twice", id="reason"))
            yield error_line()
            yield form_buttons("Void")

    def action_submit(self) -> None:
        self.save(self._void, self.query_one("#reason", Input).value)

    def _void(self, reason: str) -> Charge:
        from kara_tui.services.charges import Ledger

        return Ledger(self.practice).void(self.charge.id, reason)

    def said(self, result: Charge) -> str:
        return f"Charge {result.id} voided"
