"""The publishing targets on the Calendars screen: each target's state, last success and error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from kara_tui.ui import keys
from kara_tui.ui.format import clean
from kara_tui.ui.publish_sync import PublishSync
from kara_tui.ui.screens._dialog import ListTitle, ReadsRows, RowsRead
from kara_tui.ui.widgets import status_table

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice
    from kara_tui.services.publish_run import PublishReport
    from kara_tui.services.publish_targets import PublishTarget

# A target's state in a glyph and a word, so it reads without colour.
STATES = {
    "off": status_table.State("–", "off"),
    "new": status_table.State("○", "not published"),
    "ok": status_table.State("✓", "ok"),
    "failed": status_table.State("✗", "failed"),
}
COLUMNS = status_table.columns("Target", 20, 15, "Address", extra=[("Detail", "detail", 8)])
NO_TARGETS = (
    "No targets yet. Press t to publish your sessions to a CalDAV calendar (Nextcloud, "
    "Fastmail, iCloud with an app password) or an .ics file; 'busy' shows only the times."
)


def target_state(target: PublishTarget) -> str:
    if not target.enabled:
        return "off"
    if target.last_error:
        return "failed"
    if target.last_success is None:
        return "new"
    return "ok"


class TargetsPanel(ReadsRows["PublishTarget"], Vertical):  # a string: imported for types only
    """Targets out, under the feeds in. Its keys apply while its table has the focus."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("targets")
    DEFAULT_CSS = """
    TargetsPanel { height: auto; max-height: 45%; }
    TargetsPanel #targets-title { width: 1fr; }
    TargetsPanel DataTable { height: auto; max-height: 10; }
    TargetsPanel #targets-detail { height: auto; max-height: 4; padding: 0 1; background: $boost; }
    """

    @dataclass(eq=False)
    class Ran(Message):
        """A publish the user asked for finished (None: another run was going)."""

        reports: list[PublishReport] | None

    def __init__(self, practice: Practice) -> None:
        super().__init__(id="targets")
        self.practice = practice
        self.rows: list[PublishTarget] = []
        self._tz = ZoneInfo("UTC")
        self._sync: PublishSync | None = None

    @property
    def sync(self) -> PublishSync:
        """The app's PublishSync (one run at a time for the whole app), or a panel's own."""
        if self._sync is None:
            found = getattr(self.app, "publish_sync", None)
            self._sync = found if isinstance(found, PublishSync) else PublishSync(self.practice)
        return self._sync

    def compose(self) -> ComposeResult:
        yield ListTitle(" Targets · your sessions out (one-way)", id="targets-title")
        yield DataTable(id="targets-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text("Loading the targets…"), id="targets-detail")

    def on_mount(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="targets-load", exit_on_error=False)
    def reload(self) -> None:
        self.post_message(RowsRead(self.sync.targets.list(), self.practice.tz))

    @work(thread=True, group="targets-write", exit_on_error=False)
    def _remove(self, name: str) -> None:
        self.sync.targets.remove(name)
        self.post_message(self.Ran([]))

    @work(thread=True, group="targets-run", exit_on_error=False)
    def publish_now(self, name: str | None = None) -> None:
        self.post_message(self.Ran(self.sync.run(name, wait=True)))

    def on_targets_panel_ran(self, message: Ran) -> None:
        message.stop()
        self.reload()
        if message.reports is None:
            self.notify("A publish is already running.", severity="warning", markup=False)
            return
        for report in message.reports:
            self.notify(
                report.message,
                title="Publishing",
                severity="information" if report.ok else "warning",
                markup=False,
            )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "targets-table":
            self._detail()

    def selected(self) -> PublishTarget | None:
        return status_table.selected(self.query_one(DataTable), self.rows)

    def action_add(self) -> None:
        from kara_tui.ui.screens.target_form import TargetForm

        def done(added: PublishTarget | None) -> None:
            if added is None:
                return
            self.notify(f"Added {clean(added.name)}; publishing to it now.", markup=False)
            self.reload()
            self.publish_now(added.name)

        self.app.push_screen(TargetForm(self.sync.targets), done)

    def action_remove(self) -> None:
        from kara_tui.ui.screens.confirm import ConfirmDialog

        target = self.selected()
        if target is None:
            self.notify("No target yet: press t to add one.", severity="warning", markup=False)
            return
        body = Text(
            "kara-tui stops updating it. What it holds stays there (remove it with the "
            "calendar's own app if you want it gone)."
        )

        def done(yes: bool | None) -> None:
            if yes:
                self._remove(target.name)

        self.app.push_screen(
            ConfirmDialog(f"Stop publishing to {clean(target.name)}?", body, confirm="Remove"),
            done,
        )

    def action_publish(self) -> None:
        target = self.selected()
        if target is None:
            self.notify("No target yet: press t to add one.", severity="warning", markup=False)
            return
        self.notify(f"Publishing to {clean(target.name)}…", markup=False)
        self.publish_now(target.name)

    def _fill(self) -> None:
        rows: list[status_table.Row] = []
        for t in self.rows:
            rows.append(
                status_table.row(
                    t.name,
                    STATES[target_state(t)].text(),
                    t.published,
                    t.last_success,
                    self._tz,
                    t.last_error,
                    t.shown,
                    extra=(Text(t.detail.value),),
                )
            )
        status_table.fill(self.query_one(DataTable), COLUMNS, rows)

    def _detail(self) -> None:
        line = self.query_one("#targets-detail", Static)
        target = self.selected()
        if target is None:
            line.update(Text(NO_TARGETS))
            return
        glyph, word, _ = STATES[target_state(target)]
        time_off = " · time off as busy" if target.time_off else ""
        text = status_table.headline(
            glyph,
            target.name,
            f" · {word} · {target.detail.value} · {target.published} events · "
            f"{target.from_days} days back, {target.to_days} ahead{time_off} · ",
            target.shown,
        )
        if target.last_error:
            text.append(f"\n✗ Last run failed: {clean(target.last_error)}")
        if target.last_note:
            text.append(f"\nNote: {clean(target.last_note)}")
        line.update(text)
