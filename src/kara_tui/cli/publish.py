"""The `publish` command: the practice calendar on a CalDAV calendar or an .ics file (one-way)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from kara_tui.cli import render
from kara_tui.cli.args import action, actions
from kara_tui.cli.context import Context

_DETAIL_HELP = "what the target shows: busy (default: 'Busy' only), initials, or full"


def _targets(ctx: Context) -> Any:
    from kara_tui.services.publish_targets import PublishTargets

    return PublishTargets(ctx.practice, keyring=ctx.feed_keyring())


def _ask() -> Callable[[str], str] | None:
    """A password prompt when a person is at a terminal; None from cron or a script."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    import getpass

    def ask(prompt: str) -> str:
        return getpass.getpass(prompt, stream=sys.stderr)

    return ask


def _when(value: Any, ctx: Context) -> str:
    if value is None:
        return "never"
    return f"{value.astimezone(ctx.practice.tz):%Y-%m-%d %H:%M}"


def publish_add(ctx: Context, args: argparse.Namespace) -> int:
    from kara_tui.services.publish_targets import CALDAV, check_target

    kind, _ = check_target(args.target)
    password = None
    if kind == CALDAV and args.user and not args.password_env:
        ask = _ask()
        if ask is not None:
            password = ask(f"Password for {args.user} (kept in your keyring): ") or None
    target = _targets(ctx).add(
        args.name,
        args.target,
        detail=args.detail,
        user=args.user or "",
        password_env=args.password_env or "",
        password=password,
        from_days=args.from_days,
        to_days=args.to_days,
        time_off=args.time_off,
    )
    print(f"Added target '{target.name}' ({target.shown}, detail {target.detail.value}).")
    if kind == CALDAV and args.user and not args.password_env and password is None:
        print(
            f"  no password yet: run 'kara-tui publish run {target.name}' in a terminal to give "
            "it once, or add the target again with --password-env VAR",
            file=sys.stderr,
        )
    print(f"Publish now with: kara-tui publish run '{target.name}'")
    return 0


def _target_json(t: Any, ctx: Context) -> dict[str, Any]:
    tz = ctx.practice.tz
    return {
        "name": t.name,
        "kind": t.kind,
        "target": t.shown,
        "detail": t.detail.value,
        "user": t.username,
        "password_env": t.password_env,
        "from_days": t.from_days,
        "to_days": t.to_days,
        "time_off": t.time_off,
        "enabled": t.enabled,
        "published": t.published,
        "last_attempt": render.iso(t.last_attempt, tz),
        "last_success": render.iso(t.last_success, tz),
        "last_error": t.last_error,
        "last_note": t.last_note,
    }


def publish_list(ctx: Context, args: argparse.Namespace) -> int:
    targets = _targets(ctx).list()
    if args.json:
        render.dump([_target_json(t, ctx) for t in targets])
        return 0
    if not targets:
        print(
            "No publishing targets yet. Add one: kara-tui publish add Phone https://dav.example.com/cal/"
        )
    for t in targets:
        print(
            f"{t.name:<20.20}  {t.kind:<6}  {t.detail.value:<8}  {t.published:>5} events  "
            f"last success {_when(t.last_success, ctx)}"
        )
        print(f"    {t.shown}")
        if t.last_error:
            print(f"    last error: {t.last_error}")
        if t.last_note:
            print(f"    note: {t.last_note}")
    return 0


def _report_json(report: Any) -> dict[str, Any]:
    return {
        **render.fields(report, "target", "ok", "message", "written", "deleted", "unchanged"),
        "notes": list(report.notes),
    }


def publish_run(ctx: Context, args: argparse.Namespace) -> int:
    from kara_tui.services.publish_run import Publisher

    reports = Publisher(ctx.practice, _targets(ctx)).run(args.name, ask=_ask())
    nothing = "No publishing targets to run."
    return render.report_runs(args, reports, _report_json, _print_run, nothing)


def _print_run(report: Any) -> None:
    out = sys.stdout if report.ok else sys.stderr
    print(report.message, file=out)
    for note in report.notes:
        print(f"  note: {note}", file=out)


def publish_remove(ctx: Context, args: argparse.Namespace) -> int:
    target = _targets(ctx).remove(args.name)
    print(
        f"Removed target '{target.name}'. What it holds stays there; kara-tui no longer updates it."
    )
    return 0


def _days(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of days") from None


def register(sub: Any) -> None:
    """Fill in the parsers of this module's commands (their help lines: cli.COMMANDS)."""
    publish = actions(sub, "publish")
    add = "add a target: a CalDAV calendar URL or an .ics file"
    p = action(publish, "add", publish_add, "name", help=add)
    p.add_argument("target", help="http(s) CalDAV calendar (kept secret), or an .ics file path")
    p.add_argument("--detail", default="busy", metavar="LEVEL", help=_DETAIL_HELP)
    p.add_argument("--user", metavar="U", help="CalDAV user name")
    p.add_argument(
        "--password-env",
        metavar="VAR",
        help="environment variable holding the password (default: your keyring, asked once)",
    )
    p.add_argument("--from-days", type=_days, default=90, metavar="N", help="days back (90)")
    p.add_argument("--to-days", type=_days, default=365, metavar="N", help="days ahead (365)")
    p.add_argument("--time-off", action="store_true", help="publish time off as busy too")
    listing = "targets with their last success, error and note"
    action(publish, "list", publish_list, help=listing, json=True)
    run = "bring one target, or every one, up to date (cron)"
    p = action(publish, "run", publish_run, help=run, json=True)
    p.add_argument("name", nargs="?")
    action(publish, "remove", publish_remove, "name", help="stop publishing to a target")
