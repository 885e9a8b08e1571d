"""Adding a publishing target from the calendar: name, address, detail level and login."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Checkbox, Input

from kara_tui.ui.screens._dialog import Box, BoxedForm, field, form_bindings

if TYPE_CHECKING:
    from kara_tui.services.publish_targets import PublishTarget, PublishTargets  # noqa: F401 (the result type, in a string)

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


TARGET_NOTE = (
    "One-way: kara-tui writes only its own events there and never reads them back. "
    "The address is a secret and shown masked. 'busy' lets no client name, "
    "service or place leave this machine."
)


class TargetForm(BoxedForm["PublishTarget | None"]):
    """A new target; the service checks everything and says what is wrong in one line."""

    BINDINGS: ClassVar[list[BindingType]] = form_bindings("Add")
    BOX = Box(
        "Publish your sessions to a calendar",
        "ctrl+s adds · escape back",
        id="target-form",
        submit="Add",
        note=TARGET_NOTE,
        wide=True,
    )

    def __init__(self, targets: PublishTargets) -> None:
        super().__init__()
        self.targets = targets

    def fields(self) -> ComposeResult:
        for key, label, hint in FIELDS:
            yield field(label, Input(placeholder=hint, id=key, password=key == "password"))
        yield Checkbox("Publish time off as busy too", id="time_off")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()  # seven fields: enter moves on, ctrl+s adds

    def action_submit(self) -> None:
        if not self.require("name", "A target needs a name (it is shown in the list).") or not (
            self.require(
                "target", "A target needs an address: a CalDAV calendar URL or an .ics file."
            )
        ):
            return
        values = {key: self.value(key) for key, _, _ in FIELDS}
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
        self.post_message(self.Done(target))
