"""`kara-tui publish`: add, list, run and remove targets; bad input in one line, nothing lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring as keyring_module
import pytest

from feedkit import MemoryKeyring
from radicale_server import PASSWORD, USER


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The CLI uses the user's keyring; tests use one in memory instead."""
    previous = keyring_module.get_keyring()
    kr = MemoryKeyring()
    keyring_module.set_keyring(kr)
    yield kr
    keyring_module.set_keyring(previous)


@pytest.fixture
def booked(cli) -> None:
    assert cli("clients", "add", "Anna Smith", "--fee", "90").code == 0
    for day in ("2026-11-23", "2026-11-24"):
        assert (
            cli(
                "sessions",
                "add",
                "--client",
                "Anna Smith",
                "--start",
                f"{day} 10:00",
                "--no-notify",
            ).code
            == 0
        )


def test_a_file_target_from_add_to_remove(cli, booked, tmp_path: Path, memory_keyring) -> None:
    path = tmp_path / "practice.ics"
    added = cli("publish", "add", "Web", str(path), "--detail", "initials")
    assert added.code == 0, added.err
    assert "Added target 'Web'" in added.out
    run = cli("publish", "run", "--json")
    assert run.code == 0, run.err
    (report,) = run.json()
    assert (report["target"], report["ok"], report["written"]) == ("Web", True, 2)
    assert path.read_text().count("SUMMARY:Session: A.Sm.") == 2
    (listed,) = cli("publish", "list", "--json").json()
    assert (listed["detail"], listed["published"], listed["last_error"]) == ("initials", 2, "")
    assert listed["last_success"].startswith("2026-11-16T08:00")
    assert "Web" in cli("publish", "list").out
    assert cli("publish", "remove", "Web").code == 0
    assert cli("publish", "list", "--json").json() == []
    assert path.exists()  # what the target holds stays there


def test_caldav_with_a_password_from_the_environment(
    cli, booked, radicale_auth_server, monkeypatch, memory_keyring
) -> None:
    url = radicale_auth_server.calendar("cli-private-4c1d9e8f7a6b")
    monkeypatch.setenv("KARA_DAV_PW", PASSWORD)
    added = cli("publish", "add", "Phone", url, "--user", USER, "--password-env", "KARA_DAV_PW")
    assert added.code == 0, added.err
    assert "4c1d9e8f7a6b" not in added.out
    run = cli("publish", "run", "Phone")
    assert run.code == 0, run.err
    assert "2 events written" in run.out
    assert len(radicale_auth_server.resources(url)) == 2
    listed = cli("publish", "list").out
    assert "4c1d9e8f7a6b" not in listed and "cli-•••" in listed
    assert memory_keyring.secrets == {}  # the password stayed in the environment


def test_no_password_without_a_terminal_says_how_and_loses_nothing(
    cli, booked, radicale_auth_server, memory_keyring
) -> None:
    url = radicale_auth_server.calendar("cli-nopass")
    added = cli("publish", "add", "Phone", url, "--user", USER)
    assert added.code == 0
    assert "no password yet" in added.err
    run = cli("publish", "run")
    assert run.code == 1
    assert "no password for 'Phone'" in run.err and "Traceback" not in run.err
    (listed,) = cli("publish", "list", "--json").json()
    assert listed["last_error"].startswith("no password")
    memory_keyring.set_password("kara-tui-publish", "Phone", PASSWORD)
    assert cli("publish", "run").code == 0
    assert len(radicale_auth_server.resources(url)) == 2


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["publish", "add", "X", "ftp://example.com/c"], "'ftp:' targets are not supported"),
        (["publish", "add", "X", "/tmp/x.ics", "--detail", "all"], "not a detail level"),
        (["publish", "add", "X", "/tmp/x.ics", "--from-days", "-5"], "from 0 to"),
        (["publish", "add", "X", "/tmp/x.ics", "--to-days", "lots"], "not a whole number"),
        (["publish", "add", "X", "/tmp/x.ics", "--user", "me"], "takes no --user"),
        (["publish", "add", "X", "https://h/c/", "--password-env", "A B"], "environment variable"),
        (["publish", "add", "", "/tmp/x.ics"], "needs a name"),
        (["publish", "add", "X\x1b[2J", "/tmp/x.ics"], "control"),
        (["publish", "run", "Nope"], "no publishing target called 'Nope'"),
        (["publish", "remove", "Nope"], "no publishing target called 'Nope'"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(cli, args, words, memory_keyring) -> None:
    result = cli(*args)
    assert result.code == 2
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert cli("publish", "list", "--json").json() == []
