"""The practice's clients: a list, and a form to add one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Static

from kara_tui.domain import Client, DomainError, Money, Programme
from kara_tui.ui import compat, keys
from kara_tui.ui import format as fmt
from kara_tui.ui.privacy import privacy_on, shown_name
from kara_tui.ui.screens import _dialog, client_actions
from kara_tui.ui.screens._dialog import (
    Box,
    BoxedForm,
    ListScreen,
    ShowsClients,
    field,
    form_bindings,
)
from kara_tui.ui.workers import WorkerErrors

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


# The longest name, email and phone a row shows whole; longer ones end in "…" rather than
# run off the screen unseen (enter opens the record, which shows each in full).
NAME_CELLS, EMAIL_CELLS, PHONE_CELLS = 30, 28, 16


class ClientsScreen(ShowsClients, WorkerErrors, ListScreen[None]):
    BINDINGS = keys.bindings("clients")

    @dataclass(eq=False)
    class Loaded(Message):
        clients: list[Client]
        money: dict[int, tuple[str, int]]  # per client id: balance as text, credit held by bookings

    def __init__(self, practice: Practice, privacy: bool = False) -> None:
        super().__init__()
        self.practice = practice
        self._privacy = privacy
        self._clients: dict[str, Client] = {}
        self._money: dict[int, tuple[str, int]] = {}
        self.show_archived = False

    def privacy_changed(self) -> None:
        self._load()

    def compose(self) -> ComposeResult:
        yield _dialog.ListTitle(" Clients", id="clients-title")
        yield DataTable(id="clients-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="clients-empty", classes="list-note")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "Id", "Name", "Programme", "Fee", "Window", "Credit", "Balance", "Email", "Phone"
        )
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        from kara_tui.ui.screens.client_actions import money_columns

        clients = self.practice.list_clients(include_archived=self.show_archived)
        self.post_message(self.Loaded(clients, money_columns(self.practice, clients)))

    def on_clients_screen_loaded(self, message: Loaded) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self._clients = {str(c.id): c for c in message.clients}
        self._money = message.money
        for c in message.clients:
            sponsored = c.programme is Programme.SPONSORED
            balance, held = message.money.get(c.id, ("", 0))
            archived = " (archived)" if c.archived else ""
            table.add_row(
                str(c.id),
                Text(fmt.clipped(fmt.display_name(c.name, self.privacy), NAME_CELLS) + archived),
                c.programme.value,
                str(c.fee),
                _window(c),
                (f"{c.sponsored_credit} left, {held} held" if sponsored else ""),
                balance,
                Text("" if self.privacy else fmt.clipped(fmt.clean(c.email), EMAIL_CELLS)),
                Text("" if self.privacy else fmt.clipped(fmt.clean(c.phone), PHONE_CELLS)),
                key=str(c.id),
            )
        compat.measure_rows_now(table)
        empty = self.query_one("#clients-empty", Static)
        n = len(message.clients)
        empty.update(
            "No clients yet. Press a to add one (or run: kara-tui clients add NAME)."
            if not n
            else f"{n} client{'s' if n != 1 else ''}"
            + (" (archived ones too)" if self.show_archived else "")
            + " · enter record · a add · e edit · x archive/restore · m charges · c credit"
            + " · v archived"
        )
        table.focus()

    def _selected(self) -> Client | None:
        return self._clients.get(_dialog.cursor_key(self.query_one(DataTable)))

    def _reload_when(self, result: object) -> None:
        if result:
            self._load()

    def action_record(self) -> None:
        from kara_tui.ui.screens.client_record import ClientRecordDialog

        client = self._selected()
        if client is not None:
            self.app.push_screen(ClientRecordDialog(self.practice, client))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # enter on a row: the client's record
        self.action_record()

    def action_edit(self) -> None:
        from kara_tui.ui.screens.client_edit import ClientEditForm

        client = self._selected()
        if client is not None:
            self.app.push_screen(ClientEditForm(self.practice, client), self._reload_when)

    def action_archive(self) -> None:
        from kara_tui.ui.screens.client_actions import ArchiveFlow

        client = self._selected()
        if client is not None:
            ArchiveFlow(self, self.practice, client, self._reload_when).start()

    def action_charges(self) -> None:
        from kara_tui.ui.screens.client_charges import ChargesDialog

        client = self._selected()
        if client is not None:
            self.app.push_screen(ChargesDialog(self.practice, client), lambda _: self._load())

    def action_credit(self) -> None:
        from kara_tui.ui.screens.client_credit import CreditForm

        client = self._selected()
        if client is None:
            return
        if client.programme is not Programme.SPONSORED:
            self.notify("Sponsored credit is for sponsored clients.", markup=False)
            return
        held = self._money.get(client.id, ("", 0))[1]
        self.app.push_screen(CreditForm(self.practice, client, held), self._reload_when)

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self._load()

    def action_add(self) -> None:
        def done(client: Client | None) -> None:
            if client is not None:
                self._load()

        self.app.push_screen(ClientForm(self.practice), done)


def _window(c: Client) -> str:
    if c.programme is Programme.SPONSORED:
        return "24 h (sponsored)"
    return f"{c.window_hours} h" if c.window_hours is not None else "practice's"


class ClientForm(BoxedForm[Client | None]):
    BINDINGS = form_bindings("Add")
    BOX = Box("Add client", "enter or ctrl+s adds · escape back", "client-form", submit="Add")

    @dataclass(eq=False)
    class CurrenciesLoaded(Message):
        default: str
        used: set[str]

    def __init__(self, practice: Practice) -> None:
        super().__init__()
        self.practice = practice

    def fields(self) -> ComposeResult:
        yield field("Name", Input(placeholder="Anna Smith", id="name"))
        yield field("Email", Input(placeholder="anna@example.com (for notices)", id="email"))
        yield field("Phone", Input(placeholder="", id="phone"))
        yield field("Programme", client_actions.programme_select(Programme.PRIVATE))
        currency = client_actions.currency_input("GBP")
        currency.can_focus = False  # a tab stop only where several currencies are used
        yield field("Fee", Input(placeholder="90.00", id="fee"), currency)
        yield field(
            "Window",
            Input(placeholder="hours; blank = the practice's", id="window", type="integer"),
        )
        yield field(
            "Credit",
            Input(placeholder="sponsored sessions of credit", id="credit", type="integer"),
        )
        yield field("Reminders", client_actions.reminders_input())

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.privacy_changed()
        self._load_currencies()

    @work(thread=True, exclusive=True, group="currencies", exit_on_error=False)
    def _load_currencies(self) -> None:
        default = self.practice.professional().default_currency
        used = {c.fee.currency for c in self.practice.list_clients(include_archived=True)}
        self.post_message(self.CurrenciesLoaded(default, used))

    def on_client_form_currencies_loaded(self, message: CurrenciesLoaded) -> None:
        currency = self.query_one("#currency", Input)
        currency.value = message.default
        currency.can_focus = bool(message.used - {message.default})

    def privacy_changed(self) -> None:
        """In privacy mode what is typed about the client is hidden from whoever watches."""
        hidden = privacy_on(self)
        for field_id in ("name", "email", "phone"):
            self.query_one(f"#{field_id}", Input).password = hidden
        self.query_one("#client-form").border_subtitle = (
            "privacy mode: what you type is hidden · ctrl+s adds · escape back"
            if hidden
            else "enter or ctrl+s adds · escape back"
        )

    def action_submit(self) -> None:
        request = client_actions.typed_client(
            self, Programme.PRIVATE, "GBP", credit=self.value("credit")
        )
        if not request.name:
            self.show_error("A client needs a name.")
            return
        self._add(request)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _add(self, r: client_actions.TypedClient) -> None:
        for label, text in (("window", r.window), ("credit", r.credit)):
            if text and not text.isdigit():
                raise DomainError(f"the {label} must be a whole number")
        from kara_tui.policy.reminders import client_leads
        from kara_tui.services.reminders import set_client_leads

        leads = client_leads(r.reminders)  # refused before the client is added
        client = self.practice.add_client(
            r.name,
            email=r.email,
            phone=r.phone,
            programme=r.programme,
            fee=Money.parse(r.fee, r.currency) if r.fee else None,
            window_hours=int(r.window) if r.window else None,
            sponsored_credit=int(r.credit) if r.credit else 0,
        )
        if leads is not None:
            set_client_leads(self.practice, client.id, leads)
            client = self.practice.find_client(client.id)
        self.post_message(self.Done(client))

    def finished(self, result: Client) -> None:
        client_actions.learn_name(self, result)

    def said(self, result: Client) -> str:
        return f"Added {shown_name(self, result.name)}"
