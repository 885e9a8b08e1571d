"""Bad input to every practice command: one line on stderr, a non-zero exit, nothing written."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kara_tui.clock import FixedClock
from kara_tui.db.engine import make_engine
from kara_tui.db.schema import upgrade
from kara_tui.domain import Money, Programme
from kara_tui.services.practice import Practice

NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # the cli fixture's KARA_NOW


def everything(db_url: str) -> dict[str, list[tuple]]:
    """Every row of every table, read straight from the file."""
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: conn.execute(f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Anna (private, 90.00), Ben (sponsored); session 1 Tue 10:00, session 2 earlier today.

    Built once through the service and copied for each test: a hundred cases stay quick.
    """
    path = tmp_path_factory.mktemp("template") / "kara.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    practice = Practice(engine, FixedClock(NOW))
    practice.ensure_professional()
    practice.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"))
    practice.add_client(
        "Ben Jones", programme=Programme.SPONSORED, fee=Money(6000, "GBP"), sponsored_credit=2
    )
    practice.book("Anna Smith", datetime(2026, 11, 17, 10, tzinfo=UTC))
    practice.book("Anna Smith", datetime(2026, 11, 16, 7, tzinfo=UTC), force=True)
    engine.dispose()  # checkpoints the WAL into the file
    return path


@pytest.fixture
def world(template: Path, db_url: str) -> None:
    target = Path(db_url.removeprefix("sqlite:///"))
    target.parent.mkdir(mode=0o700, exist_ok=True)
    shutil.copyfile(template, target)
    target.chmod(0o600)  # as kara-tui makes it (a readable one is warned about)


S = ("sessions",)
BAD = [
    # clients
    (("clients", "add", "   "), "a client needs a name"),
    (("clients", "add", "12345"), "cannot be only digits"),
    (("clients", "add", "Cy", "--fee", "abc"), "'abc' is not an amount (write it like 90.00)"),
    (("clients", "add", "Cy", "--fee", "-5"), "'-5' is not an amount"),
    (("clients", "add", "Cy", "--fee", "90.001"), "more decimals than GBP allows"),
    (("clients", "add", "Cy", "--currency", "pounds"), "is not a currency code"),
    (("clients", "add", "Cy", "--programme", "vip"), "'vip' is not a programme"),
    (("clients", "add", "Cy", "--email", "nope"), "'nope' is not an email address"),
    (("clients", "add", "Cy", "--window-hours", "abc"), "--window-hours must be a whole number"),
    (("clients", "add", "Cy", "--window-hours", "-5"), "between 0 and 336 hours"),
    (("clients", "add", "Cy", "--credit", "many"), "--credit must be a whole number"),
    (("clients", "add", "Cy", "--credit", "-1"), "sponsored credit cannot be negative"),
    (("clients", "add"), "the following arguments are required: name"),
    (("clients", "show", "Nobody"), "no client called 'Nobody'"),
    (("clients", "show", "99"), "no client with id 99"),
    (("clients", "show", "Anna", "--json", "--yaml"), "unrecognized arguments: --yaml"),
    (("clients", "list", "--json", "extra"), "unrecognized arguments: extra"),
    (("clients",), "the following arguments are required: ACTION"),
    (("clients", "remove", "Anna"), "invalid choice: 'remove'"),
    # sessions add
    ((*S, "add", "--client", "Nobody", "--start", "2026-11-18 10:00"), "no client called"),
    (
        (*S, "add", "--client", "Anna", "--start", "2026-11-18 10:00", "--minutes", "0"),
        "at least one minute",
    ),
    (
        (*S, "add", "--client", "Anna", "--start", "2026-11-18 10:00", "--minutes", "-5"),
        "the end is before the start",
    ),
    (
        (*S, "add", "--client", "Anna", "--start", "2026-11-18 10:00", "--minutes", "ten"),
        "--minutes must be a whole number, not 'ten'",
    ),
    (
        (*S, "add", "--client", "Anna", "--start", "2026-11-18 10:00", "--minutes", "800"),
        "more than 12 hours",
    ),
    (
        (*S, "add", "--client", "Anna", "--start", "2026-02-30 10:00"),
        "2026-02-30 is not a day of the calendar",
    ),
    (
        (*S, "add", "--client", "Anna", "--start", "2026-03-29 01:30"),
        "2026-03-29 01:30 does not exist in Europe/London",
    ),
    ((*S, "add", "--client", "Anna", "--start", "whenever"), "is not a date and time I can read"),
    (
        (*S, "add", "--client", "Anna", "--start", "2026-11-18 10:00", "--fee", "abc"),
        "'abc' is not an amount",
    ),
    (
        (*S, "add", "--client", "Anna", "--start", "2026-11-17 10:20"),
        "overlaps Anna Smith's session at Tue 17 Nov 10:00 (use --force to book anyway)",
    ),
    ((*S, "add", "--client", "Anna", "--start", "2026-11-21 10:00"), "is outside working hours"),
    ((*S, "add", "--client", "Anna"), "the following arguments are required: --start"),
    (
        (*S, "add", "--client", "Anna", "--start", "2026-11-18 10:00", "--prepaid", "yes"),
        "unrecognized arguments: yes",
    ),
    # sessions list / show
    ((*S, "list", "--from", "2026-11-20", "--to", "2026-11-17"), "--to must be after --from"),
    ((*S, "list", "--from", "2026-11-17", "--to", "2026-11-17"), "--to must be after --from"),
    ((*S, "list", "--from", "2026-02-30"), "2026-02-30 is not a day of the calendar"),
    ((*S, "list", "--to", "someday"), "'someday' is not a date I can read"),
    (
        (*S, "list", "--status", "done"),
        "'done' is not a status (choose from scheduled, attended, no_show, cancelled)",
    ),
    ((*S, "list", "--client", "Nobody"), "no client called 'Nobody'"),
    ((*S, "show", "abc"), "a session id must be a whole number, not 'abc'"),
    ((*S, "show", "999"), "no session with id 999"),
    ((*S, "show", "1", "--csv"), "unrecognized arguments: --csv"),
    # sessions cancel
    ((*S, "cancel", "999", "--reason", "client"), "no session with id 999"),
    ((*S, "cancel", "x", "--reason", "client"), "a session id must be a whole number"),
    (
        (*S, "cancel", "1", "--reason", "bored"),
        "'bored' is not a reason (choose from professional, client, no_show, other)",
    ),
    ((*S, "cancel", "1"), "the following arguments are required: --reason"),
    ((*S, "cancel", "1", "--reason", "other"), "the reason 'other' needs a note"),
    (
        (*S, "cancel", "1", "--reason", "client", "--charge", "--amount", "abc"),
        "'abc' is not an amount",
    ),
    (
        (*S, "cancel", "1", "--reason", "client", "--amount", "10"),
        "--amount and --method go with --charge",
    ),
    (
        (*S, "cancel", "1", "--reason", "client", "--method", "card"),
        "--amount and --method go with --charge",
    ),
    (
        (*S, "cancel", "1", "--reason", "client", "--charge", "--method", "bitcoin"),
        "'bitcoin' is not a payment method",
    ),
    (
        (*S, "cancel", "1", "--reason", "client", "--charge", "--method", "sponsored_credit"),
        "'sponsored_credit' is not offered here",
    ),
    (
        (*S, "cancel", "1", "--reason", "client", "--charge", "--amount", "100"),
        "the charge (100.00 GBP) is more than the session fee (90.00 GBP)",
    ),
    (
        (*S, "cancel", "1", "--reason", "client", "--charge", "--amount", "0"),
        "a charge must be more than zero",
    ),
    (
        (*S, "cancel", "1", "--reason", "professional", "--charge"),
        "you are cancelling: the client cannot be charged",
    ),
    ((*S, "cancel", "1", "--reason", "no_show"), "has not started yet"),
    (
        (*S, "cancel", "1", "--reason", "client", "--notified-at", "2026-11-16 12:00"),
        "notice cannot have been given in the future",
    ),
    (
        (*S, "cancel", "1", "--reason", "client", "--notified-at", "2026-03-29 01:30"),
        "does not exist in Europe/London",
    ),
    (
        (*S, "cancel", "1", "--reason", "client", "--notified-at", "2026-02-30 10:00"),
        "is not a day of the calendar",
    ),
    ((*S, "cancel", "2", "--reason", "client"), "this session has already started"),
    ((*S, "cancel", "2", "--reason", "professional"), "this session has already started"),
    # reschedule
    (
        (*S, "reschedule", "1", "--start", "2026-11-18 10:00", "--by", "nobody"),
        "--by must be client or professional (who asked), not 'nobody'",
    ),
    (
        (*S, "reschedule", "1", "--start", "2026-11-18 10:00", "--by", "no_show"),
        "a reschedule is asked for by the client or the professional",
    ),
    (
        (*S, "reschedule", "999", "--start", "2026-11-18 10:00", "--by", "client"),
        "no session with id 999",
    ),
    (
        (*S, "reschedule", "1", "--start", "2026-03-29 01:30", "--by", "client"),
        "does not exist in Europe/London",
    ),
    (
        (*S, "reschedule", "1", "--start", "2026-11-18 10:00", "--by", "client", "--minutes", "0"),
        "at least one minute",
    ),
    (
        (*S, "reschedule", "1", "--start", "2026-11-21 10:00", "--by", "client"),
        "outside working hours",
    ),
    (
        (*S, "reschedule", "2", "--start", "2026-11-18 10:00", "--by", "client"),
        "already started, so it cannot be rescheduled",
    ),
    ((*S, "reschedule", "1", "--by", "client"), "the following arguments are required: --start"),
    # attend / no-show / delete
    ((*S, "attend", "1"), "a session can be marked attended only after it has started"),
    ((*S, "attend", "999"), "no session with id 999"),
    ((*S, "attend", "1", "--json"), "unrecognized arguments: --json"),
    ((*S, "no-show", "1"), "a session can be marked no-show only after it has started"),
    ((*S, "no-show", "2", "--amount", "5"), "--amount and --method go with --charge"),
    ((*S, "no-show", "2", "--charge", "--amount", "95"), "is more than the session fee"),
    ((*S, "no-show", "2", "--charge", "--method", "cheque"), "'cheque' is not a payment method"),
    ((*S, "no-show", "999"), "no session with id 999"),
    ((*S, "delete", "1"), "add --yes to confirm"),
    ((*S, "delete", "999", "--yes"), "no session with id 999"),
    ((*S, "delete", "one", "--yes"), "a session id must be a whole number"),
    # cancel-range
    (
        (
            *S,
            "cancel-range",
            "--from",
            "2026-11-20",
            "--to",
            "2026-11-17",
            "--reason",
            "professional",
        ),
        "--to (the last day) is before --from",
    ),
    (
        (*S, "cancel-range", "--from", "2026-11-16", "--to", "2026-11-20", "--reason", "client"),
        "by the professional or 'other'",
    ),
    (
        (*S, "cancel-range", "--from", "2026-11-16", "--to", "2026-11-20", "--reason", "flu"),
        "'flu' is not a reason",
    ),
    (
        (*S, "cancel-range", "--from", "2026-11-16", "--to", "2026-11-20", "--reason", "other"),
        "the reason 'other' needs a note",
    ),
    (
        (*S, "cancel-range", "--from", "soon", "--to", "2026-11-20", "--reason", "professional"),
        "'soon' is not a date I can read",
    ),
    (
        (*S, "cancel-range", "--to", "2026-11-20", "--reason", "professional"),
        "the following arguments are required: --from",
    ),
    # time off
    (
        ("timeoff", "add", "--from", "2026-12-28", "--to", "2026-12-24"),
        "time off must end after it starts",
    ),
    (
        ("timeoff", "add", "--from", "2026-12-24 12:00", "--to", "2026-12-24 09:00"),
        "time off must end after it starts",
    ),
    (("timeoff", "add", "--from", "xmas", "--to", "2026-12-28"), "'xmas' is not a date I can read"),
    (
        ("timeoff", "add", "--from", "2026-03-29 01:30", "--to", "2026-03-30"),
        "does not exist in Europe/London",
    ),
    (("timeoff", "list", "--json", "--all"), "unrecognized arguments: --all"),
    # settings
    (("settings", "set", "colour", "red"), "unknown setting 'colour'"),
    (
        ("settings", "set", "late_fee_percent", "abc"),
        "late_fee_percent must be a whole number, not 'abc'",
    ),
    (("settings", "set", "late_fee_percent", "150"), "late_fee_percent must be between 0 and 100"),
    (("settings", "set", "cancellation_window_hours", "-1"), "must be between 0 and 336"),
    (("settings", "set", "timezone", "Mars/Olympus"), "'Mars/Olympus' is not a time zone"),
    (("settings", "set", "working_hours", "always"), "is not working hours"),
    (("settings", "set", "payment_methods", "gold"), "'gold' is not a payment method"),
    (("settings", "set", "default_currency", "pounds"), "is not a currency code"),
    (("settings", "set", "late_fee_percent"), "the following arguments are required: value"),
    (("settings", "show", "--yaml"), "unrecognized arguments: --yaml"),
    # the program itself
    (("--json", "clients", "list"), "unrecognized arguments: --json"),
    (("calendar",), "invalid choice: 'calendar'"),
]


@pytest.mark.parametrize(("args", "message"), [pytest.param(a, m, id=" ".join(a)) for a, m in BAD])
def test_bad_input_is_one_line_and_writes_nothing(
    cli, db_url: str, world, args: tuple[str, ...], message: str
) -> None:
    before = everything(db_url)
    result = cli(*args)
    assert result.code == 2, result.err
    assert result.err.endswith("\n")
    assert result.err.count("\n") == 1, result.err
    assert result.err.startswith("kara-tui")
    assert message in result.err
    assert "Traceback" not in result.err
    assert "something went wrong" not in result.err
    assert result.out == ""
    assert everything(db_url) == before


def test_the_json_views_are_unchanged_by_a_refused_charge(cli, world) -> None:
    clients = cli("clients", "list", "--json").out
    sessions = cli("sessions", "list", "--json").out
    refused = cli("sessions", "cancel", "1", "--reason", "professional", "--charge")
    assert refused.code == 2
    assert cli("clients", "list", "--json").out == clients
    assert cli("sessions", "list", "--json").out == sessions


def test_no_show_charge_on_a_sponsored_session_needs_credit_or_under_24h(cli, world) -> None:
    booked = cli("sessions", "add", "--client", "Ben", "--start", "2026-11-16 07:10", "--force")
    session_id = booked.out.strip()
    done = cli("sessions", "no-show", session_id, "--charge", "--method", "sponsored_credit")
    assert done.code == 0, done.err
    assert done.out == f"Session {session_id} marked no-show, charged 60.00 GBP.\n"
    shown = cli("clients", "show", "Ben", "--json").json()
    assert shown["sponsored_credit"] == 1  # two, minus the one spent


def test_delete_without_yes_explains_the_difference_with_cancel(cli, world) -> None:
    result = cli("sessions", "delete", "1")
    # Issue 11: the question names the session's state first.
    assert result.err == (
        "kara-tui: session 1 is scheduled: never attended, charged or announced to the client; "
        "deleting is only for a session booked by mistake, and it cannot be undone: "
        "add --yes to confirm (to call a session off, use 'sessions cancel')\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--db", "not a url", "clients", "list"), "'not a url' is not a database URL"),
        (("--db", "sqlite:////proc/kara/kara.db", "clients", "list"), "cannot create the database"),
    ],
)
def test_a_bad_database_is_one_line(cli, args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert message in result.err


def test_a_bad_kara_now_is_one_line(cli, world, db_url: str, monkeypatch) -> None:
    before = everything(db_url)
    monkeypatch.setenv("KARA_NOW", "yesterday")
    result = cli("clients", "add", "Cy")
    assert (result.code, result.out) == (2, "")
    assert result.err == "kara-tui: KARA_NOW='yesterday' is not an ISO time with an offset\n"
    assert everything(db_url) == before
