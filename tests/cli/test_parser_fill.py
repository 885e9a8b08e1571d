"""A command's parsers are built when it is used, and no other command's (cli/__init__.py)."""

from __future__ import annotations

import argparse

from kara_tui.cli import COMMANDS, build_parser


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


def test_a_command_builds_its_own_actions_and_not_its_neighbours() -> None:
    parser = build_parser()
    args = parser.parse_args(["clients", "list", "--json"])
    assert (args.handler.__name__, args.json) == ("clients_list", True)
    commands = _commands(parser)
    assert commands["clients"]._subparsers is not None
    # sessions, timeoff and settings live in the same module: their actions are not built
    assert COMMANDS["sessions"][0] == COMMANDS["clients"][0]
    assert commands["sessions"]._subparsers is None
    assert commands["timeoff"]._subparsers is None


def test_a_neighbour_parsed_later_is_built_then() -> None:
    parser = build_parser()
    parser.parse_args(["clients", "list"])
    args = parser.parse_args(["sessions", "cancel", "3", "--reason", "client"])
    assert (args.handler.__name__, args.id, args.reason) == ("sessions_cancel", "3", "client")
    assert "list" in _commands(parser)["clients"].format_help()
