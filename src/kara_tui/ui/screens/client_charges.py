"""A client's charges and refunds with the balance; m (or enter) marks the selected one paid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Select, Static

from kara_tui.domain import Charge, ChargeKind, ChargeStatus, Client, Money, PaymentMethod
from kara_tui.domain.model import ALL_METHODS
from kara_tui.policy.charges import balance_words
from kara_tui.ui import compat, keys
from kara_tui.ui.privacy import shown_name
from kara_tui.ui.screens import _dialog
from kara_tui.ui.screens._dialog import error_line, field, form_bindings, form_buttons
from kara_tui.ui.screens.charge_void import ChargeForm
from kara_tui.ui.workers import WorkerErrors

if TYPE_CHECKING:
    from kara_tui.services.charges import ChargeLine
    from kara_tui.services.practice import Practice


class ChargesDialog(_dialog.ForClient, WorkerErrors, ModalScreen[None]):
    BINDINGS = keys.bindings("client_charges")

    @dataclass(eq=False)
    class Loaded(Message):
        lines: list[ChargeLine]
        balance: list[Money]

    def __init__(self, practice: Practice, client: Client) -> None:
        super().__init__(practice, client)
        self._charges: dict[str, Charge] = {}

    def compose(self) -> ComposeResult:
        with _dialog.dialog_box(
            f"Charges · {shown_name(self, self.client.name)} (id {self.client.id})",
            "m or enter marks the selected charge paid · v voids it · escape back",
            id="charges",
            wide=True,
        ):
            yield Static("", id="charges-balance")
            yield DataTable(id="charges-table", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.styles.height = 12
        table.add_columns("Id", "Made", "Kind", "Amount", "Status", "Method", "Session")
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        from kara_tui.services.charges import Ledger

        ledger = Ledger(self.practice)
        lines = ledger.lines(client_id=self.client.id)
        self.post_message(self.Loaded(lines, ledger.balance(self.client.id)))

    def on_charges_dialog_loaded(self, message: Loaded) -> None:
        tz = self.practice.tz
        table = self.query_one(DataTable)
        table.clear()
        self._charges = {}
        for line in message.lines:
            c = line.charge
            self._charges[str(c.id)] = c
            status = c.status.value
            if c.status is ChargeStatus.PAID and c.paid_at:
                status = f"paid {c.paid_at.astimezone(tz):%d %b %Y}"
            session = (
                f"{line.session_start.astimezone(tz):%a %d %b %Y %H:%M}"
                if line.session_start
                else ""
            )
            table.add_row(
                str(c.id),
                f"{c.created_at.astimezone(tz):%d %b %Y}",
                c.kind.value.replace("_", " "),
                str(c.amount),
                status,
                c.method.label if c.method else "",
                session,
                key=str(c.id),
            )
        compat.measure_rows_now(table)
        count = len(message.lines)
        self.query_one("#charges-balance", Static).update(
            Text(
                f"Balance: {balance_words(message.balance)} (pending charges minus pending refunds)"
                + ("" if count else " · no charges yet")
            )
        )
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_pay()

    def _selected(self) -> Charge | None:
        return self._charges.get(_dialog.cursor_key(self.query_one(DataTable)))

    def action_void(self) -> None:
        from kara_tui.ui.screens.charge_void import VoidForm

        charge = self._selected()
        if charge is None:
            self.notify("No charge to void.", markup=False)
            return
        if charge.status is ChargeStatus.VOID:
            self.notify(f"Charge {charge.id} is already void.", markup=False)
            return
        self.app.push_screen(VoidForm(self.practice, charge), lambda _: self._load())

    def action_pay(self) -> None:
        charge = self._selected()
        if charge is None:
            self.notify("No charge to mark paid.", markup=False)
            return
        if charge.status is not ChargeStatus.PENDING:
            what = "refund" if charge.kind is ChargeKind.REFUND else "charge"
            self.notify(f"That {what} is {charge.status.value}; only a pending one can be paid.")
            return

        def done(paid: Charge | None) -> None:
            if paid is not None:
                self._load()

        self.app.push_screen(PayForm(self.practice, charge), done)


@dataclass(frozen=True, slots=True)
class Payment:
    method: PaymentMethod
    day: str
    reference: str


class PayForm(ChargeForm):
    """Mark one pending charge paid: how, on which day, with which reference."""

    BINDINGS = form_bindings("Mark paid")
    FOCUS = "day"

    def compose(self) -> ComposeResult:
        c = self.charge
        refund = c.kind is ChargeKind.REFUND
        method = c.method if c.method in ALL_METHODS else PaymentMethod.CARD
        with _dialog.dialog_box(
            f"{'Refund paid out' if refund else 'Charge paid'}: {c.amount}",
            "enter or ctrl+s marks it paid · escape back",
            id="pay-form",
        ):
            yield field(
                "Method",
                Select(
                    [(m.label, m) for m in ALL_METHODS],
                    value=method,
                    allow_blank=False,
                    id="method",
                ),
            )
            yield field("Paid on", Input(f"{self.practice.clock.today():%Y-%m-%d}", id="day"))
            yield field(
                "Reference", Input(placeholder="optional: invoice or bank reference", id="ref")
            )
            yield error_line()
            yield form_buttons("Mark paid")

    def action_submit(self) -> None:
        method = self.query_one("#method", Select).value
        self._pay(
            Payment(
                method=method if isinstance(method, PaymentMethod) else PaymentMethod.CARD,
                day=self.value("day"),
                reference=self.query_one("#ref", Input).value,
            )
        )

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _pay(self, p: Payment) -> None:
        from kara_tui.services.charges import Ledger
        from kara_tui.timeparse import day_start, parse_date

        today: date = self.practice.clock.today()
        day = parse_date(p.day, today) if p.day else today
        at = None if day == today else day_start(day, self.practice.tz)
        paid = Ledger(self.practice).pay(
            self.charge.id, method=p.method, at=at, reference=p.reference
        )
        self.post_message(self.Done(paid))

    def said(self, result: Charge) -> str:
        return f"Charge {result.id} marked paid"
