"""What every command needs: settings, the clock, the database and the services, built lazily."""

from __future__ import annotations

import argparse
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from kara_tui import paths
from kara_tui.clock import Clock, FixedClock
from kara_tui.config import ConfigError, Settings, load
from kara_tui.crash import EXIT_CRASHED, crash_sentence, report_crash
from kara_tui.db.engine import StorageError
from kara_tui.domain import DomainError
from kara_tui.domain.money import MoneyError

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


@dataclass
class Context:
    args: argparse.Namespace
    settings: Settings
    clock: Clock | None = None
    _engine: Engine | None = None
    _practice: Any = None
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        config_path = Path(args.config).expanduser() if args.config else None
        try:
            settings = load(config_path)
        except ConfigError as exc:
            # A broken config must not stop the user from reaching their data: say so and
            # go on with defaults.
            import sys

            print(f"kara-tui: {exc}; using defaults", file=sys.stderr)
            settings = Settings(path=config_path or paths.config_file())
        if getattr(args, "privacy", False):
            settings = settings.with_changes(privacy=True)
        return cls(args=args, settings=settings)

    def database_url(self) -> str:
        if getattr(self.args, "demo", False):
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="kara-demo-")
            return f"sqlite:///{Path(self._tmp.name) / 'demo.db'}"
        return (
            self.args.db
            or os.environ.get("KARA_DB")
            or self.settings.db_url
            or paths.default_database_url()
        )

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from kara_tui.db.engine import make_engine
            from kara_tui.db.schema import upgrade

            self._engine = make_engine(self.database_url())
            try:
                upgrade(self._engine)
            except StorageError:
                raise
            except Exception as exc:
                from kara_tui.db.engine import explain

                message = explain(exc)
                if message is None:
                    raise
                raise StorageError(message) from exc
        return self._engine

    @property
    def practice(self) -> Any:
        """The Practice service (typed Any to keep this module light to import)."""
        if self._practice is None:
            from kara_tui.services.practice import Practice

            practice = Practice(self.engine, Clock())
            pro = practice.ensure_professional()
            self.clock = clock_from_env(pro.timezone)
            practice.clock = self.clock
            if getattr(self.args, "demo", False):
                from kara_tui.services.demo import seed

                seed(practice)
            self._practice = practice
        return self._practice

    def open_calendar(self) -> int:
        from kara_tui.ui.app import FEED_REFRESH_SECONDS, make_app

        app = make_app(
            practice=self.practice,
            settings=self.settings,
            clock=self.clock,
            feed_refresh_seconds=FEED_REFRESH_SECONDS,
        )
        app.run()
        crash = app.crash
        if crash is not None:
            # The terminal is restored by now: one line saying what happened and where the
            # redacted details are (Textual's own traceback, with locals, is never printed).
            import sys

            print(crash_sentence(crash.error, crash.log), file=sys.stderr)
            return EXIT_CRASHED
        return int(app.return_code or 0)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self._tmp is not None:
            self._tmp.cleanup()
