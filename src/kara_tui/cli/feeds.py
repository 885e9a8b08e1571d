"""The `feeds`, `import` and `export` commands: external calendars in, sessions out."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kara_tui.cli import render
from kara_tui.cli.args import action, actions, write_out
from kara_tui.cli.context import Context
from kara_tui.domain import DomainError
from kara_tui.domain.timeshow import clock_span
from kara_tui.timeparse import day_start, parse_date, parse_datetime

MAX_REFRESH_MINUTES = 7 * 24 * 60  # beyond a week the feed is as good as never refreshed


def _feeds(ctx: Context) -> Any:
    from kara_tui.services.feeds import Feeds

    return Feeds(ctx.practice, ctx.settings, keyring=ctx.feed_keyring())


def _bound(ctx: Context, text: str) -> datetime:
    """A --from/--to value: a bare date means its midnight in the practice zone."""
    practice = ctx.practice
    stripped = text.strip()
    if len(stripped) == 10 or ":" not in stripped:
        return day_start(parse_date(stripped, practice.clock.today()), practice.tz)
    return parse_datetime(stripped, practice.tz, practice.clock.today())


def _when(value: datetime | None, ctx: Context) -> str:
    if value is None:
        return "never"
    return f"{value.astimezone(ctx.practice.tz):%Y-%m-%d %H:%M}"


def _report_json(report: Any) -> dict[str, Any]:
    return {
        **render.fields(report, "feed", "ok", "message", "added", "updated", "removed"),
        **render.fields(report, "unchanged", "stale", "needs_confirmation"),
        "problems": [{"feed": p.feed, "uid": p.uid, "reason": p.reason} for p in report.problems],
    }


def _print_report(report: Any) -> None:
    out = sys.stdout if report.ok else sys.stderr
    print(report.message, file=out)
    for p in report.problems:
        if p.is_note:
            print(f"  note: {p.feed}: {p.reason}", file=out)
        else:
            print(f"  skipped: {p.feed}, UID {p.uid}: {p.reason}", file=out)
    if report.stale:
        print(
            f"  warning: '{report.feed}' is stale: it shows the events of its last good sync",
            file=out,
        )
    if report.needs_confirmation:
        print(
            f"  if the feed is really empty now, clear it with: "
            f"kara-tui feeds sync '{report.feed}' --accept-empty",
            file=out,
        )


# -- feeds -------------------------------------------------------------------------------


def feeds_add(ctx: Context, args: argparse.Namespace) -> int:
    refresh = args.refresh if args.refresh is not None else 60
    if not 0 <= refresh <= MAX_REFRESH_MINUTES:
        raise DomainError(
            f"--refresh must be 0 (never) or more minutes, at most {MAX_REFRESH_MINUTES} (a week)"
        )
    source = args.source.strip()
    if args.caldav and not source.lower().startswith("caldav+"):
        if not source.lower().startswith(("http://", "https://")):
            raise DomainError("--caldav reads an http(s) CalDAV calendar address")
        source = f"caldav+{source}"
    added = _feeds(ctx).add(
        args.name, source, refresh_minutes=refresh, block_all_day=args.block_all_day
    )
    if added.note:
        print(added.note, file=sys.stderr)
    print(f"Added feed '{added.feed.name}' ({added.feed.source}).")
    print(f"Fetch its events with: kara-tui feeds sync '{added.feed.name}'")
    return 0


def _feed_json(feed: Any, tz: Any) -> dict[str, Any]:
    return {
        **render.fields(feed, "name", "source", "enabled", "refresh_minutes"),
        "last_attempt": render.iso(feed.last_attempt, tz),
        "last_success": render.iso(feed.last_success, tz),
        "last_error": feed.last_error,
        "stale": feed.stale,
        "event_count": feed.event_count,
        "block_all_day": feed.block_all_day,
    }


def feeds_list(ctx: Context, args: argparse.Namespace) -> int:
    feeds = _feeds(ctx).all_feeds()
    if args.json:
        tz = ctx.practice.tz
        render.dump([_feed_json(f, tz) for f in feeds])
        return 0
    if not feeds:
        print("No feeds yet. Add one: kara-tui feeds add Work https://example.com/calendar.ics")
    for f in feeds:
        state = "enabled" if f.enabled else "disabled"
        flags = ("  blocks all-day" if f.block_all_day else "") + ("  STALE" if f.stale else "")
        print(
            f"{f.name:<20.20}  {state:<8}  {f.event_count:>6} events  "
            f"last success {_when(f.last_success, ctx)}{flags}"
        )
        print(f"    {f.source}")
        if f.last_error:
            print(f"    last error: {f.last_error}")
    return 0


def feeds_edit(ctx: Context, args: argparse.Namespace) -> int:
    if args.block_all_day is None:
        raise DomainError("nothing to change: say --block-all-day or --no-block-all-day")
    feed = _feeds(ctx).set_block_all_day(args.name, args.block_all_day)
    what = "block" if feed.block_all_day else "do not block"
    print(f"Feed '{feed.name}': its all-day events {what} your time.")
    return 0


def feeds_remove(ctx: Context, args: argparse.Namespace) -> int:
    _feeds(ctx).remove(args.name)
    print(f"Removed feed '{args.name.strip()}' and its events (your sessions are untouched).")
    return 0


def feeds_enable(ctx: Context, args: argparse.Namespace) -> int:
    feed = _feeds(ctx).set_enabled(args.name, args.enabled)
    print(f"Feed '{feed.name}' is {'enabled' if feed.enabled else 'disabled'}.")
    return 0


def feeds_sync(ctx: Context, args: argparse.Namespace) -> int:
    reports = None
    if not getattr(args, "demo", False):
        # Unchanged local feeds are told apart before SQLAlchemy and the parser are loaded,
        # and a local feed with nothing stored yet is stored without SQLAlchemy.
        from kara_tui.services.feed_quick import sync_unchanged

        services = ctx.services  # the quick reads' clock and zone: no Practice built yet
        # The clock's zone is the practice's, read as the services were built (a whole
        # Professional would load domain/model.py for its name alone).
        now, tz = services.clock.now(), services.clock.tz
        reports = sync_unchanged(ctx.database_url(), ctx.settings, now, tz, args.name)
        if reports is None:
            from kara_tui.services.feed_cold import sync_first

            reports = sync_first(ctx.database_url(), ctx.settings, now, tz, args.name)
    if reports is None:
        reports = _feeds(ctx).sync(args.name, accept_empty=args.accept_empty)
    nothing = "No enabled feeds to sync."
    return render.report_runs(args, reports, _report_json, _print_report, nothing)


def feeds_events(ctx: Context, args: argparse.Namespace) -> int:
    practice = ctx.practice
    start = (
        _bound(ctx, args.from_) if args.from_ else day_start(practice.clock.today(), practice.tz)
    )
    end = _bound(ctx, args.to) if args.to else start + timedelta(days=7)
    if end <= start:
        raise DomainError("--to must be after --from")
    events = _feeds(ctx).events(args.name, start=start, end=end)
    return render.print_list(
        args,
        events,
        practice.tz,
        render.external_event_json,
        _event_line,
        "No external events in that range.",
    )


def _event_line(e: Any, tz: Any) -> str:
    if e.all_day:
        last = e.end - timedelta(days=1)
        span = "all day" if last <= e.start else f"to {last:%a %d}"
        when = f"{e.start:%a %Y-%m-%d}  {span:<9}"
    else:
        when = f"{e.start.astimezone(tz):%a %Y-%m-%d} {clock_span(e.start, e.end, tz)}"
    flags = " (cancelled)" if e.cancelled else "" if e.busy else " (free)"
    return f"{when}  {e.feed_name:<14.14}  {e.summary}{flags}"


# -- import / export ----------------------------------------------------------------------


def import_file(ctx: Context, args: argparse.Namespace) -> int:
    report = _feeds(ctx).import_file(args.file, args.name)
    _print_report(report)
    return 0 if report.ok else 1


def export(ctx: Context, args: argparse.Namespace) -> int:
    from kara_tui.ical.export import export_sessions
    from kara_tui.services.series import SeriesBook

    practice = ctx.practice
    sessions = practice.list_sessions()
    body = export_sessions(
        [s for s in sessions if s.series_id is None],  # a series is written whole, below
        stamp=practice.clock.now(),
        calendar_name=practice.professional().name,
        private=args.private,
        series=SeriesBook(practice).calendar_events(),
    )
    if args.out is None or args.out == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return 0
    path = Path(args.out).expanduser()
    # Readable only by its owner, --private too (it still shows when the practice is busy):
    # sharing it is the user's choice (chmod), never a default.
    write_out(path, body)
    print(
        f"Wrote {len(sessions)} sessions to {path}{' (private: Busy blocks only)' if args.private else ''}."
    )
    return 0


_BLOCK_HELP = (
    "its all-day events make conflicts (off by default: a holiday feed's days do not block)"
)


def register(sub: Any) -> None:
    """Fill in the parsers of this module's commands (their help lines: cli.COMMANDS)."""
    feeds = actions(sub, "feeds")
    add = "add a feed: an https/webcal address or a local .ics file"
    p = action(feeds, "add", feeds_add, "name", help=add)
    p.add_argument("source", help="the feed's address (kept secret) or an .ics file")
    p.add_argument("--refresh", type=int, metavar="MINUTES", help="refresh interval (default 60)")
    p.add_argument("--block-all-day", action="store_true", help=_BLOCK_HELP)
    p.add_argument(
        "--caldav",
        action="store_true",
        help="the address is a CalDAV calendar (same as caldav+https://...): read by calendar-query",
    )
    p = action(feeds, "edit", feeds_edit, "name", help="change a feed's settings")
    p.add_argument(
        "--block-all-day", action=argparse.BooleanOptionalAction, default=None, help=_BLOCK_HELP
    )
    action(feeds, "list", feeds_list, help="feeds with their last status", json=True)
    action(feeds, "remove", feeds_remove, "name", help="remove a feed and its events")
    enable = "show and sync a feed again"
    action(feeds, "enable", feeds_enable, "name", help=enable, enabled=True)
    disable = "hide a feed and stop syncing it"
    action(feeds, "disable", feeds_enable, "name", help=disable, enabled=False)
    sync = "fetch one feed, or every enabled feed"
    p = action(feeds, "sync", feeds_sync, help=sync, json=True)
    p.add_argument("name", nargs="?")
    p.add_argument(
        "--accept-empty",
        action="store_true",
        help="the feed really is empty now: clear its stored events",
    )
    events = "stored external events overlapping [from, to)"
    p = action(feeds, "events", feeds_events, help=events, json=True)
    p.add_argument("name", nargs="?")
    p.add_argument("--from", dest="from_", metavar="DATE", help="default: today")
    p.add_argument("--to", metavar="DATE", help="default: a week after --from")

    p = action(sub, "import", import_file, "file")
    p.add_argument("--name", help="the feed's name (default: the file's name)")

    p = action(sub, "export", export)
    p.add_argument("--out", metavar="FILE", help="default: standard output")
    p.add_argument(
        "--private", action="store_true", help="'Busy' blocks only: no names, notes or places"
    )
