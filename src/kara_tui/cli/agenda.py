"""`kara-tui agenda [--date D] [--json]`: the day's sessions, quick enough for a login message."""

from __future__ import annotations

import argparse
from typing import Any

from kara_tui.cli import render
from kara_tui.cli.args import action
from kara_tui.cli.context import Context
from kara_tui.domain import SessionStatus
from kara_tui.domain.privacy import initials
from kara_tui.domain.timeshow import clock_span
from kara_tui.policy.charges import balance_words

# The glyph before a session's status word (SessionStatus.label); a scheduled one says nothing.
_GLYPHS = {
    SessionStatus.ATTENDED: "✓",
    SessionStatus.NO_SHOW: "✗",
    SessionStatus.CANCELLED: "⊘",
}


def agenda(ctx: Context, args: argparse.Namespace) -> int:
    from kara_tui.services.agenda import PracticeReads, agenda

    services = ctx.services
    # An up-to-date SQLite file is read with the stdlib driver (no SQLAlchemy); else the Practice.
    quick: Any = services.quick  # a QuickReader, which has the agenda's reads too
    reads = quick if quick is not None else PracticeReads(services.practice)
    tz = services.tz
    on = services.clock.now().astimezone(tz).date()  # today: KARA_NOW when set
    if args.date:
        from kara_tui.timeparse import parse_date

        on = parse_date(args.date, on)
    day = agenda(reads, on, tz, services.clock.now())
    shown = initials if ctx.settings.privacy else str  # --privacy or the config: initials
    if args.json:
        render.dump(
            {
                "date": day.day.isoformat(),
                "timezone": tz.key,
                "sessions": [
                    {
                        "id": e.session.id,
                        "client": shown(e.session.client_name),
                        "client_id": e.session.client_id,
                        "start": render.iso(e.session.start, tz),
                        "end": render.iso(e.session.end, tz),
                        "minutes": e.session.minutes,
                        "status": e.session.status.value,
                        "location": e.session.location,
                        "service": e.session.service,
                        "series": e.series,
                        "balance": [render.money(m) for m in e.balance],
                    }
                    for e in day.entries
                ],
            }
        )
        return 0
    when = f"{day.day:%a} {day.day.day} {day.day:%b %Y}"
    if not day.entries:
        print(f"No sessions on {when}.")
        return 0
    n = len(day.entries)
    print(f"{when} · {n} session{'s' if n != 1 else ''} · {tz.key}")
    for e in day.entries:
        s = e.session
        glyph = _GLYPHS.get(s.status)
        parts = [s.location, e.series or "", f"{glyph} {s.status.label}" if glyph else ""]
        parts += [balance_words(e.balance)] if e.balance else []
        notes = " · ".join(p for p in parts if p)
        start, end = s.start.astimezone(tz), s.end.astimezone(tz)
        name = shown(s.client_name)
        print(f"{clock_span(start, end, tz)}  {name:<24.24}  {notes}".rstrip())
    return 0


def register(sub: Any) -> None:
    """Fill in the parser of this module's command (its help line: cli.COMMANDS)."""
    p = action(sub, "agenda", agenda, json=True)
    p.add_argument(
        "--date", metavar="D", help="the day to show: 2026-12-08, tomorrow, monday (default today)"
    )
