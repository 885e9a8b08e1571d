"""First run on an empty database: how to begin, in a few lines."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

from kara_tui.domain import Professional
from kara_tui.ui import keys
from kara_tui.ui.screens._dialog import dialog_box


def welcome_text(professional: Professional | None = None) -> Group:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row("C", Text('add a client (or: kara-tui clients add "Anna Smith" --fee 90)'))
    table.add_row("n", Text("book a session on the selected day"))
    table.add_row("", Text("import a calendar you already keep: kara-tui feeds add NAME URL"))
    table.add_row("", Text("look around a practice full of sessions first: kara-tui --demo"))
    table.add_row("", "")
    table.add_row("?", Text("every key · ctrl+p finds any command by name"))
    if professional is not None:
        # Taken from this machine for a new database (kara_tui.machine); say so, and how.
        table.add_row("", "")
        table.add_row(
            "zone",
            Text(f"{professional.timezone}, this machine's (kara-tui settings set timezone ZONE)"),
        )
        table.add_row(
            "currency",
            Text(f"{professional.default_currency} (kara-tui settings set default_currency CODE)"),
        )
    return Group(Text("Your calendar is empty. To begin:\n", style="bold"), table)


class WelcomeScreen(ModalScreen[str | None]):
    """Dismisses with the action to run next ("clients", "new") or None."""

    BINDINGS = keys.bindings("welcome")

    def __init__(self, professional: Professional | None = None) -> None:
        super().__init__()
        self._professional = professional

    def compose(self) -> ComposeResult:
        keys = "C clients · n new session · escape closes"
        with dialog_box("Welcome to kara-tui", keys, id="welcome", wide=True):
            yield Static(welcome_text(self._professional))
