"""A yes/no question; escape (or Back) answers no and changes nothing."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kara_tui.ui.widgets.hanging import hanging


class ConfirmDialog(ModalScreen[bool]):
    """Dismisses with True on confirm. A dangerous question starts on the safe button.

    With ``confirm=None`` it only explains (a refusal): there is no button to say yes with.
    """

    BINDINGS = [
        Binding("escape", "answer(False)", "Back", id="dialog_back"),
        Binding("y", "answer(True)", "Yes", show=False),
    ]

    def __init__(
        self,
        title: str,
        body: Text | str,
        *,
        confirm: str | None = "Yes",
        back: str = "Back",
        danger: bool = False,
    ) -> None:
        super().__init__()
        self._title = title
        self._body = body if isinstance(body, Text) else Text(body)
        self._confirm = confirm
        self._back = back
        self._danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self._title
            box.border_subtitle = (
                "escape or enter goes back"
                if self._confirm is None
                # A dangerous question starts on Back (on_mount): enter there goes back.
                else "y confirms · escape or enter goes back"
                if self._danger
                else "y or enter confirms · escape goes back"
            )
            yield Static(hanging(self._body), id="confirm-body")
            with Horizontal(classes="buttons"):
                yield Button(self._back, id="back")
                if self._confirm is not None:
                    yield Button(
                        self._confirm, id="confirm", variant="error" if self._danger else "primary"
                    )

    def on_mount(self) -> None:
        safe = self._danger or self._confirm is None
        self.query_one("#back" if safe else "#confirm", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes and self._confirm is not None)
