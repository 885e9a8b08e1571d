"""The two readings of a typed time that happens twice, offered as buttons beside its field."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from kara_tui.timeparse import AmbiguousTime, field_text, label


class FoldChoice(Horizontal):
    """Hidden until ``show`` gets an AmbiguousTime; a button puts its reading in the field.

    The field then holds the time with its offset ('2027-10-31 01:30+00:00'), which the
    shared parser reads back as exactly that instant, so every preview follows.
    """

    DEFAULT_CSS = """
    FoldChoice { height: auto; display: none; }
    FoldChoice.-shown { display: block; }
    FoldChoice > Static { width: auto; padding: 0 1 0 0; color: $text-warning; }
    FoldChoice > Button { margin-right: 1; }
    """

    def __init__(self, target: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._target = target
        self._texts: list[str] = ["", ""]

    def compose(self) -> ComposeResult:
        yield Static("Happens twice, which one?", id="fold-question")
        yield Button("", id="fold-0", compact=True)
        yield Button("", id="fold-1", compact=True)

    def show(self, twice: AmbiguousTime | None) -> None:
        self.set_class(twice is not None, "-shown")
        if twice is None:
            return
        for i, choice in enumerate(twice.choices):
            self._texts[i] = field_text(choice)
            self.query_one(f"#fold-{i}", Button).label = label(choice)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        index = 0 if event.button.id == "fold-0" else 1
        field = self.screen.query_one(f"#{self._target}", Input)
        field.value = self._texts[index]
        field.focus()
