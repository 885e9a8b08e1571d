"""Adding a publishing target from the calendar: name, address, detail level and login."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static
from textual.worker import Worker

from kara_tui.ui.workers import USER_ERRORS, WorkerErrors

if TYPE_CHECKING:
    from kara_tui.services.publish_targets import PublishTarget, PublishTargets

FIELDS = (
    ("name", "Name", "Phone"),
    (
        "target",
        "Address",
        "https://cloud.example.com/remote.php/dav/calendars/me/work/  or  ~/web/practice.ics",
    ),
    ("detail", "Detail", "busy (default: 'Busy' only), initials, or full"),
    ("user", "User", "the CalDAV user name (none for a file or an open server)"),
    ("password", "Password", "kept in your keyring, never in a file"),
    ("password_env", "or env var", "the name of an environment variable holding it"),
)


class TargetForm(WorkerErrors, ModalScreen["PublishTarget | None"]):
    """A new target; the service checks everything and says what is wrong in one line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Back", id="dialog_back"),
        Binding("ctrl+s", "submit", "Add", id="dialog_confirm", priority=True),
    ]

    class Added(Message):
        def __init__(self, target: PublishTarget) -> None:
            self.target = target
            super().__init__()

    def __init__(self, targets: PublishTargets) -> None:
        super().__init__()
        self.targets = targets

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide", id="target-form") as box:
            box.border_title = "Publish your sessions to a calendar"
            box.border_subtitle = "ctrl+s adds · escape back"
            for key, label, hint in FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield Input(placeholder=hint, id=key, password=key == "password")
            yield Checkbox("Publish time off as busy too", id="time_off")
            yield Static(
                "One-way: kara-tui writes only its own events there and never reads them back. "
                "The address is a secret and shown masked. 'busy' lets no client name, "
                "service or place leave this machine.",
                classes="note",
            )
            yield Static("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back")
                yield Button("Add", id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_input_changed(self) -> None:
        self.query_one("#error", Static).update("")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _value(self, key: str) -> str:
        return self.query_one(f"#{key}", Input).value.strip()

    def action_submit(self) -> None:
        if not self._value("name"):
            self._error("A target needs a name (it is shown in the list).")
            self.query_one("#name", Input).focus()
            return
        if not self._value("target"):
            self._error("A target needs an address: a CalDAV calendar URL or an .ics file.")
            self.query_one("#target", Input).focus()
            return
        values = {key: self._value(key) for key, _, _ in FIELDS}
        values["detail"] = values["detail"] or "busy"
        self._add(values, self.query_one("#time_off", Checkbox).value)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _add(self, values: dict[str, str], time_off: bool) -> None:
        target = self.targets.add(
            values["name"],
            values["target"],
            detail=values["detail"],
            user=values["user"],
            password_env=values["password_env"],
            password=values["password"] or None,
            time_off=time_off,
        )
        self.post_message(self.Added(target))

    def on_target_form_added(self, message: Added) -> None:
        self.dismiss(message.target)

    def on_service_failed(self, worker: Worker[Any], error: BaseException | None) -> bool:
        if worker.group == "save" and isinstance(error, USER_ERRORS):
            self._error(str(error))
            return True
        return False

    def _error(self, message: str) -> None:
        self.query_one("#error", Static).update(Text(message))
