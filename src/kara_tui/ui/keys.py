"""Every calendar action in one table: its id (remappable from config), keys, footer and palette names.

The bindings, the help screen and the command palette are all built from this table, so they
cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType

from kara_tui.config import Settings, where


@dataclass(frozen=True, slots=True)
class KeySpec:
    id: str  # the name used in the config's [keys] table
    keys: str  # Textual key names, comma separated
    action: str
    label: str  # short, for the footer (which shows the ids in FOOTER_ORDER)
    command: str  # "noun: verb", for the command palette
    help: str  # one line for the help screen
    group: str

    @property
    def display(self) -> str | None:
        """The keys as shown ("←/h" for "left,h"), where that is not how Textual names them."""
        shown = _shown(self.keys)
        return shown if shown != self.keys else None


SPECS: tuple[KeySpec, ...] = (
    KeySpec("prev_day", "left,h", "prev_day", "Day", "go: previous day", "previous day", "Move"),
    KeySpec("next_day", "right,l", "next_day", "Day", "go: next day", "next day", "Move"),
    KeySpec("prev_session", "up,k", "prev_session", "Prev", "session: previous", "previous session", "Move"),
    KeySpec("next_session", "down,j", "next_session", "Next", "session: next", "next session", "Move"),
    KeySpec("prev_page", "left_square_bracket", "prev_page", "Prev week", "go: previous week", "previous week (month in the month view)", "Move"),
    KeySpec("next_page", "right_square_bracket", "next_page", "Next week", "go: next week", "next week (month in the month view)", "Move"),
    KeySpec("today", "t", "today", "Today", "go: today", "today", "Move"),
    KeySpec("goto", "g", "goto", "Go to", "go: to date", "go to a date (2026-12-03, tomorrow, next monday)", "Move"),
    KeySpec("search", "slash", "search", "Search", "sessions: search", "find sessions by client name", "Move"),
    KeySpec("view_day", "1", "view('day')", "Day", "view: day", "day view", "Views"),
    KeySpec("view_week", "2", "view('week')", "Week", "view: week", "week view", "Views"),
    KeySpec("view_month", "3", "view('month')", "Month", "view: month", "month view", "Views"),
    KeySpec("view_agenda", "4", "view('agenda')", "Agenda", "view: agenda", "agenda (the coming four weeks)", "Views"),
    KeySpec("privacy", "p", "app.toggle_privacy", "Privacy", "view: toggle privacy", "privacy mode: client initials instead of names (screen sharing)", "Views"),
    KeySpec("details", "enter", "details", "Details", "session: details", "session details and history", "Session"),
    KeySpec("new", "n", "new", "New", "session: new", "book a new session", "Session"),
    KeySpec("edit", "e", "edit", "Edit", "session: edit", "edit the selected session", "Session"),
    KeySpec("cancel", "c", "cancel", "Cancel", "session: cancel", "cancel the selected session", "Session"),
    KeySpec("reschedule", "r", "reschedule", "Reschedule", "session: reschedule", "reschedule", "Session"),
    KeySpec("attend", "a", "attend", "Attended", "session: mark attended", "mark attended", "Session"),
    KeySpec("no_show", "x", "no_show", "No-show", "session: mark no-show", "mark no-show", "Session"),
    KeySpec("unmark", "u", "unmark", "Undo mark", "session: undo attendance", "undo attended / no-show", "Session"),
    KeySpec("attendance", "A", "attendance", "Attendance", "sessions: mark attendance", "past sessions still unmarked, one after another (a / x / u there)", "Session"),
    KeySpec("delete", "D", "delete", "Delete", "session: delete (booked by mistake)", "delete a session booked by mistake", "Session"),
    KeySpec("time_off", "b", "time_off", "Time off", "time off: block", "block time off", "Practice"),
    KeySpec("time_off_list", "B", "time_off_list", "Time off", "time off: list", "list and remove time off", "Practice"),
    KeySpec("sync", "s", "sync", "Sync", "feeds: sync now", "sync external calendars now", "Practice"),
    KeySpec("clients", "C", "clients", "Clients", "clients: list", "clients", "Practice"),
    KeySpec("feeds", "F", "feeds", "Feeds", "feeds: manage", "calendars: feeds in, publishing out", "Practice"),
    KeySpec("reports", "R", "reports", "Reports", "reports: open", "reports", "Practice"),
    KeySpec("outbox", "O", "outbox", "Outbox", "outbox: open", "outbox (client notices)", "Practice"),
    KeySpec("settings", "S", "settings", "Settings", "settings: edit", "practice settings", "Practice"),
    KeySpec("help", "question_mark", "help", "Help", "help: keys", "this help", "App"),
    KeySpec("quit", "q", "app.quit", "Quit", "app: quit", "quit", "App"),
)  # fmt: skip

BY_ID = {spec.id: spec for spec in SPECS}

# Palette-only actions (no key of their own).
COMMANDS_WITHOUT_KEYS: tuple[tuple[str, str, str], ...] = (
    ("sessions: cancel range", "cancel_range", "cancel every session in a date range (illness)"),
    ("clients: add", "add_client", "add a client"),
    ("series: end", "end_series", "end the selected session's series from a date (therapy ended)"),
)


# The attendance screen (A) marks past sessions with the calendar's own keys (ids).
MARKING: tuple[tuple[str, str], ...] = (
    ("attend", "attended, then on to the next"),
    ("no_show", "no-show (charge or not), then on to the next"),
    ("unmark", "undo the last mark"),
)

# The footer shows these and no other, most needed first, so a narrow terminal still shows help.
FOOTER_ORDER = ("help", "new", "cancel", "reschedule", "attend", "no_show", "unmark", "edit", "details",
                "goto", "search", "quit")  # fmt: skip


@dataclass(frozen=True, slots=True)
class ScreenKey:
    """One key of a screen other than the calendar."""

    screen: str
    keys: str  # Textual key names, comma separated
    action: str
    label: str  # for the footer
    id: str  # the binding's id, "" for none
    show: bool  # in the footer
    priority: bool  # before the focused widget's own binding of the key
    display: str  # the key as the footer shows it, "" where Textual's name is shown


SHIFT_DAYS = 30  # the reports' [ and ] move the period by this many days

# Every other screen's keys, in footer order: the one place they are declared ("" = no id, no
# display). The config's [keys] table names only the calendar's ids (SPECS), not these.
# - attendance marks past sessions with the calendar's own ids (see MARKING);
# - client_charges pays with m, not p: p is privacy mode on every screen;
# - feeds' enter has priority: the table's own (hidden) enter would hide it from the footer;
# - reports' p is hidden: it is also the app's privacy key (whose entry is hidden), d shows;
# - targets is the publish targets' panel on the feeds screen (while its table has the focus).
SCREEN_KEYS: tuple[ScreenKey, ...] = (
    ScreenKey("clients", "a", "add", "Add client", "client_add", True, False, ""),
    ScreenKey("clients", "enter", "record", "Record", "client_record", True, False, ""),
    ScreenKey("clients", "e", "edit", "Edit", "client_edit", True, False, ""),
    ScreenKey("clients", "x", "archive", "Archive/restore", "client_archive", True, False, ""),
    ScreenKey("clients", "m", "charges", "Charges", "client_charges", True, False, ""),
    ScreenKey("clients", "c", "credit", "Credit", "client_credit", True, False, ""),
    ScreenKey("clients", "v", "toggle_archived", "Show archived", "client_show_archived", True, False, ""),
    ScreenKey("clients", "escape", "dismiss(None)", "Back to calendar", "dialog_back", True, False, ""),
    ScreenKey("clients", "q", "dismiss(None)", "Back", "", False, False, ""),
    ScreenKey("client_charges", "m", "pay", "Mark paid", "charge_pay", True, False, ""),
    ScreenKey("client_charges", "v", "void", "Void", "charge_void", True, False, ""),
    ScreenKey("client_charges", "escape", "dismiss(None)", "Back", "dialog_back", True, False, ""),
    ScreenKey("attendance", "a", "attend", "Attended", "attend", True, False, ""),
    ScreenKey("attendance", "x", "no_show", "No-show", "no_show", True, False, ""),
    ScreenKey("attendance", "u", "unmark", "Undo", "unmark", True, False, ""),
    ScreenKey("attendance", "escape", "back", "Back to calendar", "dialog_back", True, False, ""),
    ScreenKey("attendance", "q", "back", "Back", "", False, False, ""),
    ScreenKey("time_off_list", "b", "block", "Block time off", "time_off_block", True, False, ""),
    ScreenKey("time_off_list", "d,delete", "remove", "Remove", "time_off_remove", True, False, ""),
    ScreenKey("time_off_list", "escape", "dismiss(None)", "Back to calendar", "dialog_back", True, False, ""),
    ScreenKey("time_off_list", "q", "dismiss(None)", "Back", "", False, False, ""),
    ScreenKey("feeds", "a", "add", "Add", "feeds.add", True, False, ""),
    ScreenKey("feeds", "d", "remove", "Remove", "feeds.remove", True, False, ""),
    ScreenKey("feeds", "e,space", "toggle", "On/off", "feeds.toggle", True, False, ""),
    ScreenKey("feeds", "b", "toggle_all_day", "All-day blocks", "feeds.block_all_day", True, False, ""),
    ScreenKey("feeds", "s", "sync", "Sync", "feeds.sync", True, False, ""),
    ScreenKey("feeds", "S", "sync_all", "Sync all", "feeds.sync_all", True, False, ""),
    ScreenKey("feeds", "t", "add_target", "Add target", "feeds.add_target", True, False, ""),
    ScreenKey("feeds", "enter", "report", "Report", "feeds.report", True, True, "⏎"),
    ScreenKey("feeds", "escape", "back", "Back", "dialog_back", True, False, ""),
    ScreenKey("feeds", "q", "back", "Back", "", False, False, ""),
    ScreenKey("targets", "a,t", "add", "Add target", "targets.add", True, False, ""),
    ScreenKey("targets", "d", "remove", "Remove target", "targets.remove", True, False, ""),
    ScreenKey("targets", "s", "publish", "Publish", "targets.publish", True, False, ""),
    ScreenKey("outbox", "escape", "close", "Back", "outbox.back", True, False, ""),
    ScreenKey("outbox", "s", "send_all", "Send queued", "outbox.send", True, False, ""),
    ScreenKey("outbox", "r", "retry", "Retry selected", "outbox.retry", True, False, ""),
    ScreenKey("outbox", "d", "discard", "Discard selected", "outbox.discard", True, False, ""),
    ScreenKey("outbox", "enter", "preview", "Preview", "outbox.preview", True, False, ""),
    ScreenKey("reports", "escape", "close", "Back", "reports.back", True, False, ""),
    ScreenKey("reports", "left_square_bracket", "shift(-1)", f"-{SHIFT_DAYS} days", "reports.earlier", True, False, ""),
    ScreenKey("reports", "right_square_bracket", "shift(1)", f"+{SHIFT_DAYS} days", "reports.later", True, False, ""),
    ScreenKey("reports", "p", "period", "Period", "reports.period", False, False, ""),
    ScreenKey("reports", "d", "period", "Period (dates)", "reports.period_dates", True, False, ""),
    ScreenKey("reports", "t", "rolling", "Last 90 days", "reports.rolling", True, False, ""),
    ScreenKey("reports", "s", "sort_next", "Sort", "reports.sort", True, False, ""),
    ScreenKey("reports", "S", "sort_reverse", "Reverse", "reports.reverse", True, False, ""),
    ScreenKey("reports", "o", "outstanding", "Who owes", "reports.outstanding", True, False, ""),
    ScreenKey("welcome", "escape", "dismiss(None)", "Close", "dialog_back", True, False, ""),
    ScreenKey("welcome", "enter", "dismiss(None)", "Close", "", False, False, ""),
    ScreenKey("welcome", "C", "dismiss('clients')", "Add a client", "", True, False, ""),
    ScreenKey("welcome", "n", "dismiss('new')", "Book a session", "", True, False, ""),
    ScreenKey("help", "escape", "dismiss(None)", "Back", "dialog_back", True, False, ""),
    ScreenKey("help", "question_mark", "dismiss(None)", "Back", "", False, False, ""),
    ScreenKey("help", "q", "dismiss(None)", "Back", "", False, False, ""),
)  # fmt: skip


def bindings(screen: str = "calendar") -> list[BindingType]:
    """The screen's bindings, in footer order (SCREEN_KEYS; the calendar's from SPECS)."""
    if screen != "calendar":
        found: list[BindingType] = [
            Binding(
                k.keys, k.action, k.label, k.show, k.display or None, k.priority, id=k.id or None
            )
            for k in SCREEN_KEYS
            if k.screen == screen
        ]
        if not found:
            raise KeyError(f"no keys for the screen {screen!r}")
        return found
    order = {name: i for i, name in enumerate(FOOTER_ORDER)}
    specs = sorted(SPECS, key=lambda spec: order.get(spec.id, len(order)))
    return [
        Binding(
            spec.keys,
            spec.action,
            spec.label,
            show=spec.id in order,
            key_display=spec.display,
            id=spec.id,
        )
        for spec in specs
    ]


_NAMES = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "slash": "/",
    "question_mark": "?",
    "enter": "⏎",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
}


def shown_key(spec: KeySpec, keymap: Mapping[str, str]) -> str:
    """The key as the user will press it, after their config's remapping."""
    return _shown(keymap.get(spec.id, spec.keys))


def _shown(keys: str) -> str:
    return "/".join(_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))


_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def is_key_name(key: str) -> bool:
    """Whether Textual can ever deliver ``key`` ("c", "ctrl+d", "f5", "question_mark")."""
    from textual.keys import REPLACED_KEYS, Keys, key_to_character

    *modifiers, name = key.strip().split("+")
    if not name or any(m not in _MODIFIERS for m in modifiers):
        return False
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    known = {k.value for k in Keys}
    # "plus", "slash", "at"...: Textual's friendlier names for some characters.
    return name in known or name in REPLACED_KEYS or key_to_character(name) is not None


def _key_problem(action: str, key: str) -> str | None:
    if action not in BY_ID:
        return f"unknown action '{action}' (known: {', '.join(BY_ID)})"
    if not key.strip():
        return f"'{action}' has no key"
    bad = [k.strip() for k in key.split(",") if not is_key_name(k)]
    if bad:
        return f'\'{action}\' = {key!r}: {bad[0]!r} is not a key name (like "C", "ctrl+d", "f5")'
    return None


def usable_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    """The config's [keys] entries that can be used; a bad one leaves its action's own key."""
    return {a: k for a, k in keymap.items() if _key_problem(a, k) is None}


def check_keymap(keymap: Mapping[str, str], settings: Settings | None = None) -> list[str]:
    """Problems with the config's [keys] table, one sentence each (with the file and line)."""
    problems = []
    for action, key in keymap.items():
        why = _key_problem(action, key)
        if why is None:
            continue
        spec = BY_ID.get(action)
        kept = f"; {shown_key(spec, {})} is kept" if spec is not None else ""
        place = where(settings, f"keys.{action}") if settings is not None else "config"
        problems.append(f"{place} [keys]: {why}{kept}")
    return problems
