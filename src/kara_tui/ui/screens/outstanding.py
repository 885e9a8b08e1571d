"""Who owes what now (pending charges minus pending refunds), the oldest debt first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from kara_tui.ui import format as fmt
from kara_tui.ui.privacy import privacy_on
from kara_tui.ui.workers import WorkerErrors

if TYPE_CHECKING:
    from kara_tui.services.charges import Outstanding
    from kara_tui.services.practice import Practice


class OutstandingDialog(WorkerErrors, ModalScreen[None]):
    """What `kara-tui report --outstanding` lists, on the reports screen (key o)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Back", id="dialog_back")]

    class Loaded(Message):
        def __init__(self, rows: list[Outstanding]) -> None:
            self.rows = rows
            super().__init__()

    def __init__(self, practice: Practice) -> None:
        super().__init__()
        self.practice = practice
        self._rows: list[Outstanding] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide", id="outstanding") as box:
            box.border_title = "Who owes what"
            box.border_subtitle = "pending charges minus pending refunds, now · escape back"
            yield Static("Loading…", id="outstanding-summary")
            yield DataTable(id="outstanding-table", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.styles.height = 14
        table.add_columns("Id", "Client", "Owes", "Oldest pending charge")
        self._load()

    def privacy_changed(self) -> None:
        if self._rows is not None:
            self._show(self._rows)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        from kara_tui.services.charges import Ledger

        self.post_message(self.Loaded(Ledger(self.practice).outstanding()))

    def on_outstanding_dialog_loaded(self, message: Loaded) -> None:
        self._rows = message.rows
        self._show(message.rows)

    def _show(self, rows: list[Outstanding]) -> None:
        tz = self.practice.tz
        privacy = privacy_on(self)
        table = self.query_one(DataTable)
        table.clear()
        for o in rows:
            table.add_row(
                str(o.client.id),
                Text(fmt.display_name(o.client.name, privacy)),
                ", ".join(str(m) for m in o.balance),
                f"{o.oldest.astimezone(tz):%a %d %b %Y}",
            )
        n = len(rows)
        self.query_one("#outstanding-summary", Static).update(
            f"{n} client{'s owe' if n != 1 else ' owes'} something; the longest waiting first."
            if n
            else "Nobody owes anything: no charge is pending."
        )
        table.focus()
