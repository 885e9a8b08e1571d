"""Topping up or correcting a sponsored client's credit from the clients screen (audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from kara_tui.domain import Client
from kara_tui.policy.sponsored import parse_credit_change
from kara_tui.ui.privacy import shown_name
from kara_tui.ui.screens import _dialog
from kara_tui.ui.screens._dialog import FormScreen, error_line, field, form_bindings, form_buttons

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


class CreditForm(_dialog.ForClient, FormScreen[Client | None]):
    """'+10' tops up, '-2' corrects; a note (a purchase order) goes in the audit trail.

    The same use case as `kara-tui clients credit NAME +10 --note TEXT`."""

    BINDINGS = form_bindings("Save")
    FOCUS = "sessions"

    def __init__(self, practice: Practice, client: Client, held: int = 0) -> None:
        super().__init__(practice, client)
        self.held = held

    def compose(self) -> ComposeResult:
        c = self.client
        with _dialog.dialog_box(
            f"Sponsored credit: {shown_name(self, c.name)} (id {c.id})",
            "enter or ctrl+s saves · escape back",
            id="credit-form",
        ):
            yield Static(
                Text(
                    f"{c.sponsored_credit} session(s) of credit left, {self.held} held by "
                    "booked sessions."
                ),
                classes="note",
            )
            yield field("Change", Input(placeholder="+10 to top up, -2 to correct", id="sessions"))
            yield field("Note", Input(placeholder="optional: PO 4411", id="note"))
            yield error_line()
            yield form_buttons("Save")

    def action_submit(self) -> None:
        self.save(self._add, self.value("sessions"), self.query_one("#note", Input).value)

    def _add(self, typed: str, note: str) -> Client:
        from kara_tui.services.clients import ClientBook

        sessions = parse_credit_change(typed)
        return ClientBook(self.practice).add_credit(self.client.id, sessions, note)

    def said(self, result: Client) -> str:
        return f"{shown_name(self, result.name)}: {result.sponsored_credit} session(s) of credit"
