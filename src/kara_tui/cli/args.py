"""What the command modules share: their parsers' shape, argument readers and small outputs."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kara_tui.domain import DomainError

Handler = Callable[..., int]


def actions(sub: Any, command: str) -> Any:
    """The ACTIONs of a command (`kara-tui COMMAND ACTION ...`): one is required."""
    return sub.add_parser(command).add_subparsers(
        dest=f"{command}_command", metavar="ACTION", required=True
    )


def action(
    group: Any,
    name: str,
    handler: Handler,
    *positionals: str,
    help: str | None = None,
    json: bool = False,
    flags: tuple[str, ...] = (),
    **defaults: Any,
) -> argparse.ArgumentParser:
    """One action's parser: its positional arguments, plain string ``flags``, ``--json`` when
    it can answer in JSON, and the handler that runs it; the caller adds any other option."""
    p: argparse.ArgumentParser = (
        group.add_parser(name) if help is None else group.add_parser(name, help=help)
    )
    for positional in positionals:
        p.add_argument(positional)
    for flag in flags:
        p.add_argument(flag)
    if json:
        p.add_argument("--json", action="store_true")
    p.set_defaults(handler=handler, **defaults)
    return p


def choice(enum: Any, value: str, what: str) -> Any:
    """``enum(value)``, or a DomainError that lists the values there are."""
    try:
        return enum(value)
    except ValueError:
        options = ", ".join(e.value for e in enum)
        raise DomainError(f"'{value}' is not a {what} (choose from {options})") from None


def whole(value: str, what: str) -> int:
    """``int(value)``, or a DomainError naming ``what`` was wanted."""
    try:
        return int(value)
    except ValueError:
        raise DomainError(f"{what} must be a whole number, not '{value}'") from None


def write_out(path: Path, body: str | bytes) -> None:
    """Write a file only its owner can read; a failure is a one-line DomainError."""
    from kara_tui.files import write_private

    try:
        write_private(path, body)
    except OSError as exc:
        raise DomainError(f"cannot write {path}: {exc.strerror or exc}") from None
