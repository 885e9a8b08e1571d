"""The Calendars screen (F): feeds in (external calendars: add/remove/enable/sync) and
publishing targets out, each with its state in words."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color, ColorParseError
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import Worker

from kara_tui.config import Settings
from kara_tui.domain import Feed
from kara_tui.ui import compat, keys
from kara_tui.ui.feed_sync import BUSY, FeedsSynced, FeedSync, SyncProgress
from kara_tui.ui.format import STALE, clean
from kara_tui.ui.publish_sync import Published
from kara_tui.ui.screens._dialog import (
    Box,
    BoxedForm,
    ListScreen,
    ListTitle,
    ReadsRows,
    RowsRead,
    field,
    form_bindings,
)
from kara_tui.ui.widgets import status_table
from kara_tui.ui.widgets.targets import TargetsPanel
from kara_tui.ui.workers import WorkerErrors

if TYPE_CHECKING:
    from kara_tui.services.feeds import FeedAdded, SyncReport
    from kara_tui.services.practice import Practice

# The state of a feed in a glyph and a word, so it reads without colour.
STATES = {
    "off": status_table.State("–", "off", "dim"),
    "new": status_table.State("○", "not synced", "dim"),
    "ok": status_table.State("✓", "ok", "success"),
    "stale": status_table.State("⚠", "stale", "warning"),
    "failed": status_table.State("✗", "failed", "error"),
}

COLUMNS = status_table.columns("Feed", 24, 12, "Source", lead=[("", "colour", 2)])


# A feed's yes/no settings (key e and b): what is said once it is on, and once it is off.
SWITCHES = {
    "enabled": (
        "{} is on: its events show in the calendar",
        "{} is off: its events are hidden and it is not synced",
    ),
    "block_all_day": (
        "{}: its all-day events now block your time (sessions on them conflict)",
        "{}: its all-day events no longer block your time",
    ),
}


def feed_state(feed: Feed) -> str:
    if not feed.enabled:
        return "off"
    if feed.stale:
        return "stale"
    if feed.last_error:
        return "failed"
    if feed.last_success is None:
        return "new"
    return "ok"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def ask_accept_empty(screen: Screen[Any], report: SyncReport, then: Callable[[str], None]) -> None:
    """A feed that had events came back empty: ask before its stored events are deleted.

    ``then(feed_name)`` runs on yes (it syncs again with accept_empty=True).
    """
    from kara_tui.ui.screens.confirm import ConfirmDialog

    body = Text.assemble(
        (clean(report.message), "bold"),
        "\n\nThe feed returned no events; delete the stored ones? Until you say yes they stay "
        "in the calendar, marked stale. Your own sessions are never touched.",
    )

    def done(yes: bool | None) -> None:
        if yes:
            then(report.feed)

    screen.app.push_screen(
        ConfirmDialog(
            f"{clean(report.feed)} looks empty", body, confirm="Delete them", danger=True
        ),
        done,
    )


class FeedsScreen(ReadsRows[Feed], WorkerErrors, ListScreen[bool]):
    """Every feed with its state in words. Only this screen's workers call the feeds service;
    syncs go through the app's FeedSync so they never overlap with the `s` key or the
    background refresh."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("feeds")
    DEFAULT_CSS = """
    FeedsScreen #feeds-title { width: 1fr; }
    FeedsScreen #feeds-detail { height: auto; max-height: 5; padding: 0 1; background: $boost; }
    FeedsScreen #feeds-status { height: 1; padding: 0 1; color: $text-muted; }
    FeedsScreen #feeds-status.-error { color: $text-error; }
    """

    @dataclass(eq=False)
    class Changed(Message):
        """A write finished; ``said`` is the one line to tell the user."""

        said: str

    def __init__(
        self, practice: Practice, settings: Settings, sync: FeedSync | None = None
    ) -> None:
        super().__init__(id="feeds")
        self.practice = practice
        self.settings = settings
        self._sync_arg = sync
        self.rows: list[Feed] = []
        self._tz: ZoneInfo | None = None
        self._changed = False

    @property
    def sync(self) -> FeedSync:
        """The app's FeedSync (one lock for the whole app), or this screen's own."""
        if self._sync_arg is None:
            found = getattr(self.app, "feed_sync", None)
            self._sync_arg = (
                found if isinstance(found, FeedSync) else FeedSync(self.practice, self.settings)
            )
        return self._sync_arg

    def compose(self) -> ComposeResult:
        yield ListTitle(" Calendars · feeds in (external calendars)", id="feeds-title")
        yield DataTable(id="feeds-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text("Loading the feeds…"), id="feeds-detail")
        yield TargetsPanel(self.practice)
        yield Static("", id="feeds-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._load()

    # -- workers (the only place the services are called) --------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        tz = self._tz or self.practice.tz
        self.post_message(RowsRead(self.sync.feeds.all_feeds(), tz))

    @work(thread=True, group="write", exit_on_error=False)
    def _write(self, call: Callable[[], object], said: str) -> None:
        call()
        self.post_message(self.Changed(said))

    def on_service_failed(self, worker: Worker[Any], error: BaseException | None) -> bool:
        if worker.group == "sync":
            self._status("")
        return False  # WorkerErrors shows it as a notice

    # -- results -----------------------------------------------------------------------------

    def on_feeds_screen_changed(self, message: Changed) -> None:
        self._changed = True
        self.notify(message.said, markup=False)
        self._load()

    def on_sync_progress(self, message: SyncProgress) -> None:
        self._status(message.text)

    def on_feeds_synced(self, message: FeedsSynced) -> None:
        self._load()
        if message.background:
            self._changed = self._changed or message.changed
            return
        self._status("")
        nothing = "No feed is on and refreshing: nothing to sync."
        again = functools.partial(self._start_sync, accept_empty=True)
        if after_user_sync(self, self.sync, message.reports, nothing, again) is not None:
            self._changed = True

    # -- actions ----------------------------------------------------------------------------

    def selected(self) -> Feed | None:
        return status_table.selected(self.query_one(DataTable), self.rows)

    def _require(self) -> Feed | None:
        feed = self.selected()
        if feed is None:
            self.notify("No feed yet: press a to add one.", severity="warning", markup=False)
        return feed

    def action_back(self) -> None:
        self.dismiss(self._changed)

    def action_add_target(self) -> None:
        self.query_one(TargetsPanel).action_add()

    def on_published(self, message: Published) -> None:
        """The app published in the background: show each target's new state."""
        self.query_one(TargetsPanel).reload()

    def action_add(self) -> None:
        def done(added: FeedAdded | None) -> None:
            if added is None:
                return
            self._changed = True
            name = clean(added.feed.name)
            self.notify(f"Added {name}; syncing it now.", markup=False)
            if added.note:  # said once: the secret address had to go into the database
                self.notify(added.note, title="Where the address is kept", markup=False, timeout=15)
            self._load()
            self._start_sync(added.feed.name)

        self.app.push_screen(FeedForm(self.sync), done)

    def action_remove(self) -> None:
        from kara_tui.ui.screens.confirm import ConfirmDialog

        if (feed := self._require()) is None:
            return
        name = feed.name
        body = Text.assemble(
            (clean(name), "bold"),
            f"\n\nIts {_plural(feed.event_count, 'stored event')} leave the calendar. "
            "Your own sessions are not touched. You can add the feed again later.",
        )

        def done(yes: bool | None) -> None:
            if yes:
                self.sync.forget(name)
                self._write(lambda: self.sync.feeds.remove(name), f"Removed {clean(name)}")

        self.app.push_screen(
            ConfirmDialog("Remove this feed?", body, confirm="Remove", danger=True), done
        )

    def action_toggle(self) -> None:
        self._flip("enabled")

    def action_toggle_all_day(self) -> None:
        """Whether the feed's all-day events (a holiday feed's days) make conflicts."""
        self._flip("block_all_day")

    def _flip(self, switch: str) -> None:
        """Turn one of the selected feed's SWITCHES over, with the service's ``set_<switch>``."""
        if (feed := self._require()) is None:
            return
        name, value = feed.name, not getattr(feed, switch)
        write = getattr(self.sync.feeds, f"set_{switch}")
        said_on, said_off = SWITCHES[switch]
        said = (said_on if value else said_off).format(clean(name))
        self._write(lambda: write(name, value), said)

    def action_sync(self) -> None:
        if (feed := self._require()) is None:
            return
        self._start_sync(feed.name)

    def action_sync_all(self) -> None:
        self._start_sync(None)

    def _start_sync(self, name: str | None, accept_empty: bool = False) -> None:
        if self.sync.start_for(self, name, accept_empty, "sync"):
            self._status(f"Syncing {clean(name)}…" if name else "Syncing the feeds…")

    def action_report(self) -> None:
        if (feed := self._require()) is None:
            return
        self.app.push_screen(FeedReport(feed, self.sync.last.get(feed.name), self._zone()))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # enter on the table: the same as the binding
        self.action_report()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    # -- drawing ----------------------------------------------------------------------------

    def _zone(self) -> ZoneInfo:
        return self._tz or ZoneInfo("UTC")

    def _fill(self) -> None:
        styles = status_table.theme_styles(self.app)
        tz = self._zone()
        rows: list[status_table.Row] = []
        for f in self.rows:
            rows.append(
                status_table.row(
                    f.name,
                    STATES[feed_state(f)].text(styles),
                    f.event_count,
                    f.last_success,
                    tz,
                    f.last_error,
                    f.source,
                    lead=(Text("██", style=_colour_style(f.colour)),),
                    error_style=styles.get("error", ""),
                )
            )
        status_table.fill(self.query_one(DataTable), COLUMNS, rows)

    def _detail(self) -> None:
        """All about the selected feed under the table: the whole error, the stale reason."""
        line = self.query_one("#feeds-detail", Static)
        feed = self.selected()
        if feed is None:
            line.update(
                Text(
                    "No feeds yet. Press a to add one: an https or webcal address (Google's "
                    "“secret address in iCal format”, Outlook's or iCloud's published "
                    "calendar) or an .ics file."
                )
            )
            return
        glyph, word, _ = STATES[feed_state(feed)]
        every = (
            f"synced every {feed.refresh_minutes} min"
            if feed.refresh_minutes > 0
            else "a one-off import (synced only when you ask)"
        )
        all_day = "all-day events block" if feed.block_all_day else "all-day events do not block"
        text = status_table.headline(
            glyph,
            feed.name,
            f" · {word} · {_plural(feed.event_count, 'event')} · {every} · {all_day} (b) · ",
            feed.source,
        )
        if feed.stale:
            text.append(
                f"\n⚠ Stale: {clean(feed.last_error)}. Its events stay in the calendar, marked "
                f"{STALE}, until a sync works again."
            )
        elif feed.last_error:
            text.append(f"\n✗ Last sync failed: {clean(feed.last_error)}")
        report = self.sync.last.get(feed.name)
        if report is not None and report.problems:
            text.append(f"\n{report.problems_said()} in the last sync: ⏎ shows which and why.")
        line.update(text)

    def _status(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#feeds-status", Static)
        line.update(Text(text))
        line.set_class(error, "-error")


def _colour_style(colour: str) -> Style:
    try:
        return Style(color=Color.parse(colour).rich_color)
    except ColorParseError:
        return Style()


def after_user_sync(
    screen: Screen[Any],
    sync: FeedSync,
    reports: list[SyncReport] | None,
    nothing: str,
    again: Callable[[str], None],
) -> list[SyncReport] | None:
    """Tell how a sync the user asked for ended, and ask about each feed that came back empty
    (``again(name)`` syncs it accepting that). The reports; None when another sync was running;
    ``nothing`` is said when there was no feed to sync."""
    if reports is None:
        screen.notify(BUSY, severity="warning", markup=False)
        return None
    if not reports:
        screen.notify(nothing, markup=False)
        return reports
    tell_sync_results(screen, sync, reports)
    for report in reports:
        if report.needs_confirmation:
            ask_accept_empty(screen, report, again)
    return reports


def tell_sync_results(screen: Screen[Any], sync: FeedSync, reports: list[SyncReport]) -> None:
    """After a sync the user asked for: one notice for what worked, one per failure.

    Messages come from the service, which never puts an address in them.
    """
    failures = [r for r in reports if not r.ok]
    worked = [r for r in reports if r.ok]
    if worked:
        screen.notify(
            "\n".join(clean(r.message) for r in worked), title="Feeds synced", markup=False
        )
    for report in failures:
        screen.notify(
            clean(report.message), title="Feed sync failed", severity="error", markup=False
        )
    sync.told(failures)


FEED_NOTE = (
    "An address is a secret (anyone with it can read the calendar): it is kept in your keyring "
    "when there is one, and shown masked."
)


class FeedForm(BoxedForm["FeedAdded | None"]):
    """Name and address (or file) of a new feed; the service checks both."""

    BINDINGS: ClassVar[list[BindingType]] = form_bindings("Add")
    BOX = Box("Add a feed", "enter or ctrl+s adds · escape back", "feed-form", "Add", FEED_NOTE)

    def __init__(self, sync: FeedSync) -> None:
        super().__init__()
        self.sync = sync

    def fields(self) -> ComposeResult:
        yield field("Name", Input(placeholder="Work", id="name"))
        yield field(
            "Address", Input(placeholder="https://… webcal://… or /path/to/file.ics", id="source")
        )

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "name" and not self.value("source"):
            self.query_one("#source", Input).focus()
            return
        self.action_submit()

    def action_submit(self) -> None:
        if self.require("name", "A feed needs a name (it is shown on its events).") and (
            self.require("source", "A feed needs an address (https or webcal) or an .ics file.")
        ):
            self._add(self.value("name"), self.value("source"))

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _add(self, name: str, source: str) -> None:
        self.post_message(self.Done(self.sync.feeds.add(name, source)))


class FeedReport(ModalScreen[None]):
    """A feed's last sync: what it did, and each skipped event (feed, UID, reason)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "dismiss(None)", "Close", id="feeds.report.close"),
    ]
    DEFAULT_CSS = """
    FeedReport > VerticalScroll {
        width: 90%; max-width: 110; height: auto; max-height: 85%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    FeedReport #report-problems { height: auto; max-height: 20; }
    """

    def __init__(self, feed: Feed, report: SyncReport | None, tz: ZoneInfo) -> None:
        super().__init__()
        self.feed = feed
        self.report = report
        self.tz = tz

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = f"{clean(self.feed.name)} · last sync"
            box.border_subtitle = "escape: close"
            yield Static(self._summary(), id="report-summary")
            if self.report is not None and self.report.problems:
                yield DataTable(id="report-problems", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        if self.report is None or not self.report.problems:
            return
        table = self.query_one(DataTable)
        table.add_columns("Feed", "UID", "Reason")
        for p in self.report.problems:
            uid = clean(p.uid) if p.uid else "— (the whole feed)"
            table.add_row(Text(clean(p.feed)), Text(uid), Text(clean(p.reason)))
        compat.measure_rows_now(table)

    def _summary(self) -> Text:
        f, r = self.feed, self.report
        text = Text()
        text.append(f"Last success: {status_table.when(f.last_success, self.tz)}")
        text.append(f" · {_plural(f.event_count, 'event')} stored\n")
        if f.stale:
            text.append(f"⚠ Stale: {clean(f.last_error)}\n")
        elif f.last_error:
            text.append(f"✗ Last error: {clean(f.last_error)}\n")
        if r is None:
            text.append("\nNot synced since kara-tui opened: press s on the feed to sync it now.")
            return text
        text.append(f"\n{'✓' if r.ok else '✗'} {clean(r.message)}\n", style="bold")
        if r.ok and not r.skipped:
            text.append(
                f"{r.added} added · {r.updated} updated · {r.removed} removed · "
                f"{r.unchanged} unchanged\n"
            )
        if r.skipped_events:
            text.append(f"\n{r.problems_said()} (the rest imported):")
        elif r.problems:
            text.append(f"\nNo event was skipped; {r.problems_said()} on the feed:")
        elif r.skipped:
            # Nothing was read: what an earlier sync skipped is still skipped.
            text.append("\nThe feed had not changed, so it was not read again.")
        else:
            text.append("\nNo event was skipped.")
        return text
