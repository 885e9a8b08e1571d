"""One client's record: contact, programme and policy, sessions, cancellations, balance, notes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from kara_tui.domain import Client, Money, Programme, Reason, Session
from kara_tui.policy.charges import balance_words
from kara_tui.policy.reminders import client_leads_words
from kara_tui.ui import format as fmt
from kara_tui.ui.privacy import privacy_on
from kara_tui.ui.screens._dialog import ForClient
from kara_tui.ui.workers import WorkerErrors

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from kara_tui.services.practice import Practice


@dataclass(frozen=True, slots=True)
class Record:
    client: Client
    sessions: list[Session]
    cancellations: dict[Reason, tuple[int, int]]
    balance: list[Money]
    held: int
    series: tuple[str, ...] = ()  # the client's series, in words (services/series.py)


class ClientRecordDialog(ForClient, WorkerErrors, ModalScreen[None]):
    """Read-only; e edits from the clients screen, m there opens the charges."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="dialog_back"),
        Binding("enter", "dismiss(None)", "Back", show=False),
    ]
    DEFAULT_CSS = "ClientRecordDialog #record { height: auto; max-height: 100%; }"

    @dataclass(eq=False)
    class Loaded(Message):
        record: Record

    def __init__(self, practice: Practice, client: Client) -> None:
        super().__init__(practice, client)
        self._record: Record | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog -wide", id="record") as box:
            box.border_title = f"Client {self.client.id}"
            box.border_subtitle = "escape or enter closes"
            yield Static("Loading…", id="record-body")

    def on_mount(self) -> None:
        self._load()

    def privacy_changed(self) -> None:
        if self._record is not None:
            self._show(self._record)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        from kara_tui.services.charges import Ledger
        from kara_tui.services.clients import ClientBook, count_cancellations

        client = self.practice.find_client(self.client.id)
        sessions = self.practice.list_sessions(client_id=client.id)
        record = Record(
            client,
            sessions,
            count_cancellations(sessions),
            Ledger(self.practice).balance(client.id),
            ClientBook(self.practice).credit_held(client.id),
            _series_lines(self.practice, client.id),
        )
        self.post_message(self.Loaded(record))

    def on_client_record_dialog_loaded(self, message: Loaded) -> None:
        self._record = message.record
        self._show(message.record)

    def _show(self, record: Record) -> None:
        self.query_one("#record-body", Static).update(
            render_record(record, self.practice.tz, privacy_on(self))
        )


def _series_lines(practice: Practice, client_id: int) -> tuple[str, ...]:
    from kara_tui.services.series import SeriesBook

    tz = practice.tz
    lines = []
    for series in SeriesBook(practice).of_client(client_id):
        first = series.first_start.astimezone(tz)
        ends = (
            f"ended from {series.ended_from.astimezone(tz):%a %d %b %Y}"
            if series.ended_from
            else series.rule.ends_text()
        )
        how = series.rule.describe(first)
        lines.append(
            f"{fmt.SERIES} {series.id}: {how} at {first:%H:%M} from {first:%a %d %b %Y}, {ends}"
        )
    return tuple(lines)


def _pairs(rows: list[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for label, value in rows:
        table.add_row(label, Text(value))
    return table


def render_record(r: Record, tz: ZoneInfo, privacy: bool) -> Table:
    """Every outside string as Text; privacy mode hides the name, contact and notes."""
    c = r.client
    outer = Table.grid()
    outer.add_column()
    rows = [("Name", fmt.display_name(c.name, privacy) + (" (archived)" if c.archived else ""))]
    if not privacy:
        rows += [("Email", fmt.clean(c.email) or "—"), ("Phone", fmt.clean(c.phone) or "—")]
    programme = c.programme.value
    if c.programme is Programme.SPONSORED:
        programme += f" · {c.sponsored_credit} credit(s) left, {r.held} held by bookings"
        window = "under 24 h may be charged (sponsored programme)"
    else:
        window = f"{c.window_hours} h (own)" if c.window_hours is not None else "the practice's"
    rows += [
        ("Programme", programme),
        ("Fee", str(c.fee)),
        ("Window", window),
        ("Reminders", client_leads_words(c.reminder_leads)),
        ("Balance", balance_words(r.balance)),
    ]
    outer.add_row(_pairs(rows))
    said = [
        f"{reason.label}: {n}" + (f" ({late} late)" if late else "")
        for reason, (n, late) in r.cancellations.items()
        if n
    ]
    outer.add_row(Text("\nCancellations and no-shows", style="bold"))
    outer.add_row(Text("; ".join(said) if said else "none"))
    if r.series:
        outer.add_row(Text("\nSeries", style="bold"))
        for line in r.series:
            outer.add_row(Text(line))
    outer.add_row(Text(f"\nSessions ({len(r.sessions)})", style="bold"))
    sessions = Table.grid(padding=(0, 2))
    for s in reversed(r.sessions):  # the latest first
        sessions.add_row(Text(fmt.when(s.start, tz)), Text(fmt.status_word(s, None, tz)))
    if not r.sessions:
        sessions.add_row(Text("none", style="dim"))
    outer.add_row(sessions)
    if not privacy and c.notes:
        outer.add_row(Text("\nNotes (private)", style="bold"))
        outer.add_row(Text(c.notes.replace("\r", "")))
    return outer
