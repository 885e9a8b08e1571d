"""--help lists every command with its line, and each command explains its own actions: the
commands' parsers are filled in only when used, and must read as if they always were."""

from __future__ import annotations

import pytest

from kara_tui.cli import COMMANDS


def test_help_lists_every_command_with_its_line(cli) -> None:
    result = cli("--help")
    assert result.code == 0
    for name, (_, line) in COMMANDS.items():
        assert f"    {name:<12} {line}" in result.out


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (
            ("clients", "--help"),
            ["usage: kara-tui clients [-h] ACTION ...", "add       add a client"],
        ),
        (("sessions", "list", "--help"), ["usage: kara-tui sessions list [-h]", "--json"]),
        (("report", "--help"), ["Cancellations, no-shows and charges over a period", "--csv"]),
        (("import", "--help"), ["usage: kara-tui import [-h] [--name NAME] file"]),
        (("outbox", "--help"), ["send", "retry"]),
    ],
)
def test_each_command_explains_itself(cli, args, shown) -> None:
    result = cli(*args)
    assert result.code == 0
    for text in shown:
        assert text in result.out


def test_a_wrong_command_or_action_is_one_line(cli) -> None:
    result = cli("bogus")
    assert result.code == 2
    assert result.err.startswith("kara-tui: argument COMMAND: invalid choice: 'bogus'")
    assert result.err.endswith("(see 'kara-tui --help')\n")
    result = cli("sessions", "bogus")
    assert result.code == 2
    assert "(see 'kara-tui sessions --help')" in result.err
    assert cli("sessions").code == 2  # an action is required
