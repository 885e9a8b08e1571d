"""What every command needs: settings, the clock, the database and the services, built lazily."""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kara_tui import paths
from kara_tui.clock import Clock, FixedClock
from kara_tui.config import ConfigError, Settings, SmtpSettings, load
from kara_tui.crash import EXIT_CRASHED, crash_sentence, report_crash
from kara_tui.db.engine import StorageError
from kara_tui.domain import DomainError
from kara_tui.domain.errors import MoneyError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from kara_tui.db.quick_reads import QuickReader
    from kara_tui.services.practice import Practice
    from kara_tui.ui.deps import AppServices

UserError = (DomainError, StorageError, ConfigError, MoneyError)

__all__ = ["Context", "UserError", "clock_from_env", "report_crash"]


def clock_from_env(tz: str) -> Clock:
    """The real clock, or a fixed one when ``KARA_NOW`` is set (tests and reproducible demos)."""
    fixed = os.environ.get("KARA_NOW")
    if not fixed:
        return Clock(tz)
    try:
        at = datetime.fromisoformat(fixed)
    except ValueError:
        raise DomainError(f"KARA_NOW='{fixed}' is not an ISO time with an offset") from None
    if at.tzinfo is None:
        raise DomainError(f"KARA_NOW='{fixed}' needs a UTC offset")
    return FixedClock(at, tz)


# Never compared, hashed or shown: no generated __eq__, __hash__ or __repr__ (each is
# compiled at import; issue 19).
@dataclass(eq=False, repr=False)
class Context:
    args: argparse.Namespace
    settings: Settings
    clock: Clock | None = None
    _engine: Engine | None = None
    _services: AppServices | None = None
    _quick: QuickReader | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)
    read_only: str | None = None  # why the database could only be opened for reading
    _checked: bool = False
    _later: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        config_path = Path(args.config).expanduser() if args.config else None
        try:
            settings = load(config_path)
        except ConfigError as exc:
            # A broken config must not stop the user from reaching their data: say so and
            # go on with defaults.
            settings = Settings(
                path=config_path or paths.config_file(), problems=(f"{exc}; using defaults",)
            )
        if settings.problems and getattr(args, "command", None) is not None:
            # A command says it on stderr; the calendar shows it on screen when it opens
            # (stderr would only be seen after quitting).
            import sys

            for problem in settings.problems:
                print(f"kara-tui: {problem}", file=sys.stderr)
        if getattr(args, "privacy", False):
            settings = settings.with_changes(privacy=True)
        ctx = cls(args=args, settings=settings)
        if getattr(args, "demo", False):
            # The demo's notices go to its own outbox, never by the user's mail server, and
            # nothing it does is saved to the user's config.
            ctx.settings = settings.with_changes(
                smtp=SmtpSettings(), outbox_dir=ctx.demo_dir() / "outbox", demo=True
            )
        return ctx

    def demo_dir(self) -> Path:
        """The demo's temp dir (database and outbox), removed when the command ends."""
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="kara-demo-")
        return Path(self._tmp.name)

    def feed_keyring(self) -> Any:
        """Where feed addresses are kept: the user's keyring (None), or for the demo a keyring
        that keeps nothing, so a feed added in the demo stays in its throwaway database."""
        if not getattr(self.args, "demo", False):
            return None
        from keyring.backends.null import Keyring

        return Keyring()

    def database_url(self) -> str:
        if getattr(self.args, "demo", False):
            return f"sqlite:///{self.demo_dir() / 'demo.db'}"
        return (
            self.args.db
            or os.environ.get("KARA_DB")
            or self.settings.db_url
            or paths.default_database_url()
        )

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from kara_tui.db.engine import READ_ONLY, read_only_reason

            url = self.database_url()
            try:
                engine = _opened(url)
            except StorageError as exc:
                # A full disk or a read-only folder must not hide the data: read it, and
                # say that nothing can be changed (each write is refused in one line).
                why = read_only_reason(url, exc)
                if why is None:
                    raise
                # A refused write says it in its own line: the read-only line kept for the
                # end of the command is then dropped.
                refused = self._later.clear
                try:
                    engine = _opened(url, "ro", why, refused)
                except StorageError:
                    try:  # not even SQLite's shared-memory file can be made
                        engine = _opened(url, "immutable", why, refused)
                    except StorageError:
                        raise exc from None
                self.read_only = why
                self.say(f"{READ_ONLY} ({why})", unless_refused=True)
            # Kept only once upgraded: a Practice whose lazy build failed builds again later.
            self._engine = engine
        return self._engine

    def say(self, text: str, *, unless_refused: bool = False) -> None:
        """A warning about the database: a line on stderr for a command, a notice when the
        calendar opens (stderr would only be seen after quitting).

        ``unless_refused``: said when the command ends, and not at all when a write was
        refused, whose own line already says it.
        """
        if getattr(self.args, "command", None) is None:
            self.settings = self.settings.with_changes(problems=(*self.settings.problems, text))
        elif unless_refused:
            self._later.append(text)
        else:
            import sys

            print(f"kara-tui: warning: {text}", file=sys.stderr)

    def _check_file(self) -> None:
        """Say once if the database file can be read by other users."""
        if self._checked:
            return
        self._checked = True
        from kara_tui.db.engine import exposure_warning

        warning = exposure_warning(self.database_url())
        if warning is not None:
            self.say(warning)

    @property
    def practice(self) -> Practice:
        """The Practice service, built now (commands; the calendar takes ``services``)."""
        return self.services.practice

    @property
    def services(self) -> AppServices:
        """The services and the calendar's reads.

        On an up-to-date SQLite file the Practice is not built yet: the calendar's reads and
        the professional come from the stdlib sqlite3 driver, and SQLAlchemy and the Practice
        are built only when first used, so the calendar can draw its first week without them.
        """
        if self._services is None:
            from kara_tui.ui.deps import AppServices

            self._check_file()
            quick = None
            if not getattr(self.args, "demo", False):
                from kara_tui.db.quick_reads import QuickReader

                quick = QuickReader.open(self.database_url())
                if quick is not None and not _writable(quick.path):
                    quick.close()  # the ordinary path opens it read-only and says so
                    quick = None
            if quick is None:
                self._services = AppServices.of(self._build_practice())
            else:
                self._quick = quick
                self.clock = clock_from_env(quick.timezone())
                self._services = AppServices(self._build_practice, quick=quick, clock=self.clock)
        return self._services

    def _build_practice(self) -> Practice:
        from kara_tui.services.practice import Practice

        practice = Practice(self.engine, Clock())
        pro = practice.ensure_professional()
        if self.clock is None:
            self.clock = clock_from_env(pro.timezone)
        practice.clock = self.clock
        if getattr(self.args, "demo", False):
            from kara_tui.services.demo import seed

            seed(practice)
        if not _shows_sessions(self.args):
            return practice
        from kara_tui.services.series import SeriesBook

        try:  # open-ended series stay booked to the horizon before sessions are booked or shown
            SeriesBook(practice).extend_all()
        except (StorageError, DomainError) as exc:  # never in the way of the command asked for
            self.say(f"open-ended series were not extended: {exc}")
        return practice

    def open_calendar(self) -> int:
        from kara_tui.ui.app import FEED_REFRESH_SECONDS, REMINDER_SECONDS, make_app
        from kara_tui.ui.publish_sync import PUBLISH_TICK_SECONDS

        services = self.services  # first: opening the database may add a notice to settings
        app = make_app(
            services=services,
            settings=self.settings,
            clock=self.clock,
            feed_keyring=self.feed_keyring(),
            feed_refresh_seconds=FEED_REFRESH_SECONDS,
            reminder_seconds=REMINDER_SECONDS,
            publish_seconds=PUBLISH_TICK_SECONDS,
        )
        app.run()
        if app.no_terminal:
            import sys

            print(
                "kara-tui: the calendar reads its keys from a terminal, and the standard input "
                "is not one (the commands work without one: see kara-tui --help)",
                file=sys.stderr,
            )
            return 2
        crash = app.crash
        if crash is not None:
            # The terminal is restored by now: one line saying what happened and where the
            # redacted details are (Textual's own traceback, with locals, is never printed).
            import sys

            print(crash_sentence(crash.error, crash.log), file=sys.stderr)
            return EXIT_CRASHED
        return int(app.return_code or 0)

    def close(self) -> None:
        if self._later:
            import sys

            for text in self._later:
                print(f"kara-tui: warning: {text}", file=sys.stderr)
            self._later.clear()
        if self._services is not None:
            self._services.wait()  # a build still running in the background uses the engine
        if self._quick is not None:
            self._quick.close()
        if self._engine is not None:
            self._engine.dispose()
        if self._tmp is not None:
            self._tmp.cleanup()


# What books or lists sessions, and so first books open-ended series up to the horizon: the
# calendar (no command), `sessions ...` (add, list, show, cancel, ...), `agenda`, `export`,
# `publish` and `remind` (they write out or remind of the coming sessions) and `clients show`
# (a client's sessions). The rest (feeds, settings, outbox, charges, report, ...) neither
# books nor shows coming sessions, and does not pay for the extension's queries and imports.
_SHOWS_SESSIONS = frozenset(
    {None, "sessions", "agenda", "export", "publish", "remind", ("clients", "show")}
)


def _shows_sessions(args: argparse.Namespace) -> bool:
    command = getattr(args, "command", None)
    action = getattr(args, f"{command}_command", None)
    return command in _SHOWS_SESSIONS or (command, action) in _SHOWS_SESSIONS


def _writable(path: Path) -> bool:
    """Whether SQLite can write beside ``path`` (its journal and shared memory): a folder on a
    read-only mount, or a disk with no free block, cannot."""
    folder = path.parent
    try:
        return os.access(folder, os.W_OK) and os.statvfs(folder).f_bavail > 0
    except OSError:
        return False


def _opened(
    url: str,
    read_only: str | None = None,
    why: str = "",
    refused: Callable[[], None] | None = None,
) -> Engine:
    """An engine for ``url`` with the schema checked (and brought up to date when writable)."""
    from kara_tui.db.engine import explain, make_engine
    from kara_tui.db.schema import upgrade

    engine = (
        make_engine(url, read_only=read_only, why=why, refused=refused)
        if read_only is not None
        else make_engine(url)
    )
    try:
        upgrade(engine)
    except StorageError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        message = explain(exc)
        if message is None:
            raise
        raise StorageError(message) from exc
    return engine
