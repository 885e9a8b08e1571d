"""Every screen's bindings, exactly as they were before they moved into ui/keys.py's one table:
key, action, footer label, id (what the config's [keys] remaps), show, priority, shown key.
Frozen from the screens' own BINDINGS lists; a change here is a change of what the user sees."""

from __future__ import annotations

import pytest

from kara_tui.ui.screens.attendance import AttendanceScreen
from kara_tui.ui.screens.calendar import CalendarScreen
from kara_tui.ui.screens.client_charges import ChargesDialog
from kara_tui.ui.screens.clients import ClientsScreen
from kara_tui.ui.screens.feeds import FeedsScreen
from kara_tui.ui.screens.help import HelpScreen
from kara_tui.ui.screens.outbox import OutboxScreen
from kara_tui.ui.screens.reports import ReportsScreen
from kara_tui.ui.screens.time_off_list import TimeOffScreen
from kara_tui.ui.screens.welcome import WelcomeScreen
from kara_tui.ui.widgets.targets import TargetsPanel

FROZEN = {
    CalendarScreen: [
        ("question_mark", "help", "Help", "help", True, False, "?"),
        ("n", "new", "New", "new", True, False, None),
        ("c", "cancel", "Cancel", "cancel", True, False, None),
        ("r", "reschedule", "Reschedule", "reschedule", True, False, None),
        ("a", "attend", "Attended", "attend", True, False, None),
        ("x", "no_show", "No-show", "no_show", True, False, None),
        ("u", "unmark", "Undo mark", "unmark", True, False, None),
        ("e", "edit", "Edit", "edit", True, False, None),
        ("enter", "details", "Details", "details", True, False, "⏎"),
        ("g", "goto", "Go to", "goto", True, False, None),
        ("slash", "search", "Search", "search", True, False, "/"),
        ("q", "app.quit", "Quit", "quit", True, False, None),
        ("left,h", "prev_day", "Day", "prev_day", False, False, "←/h"),
        ("right,l", "next_day", "Day", "next_day", False, False, "→/l"),
        ("up,k", "prev_session", "Prev", "prev_session", False, False, "↑/k"),
        ("down,j", "next_session", "Next", "next_session", False, False, "↓/j"),
        ("left_square_bracket", "prev_page", "Prev week", "prev_page", False, False, "["),
        ("right_square_bracket", "next_page", "Next week", "next_page", False, False, "]"),
        ("t", "today", "Today", "today", False, False, None),
        ("1", "view('day')", "Day", "view_day", False, False, None),
        ("2", "view('week')", "Week", "view_week", False, False, None),
        ("3", "view('month')", "Month", "view_month", False, False, None),
        ("4", "view('agenda')", "Agenda", "view_agenda", False, False, None),
        ("p", "app.toggle_privacy", "Privacy", "privacy", False, False, None),
        ("A", "attendance", "Attendance", "attendance", False, False, None),
        ("D", "delete", "Delete", "delete", False, False, None),
        ("b", "time_off", "Time off", "time_off", False, False, None),
        ("B", "time_off_list", "Time off", "time_off_list", False, False, None),
        ("s", "sync", "Sync", "sync", False, False, None),
        ("C", "clients", "Clients", "clients", False, False, None),
        ("F", "feeds", "Feeds", "feeds", False, False, None),
        ("R", "reports", "Reports", "reports", False, False, None),
        ("O", "outbox", "Outbox", "outbox", False, False, None),
        ("S", "settings", "Settings", "settings", False, False, None),
    ],
    ClientsScreen: [
        ("a", "add", "Add client", "client_add", True, False, None),
        ("enter", "record", "Record", "client_record", True, False, None),
        ("e", "edit", "Edit", "client_edit", True, False, None),
        ("x", "archive", "Archive/restore", "client_archive", True, False, None),
        ("m", "charges", "Charges", "client_charges", True, False, None),
        ("c", "credit", "Credit", "client_credit", True, False, None),
        ("v", "toggle_archived", "Show archived", "client_show_archived", True, False, None),
        ("escape", "dismiss(None)", "Back to calendar", "dialog_back", True, False, None),
        ("q", "dismiss(None)", "Back", None, False, False, None),
    ],
    ChargesDialog: [
        ("m", "pay", "Mark paid", "charge_pay", True, False, None),
        ("v", "void", "Void", "charge_void", True, False, None),
        ("escape", "dismiss(None)", "Back", "dialog_back", True, False, None),
    ],
    AttendanceScreen: [
        ("a", "attend", "Attended", "attend", True, False, None),
        ("x", "no_show", "No-show", "no_show", True, False, None),
        ("u", "unmark", "Undo", "unmark", True, False, None),
        ("escape", "back", "Back to calendar", "dialog_back", True, False, None),
        ("q", "back", "Back", None, False, False, None),
    ],
    FeedsScreen: [
        ("a", "add", "Add", "feeds.add", True, False, None),
        ("d", "remove", "Remove", "feeds.remove", True, False, None),
        ("e,space", "toggle", "On/off", "feeds.toggle", True, False, None),
        ("b", "toggle_all_day", "All-day blocks", "feeds.block_all_day", True, False, None),
        ("s", "sync", "Sync", "feeds.sync", True, False, None),
        ("S", "sync_all", "Sync all", "feeds.sync_all", True, False, None),
        ("t", "add_target", "Add target", "feeds.add_target", True, False, None),
        ("enter", "report", "Report", "feeds.report", True, True, "⏎"),
        ("escape", "back", "Back", "dialog_back", True, False, None),
        ("q", "back", "Back", None, False, False, None),
    ],
    TargetsPanel: [
        ("a,t", "add", "Add target", "targets.add", True, False, None),
        ("d", "remove", "Remove target", "targets.remove", True, False, None),
        ("s", "publish", "Publish", "targets.publish", True, False, None),
    ],
    OutboxScreen: [
        ("escape", "close", "Back", "outbox.back", True, False, None),
        ("s", "send_all", "Send queued", "outbox.send", True, False, None),
        ("r", "retry", "Retry selected", "outbox.retry", True, False, None),
        ("d", "discard", "Discard selected", "outbox.discard", True, False, None),
        ("enter", "preview", "Preview", "outbox.preview", True, False, None),
    ],
    TimeOffScreen: [
        ("b", "block", "Block time off", "time_off_block", True, False, None),
        ("d,delete", "remove", "Remove", "time_off_remove", True, False, None),
        ("escape", "dismiss(None)", "Back to calendar", "dialog_back", True, False, None),
        ("q", "dismiss(None)", "Back", None, False, False, None),
    ],
    ReportsScreen: [
        ("escape", "close", "Back", "reports.back", True, False, None),
        ("left_square_bracket", "shift(-1)", "-30 days", "reports.earlier", True, False, None),
        ("right_square_bracket", "shift(1)", "+30 days", "reports.later", True, False, None),
        ("p", "period", "Period", "reports.period", False, False, None),
        ("d", "period", "Period (dates)", "reports.period_dates", True, False, None),
        ("t", "rolling", "Last 90 days", "reports.rolling", True, False, None),
        ("s", "sort_next", "Sort", "reports.sort", True, False, None),
        ("S", "sort_reverse", "Reverse", "reports.reverse", True, False, None),
        ("o", "outstanding", "Who owes", "reports.outstanding", True, False, None),
    ],
    WelcomeScreen: [
        ("escape", "dismiss(None)", "Close", "dialog_back", True, False, None),
        ("enter", "dismiss(None)", "Close", None, False, False, None),
        ("C", "dismiss('clients')", "Add a client", None, True, False, None),
        ("n", "dismiss('new')", "Book a session", None, True, False, None),
    ],
    HelpScreen: [
        ("escape", "dismiss(None)", "Back", "dialog_back", True, False, None),
        ("question_mark", "dismiss(None)", "Back", None, False, False, None),
        ("q", "dismiss(None)", "Back", None, False, False, None),
    ],
}


@pytest.mark.parametrize("screen", list(FROZEN), ids=lambda screen: screen.__name__)
def test_each_screen_keeps_its_bindings_in_order(screen) -> None:
    got = [
        (b.key, b.action, b.description, b.id, b.show, b.priority, b.key_display)
        for b in screen.BINDINGS
    ]
    assert got == FROZEN[screen]
