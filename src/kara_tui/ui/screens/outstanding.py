"""Who owes what now (pending charges minus pending refunds), the oldest debt first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from kara_tui.policy.charges import balance_words, owes
from kara_tui.ui import compat
from kara_tui.ui import format as fmt
from kara_tui.ui.privacy import privacy_on
from kara_tui.ui.workers import WorkerErrors

if TYPE_CHECKING:
    from kara_tui.services.charges import Outstanding
    from kara_tui.services.practice import Practice


class OutstandingPane(WorkerErrors, Vertical):
    """What `kara-tui report --outstanding` lists: the reports screen's "Who owes" tab (o)."""

    DEFAULT_CSS = """
    OutstandingPane { height: 1fr; padding: 0 1; }
    OutstandingPane #outstanding-summary { height: auto; margin-bottom: 1; }
    OutstandingPane DataTable { height: 1fr; }
    """

    @dataclass(eq=False)
    class Loaded(Message):
        rows: list[Outstanding]

    def __init__(self, practice: Practice, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.practice = practice
        self._rows: list[Outstanding] | None = None

    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="outstanding-summary")
        yield DataTable(id="outstanding-table", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Id", "Client", "Balance", "Oldest pending charge")
        self.reload()

    def privacy_changed(self) -> None:
        if self._rows is not None:
            self._show(self._rows)

    def reload(self) -> None:
        """Read again: a charge may have been paid since the tab was last shown."""
        self._load()

    @work(thread=True, exclusive=True, group="outstanding", exit_on_error=False)
    def _load(self) -> None:
        from kara_tui.services.charges import Ledger

        self.post_message(self.Loaded(Ledger(self.practice).outstanding()))

    def on_outstanding_pane_loaded(self, message: Loaded) -> None:
        message.stop()
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
                balance_words(o.balance),
                f"{o.oldest.astimezone(tz):%a %d %b %Y}",
            )
        compat.measure_rows_now(table)
        self.query_one("#outstanding-summary", Static).update(_summary(rows))


def _summary(rows: list[Outstanding]) -> str:
    """How many clients owe, and how many are owed a refund not yet paid out."""
    if not rows:
        return "Nobody owes anything: no charge is pending."
    owing = sum(1 for o in rows if owes(o.balance))
    owed = sum(1 for o in rows if any(m.minor < 0 for m in o.balance))
    said = [
        f"{owing} client{'s owe' if owing != 1 else ' owes'} something now"
        if owing
        else "Nobody owes anything now"
    ]
    if owed:
        said.append(
            f"{owed} client{'s are' if owed != 1 else ' is'} owed a refund not yet paid out"
        )
    return "; ".join(said) + " (pending charges minus pending refunds); the longest waiting first."
