"""What the dialogs share: the form base, the session dialogs' frame, a choice list, time words."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    Static,
)
from textual.worker import Worker, WorkerState, get_current_worker

from kara_tui.domain import Client, DomainError
from kara_tui.domain.timeshow import clock_span
from kara_tui.policy.notices import why_not_notified
from kara_tui.services.errors import StorageError
from kara_tui.ui.privacy import privacy_on, redacted, shown_name
from kara_tui.ui.workers import USER_ERRORS, WorkerErrors, report_error

if TYPE_CHECKING:
    from kara_tui.clock import Clock
    from kara_tui.domain import Session
    from kara_tui.services.practice import Practice

ResultT = TypeVar("ResultT")
LoadedT = TypeVar("LoadedT")

ERROR = "$text-error"
WARNING = "$text-warning"
MUTED = "$text-muted"
SUCCESS = "$text-success"


def plain(text: str, style: str = "") -> Content:
    """Text from the database or the user, shown as data: never parsed as markup."""
    return Content.styled(text, style)


def local(when: datetime, tz: ZoneInfo) -> datetime:
    return when.astimezone(tz)


def when_text(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """Day, date and the time span in the practice zone, as the dialogs head them."""
    return f"{local(start, tz):%a %d %b %Y}, {clock_span(start, end, tz)}"


def field_text(when: datetime, tz: ZoneInfo) -> str:
    """The editable form of a time: '2026-11-16 08:00', which timeparse reads back."""
    return f"{local(when, tz):%Y-%m-%d %H:%M}"


class ChoiceSet(RadioSet):
    """A RadioSet whose arrows pick the neighbouring choice, not only move a cursor.

    DESIGN.md asks for reasons "picked with keys 1-4 or arrows"; a plain RadioSet needs an
    extra enter after the arrows, which is easy to forget in a dialog that writes a record.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,right", "step(1)", "Next choice", show=False),
        Binding("up,left", "step(-1)", "Previous choice", show=False),
    ]

    def buttons(self) -> list[RadioButton]:
        return list(self.query_children(RadioButton))

    def pick(self, index: int) -> bool:
        """Press choice ``index`` (from 0); False when it does not exist or is disabled."""
        buttons = self.buttons()
        if not 0 <= index < len(buttons) or buttons[index].disabled:
            return False
        buttons[index].value = True
        return True

    def action_step(self, direction: int) -> None:
        buttons = self.buttons()
        enabled = [i for i, b in enumerate(buttons) if not b.disabled]
        if not enabled:
            return
        current = self.pressed_index
        if current in enabled:
            target = enabled[(enabled.index(current) + direction) % len(enabled)]
        else:
            target = enabled[0] if direction > 0 else enabled[-1]
        self.pick(target)


class Line(Static):
    """One line of explanation that disappears when it has nothing to say."""

    DEFAULT_CSS = """
    Line { height: auto; width: 1fr; }
    Line.-empty { display: none; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self.add_class("-empty")

    def say(self, content: Content | str, style: str = "") -> None:
        text = content if isinstance(content, Content) else plain(content, style)
        shown = redacted(self, text.plain)
        if shown != text.plain:  # privacy mode, and the line quotes a client by name
            text = plain(shown, style)
        self.update(text)
        self.set_class(not text.plain.strip(), "-empty")


def frame(title: str) -> VerticalScroll:
    """The dialog's box: it scrolls on a small terminal while #foot stays docked at the bottom."""
    box = VerticalScroll(id="dialog")
    box.border_title = title
    box.can_focus = False
    return box


class SessionDialog(ModalScreen[ResultT]):
    """The frame of the session dialogs: escape goes back, ctrl+s confirms, errors stay inside.

    Subclasses run every service call in a thread worker and post the result back as a
    message; anything a worker raises that was not foreseen is shown on the status line, so
    the user never meets a traceback.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="dialog.back"),
        Binding("ctrl+s", "confirm", "Confirm", id="dialog.confirm"),
    ]

    DEFAULT_CSS = """
    SessionDialog {
        align: center middle;
        background: $background 60%;
    }
    SessionDialog #dialog {
        width: 90;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        border-title-style: bold;
        border-title-color: $text-primary;
        background: $surface;
        padding: 0 1;
    }
    SessionDialog #body { height: auto; }
    SessionDialog #foot { dock: bottom; height: auto; }
    SessionDialog .label { color: $text-muted; margin-top: 1; }
    SessionDialog .row { height: auto; }
    SessionDialog .row > .caption { width: auto; padding: 0 1 0 0; color: $text-muted; }
    SessionDialog RadioSet { width: 1fr; }
    SessionDialog Input.-short { width: 23; }  /* "2027-10-31 01:30+00:00" and the cursor */
    SessionDialog Input.-date { width: 18; }
    SessionDialog Input.-minutes { width: 8; }
    SessionDialog Input.-amount { width: 14; }
    SessionDialog Select { width: 24; }
    SessionDialog #status { margin-top: 1; }
    SessionDialog #summary { height: auto; }
    SessionDialog #buttons { height: auto; align-horizontal: right; margin-top: 1; }
    SessionDialog #buttons Button { margin-left: 2; }
    """

    class WorkFailed(Message):
        """A worker ended with an error nobody foresaw; its words go on the status line."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class LoadFailed(Message):
        """The dialog's data could not be read; the dialog shows why instead of its form."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    busy: bool = False
    load_error: str = ""

    async def on_session_dialog_load_failed(self, message: LoadFailed) -> None:
        self.load_error = message.text
        await self.recompose()

    def action_back(self) -> None:
        if self.busy:
            self.notify("Saving: wait a moment, nothing is lost.", severity="warning")
            return
        self.dismiss(None)

    def action_confirm(self) -> None:  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    @on(Button.Pressed, "#confirm")
    def _confirm_pressed(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.busy = False
            # Never the exception's own words (they may quote a client): its kind, and for
            # an error nobody foresaw, the redacted crash log's path.
            self.post_message(self.WorkFailed(report_error(error)))


def choice_keys(action: str, count: int) -> list[BindingType]:
    """Keys 1..count run ``action(0)``..``action(count - 1)``: a dialog's choices by number."""
    return [Binding(str(n), f"{action}({n - 1})", show=False) for n in range(1, count + 1)]


def session_head(
    screen: Widget, name: str, session: Session, tz: ZoneInfo, lead: str = "  "
) -> list[Content | str | tuple[str, str]]:
    """The start of a session dialog's summary: the client (hidden in privacy mode), when, zone."""
    return [
        (shown_name(screen, name), "bold"),
        lead,
        when_text(session.start, session.end, tz),
        (f" ({tz.key})", MUTED),
    ]


class LiveDialog(SessionDialog[ResultT], Generic[ResultT, LoadedT]):
    """The body the cancel, reschedule and cancel-range dialogs share.

    It loads what the dialog needs in a worker (``read``), shows the form (``form``) under the
    title with the status line and the buttons at the foot, reads the form again on every
    change (``refresh_form``, which sets ``problem``), and on confirm writes in a worker
    (``start_save``, through ``save``); a refusal comes back on the status line, the rest of
    the form as it was.
    """

    TITLE_TEXT = ""
    LOADING = "Loading the session…"
    CONFIRM: tuple[str, str] = ("Confirm  ctrl+s", "primary")  # label, variant
    SAVING = "Saving…"
    FIRST_FOCUS = ""  # the widget that has focus once loaded
    WORK_FAILED = "{}"  # how an error nobody foresaw is put on the status line
    LOOKUP_FAILED = ("", "{}")  # the line that says a lookup failed, and its words

    @dataclass(eq=False)
    class Ready(Message):
        """What ``read`` returned, on the UI thread."""

        data: Any

    @dataclass(eq=False)
    class Found(Message):
        """What ``look_up`` read for ``key``; ``error`` in words when it failed."""

        key: Hashable
        value: Any
        error: str | None = None

    @dataclass(eq=False)
    class Saved(Message):
        """How the save went: the dialog closes with ``result``, or says ``refusal`` (the
        service's words, a sentence) on the status line."""

        result: Any
        refusal: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.data: LoadedT | None = None
        self.load_error = ""
        self.problem = ""  # the first thing that stops Confirm, '' when none
        self.following: Any = None  # what the form shows now (a slot, a span of days)
        self.known: dict[Any, Any] = {}  # what the lookups found, by what was looked up
        self._ready = False

    # -- hooks ----------------------------------------------------------------------------

    def dialog_title(self) -> str:
        return self.TITLE_TEXT

    @property
    def open(self) -> bool:
        """Loaded, and there is something to confirm."""
        return self.data is not None

    def read(self) -> LoadedT:  # pragma: no cover - every dialog overrides it
        """What the dialog needs, read in the load worker."""
        raise NotImplementedError

    def summary(self) -> Content:  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    def form(self) -> ComposeResult:  # pragma: no cover - every dialog overrides it
        """The form's fields, under the summary once loaded and ``open``."""
        raise NotImplementedError

    def closed_why(self) -> str:  # pragma: no cover - overridden where ``open`` can be False
        """Why there is nothing to confirm, shown under the summary instead of the form."""
        return ""

    def refresh_form(self) -> None:  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    def look_up(self, key: Any) -> object:  # pragma: no cover - overridden where used
        """What the form shows for ``key`` (conflicts, the sessions in a span), read in a worker."""
        raise NotImplementedError

    def confirmable(self) -> bool:
        """After ``refresh_form``: may Confirm write now."""
        return not self.problem

    def held_back(self) -> bool:
        """Confirm asks once more instead of writing (True); the reschedule's "book anyway"."""
        return False

    def start_save(self) -> None:  # pragma: no cover - every dialog overrides it
        """Start the save worker with what is on screen."""
        raise NotImplementedError

    def refused(self, exc: DomainError | StorageError) -> Message:
        """The message the save worker posts when the service refuses."""
        return LiveDialog.Saved(None, sentence(str(exc)))

    # -- building -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with frame(self.dialog_title()):
            if self.data is None:
                yield Static(
                    plain(self.load_error or self.LOADING, ERROR if self.load_error else MUTED),
                    id="summary",
                )
            else:
                yield Static(self.summary(), id="summary")
                if self.open:
                    with Vertical(id="body"):
                        yield from self.form()
                else:
                    yield Static(plain(self.closed_why(), ERROR), id="closed")
            with Vertical(id="foot"):
                yield Line(id="status")
                with Horizontal(id="buttons"):
                    if self.open:
                        label, variant = self.CONFIRM
                        yield Button(label, id="confirm", variant=variant, compact=True)  # type: ignore[arg-type]  # a ButtonVariant
                    yield Button("Back  esc", id="back", compact=True)

    def privacy_changed(self) -> None:
        if self.data is not None:
            self.query_one("#summary", Static).update(self.summary())
            if self._ready:
                self.refresh_form()

    def notify_box(self, client: Client) -> tuple[Checkbox, str]:
        """The "Notify client" box, unticked and disabled when no notice can reach the
        client; with the policy's reason why not ('' when one can)."""
        box = self.query_one("#notify", Checkbox)
        blocked = why_not_notified(client)
        if blocked:
            box.value = False
        box.disabled = bool(blocked)
        return box, blocked

    def pick(self, choices: str, index: int) -> None:
        """Keys 1-4: press a choice of the ChoiceSet ``choices``; a bell when it is barred."""
        if self._ready and not self.query_one(choices, ChoiceSet).pick(index):
            self.app.bell()

    # -- loading --------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def _load(self) -> None:
        try:
            data = self.read()
        except (DomainError, StorageError) as exc:
            self.post_message(self.LoadFailed(sentence(str(exc))))
            return
        self.post_message(LiveDialog.Ready(data))

    async def on_live_dialog_ready(self, message: Ready) -> None:
        self.data = message.data
        await self.recompose()
        if self.open:
            self._ready = True
            self.refresh_form()
            self.query_one(self.FIRST_FOCUS).focus()

    # -- looking up what the form shows ---------------------------------------------------

    def follow(self, key: Hashable | None) -> None:
        """The form now shows ``key``: look it up (in a worker) unless it is known already or
        being looked up; an answer for a key the user has typed past is kept, not shown."""
        if key == self.following:
            return
        self.following = key
        if key is not None and key not in self.known:
            self._look_up(key)

    @work(thread=True, exclusive=True, exit_on_error=False, group="look-up")
    def _look_up(self, key: Hashable) -> None:
        try:
            value = self.look_up(key)
        except (DomainError, StorageError) as exc:
            self.post_message(LiveDialog.Found(key, None, sentence(str(exc))))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(LiveDialog.Found(key, value))

    def on_live_dialog_found(self, message: Found) -> None:
        if message.error is not None:
            if message.key == self.following:
                line, words = self.LOOKUP_FAILED
                self.query_one(line, Line).say(words.format(message.error), ERROR)
            return
        self.known[message.key] = message.value
        self.refresh_form()

    # -- confirming -----------------------------------------------------------------------

    @on(RadioSet.Changed)
    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.refresh_form()

    def action_confirm(self) -> None:
        if not self._ready or self.busy:
            return
        self.refresh_form()
        if not self.confirmable():
            self.app.bell()
            self.query_one("#status", Line).say(self.problem or "Nothing to confirm.", ERROR)
            return
        if self.held_back():
            return
        self.busy = True
        self.query_one("#confirm", Button).disabled = True
        self.query_one("#status", Line).say(self.SAVING, MUTED)
        self.start_save()

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def save(self, write: Callable[[], object]) -> None:
        """Run ``write`` (one service call) in the save worker and post how it went."""
        try:
            result = write()
        except (DomainError, StorageError) as exc:
            self.post_message(self.refused(exc))
            return
        self.post_message(LiveDialog.Saved(result))

    def on_live_dialog_saved(self, message: Saved) -> None:
        if message.refusal is not None:
            self.failed(f"Not saved: {message.refusal}")
            return
        self.busy = False
        self.dismiss(message.result)

    def on_session_dialog_work_failed(self, message: SessionDialog.WorkFailed) -> None:
        self.failed(self.WORK_FAILED.format(message.text))

    def failed(self, text: str) -> None:
        """Say ``text`` on the status line; before the form was loaded, instead of the form."""
        self.busy = False
        if not self._ready:
            self.load_error = text
            self.call_later(self.recompose)
            return
        self.refresh_form()
        self.query_one("#status", Line).say(text, ERROR)


def sentence(text: str) -> str:
    """A service's message ('a charge must be more than zero') as a sentence on screen."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def back_bindings(
    description: str = "Back to calendar", action: str = "dismiss(None)"
) -> list[BindingType]:
    """A full-screen list goes back with escape (named in the footer) or q."""
    return [
        Binding("escape", action, description, id="dialog_back"),
        Binding("q", action, "Back", show=False),
    ]


def cursor_key(table: DataTable[Any]) -> str:
    """The key of the table's row under the cursor; '' when the table is empty."""
    if not table.row_count:
        return ""
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""


def form_bindings(submit: str, back: str = "Back") -> list[BindingType]:
    """Escape goes back, ctrl+s submits (ids shared by every form, so keys remap once)."""
    return [
        Binding("escape", "dismiss(None)", back, id="dialog_back"),
        Binding("ctrl+s", "submit", submit, id="dialog_confirm", priority=True),
    ]


def field(label: str, *widgets: Widget) -> Horizontal:
    """One labelled row of a form."""
    return Horizontal(Label(label), *widgets, classes="field")


def error_line() -> Static:
    """The form's error line (#error): one sentence, cleared as the user types."""
    return Static("", classes="error", id="error")


def form_buttons(submit: str, back: str = "Back") -> Horizontal:
    """Back (#back) and the submit button (#save), bottom right."""
    return Horizontal(
        Button(back, id="back"), Button(submit, id="save", variant="primary"), classes="buttons"
    )


class ForClient:
    """A client dialog's two inputs: the practice's use cases and the client it is about.

    A mixin before the screen class: ``class X(ForClient, FormScreen[...])``.
    """

    def __init__(self, practice: Practice, client: Client) -> None:
        super().__init__()
        self.practice = practice
        self.client = client


class PracticeDay:
    """A screen opened on one day of the practice: its use cases, zone and clock, and the day.

    A mixin before the screen class: ``class X(PracticeDay, FormScreen[...])``.
    """

    def __init__(self, practice: Practice, tz: ZoneInfo, clock: Clock, *, day: date) -> None:
        super().__init__()
        self.practice = practice
        self.tz = tz
        self.clock = clock
        self.day = day


class OneFieldDialog(ModalScreen[ResultT]):
    """A question with one typed answer (a date, a time) that dismisses with what it reads.

    Enter, ctrl+s or the go button read the field (``read``, which raises a DomainError in
    words); what cannot be read goes on the error line. Escape or Back: None. Subclasses fill
    in the table below and ``read``.
    """

    BOX = ""  # the box's id
    TITLE_TEXT = ""
    KEYS = ""  # the box's subtitle
    LABEL = ""
    FIELD = ""  # the Input's id
    ERROR_LINE = ""  # the error line's id
    EXPLAIN = ""  # the line under the field
    GO: tuple[str, str, str] = ("", "", "primary")  # the go button: id, label, variant

    def heading(self) -> str:
        """The box's title."""
        return self.TITLE_TEXT

    def lead(self) -> ComposeResult:
        """What stands above the field."""
        yield from ()

    def first_value(self) -> str:  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    def read(self, typed: str) -> ResultT:  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    def echo(self, typed: str) -> str:
        """What the typed text resolves to, shown beside the field ('→ Fri 11 Dec 2026');
        nothing unless the dialog says."""
        return ""

    def compose(self) -> ComposeResult:
        go, label, variant = self.GO
        first = self.first_value()
        with dialog_box(self.heading(), self.KEYS, id=self.BOX):
            yield from self.lead()
            with Horizontal(classes="field"):
                yield Label(self.LABEL)
                yield Input(first, id=self.FIELD)
                yield Static(self.echo(first), classes="echo", id=f"{self.FIELD}-echo")
            yield Static(self.EXPLAIN, classes="echo")
            yield Static("", classes="error", id=self.ERROR_LINE)
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back")
                yield Button(label, id=go, variant=variant)  # type: ignore[arg-type]  # a ButtonVariant

    def on_mount(self) -> None:
        self.query_one(f"#{self.FIELD}", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one(f"#{self.FIELD}-echo", Static).update(self.echo(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == self.GO[0]:
            self.action_submit()
        else:
            self.dismiss(None)

    def action_submit(self) -> None:
        try:
            answer = self.read(self.query_one(f"#{self.FIELD}", Input).value)
        except DomainError as exc:
            self.query_one(f"#{self.ERROR_LINE}", Static).update(Text(str(exc)))
            return
        self.dismiss(answer)


@dataclass(eq=False)
class SpanRead(Message):
    """What a form's worker read for the time span typed (conflicts, booked sessions); the form
    drops it when the user has typed on since."""

    key: tuple[datetime, datetime]
    found: list[Any]


class FormScreen(WorkerErrors, ModalScreen[ResultT]):
    """A modal form: enter in a field or ctrl+s submits, escape or Back goes back.

    Subclasses compose the fields (``field``, ``error_line``, ``form_buttons``), implement
    ``action_submit`` and write in a thread worker of group "save" that posts ``Done``. A user
    error from that worker goes on the error line, not into a notification; typing clears it.
    Textual calls a handler of every class in the MRO, so subclasses change behaviour through
    the hooks (``input_changed``, ``input_submitted``, ``show_error``, ``said``, ``finished``),
    not by defining the same ``on_*`` handler again.
    """

    BINDINGS: ClassVar[list[BindingType]] = form_bindings("Save")
    FOCUS = ""  # the id of the field that has focus when the form opens ('' for none)

    @dataclass(eq=False)  # a message is compared by identity, like Textual's own
    class Done(Message):
        """The save worker finished; the form says so and closes with ``result``."""

        result: Any

    def on_mount(self) -> None:
        if self.FOCUS:
            self.query_one(f"#{self.FOCUS}").focus()

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def save(self, write: Callable[..., Any], *args: Any) -> None:
        """Run ``write(*args)`` (one use case) in the save worker; ``Done`` with what it returns."""
        self.post_message(self.Done(write(*args)))

    def action_submit(self) -> None:  # pragma: no cover - every form overrides it
        raise NotImplementedError

    def value(self, field_id: str) -> str:
        """What is typed in the Input ``#field_id``, without surrounding spaces."""
        return self.query_one(f"#{field_id}", Input).value.strip()

    def show_error(self, message: str) -> None:
        """One sentence on the error line; a client's name in it is hidden in privacy mode."""
        self.query_one("#error", Static).update(Text(redacted(self, message)))

    def input_changed(self, event: Input.Changed) -> None:
        self.show_error("")

    def input_submitted(self, event: Input.Submitted) -> None:
        self.action_submit()

    def said(self, result: Any) -> str:
        """The notification once saved ('' for none)."""
        return ""

    def finished(self, result: Any) -> None:
        """Runs on the UI thread once saved, before the notification."""

    def on_input_changed(self, event: Input.Changed) -> None:
        self.input_changed(event)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.input_submitted(event)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_submit()
        else:
            self.dismiss(None)

    def on_form_screen_done(self, message: Done) -> None:
        self.finished(message.result)
        said = self.said(message.result)
        if said:
            self.app.notify(said, markup=False)
        self.dismiss(message.result)

    def on_service_failed(self, worker: Worker[Any], error: BaseException | None) -> bool:
        if worker.group == "save" and isinstance(error, USER_ERRORS):
            self.show_error(str(error))
            return True
        return False


def dialog_box(
    title: str, keys: str = "", *, id: str | None = None, wide: bool = False
) -> Vertical:
    """A modal's box (.dialog): its title on the top border, its keys on the bottom one."""
    box = Vertical(classes="dialog -wide" if wide else "dialog", id=id)
    box.border_title = title
    if keys:
        box.border_subtitle = keys
    return box


@dataclass(frozen=True, slots=True)
class Box:
    """How a BoxedForm looks: its title, keys, id, submit button, a note under the fields."""

    title: str
    keys: str
    id: str | None = None
    submit: str = "Save"
    note: str = ""
    wide: bool = False


class BoxedForm(FormScreen[ResultT]):
    """A form laid out the usual way (``BOX``): its fields, a note, the error line, the buttons.

    Subclasses yield their fields from ``fields``.
    """

    BOX: ClassVar[Box]

    def fields(self) -> ComposeResult:  # pragma: no cover - every form overrides it
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        box = self.BOX
        with dialog_box(box.title, box.keys, id=box.id, wide=box.wide):
            yield from self.fields()
            if box.note:
                yield Static(box.note, classes="note")
            yield error_line()
            yield form_buttons(box.submit)

    def require(self, field_id: str, message: str) -> bool:
        """Whether ``#field_id`` holds a value; if not, says ``message`` and goes to the field."""
        if self.value(field_id):
            return True
        self.show_error(message)
        self.query_one(f"#{field_id}", Input).focus()
        return False


class ShowsClients:
    """Mix into a screen that shows client names: ``privacy`` is the app's switch (key p),
    or the one the screen was opened with when no app has one."""

    _privacy: bool = False

    @property
    def privacy(self) -> bool:
        return privacy_on(self, self._privacy)  # type: ignore[arg-type]  # mixed into a DOMNode


class ListTitle(Label):
    """The one-line heading of a full-screen list, on the panel colour."""

    DEFAULT_CSS = """
    ListTitle { height: 1; background: $panel; text-style: bold; }
    """


class ListScreen(Screen[ResultT]):
    """A full-screen list: a ListTitle, its table taking the height left, lines under it. A
    ``list-note`` line says what the table cannot (nothing yet, loading), set off from it."""

    DEFAULT_CSS = """
    ListScreen DataTable { height: 1fr; }
    ListScreen .list-note { padding: 1 2; color: $text-muted; }
    """


RowT = TypeVar("RowT")


@dataclass(eq=False)
class RowsRead(Message, Generic[RowT], bubble=False):
    """A list's rows as its load worker read them, and the zone their times are shown in. It
    goes to the list that posted it and no further (the targets panel sits in the feeds
    screen, and each reads its own rows)."""

    rows: list[RowT]
    tz: ZoneInfo


class ReadsRows(Generic[RowT]):
    """A list whose load worker posts RowsRead: it keeps the rows and their zone, then fills
    its table and shows the selected row's detail (the feeds screen, the targets panel)."""

    rows: list[RowT]
    _tz: ZoneInfo | None

    def on_rows_read(self, message: RowsRead[RowT]) -> None:
        self.rows = message.rows
        self._tz = message.tz
        self._fill()
        self._detail()

    def _fill(self) -> None:
        raise NotImplementedError

    def _detail(self) -> None:
        raise NotImplementedError
