"""Command line: parses arguments, loads config, builds the services, opens the calendar or runs a command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kara_tui import __version__
from kara_tui.cli.context import Context, UserError
from kara_tui.crash import EXIT_CRASHED, crash_sentence, install_log_scrubbing, report_crash


class _Parser(argparse.ArgumentParser):
    """argparse that says what is wrong in one line, without the usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    from kara_tui.cli import feeds, outbox, practice, report

    parser = _Parser(
        prog="kara-tui",
        description="A keyboard-driven calendar for professionals who see clients in sessions.",
    )
    parser.add_argument("--version", action="version", version=f"kara-tui {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: KARA_DB, config, or SQLite in the data dir)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="config file (default: KARA_CONFIG or config.toml in the config dir)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open on a throwaway database with a realistic practice"
    )
    parser.add_argument(
        "--privacy", action="store_true", help="show client initials instead of names"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    practice.register(sub)
    feeds.register(sub)
    report.register(sub)
    outbox.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    install_log_scrubbing()
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = Context.from_args(args)
    try:
        if args.command is None:
            return ctx.open_calendar()
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.parse_args([*(argv or sys.argv[1:]), "--help"])
            return 2
        return int(handler(ctx, args) or 0)
    except UserError as exc:
        from kara_tui.services.errors import ConflictError

        hint = " (use --force to book anyway)" if isinstance(exc, ConflictError) else ""
        print(f"kara-tui: {exc}{hint}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kara-tui: interrupted; nothing half-written is kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # the last guard: never a traceback on the user's screen
        try:
            path: Path | None = report_crash(exc)
        except OSError:
            path = None
        print(crash_sentence(exc, path), file=sys.stderr)
        return EXIT_CRASHED
    finally:
        ctx.close()
