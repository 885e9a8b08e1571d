"""The calendar app and its one factory, used by the CLI and by the tests alike."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding

from kara_tui import paths
from kara_tui.clock import Clock
from kara_tui.config import Settings, save_value
from kara_tui.ui import keys
from kara_tui.ui.feed_sync import FeedsSynced, FeedSync
from kara_tui.ui.screens.calendar import CalendarScreen
from kara_tui.ui.themes import APP_VARIABLES, DEFAULT_THEME, load_themes, shipped_themes_dir

if TYPE_CHECKING:
    from kara_tui.services.feeds import SyncReport
    from kara_tui.services.practice import Practice

# How often the open app looks for feeds whose refresh interval has passed (the CLI's value;
# make_app's default of 0 turns the background refresh off, as tests want).
FEED_REFRESH_SECONDS = 60.0


class KaraApp(App[int]):
    TITLE = "kara-tui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="force_quit")]

    def __init__(
        self,
        practice: Practice,
        settings: Settings,
        clock: Clock,
        *,
        theme_dirs: list[Path] | None = None,
        feed_keyring: Any = None,
        feed_refresh_seconds: float = 0,
    ) -> None:
        super().__init__()
        self.practice = practice
        self.settings = settings
        self.clock = clock
        self.feed_sync = FeedSync(practice, settings, keyring=feed_keyring)
        self.feed_refresh_seconds = feed_refresh_seconds
        self._theme_dirs = (
            theme_dirs
            if theme_dirs is not None
            else [shipped_themes_dir(), paths.user_themes_dir()]
        )
        self._startup_problems: list[str] = []
        self._load_themes()

    def _load_themes(self) -> None:
        loaded = load_themes(self._theme_dirs)
        self._startup_problems += loaded.problems
        for theme in loaded.themes:
            self.register_theme(theme)
        wanted = self.settings.theme or DEFAULT_THEME
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            if wanted != DEFAULT_THEME:
                self._startup_problems.append(
                    f"theme '{wanted}' not found; using {DEFAULT_THEME if DEFAULT_THEME in self.available_themes else 'the default'}"
                )
            if DEFAULT_THEME in self.available_themes:
                self.theme = DEFAULT_THEME

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(APP_VARIABLES)

    def on_mount(self) -> None:
        problems = [*self._startup_problems, *keys.check_keymap(self.settings.keys)]
        valid = {k: v for k, v in self.settings.keys.items() if k in keys.BY_ID and v.strip()}
        if valid:
            self.set_keymap(valid)
        self.push_screen(CalendarScreen(self.practice, self.settings, self.clock))
        for problem in problems:
            self.notify(problem, severity="warning", markup=False, timeout=10)
        if self.feed_refresh_seconds > 0:
            # A first look soon after opening (feeds may be hours old), then at the interval.
            self.set_timer(min(self.feed_refresh_seconds, 2.0), self.refresh_feeds)
            self.set_interval(self.feed_refresh_seconds, self.refresh_feeds)

    # -- background feed refresh ------------------------------------------------------------

    def exit(self, *args: Any, **kwargs: Any) -> None:
        self.feed_sync.stop()  # a running sync fetches no further feed: quitting stays quick
        super().exit(*args, **kwargs)

    def refresh_feeds(self) -> None:
        """Sync the feeds that are due, in a worker; skipped while any sync is running."""
        refreshing = any(w.group == "feeds-refresh" and w.is_running for w in self.workers)
        if not refreshing and not self.feed_sync.busy:
            self._refresh_feeds()

    # Not "exclusive": cancelling a thread worker does not stop it. FeedSync's lock is what
    # keeps two syncs apart; the check above keeps ticks from piling up.
    @work(thread=True, group="feeds-refresh", exit_on_error=False)
    def _refresh_feeds(self) -> None:
        reports = self.feed_sync.run(due_only=True)
        if reports:
            self.call_from_thread(self._feeds_refreshed, reports)

    def _feeds_refreshed(self, reports: list[SyncReport]) -> None:
        """Quiet on success; each feed's failure is said once (not every minute)."""
        for report in self.feed_sync.untold_failures(reports):
            self.notify(report.message, title="Feed sync", severity="warning", markup=False)
        for screen in self.screen_stack:
            screen.post_message(FeedsSynced(reports, background=True))


    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: object) -> None:
        names = ", ".join(sorted(b.id or b.action for b in clashed_bindings))
        self.notify(
            f"config [keys]: one key is given to several actions ({names}); fix the [keys] table",
            severity="warning",
            markup=False,
        )

    def action_use_theme(self, name: str) -> None:
        if name not in self.available_themes:
            self.notify(f"no theme called {name}", severity="error", markup=False)
            return
        self.theme = name
        self.settings = self.settings.with_changes(theme=name)
        self._remember_theme(name)

    @work(thread=True, exit_on_error=False)
    def _remember_theme(self, name: str) -> None:
        path = self.settings.path or paths.config_file()
        try:
            save_value(path, "theme", name)
        except OSError as exc:
            self.call_from_thread(
                self.notify,
                f"could not save the theme in {path}: {exc.strerror}",
                severity="warning",
                markup=False,
            )


def make_app(
    *,
    practice: Practice,
    settings: Settings,
    clock: Clock,
    theme_dirs: list[Path] | None = None,
    feed_keyring: Any = None,
    feed_refresh_seconds: float = 0,
) -> KaraApp:
    """Build the app the CLI runs; tests call it with a temporary database and a fixed clock.

    Args:
        feed_keyring: where feed addresses are kept (the user's keyring when None).
        feed_refresh_seconds: how often to look for due feeds while the app is open; 0 (the
            default, for tests) never syncs on its own. The CLI passes FEED_REFRESH_SECONDS.
    """
    return KaraApp(
        practice,
        settings,
        clock,
        theme_dirs=theme_dirs,
        feed_keyring=feed_keyring,
        feed_refresh_seconds=feed_refresh_seconds,
    )
