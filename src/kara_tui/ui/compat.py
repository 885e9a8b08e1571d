"""Every private Textual name kara-tui relies on, in one place; tests/ui/test_textual_compat.py
fails loudly when a Textual upgrade renames or removes one (pyproject bounds Textual below 9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.binding import BindingsMap
    from textual.dom import DOMNode
    from textual.screen import Screen
    from textual.widgets import DataTable

# (owner, name) for each private name used below: what the compat test checks exists.
PRIVATE_NAMES: tuple[tuple[str, str], ...] = (
    ("textual.app.App", "_handle_exception"),
    ("textual.app.App", "_refresh_truecolor_filter"),
    ("textual.screen.Screen", "_binding_chain"),
    ("textual.constants", "LOG_FILE"),
    ("textual.widgets.DataTable", "_update_dimensions"),
)
# Set on a DataTable by DataTable.__init__ (instance attributes, so checked on a live table).
TABLE_INSTANCE_NAMES: tuple[str, ...] = ("_new_rows", "_require_update_dimensions")
# Set on the app by App.__init__ (instance attributes, so checked on a live app).
APP_INSTANCE_NAMES: tuple[str, ...] = ("_return_code", "_exception", "_exception_event")

# The hook App calls with an unhandled exception; KaraApp overrides it (ui/app.py): its crash
# log first, then App's own with the error untraced, so no traceback with client names is
# ever printed.
HANDLE_EXCEPTION = "_handle_exception"


def never_write_textual_log() -> None:
    """Textual's debug log (TEXTUAL_LOG) writes every worker's arguments, client names among
    them, to a plain file: kara-tui never lets it."""
    import textual.constants

    textual.constants.LOG_FILE = None  # type: ignore[misc]  # a Final, overridden on purpose


def refresh_truecolor_filter(app: App[Any]) -> None:
    """What App's theme watcher does for a light or dark theme (App._refresh_truecolor_filter)."""
    app._refresh_truecolor_filter(app.ansi_theme)


def binding_chain(screen: Screen[Any]) -> list[tuple[DOMNode, BindingsMap]]:
    """The screen's bindings from the focused widget up, with the config's keymap applied."""
    return screen._binding_chain


def measure_rows_now(table: DataTable[Any]) -> None:
    """Measure the rows just added to ``table`` now, as its next idle would (DataTable._on_idle).

    A DataTable sizes its automatic columns only when its own message queue next runs empty,
    and caches each cell it draws before then at the column's old width, with nothing to draw
    it again once the column has grown (Textual issues #3533 and #4470). On a busy machine the
    screen can draw first: a column then stays as wide as its heading ("90." for "90.00",
    "practi" for "practice's 24 h") until the cursor moves. Called right after the rows are
    added, in the same handler, no frame can come between.
    """
    if table._require_update_dimensions:
        table._require_update_dimensions = False
        new_rows = table._new_rows.copy()
        table._new_rows.clear()
        table._update_dimensions(new_rows)


def record_crash(app: App[Any], error: Exception, return_code: int) -> None:
    """What App._handle_exception records: the return code, and the first exception (run_test
    re-raises it, so a test sees the failure)."""
    app._return_code = return_code
    if app._exception is None:
        app._exception = error
        app._exception_event.set()


def untraced(error: Exception) -> Exception:
    """``error``, drawn as nothing by App._handle_exception.

    App draws an error that has ``__rich__`` with it (App.panic) instead of a traceback with
    every frame's local variables; the redacted crash log holds what is needed.
    """
    error.__rich__ = _nothing  # type: ignore[attr-defined]  # on this instance only
    return error


def _nothing() -> str:
    return ""
