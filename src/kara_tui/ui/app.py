"""The calendar app and its one factory, used by the CLI and by the tests alike."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from textual import events, work
from textual.actions import SkipAction
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.worker import WorkerFailed

from kara_tui import crash, paths
from kara_tui.clock import Clock
from kara_tui.config import Settings, save_value, where
from kara_tui.domain.privacy import redact
from kara_tui.files import write_private
from kara_tui.ui import compat, keys
from kara_tui.ui.deps import AppServices, UsesServices
from kara_tui.ui.feed_sync import FeedsSynced, FeedSync
from kara_tui.ui.publish_sync import PUBLISH_EVERY_SECONDS, Published, PublishSync
from kara_tui.ui.screens.calendar import CalendarScreen
from kara_tui.ui.themes import APP_VARIABLES, DEFAULT_THEME, load_themes, shipped_themes_dir

if TYPE_CHECKING:
    import asyncio
    from importlib.resources.abc import Traversable

    from textual.driver import Driver
    from textual.message import Message

    from kara_tui.services.feeds import SyncReport
    from kara_tui.services.practice import Practice

# How often the open app looks for feeds whose refresh interval has passed (the CLI's value;
# make_app's default of 0 turns the background refresh off, as tests want).
FEED_REFRESH_SECONDS = 60.0
# How often the open app sends the client reminders that are due (0 in make_app: off).
REMINDER_SECONDS = 300.0
HANG_UP_GRACE_SECONDS = 5.0  # after SIGTERM/SIGHUP, how long a clean exit may take
CLIENT_NAMES_AFTER_SECONDS = 0.3  # every client's name (for redaction), read after the first paint


@dataclass(frozen=True, slots=True)
class Crash:
    """An error nobody foresaw ended the app; ``log`` is its redacted crash log (0600)."""

    error: BaseException
    log: Path | None


class KaraApp(UsesServices, App[int]):
    TITLE = "kara-tui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    _quitting = False  # set once exit() has been asked for: keys typed after it are dropped
    BINDINGS = [
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="force_quit"),
        # On every screen, dialogs too (hence priority: a modal screen hides the app's other
        # bindings); a text field that has the focus keeps the letter (see the action).
        Binding("p", "toggle_privacy", "Privacy", show=False, priority=True, id="privacy"),
        # In a text field ctrl+a selects everything, so typing replaces a date or an amount
        # instead of being put in front of the old value (Textual's Input moves to line start).
        Binding("ctrl+a", "select_all_text", show=False, priority=True, id="select_all"),
        # Tab moves the focus before the next key is read (priority: the app runs it at
        # once). Left to the screen, Textual moves it only after tab has gone round the
        # focused field's own queue, and the letters typed right after it, already read,
        # land in the field being left (tests/ui/test_typing_burst.py).
        Binding("tab", "focus_next", show=False, priority=True, id="focus_next"),
        Binding("shift+tab", "focus_previous", show=False, priority=True, id="focus_previous"),
    ]

    privacy: reactive[bool] = reactive(False, init=False)
    """Client initials instead of names on every screen and in every notice (screen sharing)."""

    def __init__(
        self,
        services: AppServices | Practice,
        settings: Settings,
        clock: Clock,
        *,
        theme_dirs: list[Traversable] | None = None,
        feed_keyring: Any = None,
        feed_refresh_seconds: float = 0,
        reminder_seconds: float = 0,
        publish_seconds: float = 0,
    ) -> None:
        super().__init__()
        _freeze_loaded_modules()
        compat.never_write_textual_log()
        self.services = services if isinstance(services, AppServices) else AppServices.of(services)
        self.settings = settings
        self.clock = clock
        self.set_reactive(KaraApp.privacy, settings.privacy)
        self.crash: Crash | None = None
        self._client_names: frozenset[str] = frozenset()
        self.feed_sync = FeedSync(self.services, settings, keyring=feed_keyring)
        self.feed_refresh_seconds = feed_refresh_seconds
        self.reminder_seconds = reminder_seconds
        self._reminder_errors: set[str] = set()
        self.publish_seconds = publish_seconds
        self._publish_errors: set[str] = set()
        self.publish_sync = PublishSync(
            self.services, keyring=feed_keyring, every_seconds=PUBLISH_EVERY_SECONDS
        )
        self._theme_dirs = (
            theme_dirs
            if theme_dirs is not None
            else [shipped_themes_dir(), paths.user_themes_dir()]
        )
        self._startup_problems: list[str] = []
        self._main_loop: asyncio.AbstractEventLoop | None = None
        self._signal_handlers: dict[int, Any] = {}  # signal -> its handler before the app
        self._leaving: int | None = None  # the exit status, once a signal or hang-up came
        self.no_terminal = False
        """``run`` did not start: the standard input is not a terminal to read keys from."""
        self._load_themes()

    def _load_themes(self) -> None:
        loaded = load_themes(self._theme_dirs)
        self._startup_problems += loaded.problems
        for theme in loaded.themes:
            self.register_theme(theme)
        wanted = self.settings.theme or DEFAULT_THEME
        if wanted in self.available_themes:
            self._first_theme(wanted)
        else:
            if wanted != DEFAULT_THEME:
                self._startup_problems.append(
                    f"{where(self.settings, 'theme')}: theme '{wanted}' not found; using {DEFAULT_THEME if DEFAULT_THEME in self.available_themes else 'the default'}"
                )
            if DEFAULT_THEME in self.available_themes:
                self._first_theme(DEFAULT_THEME)

    def _first_theme(self, name: str) -> None:
        """Choose the theme before the app runs, without Textual's theme watcher.

        The watcher re-parses and re-applies every stylesheet (~10 ms at start-up) for CSS
        that has not been parsed yet; before the first parse, giving the stylesheet the
        theme's variables and the app the theme's classes is all there is to do.
        """
        self.set_reactive(App.theme, name)
        theme = self.current_theme
        classes = {c: False for c in self.classes if c.startswith("-theme-")}
        classes[f"-theme-{theme.name}"] = True
        classes["-dark-mode"] = theme.dark
        classes["-light-mode"] = not theme.dark
        self.update_classes(classes, update=False)
        compat.refresh_truecolor_filter(self)  # as the watcher does: light or dark
        self.stylesheet.set_variables(self.get_css_variables())

    def get_default_screen(self) -> Screen[Any]:
        # The calendar is the first screen, rather than pushed over Textual's empty default
        # one (which was styled, laid out and drawn on the way to the first week for nothing).
        # The config's keys are set first: the calendar's footer is made with them.
        valid = keys.usable_keymap(self.settings.keys)
        if valid:
            self.set_keymap(valid)
        return CalendarScreen(self.services, self.settings, self.clock)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(APP_VARIABLES)

    def on_mount(self) -> None:
        problems = [
            *self.settings.problems,
            *self._startup_problems,
            *keys.check_keymap(self.settings.keys, self.settings),
        ]
        for problem in problems:
            self.notify(problem, severity="warning", markup=False, timeout=10)
        self._listen_for_hangups()
        # After the first paint (each page's own names are learned as it is shown).
        self.set_timer(CLIENT_NAMES_AFTER_SECONDS, self.load_client_names)
        if self.feed_refresh_seconds > 0:
            # A first look soon after opening (feeds may be hours old), then at the interval.
            self.set_timer(min(self.feed_refresh_seconds, 2.0), self.refresh_feeds)
            self.set_interval(self.feed_refresh_seconds, self.refresh_feeds)
        if self.reminder_seconds > 0:
            self.set_timer(min(self.reminder_seconds, 5.0), self.send_reminders)
            self.set_interval(self.reminder_seconds, self.send_reminders)
        if self.publish_seconds > 0:
            self.set_interval(self.publish_seconds, self.publish_tick)

    # -- publishing (DESIGN.md section 8) ---------------------------------------------------

    def _group_running(self, group: str) -> bool:
        return any(w.group == group and w.is_running for w in self.workers)

    def _in_background(self, group: str, job: Callable[[], None]) -> None:
        """Run ``job`` in a thread worker of ``group``, unless one is running: ticks don't pile up.

        Not "exclusive": cancelling a thread worker does not stop it.
        """
        if not self._group_running(group):
            self.run_worker(job, group=group, thread=True, exit_on_error=False)

    def _warn_once(self, said: set[str], errors: list[str], title: str) -> None:
        """From a worker: each background error is said once, not at every tick."""
        for error in errors:
            if error not in said:
                said.add(error)
                self.call_from_thread(
                    self.notify, error, title=title, severity="warning", markup=False
                )

    def _tell_background(self, untold: list[Any], title: str, news: Message) -> None:
        """Quiet on success; each failure not yet told is said once. Screens hear of every run."""
        for report in untold:
            self.notify(report.message, title=title, severity="warning", markup=False)
        for screen in self.screen_stack:
            screen.post_message(news)

    def publish_tick(self) -> None:
        """Publish after a change has settled, or when the timer is due, in a worker."""
        self._in_background("publish", self._publish)

    def _publish(self) -> None:
        from kara_tui.ui.workers import USER_ERRORS

        try:
            reports = self.publish_sync.tick()
        except USER_ERRORS as exc:  # a read-only database, say: told once, never raised
            self._warn_once(self._publish_errors, [str(exc)], "Publishing")
            return
        if reports:
            self.call_from_thread(self._published, reports)

    def _published(self, reports: list[Any]) -> None:
        untold = self.publish_sync.untold_failures(reports)
        self._tell_background(untold, "Publishing", Published(reports))

    # -- client reminders (DESIGN.md section 7) ---------------------------------------------

    def send_reminders(self) -> None:
        """Send the reminders that are due, in a worker; skipped while one is running."""
        self._in_background("reminders", self._remind)

    def _remind(self) -> None:
        from kara_tui.domain import DomainError
        from kara_tui.services.outbox import Outbox
        from kara_tui.services.reminder_send import Reminders

        try:
            report = Reminders(self.practice, Outbox(self.practice, self.settings)).run()
        except DomainError as exc:  # e.g. no From: address yet: said once, not every run
            errors = [str(exc)]
        else:
            errors = list(report.send.errors) if report.send is not None else []
        self._warn_once(self._reminder_errors, errors, "Reminders")

    # -- background feed refresh ------------------------------------------------------------

    def exit(self, *args: Any, **kwargs: Any) -> None:
        self._quitting = True
        self.feed_sync.stop()  # a running sync fetches no further feed: quitting stays quick
        self.publish_sync.stop()
        super().exit(*args, **kwargs)

    async def on_event(self, event: events.Event) -> None:
        # Keys typed after q, already read from the terminal, would still run their actions
        # while the app closes: an `e` opened a session form on a closing app, which failed
        # to mount, and the app ended as a crash (status 70) instead of a quit.
        if self._quitting and isinstance(event, events.Key | events.Paste):
            return
        await super().on_event(event)

    def refresh_feeds(self) -> None:
        """Sync the feeds that are due, in a worker; skipped while any sync is running."""
        # FeedSync's lock is what keeps two syncs apart (the `s` key's and this one).
        if not self.feed_sync.busy:
            self._in_background("feeds-refresh", self._refresh_feeds)

    def _refresh_feeds(self) -> None:
        reports = self.feed_sync.run(due_only=True)
        if reports:
            self.call_from_thread(self._feeds_refreshed, reports)

    def _feeds_refreshed(self, reports: list[SyncReport]) -> None:
        untold = self.feed_sync.untold_failures(reports)
        self._tell_background(untold, "Feed sync", FeedsSynced(reports, background=True))

    # -- privacy mode -------------------------------------------------------------------------

    def action_toggle_privacy(self) -> None:
        from textual.widgets import Input, TextArea  # not at start-up: TextArea is heavy

        if isinstance(self.focused, Input | TextArea) or self._key_taken_by_screen():
            raise SkipAction  # typing a "p", or the reports' own "p": the key goes on
        self.privacy = not self.privacy

    def action_select_all_text(self) -> None:
        from textual.widgets import Input

        if not isinstance(self.focused, Input):
            raise SkipAction
        self.focused.select_all()

    def _key_taken_by_screen(self) -> bool:
        """Whether the screen or a widget on it binds the privacy key for itself (the reports
        screen's p picks a period): its own meaning wins there."""
        chain = compat.binding_chain(self.screen)  # with the config's keymap applied
        keys = {
            key
            for node, bindings in chain
            if node is self
            for key, found in bindings.key_to_bindings.items()
            if any(b.id == "privacy" for b in found)
        }
        return any(
            b.id != "privacy"
            for node, bindings in chain
            if node is not self
            for key in keys
            for b in bindings.key_to_bindings.get(key, ())
        )

    def watch_privacy(self, privacy: bool) -> None:
        if privacy:
            # A notice shown a moment ago may still carry a full name.
            self.clear_notifications()
            self.load_client_names()
        for screen in self.screen_stack:
            changed = getattr(screen, "privacy_changed", None)
            if callable(changed):
                changed()
        self.notify(
            "Privacy mode: client initials instead of names (p turns it off)"
            if privacy
            else "Privacy mode off: client names are shown",
            title="Privacy",
            timeout=4,
        )

    def load_client_names(self) -> None:
        """Learn every client's name (in a worker), so any sentence quoting one can be redacted."""
        self._load_client_names()

    @work(thread=True, exclusive=True, group="client-names", exit_on_error=False)
    def _load_client_names(self) -> None:
        reads = self.services.reads
        names = [c.name for c in reads.list_clients(include_archived=True)]
        self.call_from_thread(self.learn_names, names)

    def learn_names(self, names: Iterable[str]) -> None:
        names = [n for n in names if n.strip()]
        self._client_names = self._client_names | frozenset(names)
        crash.remember_names(names)

    def redact(self, text: str) -> str:
        """``text`` as it may be shown now: in privacy mode known names become initials and
        URLs (a feed's address is its secret) keep only their host."""
        if not self.privacy:
            return text
        return redact(crash.scrub(text), self._client_names)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notice passes here: in privacy mode a name in it becomes initials."""
        super().notify(
            self.redact(message),
            title=self.redact(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def search_themes(self) -> None:
        """Textual's theme list (the palette's "Theme"), remembering the choice like "theme: …"."""
        from textual.command import CommandPalette

        self.push_screen(
            CommandPalette(providers=[RememberedThemes], placeholder="Search for themes…")
        )

    # -- screenshots --------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterator[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":
                yield SystemCommand(
                    "Screenshot",
                    "Save an SVG of the screen, readable only by you, in kara-tui's data folder",
                    # after a moment, so the palette itself has closed
                    lambda: self.set_timer(0.1, self.deliver_screenshot),
                )
            else:
                yield command

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.deliver_screenshot(filename, path)

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """Write the screen as an SVG, 0600, in a private folder, and say where.

        Textual's own would write a world-readable file into Downloads; a screenshot of a
        calendar holds client names (only initials in privacy mode).
        """
        folder = paths.private_dir(Path(path) if path else paths.data_dir() / "screenshots")
        name = filename or f"kara-tui-{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}.svg"
        target = folder / name
        svg = self.export_screenshot()
        try:
            write_private(target, svg)
        except OSError as exc:
            self.notify(
                f"could not save the screenshot to {target}: {exc.strerror}",
                severity="error",
                markup=False,
            )
            return None
        said = "" if self.privacy else " It shows client names: p hides them first."
        self.notify(f"Screenshot saved to {target} (readable only by you).{said}", markup=False)
        return str(target)

    # -- errors and exits ---------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:  # compat.HANDLE_EXCEPTION
        """An error nobody foresaw: our redacted crash log first, then Textual's own handling.

        Textual records the error (run_test re-raises it), ends the message loop and leaves,
        restoring the terminal. Its traceback, with every frame's local variables (client
        names, a feed's secret URL), is never drawn: the error is handed over untraced. The
        CLI prints one line naming the crash log instead.
        """
        if self.crash is None:
            cause = error.error if isinstance(error, WorkerFailed) else error
            try:
                log: Path | None = crash.report_crash(cause)
            except OSError:
                log = None
            self.crash = Crash(cause, log)
        super()._handle_exception(compat.untraced(error))
        compat.record_crash(self, error, crash.EXIT_CRASHED)  # our exit status, not Textual's 1

    def on_key(self, event: events.Key) -> None:
        """KARA_DEBUG_CRASH=1 makes F12 fail the way a bug would, with client names in the
        error's message and in local variables: the e2e tests check none of it leaks."""
        if event.key == "f12" and os.environ.get("KARA_DEBUG_CRASH") == "1":
            names = sorted(self._client_names)
            raise RuntimeError(f"KARA_DEBUG_CRASH with {names}")

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver; on Linux and macOS one that also leaves when the terminal has
        gone without a SIGHUP (see ui/terminal.py)."""
        from textual.drivers.linux_driver import LinuxDriver

        driver = super().get_driver_class()
        if driver is LinuxDriver:
            from kara_tui.ui.terminal import KaraDriver

            return KaraDriver
        return driver

    def run(self, *args: Any, headless: bool = False, **kwargs: Any) -> int | None:
        if not headless and not _stdin_is_a_terminal():
            # Textual would read the end of such input for ever, at 100 % of a core.
            self.no_terminal = True
            return None
        try:
            return super().run(*args, headless=headless, **kwargs)
        finally:
            for signum, handler in self._signal_handlers.items():
                signal.signal(signum, handler)  # as they were before the app
            self._signal_handlers.clear()

    async def run_async(self, *args: Any, **kwargs: Any) -> int | None:
        import asyncio

        # Known before the driver starts, so a terminal that dies at once is heard too.
        self._main_loop = asyncio.get_running_loop()
        return await super().run_async(*args, **kwargs)

    def _listen_for_hangups(self) -> None:
        """SIGTERM, SIGHUP (an ssh connection dropped) and SIGINT end the app the way q does,
        so the terminal is restored and nothing is left half-done.

        Plain Python handlers, not the event loop's: they run even when the loop is stuck.
        A signal the app was started with ignored (nohup) stays ignored.
        """
        if self.is_headless:
            return
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            try:
                if signal.getsignal(signum) is not signal.SIG_IGN:
                    self._signal_handlers[signum] = signal.signal(signum, self._on_signal)
            except (ValueError, OSError):
                continue  # not the main thread, or no such signal here

    def _on_signal(self, signum: int, frame: object) -> None:
        self.leave_soon(128 + signum)

    def leave_soon(self, return_code: int) -> None:
        """Leave the way q does, from any thread or a signal handler (a signal, or the
        terminal gone); if that cannot finish within HANG_UP_GRACE_SECONDS, end the process
        anyway, with a crash log saying where it was stuck.

        Ending at once loses nothing: every write is a transaction SQLite either kept or
        rolls back when the database is next opened.
        """
        if self._leaving is None:
            self._leaving = return_code
            timer = threading.Timer(HANG_UP_GRACE_SECONDS, self._end_stuck, args=(return_code,))
            timer.daemon = True
            timer.start()
        self.feed_sync.stop()  # a fetch under way ends now, even if the loop is busy
        loop = self._main_loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: the app has gone
                loop.call_soon_threadsafe(partial(self.exit, return_code=return_code))

    def _end_stuck(self, return_code: int) -> None:
        with contextlib.suppress(Exception):
            crash.report_stuck(
                f"kara-tui did not finish leaving within {HANG_UP_GRACE_SECONDS:g} s "
                f"(exit status {return_code}) and was ended"
            )
        os._exit(return_code)

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
        if self.settings.demo:
            self.notify(
                f"Theme {name} applied for this demo only: the demo saves nothing to your config.",
                markup=False,
            )
            return
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


def _stdin_is_a_terminal() -> bool:
    import sys

    return sys.__stdin__ is not None and sys.__stdin__.isatty()


_frozen = False


def _freeze_loaded_modules() -> None:
    """Move what exists before the first app (the imported modules: Textual's, kara-tui's)
    out of the garbage collector's reach, once per process.

    They live as long as the process, yet every full collection walks them all: on the way
    to the first screen that was one pause of 20-30 ms. Later objects are collected as usual.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


class RememberedThemes(ThemeProvider):
    """Every theme, chosen through ``use_theme`` so the choice is saved in the config file."""

    @property
    def commands(self) -> list[tuple[str, Callable[[], None]]]:
        use = getattr(self.app, "action_use_theme", None)
        if use is None:
            return super().commands
        return [(name, partial(use, name)) for name in sorted(self.app.available_themes)]


class AppOptions(TypedDict, total=False):
    """KaraApp's keyword arguments, which make_app passes on as they are."""

    theme_dirs: list[Traversable] | None
    feed_keyring: Any
    feed_refresh_seconds: float
    reminder_seconds: float
    publish_seconds: float


def make_app(
    *,
    services: AppServices | None = None,
    practice: Practice | None = None,
    settings: Settings,
    clock: Clock,
    **options: Unpack[AppOptions],
) -> KaraApp:
    """Build the app the CLI runs; tests call it with a temporary database and a fixed clock.

    Args:
        services: the Practice (built now or later) and the reads the calendar draws with; the
            CLI passes its quick reads and a Practice built in the background.
        practice: a Practice already built, instead of ``services`` (tests, scripts).
        **options: KaraApp's keyword arguments (AppOptions), passed on as they are:
            feed_keyring: where feed addresses are kept (the user's keyring when None).
            feed_refresh_seconds: how often to look for due feeds while the app is open; 0 (the
                default, for tests) never syncs on its own. The CLI passes FEED_REFRESH_SECONDS.
            reminder_seconds: how often to send due client reminders while the app is open; 0
                (the default, for tests) never does. The CLI passes REMINDER_SECONDS.
            publish_seconds: how often to look for changes to publish; 0 (the default, for
                tests) never publishes on its own. The CLI passes PUBLISH_TICK_SECONDS.
    """
    if services is None:
        if practice is None:
            raise TypeError("make_app needs the services or a practice")
        services = AppServices.of(practice)
    elif practice is not None:
        raise TypeError("make_app takes the services or a practice, not both")
    return KaraApp(services, settings, clock, **options)
