"""The calendar's footer: the keys that apply, drawn as one line by one widget, redrawn only
when the keys it shows change."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual import events
    from textual.screen import Screen


class _Key(NamedTuple):
    key: str  # what pressing it simulates
    shown: str  # the key as the config's keymap displays it (App.get_key_display)
    description: str
    enabled: bool


class KeysFooter(Widget, can_focus=False):
    """Textual's Footer, drawn as one widget: Footer composes a widget per key (13 and more on
    the calendar), each styled, laid out and drawn on its own (8 % of the calendar's
    start-up), and is rebuilt (a layout of the whole screen) at every announcement of the
    bindings. This draws the same line -- the same keys in the same order, in the same
    component styles, the command palette's key at the right -- from ``render``.

    Bindings in a group are drawn as single keys (kara-tui defines none). A key is clicked
    as in Footer (the key is pressed, a disabled one rings the bell); keys have no hover
    highlight or tooltip.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "keys-footer--item",
        "keys-footer--key",
        "keys-footer--description",
        "keys-footer--palette-border",
    }
    # Footer's and FooterKey's (textual/widgets/_footer.py) styles, for a footer that is not
    # compact and a command palette key that is (as Footer makes it).
    DEFAULT_CSS = """
    KeysFooter {
        width: 1fr;
        height: 1;
        dock: bottom;
        text-wrap: nowrap;
        padding-right: 1;
        color: $footer-foreground;
        background: $footer-background;
        .keys-footer--item {
            background: $footer-item-background;
        }
        .keys-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keys-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .keys-footer--palette-border {
            color: $foreground 20%;
            background: $footer-item-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown_for: object = None
        self._spans: list[tuple[int, int, _Key]] = []  # where each key was drawn: x from, to
        self._gap = (0, 0)  # where no key is drawn, between the keys and the palette's

    def _keys(self) -> tuple[list[_Key], _Key | None]:
        """The keys Footer shows, in its order (the first binding of each action), and the
        command palette's key."""
        app = self.app
        active = self.screen.active_bindings
        by_action: dict[str, _Key] = {}
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in by_action:
                shown = app.get_key_display(binding)
                by_action[binding.action] = _Key(binding.key, shown, binding.description, enabled)
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = _Key(binding.key, app.get_key_display(binding), binding.description, enabled)
        return list(by_action.values()), palette

    def _key_text(self, key: _Key, *, compact: bool) -> Text:
        """One key as FooterKey.render draws it: the key, then its description."""
        key_style = self.get_component_rich_style("keys-footer--key")
        description_style = self.get_component_rich_style("keys-footer--description")
        if not key.description:
            text = Text(key.shown, key_style)
        elif compact:
            text = Text.assemble((key.shown, key_style), (" " + key.description, description_style))
        else:
            text = Text.assemble(
                (f" {key.shown} ", key_style), (key.description + " ", description_style)
            )
        text.stylize_before(self._item_style(key))
        return text

    def _item_style(self, key: _Key) -> Style:
        style = self.get_component_rich_style("keys-footer--item")
        if not key.enabled:
            style += Style(dim=True)
        return style

    def render(self) -> Text:
        keys, palette = self._keys()
        self._shown_for = (keys, palette)
        width = self.size.width
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, _Key]] = []
        for key in keys:  # positions in cells, as the pointer's x and Text.truncate count
            start = line.cell_len
            line.append_text(self._key_text(key, compact=False))
            spans.append((start, line.cell_len, key))
        self._gap = (line.cell_len, max(line.cell_len, width))
        if palette is not None:
            # Docked at the right, over any keys that do not fit: a border and the key (the
            # space after it is the footer's padding, drawn as FooterKey's was).
            drawn = self._key_text(palette, compact=True)
            left = max(0, width - drawn.cell_len - 1)
            self._gap = (min(line.cell_len, left), left)
            line.truncate(left, pad=True)
            spans = [(a, min(b, left), k) for a, b, k in spans if a < left]
            line.append("▏", self.get_component_rich_style("keys-footer--palette-border"))
            spans.append((line.cell_len, line.cell_len + drawn.cell_len, palette))
            line.append_text(drawn)
        self._spans = spans
        return line

    def render_line(self, y: int) -> Strip:
        """The line ``render`` draws, its gap drawn as Footer's bare background is (no
        foreground: a screen over the calendar blends it differently from the keys')."""
        line = super().render_line(y)
        start, end = self._gap
        if end > start:
            gap = Strip.blank(end - start, Style(bgcolor=self.background_colors[1].rich_color))
            line = Strip.join([line.crop(0, start), gap, line.crop(end)])
        return line

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen and self._keys() != self._shown_for:
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click presses the key under the pointer, as on Textual's FooterKey."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return
