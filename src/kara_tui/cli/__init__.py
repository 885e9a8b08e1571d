"""Command line: parses arguments, loads config, builds the services, opens the calendar or runs a command."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path
from typing import Any, NoReturn

from kara_tui import __version__
from kara_tui.cli.context import Context, UserError
from kara_tui.crash import EXIT_CRASHED, crash_sentence, install_log_scrubbing, report_crash
from kara_tui.domain.text import escape_controls

# Every command: the module that defines its arguments and handler, and its line in --help.
# A command's module is imported only when that command is parsed (or its help is shown):
# opening the calendar, the common case, imports none of them.
COMMANDS: dict[str, tuple[str, str]] = {
    "clients": ("practice", "manage clients"),
    "sessions": ("practice", "book, cancel, reschedule, attend"),
    "timeoff": ("practice", "block time off"),
    "settings": ("practice", "the practice's rules"),
    "feeds": ("feeds", "external calendars (iCal feeds)"),
    "import": ("feeds", "import an .ics file once (a snapshot feed)"),
    "export": ("feeds", "write the sessions as an iCalendar file"),
    "publish": ("publish", "keep a CalDAV calendar or an .ics file showing your sessions"),
    "report": ("report", "cancellation and charge report"),
    "outbox": ("outbox", "notices to clients: list, send, retry, discard"),
    "remind": ("remind", "send the client reminders that are due (cron, systemd timer)"),
    "agenda": ("agenda", "the day's sessions (for a login message)"),
    "charges": ("charges", "charges and refunds: list, mark paid, void"),
    "statement": ("charges", "a client's statement for a period"),
}


class _Parser(argparse.ArgumentParser):
    """argparse that says what is wrong in one line, without the usage block.

    A command's parser is filled in (``fill``) the first time it parses or shows its help.
    """

    def __init__(self, *args: Any, fill: Callable[[], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fill = fill

    def _filled(self) -> None:
        fill, self._fill = self._fill, None
        if fill is not None:
            fill()

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._filled()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._filled()
        return super().format_usage()

    def format_help(self) -> str:
        self._filled()
        return super().format_help()

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {escape_controls(message)} (see '{self.prog} --help')\n")


class _Unused:
    """What a module's other commands are built on while one command is filled in: it takes
    every call and keeps nothing (argparse looks up its messages' translations on the disk
    for each parser, and one module's commands have dozens of actions)."""

    def __getattr__(self, _name: str) -> Callable[..., _Unused]:
        return lambda *_args, **_kwargs: self


class _Commands:
    """What a command module's ``register(sub)`` is given when one of its commands is filled
    in: its ``add_parser`` returns that command's parser made beforehand (with its help line),
    and an ``_Unused`` for the module's other commands."""

    def __init__(self, parsers: dict[str, _Parser], wanted: str) -> None:
        self._parsers = parsers
        self._wanted = wanted

    def add_parser(self, name: str, *, description: str | None = None) -> _Parser | _Unused:
        if name != self._wanted:
            return _Unused()
        parser = self._parsers[name]
        if description is not None:
            parser.description = description
        return parser


def build_parser() -> argparse.ArgumentParser:
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
    parsers: dict[str, dict[str, _Parser]] = {}  # module -> its commands' parsers

    def filler(module: str, name: str) -> Callable[[], None]:
        def fill() -> None:  # once per command (_Parser._filled): only its parsers are built
            import_module(f"kara_tui.cli.{module}").register(_Commands(parsers[module], name))

        return fill

    for name, (module, line) in COMMANDS.items():
        parsers.setdefault(module, {})[name] = sub.add_parser(
            name, help=line, fill=filler(module, name)
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:  # the process's own command line (tests pass theirs, in their process)
        # What the imports so far built lives as long as the process: the cyclic collector
        # need not walk it again at each collection, nor at exit (a cold `feeds sync` spent
        # ~2 % of its instructions there; issue 19). Objects made later are collected as usual.
        gc.freeze()
    install_log_scrubbing()
    parser = build_parser()
    given = sys.argv[1:] if argv is None else argv
    if any(_undecodable(arg) for arg in given):  # bytes that are not UTF-8 (os.fsdecode)
        print("kara-tui: an argument is not valid UTF-8 text; nothing was done", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    ctx = Context.from_args(args)
    streams = sys.stdout, sys.stderr
    try:
        if args.command is None:
            return ctx.open_calendar()
        # A command's output is text: stored names cannot drive the terminal (the calendar,
        # above, draws with escape sequences of its own and renders stored text as Text).
        sys.stdout, sys.stderr = _TerminalSafe(sys.stdout), _TerminalSafe(sys.stderr)
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.parse_args([*(argv or sys.argv[1:]), "--help"])
            return 2
        return int(handler(ctx, args) or 0)
    except UserError as exc:
        from kara_tui.services.errors import ConflictError

        hint = " (use --force to book anyway)" if isinstance(exc, ConflictError) else ""
        print(f"kara-tui: {escape_controls(str(exc))}{hint}", file=sys.stderr)
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
        sys.stdout, sys.stderr = streams
        ctx.close()


def _undecodable(arg: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in arg)


class _TerminalSafe:
    """A text stream that writes control characters (ESC, BEL, a lone CR...) as visible
    escapes, keeping the line breaks and tabs of the output itself (CSV's CR LF too)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        safe = "\r\n".join(escape_controls(part, keep="\n\t") for part in text.split("\r\n"))
        self._stream.write(safe)
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
