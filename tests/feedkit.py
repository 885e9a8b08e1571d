"""Feed test helpers: small iCalendar documents, a keyring in memory, and write counting."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from keyring.backend import KeyringBackend
from sqlalchemy import Engine, text


@dataclass(frozen=True)
class Ev:
    """One VEVENT; times are written in UTC (or as dates for all-day events)."""

    uid: str
    start: datetime | date
    minutes: int = 60
    summary: str = "Meeting"
    rrule: str | None = None
    transparent: bool = False
    status: str | None = None
    location: str = ""
    extra: str = ""

    def lines(self) -> list[str]:
        out = ["BEGIN:VEVENT", f"UID:{self.uid}", "DTSTAMP:20261101T000000Z"]
        if isinstance(self.start, datetime):
            end = self.start + timedelta(minutes=self.minutes)
            out += [f"DTSTART:{self.start:%Y%m%dT%H%M%SZ}", f"DTEND:{end:%Y%m%dT%H%M%SZ}"]
        else:
            end_day = self.start + timedelta(days=max(1, self.minutes // 1440))
            out += [f"DTSTART;VALUE=DATE:{self.start:%Y%m%d}", f"DTEND;VALUE=DATE:{end_day:%Y%m%d}"]
        out.append(f"SUMMARY:{self.summary}")
        if self.location:
            out.append(f"LOCATION:{self.location}")
        if self.rrule:
            out.append(f"RRULE:{self.rrule}")
        if self.transparent:
            out.append("TRANSP:TRANSPARENT")
        if self.status:
            out.append(f"STATUS:{self.status}")
        if self.extra:
            out += self.extra.splitlines()
        out.append("END:VEVENT")
        return out


def ics(*events: Ev, name: str = "Work") -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//kara-tui tests//EN",
        f"X-WR-CALNAME:{name}",
    ]
    for e in events:
        lines += e.lines()
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def week_of_events(n: int = 5, *, day: datetime | None = None, prefix: str = "ev") -> list[Ev]:
    """``n`` one-hour events on consecutive days at 14:00 UTC from Tue 17 Nov 2026."""
    first = day or datetime.fromisoformat("2026-11-17T14:00:00+00:00")
    return [
        Ev(f"{prefix}-{i}@example.com", first + timedelta(days=i), summary=f"Event {i}")
        for i in range(n)
    ]


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps secrets in a dict: tests never touch the user's real keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.secrets:
            raise PasswordDeleteError(username)
        del self.secrets[(service, username)]


def count_event_writes(engine: Engine) -> None:
    """Count every INSERT, UPDATE and DELETE on external_events in a side table, with triggers."""
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS event_writes (op TEXT)"))
        for op in ("INSERT", "UPDATE", "DELETE"):
            conn.execute(
                text(
                    f"CREATE TRIGGER IF NOT EXISTS count_{op.lower()} AFTER {op} ON external_events "
                    f"BEGIN INSERT INTO event_writes VALUES ('{op}'); END"
                )
            )


def event_writes(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM event_writes")).scalar_one())


def reset_event_writes(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM event_writes"))


def snapshot(engine: Engine) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every stored external event and every feed row, to compare before and after."""
    with engine.connect() as conn:
        events = [tuple(r) for r in conn.execute(text("SELECT * FROM external_events ORDER BY id"))]
        feeds = [tuple(r) for r in conn.execute(text("SELECT * FROM feeds ORDER BY id"))]
    return events, feeds


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file (its WAL included), for a sync to compare with."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
