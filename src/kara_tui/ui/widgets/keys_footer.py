"""The calendar's footer: Textual's, drawn with its keys from the start and rebuilt only when
the keys it shows change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from kara_tui.ui import compat


class KeysFooter(Footer):
    """Textual's Footer composes nothing until the screen first announces its bindings, then
    rebuilds itself (a widget per key, and a layout of the whole screen) at every
    announcement, even when the keys it shows are the same. On the way to the calendar's
    first week that was an empty footer, a rebuild and two layouts (~20 ms). Each key is
    made as compact as the footer before it mounts (compat.as_compact_as_footer).
    """

    def __init__(self) -> None:
        super().__init__()
        compat.show_footer_keys_at_once(self)
        self._composed_for: object = None

    def _keys(self) -> object:
        """What the footer's keys are made of: the active bindings and whether each applies."""
        return tuple(
            (key, b.binding.action, b.binding.description, b.binding.show, b.enabled, b.tooltip)
            for key, b in self.screen.active_bindings.items()
        )

    def compose(self) -> ComposeResult:
        self._composed_for = self._keys()
        for widget in super().compose():
            compat.as_compact_as_footer(widget, self.compact)  # styled once, not thrice
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            keys = self._keys()
            if keys == self._composed_for:
                return  # the same keys, or a rebuild for them is already asked for
            if screen.app.app_focus:  # Footer asks for a rebuild (after the next refresh)
                # A second announcement before that rebuild (the calendar's first page
                # selects a session, then focus settles) asks for no second one.
                self._composed_for = keys
        super().bindings_changed(screen)
