"""cli/args.py: the parser of one action, and the readers that turn bad input into one line."""

from __future__ import annotations

import argparse
import enum

import pytest

from kara_tui.cli.args import action, actions, choice, whole
from kara_tui.domain import DomainError


def _handler(ctx: object, args: argparse.Namespace) -> int:
    return 0


def test_an_action_gets_its_arguments_json_and_handler() -> None:
    parser = argparse.ArgumentParser(prog="kara-tui")
    group = actions(parser.add_subparsers(dest="command"), "things")
    p = action(group, "edit", _handler, "id", help="edit a thing", json=True, flags=("--name",))
    p.add_argument("--note")
    args = parser.parse_args(["things", "edit", "7", "--name", "A", "--json"])
    assert (args.things_command, args.id, args.name, args.json) == ("edit", "7", "A", True)
    assert args.note is None
    assert args.handler is _handler


def test_an_action_is_required_and_defaults_are_kept() -> None:
    parser = argparse.ArgumentParser(prog="kara-tui", exit_on_error=False)
    group = actions(parser.add_subparsers(dest="command"), "things")
    action(group, "off", _handler, "name", enabled=False)
    assert parser.parse_args(["things", "off", "x"]).enabled is False
    with pytest.raises(SystemExit):
        parser.parse_args(["things"])


class _Kind(enum.StrEnum):
    A = "a"
    B = "b"


def test_readers_name_the_bad_value() -> None:
    assert choice(_Kind, "b", "kind") is _Kind.B
    with pytest.raises(DomainError, match=r"'c' is not a kind \(choose from a, b\)"):
        choice(_Kind, "c", "kind")
    assert whole("12", "an id") == 12
    with pytest.raises(DomainError, match="an id must be a whole number, not 'x'"):
        whole("x", "an id")
