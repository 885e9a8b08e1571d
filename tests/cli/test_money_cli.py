"""Every money flag of the CLI reads amounts with the one parser (issue 11): what is typed
with a point, a decimal comma or clear grouping is kept to the minor unit; an ambiguous
comma, too many decimals or an overflow is one line on stderr, and nothing is written."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kara_tui.domain.money import MAX_MINOR
from support.examples import examples

CLI_SETTINGS = settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
FEES = st.integers(1, 99_999_99)  # up to 99999.99, in pence
STYLES = st.sampled_from(["point", "comma", "grouped", "grouped_comma"])
_names = itertools.count(1)


def typed(minor: int, style: str) -> str:
    """An amount as a person might type it: 1234.50, 1234,50, 1,234.50 or 1.234,50."""
    whole, pence = divmod(minor, 100)
    if style == "point":
        return f"{whole}.{pence:02d}"
    if style == "comma":
        return f"{whole},{pence:02d}"
    if style == "grouped":
        return f"{whole:,}.{pence:02d}"
    return f"{whole:,}".replace(",", ".") + f",{pence:02d}"


def decimal(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


@CLI_SETTINGS
@given(minor=FEES, style=STYLES)
def test_client_fee_keeps_every_digit(cli, minor: int, style: str) -> None:
    name = f"Client {next(_names)}"
    result = cli("clients", "add", name, "--fee", typed(minor, style), "--json")
    assert result.code == 0, result.err
    assert result.json()["fee"] == decimal(minor)
    assert cli("clients", "show", name, "--json").json()["fee"] == decimal(minor)


@CLI_SETTINGS
@given(minor=FEES, style=STYLES)
def test_session_fee_keeps_every_digit(cli, minor: int, style: str) -> None:
    if cli("clients", "show", "Anna", "--json").code != 0:
        assert cli("clients", "add", "Anna", "--fee", "90").code == 0
    start = datetime(2026, 11, 17, 9, tzinfo=UTC) + timedelta(days=next(_names))
    result = cli(
        "sessions", "add", "--client", "Anna", "--start", start.isoformat(),
        "--fee", typed(minor, style), "--force", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.json()["fee"] == decimal(minor)


@CLI_SETTINGS
@given(minor=st.integers(1, 9000), style=st.sampled_from(["point", "comma"]))
def test_charge_amount_keeps_every_digit(cli, minor: int, style: str) -> None:
    if cli("clients", "show", "Anna", "--json").code != 0:
        assert cli("clients", "add", "Anna", "--fee", "90").code == 0
    start = datetime(2026, 11, 16, 10, tzinfo=UTC) + timedelta(minutes=next(_names))
    booked = cli("sessions", "add", "--client", "Anna", "--start", start.isoformat(), "--force")
    session_id = booked.out.strip()
    result = cli(
        "sessions", "cancel", session_id, "--reason", "client", "--charge",
        "--method", "card", "--amount", typed(minor, style), "--no-notify", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert [c["amount"] for c in result.json()["charges"]] == [decimal(minor)]


@CLI_SETTINGS
@given(whole=st.integers(1, 999), fraction=st.integers(0, 999))
def test_an_ambiguous_comma_is_refused_everywhere_and_nothing_is_written(
    cli, whole: int, fraction: int
) -> None:
    text = f"{whole},{fraction:03d}"
    if cli("clients", "show", "Anna", "--json").code != 0:
        assert cli("clients", "add", "Anna", "--fee", "90").code == 0
    before = cli("sessions", "list", "--json").out
    clients_before = cli("clients", "list", "--json").out
    for args in (
        ("clients", "add", f"Client {next(_names)}", "--fee", text),
        ("sessions", "add", "--client", "Anna", "--start", "2026-11-18 10:00", "--fee", text),
    ):
        result = cli(*args)
        assert result.code != 0
        assert f"'{text}' is ambiguous" in result.err
        assert f"type {whole}{fraction:03d} without the comma" in result.err
        assert len(result.err.strip().splitlines()) == 1
    assert cli("sessions", "list", "--json").out == before
    assert cli("clients", "list", "--json").out == clients_before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("clients", "add", "Cy", "--fee", str(10**30)), "is too large (at most 9999999.99 GBP)"),
        (("clients", "add", "Cy", "--fee", "80,50", "--currency", "JPY"), "allows (0)"),
        (("clients", "add", "Cy", "--fee", str(MAX_MINOR + 1), "--currency", "JPY"), "too large"),
        (("clients", "add", "Cy", "--fee", "1,00,000"), "is not an amount"),
        (("clients", "add", "Cy", "--credit", "3,5"), "--credit must be a whole number"),
        (("clients", "add", "Cy", "--credit", "1,000"), "--credit must be a whole number"),
    ],
)
def test_money_and_credit_refusals_are_one_line(cli, args: tuple[str, ...], words: str) -> None:
    result = cli(*args)
    assert result.code != 0
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert cli("clients", "list", "--json").json() == []


def test_jpy_fee_has_no_minor_digits(cli) -> None:
    result = cli("clients", "add", "Kenji", "--fee", "12,000,000", "--currency", "JPY", "--json")
    assert result.code == 0, result.err
    assert (result.json()["fee"], result.json()["currency"]) == ("12000000", "JPY")


def test_history_shows_the_fee_as_money_not_minor_units(cli) -> None:
    assert cli("clients", "add", "Anna", "--fee", "70").code == 0
    sid = cli("sessions", "add", "--client", "Anna", "--start", "2026-11-17 10:00").out.strip()
    doc = cli("sessions", "show", sid, "--json").json()
    assert [h["after"]["fee"] for h in doc["history"]] == ["70.00 GBP"]


def test_a_sponsored_credit_pays_the_whole_fee_from_the_cli(cli) -> None:
    assert cli("settings", "set", "late_fee_percent", "50").code == 0
    assert (
        cli(
            "clients", "add", "Ben", "--programme", "sponsored", "--fee", "55", "--credit", "3"
        ).code
        == 0
    )
    a = cli(
        "sessions", "add", "--client", "Ben", "--start", "2026-11-16 14:00", "--force"
    ).out.strip()
    b = cli(
        "sessions", "add", "--client", "Ben", "--start", "2026-11-16 16:00", "--force"
    ).out.strip()
    part = cli(
        "sessions", "cancel", a, "--reason", "client", "--charge",
        "--method", "sponsored_credit", "--amount", "27.50", "--no-notify",
    )  # fmt: skip
    assert part.code != 0
    assert "a sponsored credit pays the whole session" in part.err
    whole = cli(
        "sessions", "cancel", a, "--reason", "client", "--charge",
        "--method", "sponsored_credit", "--no-notify", "--json",
    )  # fmt: skip
    assert [c["amount"] for c in whole.json()["charges"]] == ["55.00"]
    direct = cli(
        "sessions", "cancel", b, "--reason", "client", "--charge", "--method", "card",
        "--no-notify", "--json",
    )  # fmt: skip
    assert [c["amount"] for c in direct.json()["charges"]] == ["27.50"]


def test_booking_a_sponsored_client_without_credit_warns_on_stderr(cli) -> None:
    assert cli("clients", "add", "Ben", "--programme", "sponsored", "--credit", "1").code == 0
    first = cli("sessions", "add", "--client", "Ben", "--start", "2026-11-17 10:00")
    assert (first.code, first.err) == (0, "")
    second = cli("sessions", "add", "--client", "Ben", "--start", "2026-11-18 10:00")
    assert second.code == 0
    assert second.out.strip().isdigit()  # booked all the same
    assert second.err == (
        "warning: Ben has no sponsored credit left: the session can be booked, but the "
        "programme will not cover it (to be paid directly)\n"
    )
    assert cli("clients", "show", "Ben", "--json").json()["sponsored_credit"] == 0
