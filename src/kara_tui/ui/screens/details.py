"""One session in full: when, who, its cancellation and charges, and its audit history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from kara_tui.domain import AuditEvent, Client, Money, Programme, Session
from kara_tui.policy.cancellation import format_hours
from kara_tui.policy.charges import balance_words
from kara_tui.ui import format as fmt
from kara_tui.ui.privacy import privacy_on
from kara_tui.ui.workers import WorkerErrors

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice
    from kara_tui.services.series import Place


@dataclass(frozen=True, slots=True)
class Details:
    session: Session
    client: Client
    history: list[AuditEvent]
    # The new session's start when a reschedule replaced this one: it moved, it was not
    # cancelled late, and nothing was charged for it.
    moved_to: datetime | None = None
    balance: tuple[Money, ...] = ()  # what the client owes now (pending charges minus refunds)
    series: Place | None = None  # where it stands in its series, for a session of one


class DetailsScreen(WorkerErrors, ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="dialog_back"),
        Binding("enter", "dismiss(None)", "Back", show=False),
        Binding("q", "dismiss(None)", "Back", show=False),
        Binding("E", "edit_client", "Edit client", id="details_edit_client"),
    ]

    DEFAULT_CSS = """
    DetailsScreen #details { height: auto; max-height: 100%; }
    DetailsScreen .section { margin-top: 1; height: auto; }
    """

    @dataclass(eq=False)
    class Loaded(Message):
        details: Details

    def __init__(self, practice: Practice, session_id: int, tz: ZoneInfo, privacy: bool) -> None:
        super().__init__()
        self.practice = practice
        self.session_id = session_id
        self.tz = tz
        self._privacy = privacy
        self._details: Details | None = None

    @property
    def privacy(self) -> bool:
        return privacy_on(self, self._privacy)

    def privacy_changed(self) -> None:
        if self._details is not None:
            self.query_one("#details-body", Static).update(
                render_details(self._details, self.tz, self.privacy)
            )

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog -wide", id="details") as box:
            box.border_title = "Session"
            box.border_subtitle = "E edits the client · escape or enter closes"
            yield Static("Loading…", id="details-body")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="details", exit_on_error=False)
    def _load(self) -> None:
        session = self.practice.get_session(self.session_id)
        client = self.practice.find_client(session.client_id)
        moved_to = self.practice.rescheduled_to([session.id]).get(session.id)
        history = self.practice.history(session.id)
        from kara_tui.services.charges import Ledger

        balance = tuple(Ledger(self.practice).balance(client.id))
        from kara_tui.services.series import SeriesBook

        place = SeriesBook(self.practice).place(session.id)
        self.post_message(self.Loaded(Details(session, client, history, moved_to, balance, place)))

    def action_edit_client(self) -> None:
        """The client's record, from the session that made one think of it (issue 15)."""
        from kara_tui.ui.screens.client_edit import ClientEditForm

        if self._details is not None:
            form = ClientEditForm(self.practice, self._details.client)
            self.app.push_screen(form, lambda saved: self._load() if saved else None)

    def on_details_screen_loaded(self, message: Loaded) -> None:
        d = self._details = message.details
        box = self.query_one("#details", VerticalScroll)
        box.border_title = f"Session {d.session.id}"
        body = self.query_one("#details-body", Static)
        body.update(render_details(d, self.tz, self.privacy))


def _pairs(rows: list[tuple[str, str | Text]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for label, value in rows:
        table.add_row(label, value if isinstance(value, Text) else Text(value))
    return table


def _heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold")


def render_details(d: Details, tz: ZoneInfo, privacy: bool) -> Table:
    """The whole screen as one renderable; every outside string is Text, never markup."""
    s, c = d.session, d.client
    outer = Table.grid()
    outer.add_column()
    status = fmt.status_word(s, d.moved_to, tz)
    session_rows: list[tuple[str, str | Text]] = [
        ("When", f"{fmt.when(s.start, tz)}–{fmt.hm(s.end, tz)} ({s.minutes} min, {tz.key})"),
        ("Status", Text(status, style="bold")),
        ("Service", fmt.clean(s.service) or "—"),
        ("Location", fmt.clean(s.location) or "—"),
        ("Fee", str(s.fee) + (" · prepaid" if s.prepaid else "")),
    ]
    if s.credit_reserved:
        session_rows.append(("Credit", "one sponsored credit held for this session"))
    if s.rescheduled_from:
        session_rows.append(("Moved from", f"session {s.rescheduled_from}"))
    if d.series is not None:
        session_rows.append(("Series", f"{fmt.SERIES} {d.series.description}"))
        if d.series.few_left:
            session_rows.append(("", Text(f"⚑ {d.series.left_text}", style="bold")))
    outer.add_row(_pairs(session_rows))
    if d.series is not None and d.series.others:
        outer.add_row(_heading(f"Other sessions of series {d.series.series.id}"))
        others = Table.grid(padding=(0, 2))
        for o in d.series.others:
            others.add_row(fmt.when(o.start, tz), fmt.status_word(o, None, tz))
        outer.add_row(others)

    outer.add_row(_heading("Client"))
    client_rows: list[tuple[str, str | Text]] = [("Name", fmt.display_name(c.name, privacy))]
    if not privacy:
        client_rows += [
            ("Email", fmt.clean(c.email) or "— (notices cannot be sent)"),
            ("Phone", fmt.clean(c.phone) or "—"),
        ]
    programme = c.programme.value
    if c.programme is Programme.SPONSORED:
        programme += f" · {c.sponsored_credit} credit{'s' if c.sponsored_credit != 1 else ''} left"
    client_rows += [
        ("Programme", programme),
        ("Usual fee", str(c.fee)),
        ("Window", _window(c)),
        ("Balance", balance_words(list(d.balance))),
    ]
    outer.add_row(_pairs(client_rows))

    if s.cancellation is not None:
        x = s.cancellation
        moved = d.moved_to is not None
        outer.add_row(_heading("Rescheduled" if moved else "Cancellation"))
        rows: list[tuple[str, str | Text]] = [
            ("Reason", x.reason.label),
            ("Notice given", fmt.when(x.notified_at, tz)),
            # A reschedule never charges, so its notice is never called late.
            ("Notice", format_hours(x.notice_hours) + (" · late" if x.late and not moved else "")),
            ("Charged", "yes" if x.charged else "no"),
        ]
        if x.note:
            rows.insert(1, ("Note", Text(fmt.clean(x.note))))
        if x.cancelled_at is not None:
            rows.append(("Recorded", fmt.when(x.cancelled_at, tz)))
        if d.moved_to is not None:
            rows.insert(0, ("Moved to", fmt.when(d.moved_to, tz)))
        outer.add_row(_pairs(rows))

    if s.charges:
        outer.add_row(_heading("Charges"))
        charges = Table.grid(padding=(0, 2))
        for ch in s.charges:
            charges.add_row(
                str(ch.amount),
                ch.kind.value.replace("_", " "),
                ch.method.label if ch.method else "—",
                ch.status.value,
                Text(fmt.when(ch.created_at, tz), style="dim"),
            )
        outer.add_row(charges)

    outer.add_row(_heading("History"))
    history = Table.grid(padding=(0, 2))
    for event in d.history:
        history.add_row(
            Text(fmt.when(event.at, tz), style="dim"),
            Text(event.action.replace("_", " "), style="bold"),
            Text(_change(event, tz)),
        )
    if not d.history:
        history.add_row(Text("no history recorded", style="dim"))
    outer.add_row(history)
    return outer


def _window(c: Client) -> str:
    if c.programme is Programme.SPONSORED:
        return "under 24 h may be charged (sponsored programme)"
    return f"{c.window_hours} h (own)" if c.window_hours is not None else "the practice's"


def _change(event: AuditEvent, tz: ZoneInfo) -> str:
    """What an audit entry changed, in a few words: 'start 10:00 → 11:00', or its reason."""
    parts = []
    before, after = event.before or {}, event.after or {}
    for key in ("start", "end", "status", "fee", "service", "location", "prepaid"):
        if key in before and key in after and before[key] != after[key]:
            parts.append(f"{key} {_value(before[key], tz)} → {_value(after[key], tz)}")
    if event.reason:
        parts.append(fmt.clean(event.reason))
    return "; ".join(parts)


def _value(value: object, tz: ZoneInfo) -> str:
    from datetime import datetime

    if isinstance(value, str):
        try:
            return fmt.when(datetime.fromisoformat(value), tz)
        except ValueError:
            return fmt.clean(value.replace("_", "-"))
    return str(value)
