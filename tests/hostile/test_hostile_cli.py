"""The auditor's list of bad command-line input, run against the real ``kara-tui`` program.

Every row is refused: a non-zero exit, exactly one line on stderr holding the expected
words, no traceback, nothing on stdout, and the database file unchanged. The table is the
record: add a row for each new way in (see README.md beside this file).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kara_tui.clock import FixedClock
from kara_tui.config import Settings
from kara_tui.db.engine import make_engine
from kara_tui.db.schema import upgrade
from kara_tui.domain import Money, Programme, Reason
from kara_tui.services.feeds import Feeds
from kara_tui.services.practice import Practice

NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # Monday, 08:00 in London
KARA_TUI = Path(sys.executable).with_name("kara-tui")
HUGE = "1" + "0" * 30  # 10**30
NAME_121 = "A" * 121
LONG = "x" * 10_000
FAMILY_ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:family-1@example.com\r\nSUMMARY:Dentist\r\n"
    b"DTSTART:20261118T150000Z\r\nDTEND:20261118T160000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@dataclass(frozen=True)
class Bad:
    """One hostile input: the arguments, the words stderr must hold, the exit code, and a
    config file to run with (``None``: no config file)."""

    argv: tuple[str, ...]
    says: str
    code: int = 2
    config: str | None = None


def bad(*argv: str, says: str, code: int = 2, config: str | None = None, xfail: str = "") -> object:
    marks = [pytest.mark.xfail(reason=xfail, strict=False)] if xfail else []
    shown = " ".join(a if len(a) <= 40 else f"{a[:12]}…({len(a)} chars)" for a in argv)
    shown = shown.encode("unicode_escape", "backslashreplace").decode("ascii")
    if config is not None:
        shown = f"[{config.strip()}] {shown}"
    return pytest.param(Bad(argv, says, code, config), id=shown, marks=marks)


ADD, SESS, OFF, SET, FEEDS = (
    ("clients", "add"),
    ("sessions",),
    ("timeoff",),
    ("settings", "set"),
    ("feeds",),
)
BOOK = ("sessions", "add", "--client", "Anna Smith", "--start")
NOT_A_DATE = "is not a date"
NOT_A_DAY = "is not a day of the calendar"
NOT_A_TIME = "is not a date and time I can read"
OUT_OF_RANGE = "out of range: kara-tui keeps years 1900 to 2999"
CONTROL = "cannot contain control characters"

ROWS = [
    # -- dates and times people type ---------------------------------------------------------
    bad(*BOOK, "9999-12-31 23:30", says=OUT_OF_RANGE),
    bad(*BOOK, "9999-12-31", says=OUT_OF_RANGE),
    bad(*BOOK, "0001-01-01 00:00", says=OUT_OF_RANGE),
    bad(*BOOK, "2999-12-31 23:30", says=OUT_OF_RANGE),  # its end is in the year 3000
    bad(*BOOK, "1899-12-31 10:00", says=OUT_OF_RANGE),
    bad(*BOOK, "3000-01-01T10:00+00:00", says=OUT_OF_RANGE),
    bad(*BOOK, "2026-02-30 10:00", says=NOT_A_DAY),
    bad(*BOOK, "2026-13-01 10:00", says=NOT_A_DAY),
    bad(*BOOK, "2026-11-20 25:00", says="'25:00' is not a time of day"),
    bad(*BOOK, "2026-11-20 10:60", says="is not a time of day"),
    bad(*BOOK, "2027-03-28 01:30", says="does not exist in Europe/London"),  # DST gap
    bad(*BOOK, "", says="a time is needed"),
    bad(*BOOK, "   ", says="a time is needed"),
    bad(*BOOK, "tomorrow 99:99", says="is not a time of day"),
    bad(*BOOK, "next blursday 10:00", says=NOT_A_DATE),
    bad(*BOOK, "+99999999999d 10:00", says=NOT_A_DATE),
    bad(*BOOK, "+9999999d 10:00", says="too far from today"),
    bad(*BOOK, "2026-11-20T10:00+25:00", says=NOT_A_TIME),
    bad(*BOOK, "10:00", says=NOT_A_TIME),
    bad(*BOOK, "1e10", says=NOT_A_TIME),
    bad(*BOOK, "2026-11-20 10:00\x1b[2J", says=NOT_A_TIME),
    bad(*BOOK, "2026-11-20\n10:00", says=NOT_A_TIME),
    bad(
        *SESS,
        "list",
        "--from",
        "2026-12-01",
        "--to",
        "2026-11-01",
        says="--to must be after --from",
    ),
    bad(
        *SESS,
        "list",
        "--from",
        "2026-11-16",
        "--to",
        "2026-11-16",
        says="--to must be after --from",
    ),
    bad(*SESS, "list", "--from", "0001-01-01", says=OUT_OF_RANGE),
    bad(*SESS, "list", "--to", "9999-12-31", says=OUT_OF_RANGE),
    bad(*SESS, "list", "--from", "+99999999d", says=NOT_A_DATE),
    bad(*SESS, "list", "--from", "2026-11-31", says=NOT_A_DAY),
    bad(*SESS, "list", "--from", "someday", says=NOT_A_DATE),
    bad(*OFF, "add", "--from", "2026-12-05", "--to", "2026-12-01", says="time off must end after"),
    # --to is the last day included (issue 11): the same day is one day, not a refusal.
    bad(
        *OFF,
        "add",
        "--from",
        "2026-12-05 10:00",
        "--to",
        "2026-12-05 10:00",
        says="time off must end after",
    ),
    bad(*OFF, "add", "--from", "9999-12-30", "--to", "9999-12-31", says=OUT_OF_RANGE),
    bad(*OFF, "add", "--from", "x", "--to", "2026-12-01", says=NOT_A_DATE),
    bad(
        *SESS,
        "cancel",
        "1",
        "--reason",
        "client",
        "--notified-at",
        "2026-11-17 09:00",
        says="notice cannot have been given in the future",
    ),
    bad(
        *SESS,
        "cancel",
        "1",
        "--reason",
        "client",
        "--notified-at",
        "9999-01-01 00:00",
        says=OUT_OF_RANGE,
    ),
    bad(
        *SESS,
        "cancel",
        "1",
        "--reason",
        "client",
        "--notified-at",
        "yesterday at 7pm",
        says=NOT_A_TIME,
    ),
    bad(*SESS, "reschedule", "1", "--start", "2026-02-29 10:00", "--by", "client", says=NOT_A_DAY),
    bad(
        *SESS, "reschedule", "1", "--start", "9999-12-31 23:30", "--by", "client", says=OUT_OF_RANGE
    ),
    bad(
        *SESS,
        "cancel-range",
        "--from",
        "2026-12-04",
        "--to",
        "2026-12-01",
        "--reason",
        "professional",
        says="--to (the last day) is before --from",
    ),
    bad(
        *SESS,
        "cancel-range",
        "--from",
        "2026-12-01",
        "--to",
        "9999-12-31",
        "--reason",
        "professional",
        says=OUT_OF_RANGE,
    ),
    bad("report", "--from", "2026-13-01", says=NOT_A_DAY),
    bad("report", "--from", "2026-12-01", "--to", "2026-11-01", says="after"),
    bad("feeds", "events", "--from", "0001-01-01", says=OUT_OF_RANGE),
    bad("feeds", "events", "--from", "soon", says=NOT_A_DATE),
    # -- huge and impossible numbers ---------------------------------------------------------
    bad(*ADD, "Carl", "--fee", HUGE, says="is too large"),
    bad(*ADD, "Carl", "--fee", "21474836.48", says="is too large"),
    bad(*ADD, "Carl", "--fee", "9" * 5000, says="is too large"),
    bad(*ADD, "Carl", "--fee", "-5", says="is not an amount"),
    bad(*ADD, "Carl", "--fee", "abc", says="is not an amount"),
    bad(*ADD, "Carl", "--fee", "NaN", says="is not an amount"),
    bad(*ADD, "Carl", "--fee", "inf", says="is not an amount"),
    bad(*ADD, "Carl", "--fee", "1e5", says="is not an amount"),
    bad(*ADD, "Carl", "--fee", "90.001", says="more decimals than GBP allows"),
    bad(*ADD, "Carl", "--fee", "", says="is not an amount"),
    bad(*ADD, "Carl", "--programme", "sponsored", "--credit", HUGE, says="at most 1000"),
    bad(*ADD, "Carl", "--programme", "sponsored", "--credit", "-1", says="cannot be negative"),
    bad(*ADD, "Carl", "--programme", "sponsored", "--credit", "two", says="must be a whole number"),
    bad(*ADD, "Carl", "--window-hours", HUGE, says="between 0 and 336"),
    bad(*ADD, "Carl", "--window-hours", "-1", says="between 0 and 336"),
    bad(*ADD, "Carl", "--window-hours", "1.5", says="must be a whole number"),
    bad(*BOOK, "2026-11-20 10:00", "--minutes", HUGE, says="cannot last more than 12 hours"),
    bad(*BOOK, "2026-11-20 10:00", "--minutes", "0", says="at least one minute"),
    bad(*BOOK, "2026-11-20 10:00", "--minutes", "-50", says="at least one minute"),
    bad(*BOOK, "2026-11-20 10:00", "--minutes", "fifty", says="must be a whole number"),
    bad(*BOOK, "2026-11-20 10:00", "--fee", HUGE, says="is too large"),
    bad(
        *SESS,
        "cancel",
        "1",
        "--reason",
        "client",
        "--charge",
        "--method",
        "card",
        "--amount",
        HUGE,
        says="is too large",
    ),
    bad(
        *SESS,
        "cancel",
        "1",
        "--reason",
        "client",
        "--charge",
        "--method",
        "card",
        "--amount",
        "-1",
        says="is not an amount",
    ),
    bad(*SET, "late_fee_percent", "101", says="between 0 and 100"),
    bad(*SET, "late_fee_percent", HUGE, says="between 0 and 100"),
    bad(*SET, "late_fee_percent", "-1", says="between 0 and 100"),
    bad(*SET, "cancellation_window_hours", HUGE, says="between 0 and 336"),
    bad(*SET, "buffer_minutes", "-1", says="between 0 and 240"),
    bad(*SET, "default_minutes", "0", says="between 5 and 720"),
    bad(*SET, "default_minutes", HUGE, says="between 5 and 720"),
    bad(*SET, "default_minutes", "ten", says="must be a whole number"),
    # -- ids that name nothing ---------------------------------------------------------------
    bad("clients", "show", HUGE, says=f"no client with id {HUGE}"),
    bad("clients", "show", "2147483648", says="no client with id 2147483648"),
    bad("clients", "show", "0", says="no client with id 0"),
    bad("clients", "show", "999", says="no client with id 999"),
    bad("clients", "show", "Nobody", says="no client called 'Nobody'"),
    bad("clients", "show", "Ann", says="matches several clients"),
    bad("clients", "show", "", says="which client?"),
    bad(*SESS, "show", HUGE, says=f"no session with id {HUGE}"),
    bad(*SESS, "show", "-1", says="no session with id -1"),
    bad(*SESS, "show", "0", says="no session with id 0"),
    bad(*SESS, "show", "1.5", says="must be a whole number"),
    bad(*SESS, "show", "one", says="must be a whole number"),
    bad(*SESS, "show", "", says="must be a whole number"),
    bad(*SESS, "cancel", HUGE, "--reason", "client", says=f"no session with id {HUGE}"),
    bad(*SESS, "attend", HUGE, says=f"no session with id {HUGE}"),
    bad(*SESS, "no-show", HUGE, says=f"no session with id {HUGE}"),
    bad(*SESS, "delete", HUGE, "--yes", says=f"no session with id {HUGE}"),
    bad(
        *SESS,
        "reschedule",
        HUGE,
        "--start",
        "2026-11-20 10:00",
        "--by",
        "client",
        says=f"no session with id {HUGE}",
    ),
    bad(*OFF, "remove", HUGE, says=f"no time off with id {HUGE}"),
    bad(*OFF, "remove", "99", says="no time off with id 99"),
    bad("outbox", "retry", HUGE, says=f"no message with id {HUGE}"),
    bad("outbox", "show", HUGE, says=f"no message with id {HUGE}"),
    bad("outbox", "show", "-3", says="no message with id -3"),
    bad("outbox", "retry", "x", says="a message id is a whole number"),
    bad(*SESS, "list", "--client", HUGE, says=f"no client with id {HUGE}"),
    bad("report", "--client", HUGE, says=f"no client with id {HUGE}"),
    # -- empty names and ids -------------------------------------------------------------------
    bad(*SESS, "add", "--client", "", "--start", "2026-11-20 10:00", says="which client?"),
    bad(*SESS, "add", "--client", "   ", "--start", "2026-11-20 10:00", says="which client?"),
    bad(*SESS, "add", "--client", "\t", "--start", "2026-11-20 10:00", says="which client?"),
    bad(*SESS, "add", "--client", "Nobody", "--start", "2026-11-20 10:00", says="no client called"),
    bad(*SESS, "add", "--client", "Ann", "--start", "2026-11-20 10:00", says="matches several"),
    bad(*SESS, "list", "--client", "", says="which client?"),
    bad("report", "--client", "", says="which client?"),
    bad(*ADD, "", says="a client needs a name"),
    bad(*ADD, "   ", says="a client needs a name"),
    bad(*ADD, "12345", says="cannot be only digits"),
    bad(*SET, "name", "", says="the practice needs a name"),
    bad(*SET, "name", "  ", says="the practice needs a name"),
    # -- control characters and lengths in what people type -----------------------------------
    bad(*ADD, "Evil\x1b]0;pwned\x07", says=f"{CONTROL} (ESC)"),
    bad(*ADD, "Bell\x07", says=f"{CONTROL} (BEL)"),
    bad(*ADD, "Two\nLines", says=f"{CONTROL} (a line break)"),
    bad(*ADD, "Carriage\rReturn", says=f"{CONTROL} (a line break)"),
    bad(*ADD, "Tab\tName", says=f"{CONTROL} (a tab)"),
    bad(*ADD, "Del\x7f", says=f"{CONTROL} (U+007F)"),
    bad(*ADD, "Csi\x9b2J", says=f"{CONTROL} (U+009B)"),
    bad(*ADD, "Anna\u202eevil", says=f"{CONTROL} (U+202E)"),
    bad(*ADD, "Undecodable\udcff", says="not valid UTF-8"),
    bad(*ADD, NAME_121, says="at most 120 characters (this one has 121)"),
    bad(*ADD, "B" * 343, says="at most 120 characters (this one has 343)"),
    bad(*ADD, LONG, says="at most 120 characters (this one has 10000)"),
    bad(*ADD, "Carl", "--email", "not-an-email", says="is not an email address"),
    bad(*ADD, "Carl", "--email", "a b@c.d", says="is not an email address"),
    bad(
        *ADD,
        "Carl",
        "--email",
        "a@b.c\r\nBcc: everyone@example.com",
        says=f"{CONTROL} (a line break)",
    ),
    bad(*ADD, "Carl", "--email", "a@b.c\x1b[31m", says=f"{CONTROL} (ESC)"),
    bad(*ADD, "Carl", "--email", "a" * 250 + "@b.cd", says="at most 254 characters"),
    bad(*ADD, "Carl", "--phone", "1" * 51, says="at most 50 characters"),
    bad(*ADD, "Carl", "--phone", "07\x07700", says=f"{CONTROL} (BEL)"),
    bad(*ADD, "Carl", "--notes", "n" * 2001, says="at most 2000 characters"),
    bad(*ADD, "Carl", "--notes", "fine\n\x1b[2J", says=f"{CONTROL} (ESC)"),
    bad(*ADD, "Carl", "--currency", "XYZ", says="not an ISO 4217 currency code"),
    bad(*ADD, "Carl", "--currency", "XXX", says="not an ISO 4217 currency code"),
    bad(*ADD, "Carl", "--currency", "GB", says="is not a currency code"),
    bad(*ADD, "Carl", "--currency", "GBPX", says="is not a currency code"),
    bad(*ADD, "Carl", "--currency", "123", says="is not a currency code"),
    bad(*ADD, "Carl", "--programme", "bogus", says="'bogus' is not a programme"),
    bad(*BOOK, "2026-11-20 10:00", "--service", "s" * 201, says="at most 200 characters"),
    bad(*BOOK, "2026-11-20 10:00", "--service", "Therapy\x1b[5m", says=f"{CONTROL} (ESC)"),
    bad(*BOOK, "2026-11-20 10:00", "--location", "l" * 201, says="at most 200 characters"),
    bad(
        *BOOK, "2026-11-20 10:00", "--location", "Room 1\nRoom 2", says=f"{CONTROL} (a line break)"
    ),
    bad(*SESS, "cancel", "1", "--reason", "other", "--note", "n" * 2001, says="at most 2000"),
    bad(*SESS, "cancel", "1", "--reason", "other", "--note", "ill\x07", says=f"{CONTROL} (BEL)"),
    bad(*SESS, "no-show", "2", "--note", "\x1b]0;x\x07", says=f"{CONTROL} (ESC)"),
    bad(
        *OFF,
        "add",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-02",
        "--reason",
        "r" * 501,
        says="at most 500 characters",
    ),
    bad(
        *OFF,
        "add",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-02",
        "--reason",
        "away\x1b[2J",
        says=f"{CONTROL} (ESC)",
    ),
    bad(
        *SESS,
        "cancel-range",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-02",
        "--reason",
        "professional",
        "--note",
        "n" * 2001,
        says="at most 2000",
    ),
    bad(*SET, "name", NAME_121, says="at most 120 characters"),
    bad(*SET, "name", "Practice\x1b]0;x\x07", says=f"{CONTROL} (ESC)"),
    bad(*SET, "email", "me@example.com\r\nBcc: x@y.z", says=f"{CONTROL} (a line break)"),
    bad(*SET, "email", "nobody", says="is not an email address"),
    bad(*SET, "default_currency", "XYZ", says="not an ISO 4217 currency code"),
    bad(*SET, "default_currency", "", says="is not a currency code"),
    # -- words that are not among the choices ---------------------------------------------------
    bad(*SESS, "cancel", "1", "--reason", "bogus", says="'bogus' is not a reason"),
    bad(*SESS, "cancel", "1", "--reason", "other", says="needs a note"),
    bad(
        *SESS,
        "cancel",
        "1",
        "--reason",
        "client",
        "--charge",
        "--method",
        "bitcoin",
        says="'bitcoin' is not a payment method",
    ),
    bad(*SESS, "cancel", "1", "--reason", "client", "--amount", "10", says="go with --charge"),
    bad(*SESS, "cancel", "3", "--reason", "client", says="is cancelled, not scheduled"),
    bad(*SESS, "cancel", "2", "--reason", "professional", says="has already started"),
    bad(
        *SESS,
        "reschedule",
        "1",
        "--start",
        "2026-11-20 10:00",
        "--by",
        "bogus",
        says="--by must be client or professional (who asked), not 'bogus'",
    ),
    bad(
        *SESS,
        "reschedule",
        "1",
        "--start",
        "2026-11-20 10:00",
        "--by",
        "no_show",
        says="asked for by the client or the professional",
    ),
    bad(*SESS, "list", "--status", "bogus", says="'bogus' is not a status"),
    bad(
        *SESS,
        "cancel-range",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-02",
        "--reason",
        "client",
        says="by the professional or 'other'",
    ),
    bad(
        *SESS,
        "cancel-range",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-02",
        "--reason",
        "bogus",
        says="'bogus' is not a reason",
    ),
    bad(*SESS, "delete", "1", says="add --yes to confirm"),
    bad(*SESS, "attend", "1", says="only after it has started"),
    bad(*SET, "colour", "red", says="unknown setting 'colour'"),
    bad(*SET, "timezone", "Mars/Olympus", says="is not a time zone"),
    bad(*SET, "timezone", "../../etc/passwd", says="is not a time zone"),
    bad(*SET, "timezone", "", says="is not a time zone"),
    bad(*SET, "payment_methods", "bitcoin", says="'bitcoin' is not a payment method"),
    bad(*SET, "payment_methods", " , ", says="at least one payment method"),
    bad(*SET, "working_hours", "always", says="working hours"),
    bad("frobnicate", says="invalid choice: 'frobnicate'"),
    bad(*SESS, "frobnicate", says="invalid choice: 'frobnicate'"),
    bad(*SESS, "add", "--start", "2026-11-20 10:00", says="the following arguments are required"),
    bad(*SESS, "add", "--client", says="expected one argument"),
    bad("report", "--json", "--csv", says="not allowed with argument"),
    # -- feed addresses and files ----------------------------------------------------------------
    bad(
        *FEEDS, "add", "Work", "http://example.com:99999/x.ics", says="not a number from 1 to 65535"
    ),
    bad(*FEEDS, "add", "Work", "https://example.com:0/x.ics", says="not a number from 1 to 65535"),
    bad(
        *FEEDS, "add", "Work", "https://example.com:abc/x.ics", says="not a number from 1 to 65535"
    ),
    bad(*FEEDS, "add", "Work", "http://[::1/x.ics", says="a broken IPv6 host"),
    bad(*FEEDS, "add", "Work", "http://[::1]:99999/x.ics", says="not a number from 1 to 65535"),
    bad(*FEEDS, "add", "Work", "https://", says="has no host name"),
    bad(*FEEDS, "add", "Work", "webcal://", says="has no host name"),
    bad(*FEEDS, "add", "Work", "https://exa mple.com/x.ics", says="cannot contain spaces"),
    bad(*FEEDS, "add", "Work", "https://example.com/\x1b[2J.ics", says="cannot contain spaces"),
    bad(
        *FEEDS, "add", "Work", "ftp://example.com/x.ics", says="'ftp:' addresses are not supported"
    ),
    bad(*FEEDS, "add", "Work", "javascript:alert(1)", says="addresses are not supported"),
    bad(*FEEDS, "add", "Work", "", says="a feed needs a source"),
    bad(*FEEDS, "add", "Work", "/nonexistent/family.ics", says="no such file"),
    bad(*FEEDS, "add", "", "https://example.com/x.ics", says="a feed needs a name"),
    bad(*FEEDS, "add", "Wo\x1brk", "https://example.com/x.ics", says="control characters"),
    bad(*FEEDS, "add", "W" * 201, "https://example.com/x.ics", says="at most"),
    bad(*FEEDS, "add", "Family", "https://example.com/x.ics", says="already exists"),
    bad(
        *FEEDS,
        "add",
        "Work",
        "https://example.com/x.ics",
        "--refresh",
        "soon",
        says="invalid int value",
    ),
    bad(
        *FEEDS, "add", "Work", "https://example.com/x.ics", "--refresh", HUGE, says="at most 10080"
    ),
    bad(*FEEDS, "add", "Work", "https://example.com/x.ics", "--refresh", "-5", says="0 (never)"),
    bad(*FEEDS, "add", "Work", "https://example.com/x.ics", "--refresh", "10081", says="at most"),
    bad(*FEEDS, "sync", "Nobody", says="no feed"),
    bad(*FEEDS, "remove", "Nobody", says="no feed"),
    bad(*FEEDS, "events", "Nobody", says="no feed"),
    bad("import", "/nonexistent/x.ics", says="no such file"),
    bad("import", "https://example.com/x.ics", says="import reads a local .ics file"),
    # -- publishing targets (issue 18) ------------------------------------------------------
    bad("publish", "add", "Phone", "ftp://example.com/c", says="'ftp:' targets are not supported"),
    bad("publish", "add", "Phone", "https://me:pw@dav.example.com/c/", says="no user name"),
    bad("publish", "add", "Ph\x1bone", "/tmp/x.ics", says=CONTROL),
    bad("publish", "add", "Phone", "/tmp/x.ics", "--detail", "names", says="not a detail level"),
    bad("publish", "add", "Phone", "/tmp/x.ics", "--to-days", str(10**30), says="from 0 to"),
    bad("publish", "add", "Phone", "/nonexistent/dir/x.ics", says="no such folder"),
    bad("publish", "run", "Nobody", says="no publishing target called 'Nobody'"),
    bad("publish", "remove", "Nobody", says="no publishing target called 'Nobody'"),
    bad(*FEEDS, "add", "Work", "/tmp/x.ics", "--caldav", says="--caldav reads an http(s)"),
    # -- database URLs -----------------------------------------------------------------------
    bad(
        "--db",
        "bogus://x",
        "clients",
        "list",
        says="bogus://x is not a database URL kara-tui can use",
    ),
    bad(
        "--db", "mysql://u:pw@h/x", "clients", "list", says="kara-tui cannot use 'mysql' databases"
    ),
    bad("--db", "not a url", "clients", "list", says="is not a database URL"),
    bad("--db", "sqlite:////proc/kara.db", "clients", "list", says="cannot create the database"),
    # Config values out of range (horizon_* that overflow or are negative) are not refusals:
    # the bad value is named with its file and line and the default stands in. Those rows live
    # in test_hostile_files.py.
]


def everything(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, read straight from the file."""
    conn = sqlite3.connect(db)
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
    """A small practice, built once through the services and copied for each row.

    Clients: Anna Smith (private, 90.00 GBP), Annabel Lee, Ben Jones (sponsored, 2 credits).
    Sessions: 1 Anna Tue 17 Nov 10:00 (scheduled), 2 Anna today 07:00 (started),
    3 Anna Wed 18 Nov 10:00 (cancelled by the client). Time off 1: 24-28 Dec.
    Feed 'Family': a local file, synced.
    """
    folder = tmp_path_factory.mktemp("hostile-template")
    family = folder / "family.ics"
    family.write_bytes(FAMILY_ICS)
    engine = make_engine(f"sqlite:///{folder / 'kara.db'}")
    upgrade(engine)
    practice = Practice(engine, FixedClock(NOW))
    practice.ensure_professional()
    practice.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"))
    practice.add_client("Annabel Lee", fee=Money(8000, "GBP"))
    practice.add_client(
        "Ben Jones", programme=Programme.SPONSORED, fee=Money(6000, "GBP"), sponsored_credit=2
    )
    practice.book("Anna Smith", datetime(2026, 11, 17, 10, tzinfo=UTC))
    practice.book("Anna Smith", datetime(2026, 11, 16, 7, tzinfo=UTC), force=True)
    third = practice.book("Anna Smith", datetime(2026, 11, 18, 10, tzinfo=UTC))
    practice.cancel(third.id, Reason.CLIENT, notify=False)
    practice.add_time_off(
        datetime(2026, 12, 24, tzinfo=UTC), datetime(2026, 12, 28, tzinfo=UTC), "holiday"
    )
    feeds = Feeds(practice, Settings())
    feeds.add("Family", str(family))
    assert feeds.sync("Family")[0].ok
    engine.dispose()  # checkpoints the WAL into the file
    return folder


@pytest.fixture
def home(template: Path, tmp_path: Path) -> Path:
    shutil.copytree(template, tmp_path / "home")
    return tmp_path / "home"


def run_kara(home: Path, argv: tuple[str, ...], config: str | None) -> subprocess.CompletedProcess:
    config_file = home / "config.toml"
    if config is not None:
        config_file.write_text(config + "\n")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "LANG": "C.UTF-8",
        "KARA_DB": f"sqlite:///{home / 'kara.db'}",
        "KARA_NOW": NOW.isoformat(),
        "KARA_CONFIG": str(config_file),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    return subprocess.run(
        [str(KARA_TUI), *argv], env=env, capture_output=True, timeout=120, check=False
    )


@pytest.mark.slow  # one kara-tui process per row: about 90 s for the table on two cores
@pytest.mark.parametrize("row", ROWS)
def test_hostile_input_is_refused_in_one_line(home: Path, row: Bad) -> None:
    before = everything(home / "kara.db")
    done = run_kara(home, row.argv, row.config)
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    assert done.returncode != 0, f"accepted: {done.stdout!r}"
    assert done.returncode == row.code, err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert row.says in err
    assert done.stdout == b""
    assert everything(home / "kara.db") == before
