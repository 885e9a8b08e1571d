"""The outbox screen: the notices owed to clients, sent over SMTP or written as .eml files."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker, WorkerState

from kara_tui.domain import DomainError, Notification, NotificationStatus
from kara_tui.domain.privacy import mask_email
from kara_tui.services.errors import StorageError
from kara_tui.services.outbox import Outbox, SendReport
from kara_tui.ui import keys
from kara_tui.ui.format import clean
from kara_tui.ui.privacy import privacy_on, redacted
from kara_tui.ui.screens.confirm import ConfirmDialog
from kara_tui.ui.widgets import status_table

ResultT = TypeVar("ResultT")

# A glyph and a word for each state, so the table reads without colour.
STATUS_WORDS = {
    "queued": ("◷", "queued", "warning"),
    "sending": ("…", "sending", "warning"),
    "sent": ("✓", "sent", "success"),
    "written": ("✓", "written", "success"),  # an .eml file: not sent until you send it
    "failed": ("✗", "failed", "error"),
    "discarded": ("⊘", "discarded", ""),
}

# a long error is cut; the preview shows all of it
COLUMNS: tuple[status_table.Column, ...] = (
    ("Status", "status", 10),
    ("Created", "created", 16),
    ("To", "to", 32),
    ("Subject", "subject", 52),
    ("Details", "error", 90),  # why it failed, or where it went
)


_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


class MessagePreview(ModalScreen[None]):
    """One message as the client will read it; any key that means 'back' closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "dismiss", "Close", id="outbox.preview.close"),
    ]
    DEFAULT_CSS = """
    MessagePreview { align: center middle; }
    MessagePreview > VerticalScroll {
        width: 90%; max-width: 110; height: 85%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self._title = title
        self._text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = self._title
            scroll.border_subtitle = "escape: close"
            yield Static(Text(self._text), id="outbox-preview-text")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)


class OutboxScreen(Screen[None]):
    """Queued, sent and failed notices. Sending runs in a thread worker, so the screen stays
    live; each result comes back as a message and the table is read again."""

    TITLE = "Outbox"
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("outbox")
    DEFAULT_CSS = """
    OutboxScreen #outbox-where { height: auto; padding: 0 1; background: $boost; }
    OutboxScreen #outbox-message { height: auto; padding: 0 1; }
    OutboxScreen #outbox-message.-error { color: $text-error; }
    OutboxScreen DataTable { height: 1fr; border: round $panel-lighten-2; }
    """

    @dataclass(eq=False)
    class Loaded(Message):
        messages: list[Notification]
        where: str

    @dataclass(eq=False)
    class Done(Message):
        """A send or a retry finished (report), a discard finished (``said``: what it did), or
        either could not start (error). Each frees the keys and reloads the list."""

        report: SendReport | None
        error: str = ""
        retried: int | None = None
        said: str = ""

    @dataclass(eq=False)
    class PreviewReady(Message):
        title: str
        text: str

    def __init__(self, practice: Any, settings: Any) -> None:
        super().__init__()
        self.practice = practice
        self.settings = settings
        self.outbox = Outbox(practice, settings)
        self.messages: list[Notification] = []
        self.busy = False
        self._tz: ZoneInfo | None = None

    @property
    def privacy(self) -> bool:
        return privacy_on(self, bool(getattr(self.settings, "privacy", False)))

    def privacy_changed(self) -> None:
        self._fill(self.messages)

    def _private(self, text: str) -> str:
        """A message as it may be shown: in privacy mode, addresses masked and names cut."""
        if not self.privacy:
            return text
        text = re.sub(r"\r?\n[ \t]", "", text)  # unfold the iCalendar part: a fold can split a name
        return redacted(self, _ADDRESS.sub(lambda m: mask_email(m.group(0)), text))

    def compose(self) -> ComposeResult:
        yield Header(icon="")  # no "⭘": it read as a stray mark, and the palette is ctrl+p
        yield Static(Text("Loading the outbox…"), id="outbox-where")
        yield DataTable(id="outbox-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="outbox-message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.border_title = "Messages to clients"
        table.border_subtitle = "enter: read the message"
        table.focus()
        self._load()

    # -- workers (the only place the database is touched) ---------------------------------

    def _attempt(self, call: Callable[[], ResultT]) -> ResultT | None:
        """A service call in a worker; a user error goes to the message line (and None back)."""
        try:
            return call()
        except (DomainError, StorageError) as exc:
            self.post_message(self.Done(None, str(exc)))
            return None

    def _read(self) -> list[Notification]:
        if self._tz is None:
            self._tz = self.practice.tz
        return self.outbox.list()

    @work(thread=True, exclusive=True, exit_on_error=False, group="outbox-load")
    def _load(self) -> None:
        if (messages := self._attempt(self._read)) is not None:
            self.post_message(self.Loaded(messages, self.outbox.destination()))

    @work(thread=True, exclusive=True, exit_on_error=False, group="outbox-send")
    def _send(self, notification_id: int | None) -> None:
        if notification_id is None:
            report = self._attempt(self.outbox.send_all)
        else:
            report = self._attempt(lambda: self.outbox.retry(notification_id))
        if report is not None:
            self.post_message(self.Done(report, retried=notification_id))

    @work(thread=True, exclusive=True, exit_on_error=False, group="outbox-send")
    def _discard(self, notification_id: int) -> None:
        if (notice := self._attempt(lambda: self.outbox.discard(notification_id))) is not None:
            said = f"Message {notice.id} discarded: it will not be sent."
            self.post_message(self.Done(None, said=said))

    @work(thread=True, exclusive=True, exit_on_error=False, group="outbox-preview")
    def _preview(self, notification_id: int) -> None:
        if (text := self._attempt(lambda: self.outbox.preview(notification_id))) is not None:
            self.post_message(self.PreviewReady(f"Message {notification_id}", text))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or not event.worker.group.startswith("outbox"):
            return
        self.busy = False
        self._say("Something went wrong (an unexpected error); nothing was lost. Try again.")
        self._load()

    # -- actions --------------------------------------------------------------------------

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_send_all(self) -> None:
        if not self.busy:
            self._start_sending(None, f"Sending to {self.outbox.destination()}…")

    def _start_sending(self, notification_id: int | None, said: str) -> None:
        """Send one message (or every queued one, None) in a worker; the keys wait for it."""
        self.busy = True
        self._say(said, error=False)
        self._send(notification_id)

    def _to_act_on(self) -> Notification | None:
        """The selected message, when nothing is on its way; else None (and why, if not busy)."""
        if self.busy:
            return None
        chosen = self._selected()
        if chosen is None:
            self._say("No message is selected.")
        return chosen

    def action_retry(self) -> None:
        if (chosen := self._to_act_on()) is None:
            return
        if chosen.status is NotificationStatus.SENT:
            written = chosen.status_words() == "written"
            done = chosen.outcome if written else "sent"
            self._say(f"Message {chosen.id} was already {done}; it is not sent twice.", error=False)
            return
        if chosen.status is NotificationStatus.DISCARDED:
            self._say(f"Message {chosen.id} was discarded; it is not sent.", error=False)
            return
        self._start_sending(chosen.id, f"Sending message {chosen.id}…")

    def action_discard(self) -> None:
        """Drop a queued or failed notice that should not go, after a confirmation."""
        if (chosen := self._to_act_on()) is None:
            return
        if chosen.status not in (NotificationStatus.QUEUED, NotificationStatus.FAILED):
            self._say(
                f"Message {chosen.id} is {chosen.status_words()}: only a queued or failed "
                "message can be discarded.",
                error=False,
            )
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.busy = True
                self._discard(chosen.id)

        body = Text.assemble(
            f"Message {chosen.id} to {chosen.recipient or '(no address)'}\n",
            (self._private(clean(chosen.subject)), "bold"),
            "\n\nIt will not be sent. The discard is recorded in the history.",
        )
        self.app.push_screen(
            ConfirmDialog("Discard this message?", body, confirm="Discard", danger=True), done
        )

    def action_preview(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self._preview(chosen.id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # enter on the table: the same as the binding
        self.action_preview()

    # -- results --------------------------------------------------------------------------

    def on_outbox_screen_loaded(self, message: Loaded) -> None:
        self.messages = message.messages
        counts = dict.fromkeys(STATUS_WORDS, 0)
        for m in message.messages:
            counts[m.status_words()] += 1
        summary = ", ".join(f"{n} {word}" for word, n in counts.items() if n) or "empty"
        self.query_one("#outbox-where", Static).update(
            Text.assemble(
                ("Messages go to ", "dim"),
                (message.where, "bold"),
                ("   ·   ", "dim"),
                summary,
            )
        )
        self._fill(message.messages)

    def on_outbox_screen_done(self, message: Done) -> None:
        self.busy = False
        if message.report is not None:
            self._say_report(message.report, message.retried)
        elif message.said:
            self._say(message.said, error=False)
        else:
            self._say(message.error)
        self._load()

    def on_outbox_screen_preview_ready(self, message: PreviewReady) -> None:
        self.app.push_screen(MessagePreview(message.title, self._private(message.text)))

    # -- helpers --------------------------------------------------------------------------

    def _selected(self) -> Notification | None:
        return status_table.selected(self.query_one(DataTable), self.messages, lambda m: str(m.id))

    def _fill(self, messages: list[Notification]) -> None:
        tz = self._tz or ZoneInfo("UTC")
        styles = status_table.theme_styles(self.app)
        lines: list[status_table.Row] = []
        # The newest first (that is what the user just did), by when each was written: ids
        # follow insertion, which a demo's back-dated history or an import does not keep.
        newest = sorted(messages, key=lambda m: (m.created_at, m.id), reverse=True)
        for m in newest:
            glyph, word, style = STATUS_WORDS[m.status_words()]
            recipient = clean(m.recipient) if m.recipient else "(no address)"
            if self.privacy and m.recipient:
                recipient = mask_email(recipient)
            sent = m.status is NotificationStatus.SENT
            error = clean(m.outcome) if sent else clean(m.error)
            cells = (
                Text(f"{glyph} {word}", style=styles.get(style, "")),
                Text(_when(m.created_at, tz)),
                Text(recipient),
                Text(self._private(clean(m.subject))),
                Text(self._private(error), style="" if sent else styles.get("error", "")),
            )
            lines.append((str(m.id), cells))
        status_table.fill(self.query_one(DataTable), COLUMNS, lines)

    def _say(self, text: str, *, error: bool = True) -> None:
        line = self.query_one("#outbox-message", Static)
        line.update(Text(self._private(text)))
        line.set_class(error, "-error")

    def _say_report(self, report: SendReport, retried: int | None) -> None:
        if report.sent == 0 and report.failed == 0:
            self._say(
                "Nothing to send: no message is queued."
                if retried is None
                else f"Message {retried} was taken by another sender meanwhile.",
                error=False,
            )
            return
        # Writing an .eml file is not sending it: say where it went.
        written = [o for o in report.outcomes if o.sent and o.detail.startswith("written to ")]
        parts = []
        if len(written) == 1:
            parts.append(f"1 {written[0].detail}")
        elif written:
            parts.append(f"{len(written)} written to files in {self.outbox.folder()}")
        if report.sent - len(written) or not written:
            parts.append(f"{report.sent - len(written)} sent")
        if report.failed:
            parts.append(f"{report.failed} not sent")
        text = ", ".join(parts) + "."
        if report.errors:
            first = report.errors[0]
            text += f" {first[:1].upper()}{first[1:]}"
            text += "" if len(report.errors) == 1 else f" (and {len(report.errors) - 1} more)"
        self._say(text, error=bool(report.failed))


def _when(at: datetime, tz: ZoneInfo) -> str:
    return f"{at.astimezone(tz):%a %d %b %H:%M}"
