"""The command palette (ctrl+p): every calendar action as "noun: verb", with its key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from kara_tui.ui import keys


class CalendarCommands(Provider):
    """Actions of the calendar screen that apply now, and the themes."""

    def _commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        screen = self.screen
        keymap: dict[str, str] = getattr(getattr(self.app, "settings", None), "keys", {}) or {}
        for spec in keys.SPECS:
            name = spec.action.split("(")[0]
            if not screen.check_action(name, ()):
                continue
            target = self.app if spec.action.startswith("app.") else screen
            action = spec.action.removeprefix("app.")
            yield (
                spec.command,
                partial(target.run_action, action),
                f"{keys.shown_key(spec, keymap)} · {spec.help}",
            )
        for command, action, help_text in keys.COMMANDS_WITHOUT_KEYS:
            yield command, partial(screen.run_action, action), help_text
        for name in sorted(self.app.available_themes):
            if name.startswith("kara-") or name == self.app.theme:
                yield (
                    f"theme: {name}",
                    partial(self.app.run_action, f"use_theme({name!r})"),
                    "use this theme (remembered in the config file)",
                )

    async def discover(self) -> Hits:
        for command, callback, help_text in self._commands():
            yield DiscoveryHit(command, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command, callback, help_text in self._commands():
            score = matcher.match(command)
            if score > 0:
                yield Hit(score, matcher.highlight(command), callback, help=help_text)
