"""Series on the command line: `sessions add --repeat`, `sessions end-series`, the scope of
edit / reschedule / delete, and a client's series in `clients show`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kara_tui.cli import render
from kara_tui.cli.context import Context
from kara_tui.domain import DomainError, Money, Reason
from kara_tui.domain.series import Series, SeriesRule
from kara_tui.timeparse import parse_date, parse_datetime

SCOPES = ("this", "following", "all")


def _book(ctx: Context) -> Any:
    from kara_tui.services.series import SeriesBook

    return SeriesBook(ctx.practice)


def _changes(ctx: Context) -> Any:
    from kara_tui.services.series_changes import SeriesChanges

    return SeriesChanges(ctx.practice)


def _json_sessions(args: argparse.Namespace, sessions: list[Any], tz: Any) -> bool:
    """--json: the sessions a change made, as one JSON array (True: printed)."""
    if args.json:
        render.dump([render.session_json(s, tz) for s in sessions])
    return bool(args.json)


def _scope(value: str | None) -> Any:
    from kara_tui.services.series_changes import Scope

    if value is None:
        return Scope.THIS
    if value not in SCOPES:
        raise DomainError(f"--scope must be this, following or all, not '{value}'")
    return Scope(value)


def _id(text: str, what: str) -> int:
    if not text.strip().isdigit():
        raise DomainError(f"{what} must be a whole number, not '{text}'")
    return int(text)


def series_json(series: Series, sessions: list[Any], tz: Any) -> dict[str, Any]:
    first = series.first_start.astimezone(tz)
    return {
        "id": series.id,
        "uid": series.uid,
        "client": series.client_name,
        "client_id": series.client_id,
        "repeat": series.rule.repeat.value,
        "interval": series.rule.interval,
        "rule": series.rule.describe(first),
        "first_start": render.iso(series.first_start, tz),
        "minutes": series.minutes,
        "count": series.rule.count,
        "until": series.rule.until.isoformat() if series.rule.until else None,
        "ended_from": render.iso(series.ended_from, tz) if series.ended_from else None,
        "exceptions": [render.iso(x, tz) for x in series.exceptions],
        "split_from": series.split_from,
        "sessions": [render.session_json(s, tz) for s in sessions],
    }


def series_line(series: Series, tz: Any) -> str:
    first = series.first_start.astimezone(tz)
    ends = (
        f"ended from {series.ended_from.astimezone(tz):%Y-%m-%d}"
        if series.ended_from
        else series.rule.ends_text()
    )
    return (
        f"↻ series {series.id}: {series.rule.describe(first)} at {first:%H:%M} "
        f"from {first:%Y-%m-%d}, {ends}"
    )


def add(ctx: Context, args: argparse.Namespace) -> int:
    """`sessions add --repeat ...`: book the series, or refuse with its clashes by date."""
    from kara_tui.services.series import SeriesConflictError

    practice = ctx.practice
    if args.count is not None and args.until is not None:
        raise DomainError("give --count or --until, not both (or neither: no end)")
    if args.force and args.skip_conflicts:
        raise DomainError("give --force or --skip-conflicts, not both")
    today = practice.clock.today()
    until = parse_date(args.until, today) if args.until is not None else None
    count = _id(args.count, "--count") if args.count is not None else None
    rule = SeriesRule.parse(args.repeat, count=count, until=until)
    client = practice.find_client(args.client)
    fee = Money.parse(args.fee, client.fee.currency) if args.fee is not None else None
    book = _book(ctx)
    try:
        booked = book.book(
            client.id,
            parse_datetime(args.start, practice.tz, today),
            rule,
            minutes=_id(args.minutes, "--minutes") if args.minutes is not None else None,
            fee=fee,
            service=args.service or "",
            location=args.location or "",
            prepaid=args.prepaid,
            on_conflict="force" if args.force else "skip" if args.skip_conflicts else "refuse",
            notify=not args.no_notify,
        )
    except SeriesConflictError as exc:
        n = len(exc.by_date)
        print(
            f"kara-tui: {n} session{'s' if n > 1 else ''} of the series clash; nothing was "
            "booked (--force books them anyway, --skip-conflicts leaves those dates out):",
            file=sys.stderr,
        )
        for line in exc.lines:
            print(f"  {line}", file=sys.stderr)
        return 2
    tz = practice.tz
    if args.json:
        render.dump(series_json(booked.series, booked.sessions, tz))
        return 0
    print(series_line(booked.series, tz))
    for s in booked.sessions:
        print(render.session_line(s, tz))
    for skipped in booked.skipped:
        print(f"  skipped {skipped.astimezone(tz):%a %Y-%m-%d %H:%M} (a conflict)")
    return 0


def end_series(ctx: Context, args: argparse.Namespace) -> int:
    series_id = _id(args.id, "a series id")
    last = parse_date(args.from_, ctx.practice.clock.today())
    removed = _changes(ctx).end(series_id, last, notify=not args.no_notify)
    print(f"Series {series_id} ended; {len(removed)} scheduled session(s) removed.")
    return 0


def reschedule(ctx: Context, args: argparse.Namespace) -> int:
    """`sessions reschedule ID --scope following|all`: this and following, or the series."""
    practice = ctx.practice
    by = Reason(args.by) if args.by in ("client", "professional") else None
    if by is None:
        raise DomainError(f"--by must be client or professional (who asked), not '{args.by}'")
    moved = _changes(ctx).reschedule(
        _id(args.id, "a session id"),
        parse_datetime(args.start, practice.tz, practice.clock.today()),
        _scope(args.scope),
        by=by,
        minutes=_id(args.minutes, "--minutes") if args.minutes is not None else None,
        on_conflict="force" if args.force else "refuse",
        notify=not args.no_notify,
    )
    if not _json_sessions(args, moved, practice.tz):
        for s in moved:
            print(render.session_line(s, practice.tz))
    return 0


def delete(ctx: Context, args: argparse.Namespace) -> int:
    """`sessions delete ID --scope following|all`: the series ends there."""
    if not args.yes:
        raise DomainError("deleting cannot be undone: add --yes to confirm")
    removed = _changes(ctx).delete(_id(args.id, "a session id"), _scope(args.scope))
    print(f"{len(removed)} session(s) removed; the series ends before them.")
    return 0


def edit(ctx: Context, args: argparse.Namespace) -> int:
    """`sessions edit ID [--scope ...]`: service, location, fee, prepaid (never the time)."""
    practice = ctx.practice
    session_id = _id(args.id, "a session id")
    fee = None
    if args.fee is not None:
        fee = Money.parse(args.fee, practice.get_session(session_id).fee.currency)
    prepaid = {"yes": True, "no": False, None: None}.get(args.prepaid)
    if args.prepaid is not None and prepaid is None:
        raise DomainError(f"--prepaid must be yes or no, not '{args.prepaid}'")
    edited = _changes(ctx).edit(
        session_id,
        _scope(args.scope),
        service=args.service,
        location=args.location,
        fee=fee,
        prepaid=prepaid,
        notify=not args.no_notify,
    )
    if not _json_sessions(args, edited, practice.tz):
        print(f"{len(edited)} session(s) edited.")
    return 0


def client_series_lines(ctx: Context, client_id: int) -> list[str]:
    book = _book(ctx)
    tz = ctx.practice.tz
    return [series_line(s, tz) for s in book.of_client(client_id)]


def client_series_json(ctx: Context, client_id: int) -> list[dict[str, Any]]:
    book = _book(ctx)
    tz = ctx.practice.tz
    return [series_json(s, [], tz) | {"sessions": None} for s in book.of_client(client_id)]


def place_lines(ctx: Context, session_id: int) -> list[str]:
    """`sessions show`: where the session stands in its series, and what is left."""
    book = _book(ctx)
    place = book.place(session_id)
    if place is None:
        return []
    lines = [f"series: {place.series.id}, {place.description}"]
    if place.few_left:
        lines.append(f"⚑ {place.left_text}")
    return lines
