"""Every key of the calendar (as remapped by the config), and the palette-only commands."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kara_tui.ui import keys


class HelpScreen(ModalScreen[None]):
    BINDINGS = keys.bindings("help")

    DEFAULT_CSS = """
    HelpScreen #help { height: auto; max-height: 100%; }
    """

    def __init__(self, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self._keymap = dict(keymap)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog -wide", id="help") as box:
            box.border_title = "Keys"
            box.border_subtitle = "escape closes · ctrl+p finds any command by name"
            yield Static(help_table(self._keymap))


def help_table(keymap: Mapping[str, str]) -> Table:
    """Groups side by side in two columns: keys with what they do."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for spec in keys.SPECS:
        groups.setdefault(spec.group, []).append((keys.shown_key(spec, keymap), spec.help))
    groups["Palette (ctrl+p)"] = [("", command) for command, _, _ in keys.COMMANDS_WITHOUT_KEYS]
    groups["Palette (ctrl+p)"].append(("", "theme: kara-dark, kara-light, kara-high-contrast"))
    groups["Dialogs"] = [("escape", "close, changing nothing"), ("ctrl+s", "confirm a form")]
    attendance = f"Marking attendance ({keys.shown_key(keys.BY_ID['attendance'], keymap)})"
    groups[attendance] = [
        (keys.shown_key(keys.BY_ID[spec_id], keymap), what) for spec_id, what in keys.MARKING
    ]

    def block(name: str) -> Group:
        table = Table.grid(padding=(0, 1))
        table.add_column(min_width=9, style="bold", no_wrap=True)
        table.add_column()
        for key, what in groups[name]:
            table.add_row(Text(key), Text(what))
        return Group(Text(name, style="bold underline"), table)

    left = ["Move", "Views", "App", "Dialogs", attendance]
    right = ["Session", "Practice", "Palette (ctrl+p)"]
    outer = Table.grid(padding=(0, 4))
    outer.add_column(ratio=1)
    outer.add_column(ratio=1)
    stack_left, stack_right = Table.grid(), Table.grid()
    for name in left:
        stack_left.add_row(block(name))
        stack_left.add_row("")
    for name in right:
        stack_right.add_row(block(name))
        stack_right.add_row("")
    outer.add_row(stack_left, stack_right)
    return outer
