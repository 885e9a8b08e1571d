"""The `clients`, `sessions`, `timeoff` and `settings` commands: the calendar's operations, for scripts."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from kara_tui.cli import render
from kara_tui.cli.args import action, actions, choice, whole
from kara_tui.cli.context import Context
from kara_tui.dayspan import describe, typed_span
from kara_tui.domain import DomainError, Money, PaymentMethod, Programme, Reason, SessionStatus
from kara_tui.domain.currencies import check_iso_currency
from kara_tui.domain.timeshow import clock
from kara_tui.policy.sponsored import booking_credit_warning
from kara_tui.timeparse import day_start, parse_date, parse_datetime, parse_moment

# -- argument readers: each turns bad input into a DomainError naming the value -------------


def _when(ctx: Context, text: str) -> datetime:
    services = ctx.services
    return parse_datetime(text, services.tz, services.clock.today())


def _bound(ctx: Context, text: str) -> datetime:
    """A --from/--to value: a bare date means its midnight in the practice zone."""
    services = ctx.services  # the clock and zone are known without building the Practice
    stripped = text.strip()
    if len(stripped) == 10 or not any(ch == ":" for ch in stripped):
        return day_start(parse_date(stripped, services.clock.today()), services.tz)
    return _when(ctx, stripped)


def _charge(ctx: Context, args: argparse.Namespace, session_id: int) -> Any:
    from kara_tui.services.practice import ChargeRequest

    if not args.charge:
        if args.amount is not None or args.method is not None:
            raise DomainError("--amount and --method go with --charge")
        return None
    session = ctx.practice.get_session(session_id)
    amount = Money.parse(args.amount, session.fee.currency) if args.amount is not None else None
    method = choice(PaymentMethod, args.method, "payment method") if args.method else None
    return ChargeRequest(amount=amount, method=method)


def _say_if_not_notified(ctx: Context, session_id: int, wanted: bool) -> None:
    """A notice was asked for but the client has no email: say so (nothing was queued)."""
    if not wanted:
        return
    client = ctx.practice.find_client(ctx.practice.get_session(session_id).client_id)
    if not client.email:
        print("not notified: no email address", file=sys.stderr)


# -- clients ----------------------------------------------------------------------------


def clients_add(ctx: Context, args: argparse.Namespace) -> int:
    practice = ctx.practice
    from kara_tui.policy.reminders import client_leads

    leads = client_leads(args.reminders or "")  # refused before the client is added
    currency = check_iso_currency(args.currency or practice.professional().default_currency)
    fee = Money.parse(args.fee, currency) if args.fee is not None else Money(0, currency)
    client = practice.add_client(
        args.name,
        email=args.email or "",
        phone=args.phone or "",
        programme=choice(Programme, args.programme, "programme"),
        fee=fee,
        window_hours=whole(args.window_hours, "--window-hours") if args.window_hours else None,
        sponsored_credit=whole(args.credit, "--credit") if args.credit else 0,
        notes=args.notes or "",
    )
    if leads is not None:
        from kara_tui.services.reminders import set_client_leads

        set_client_leads(practice, client.id, leads)
        client = practice.find_client(client.id)
    if args.json:
        render.dump(render.client_json(client))
    else:
        print(client.id)
    return 0


def clients_list(ctx: Context, args: argparse.Namespace) -> int:
    clients = ctx.practice.list_clients(include_archived=args.all)
    if args.json:
        render.dump([render.client_json(c) for c in clients])
        return 0
    if not clients:
        print("No clients yet. Add one: kara-tui clients add 'Name' --email a@b.c --fee 90")
    for c in clients:
        window = f"{c.window_hours} h window" if c.window_hours is not None else ""
        window += "  archived" if c.archived else ""
        print(f"{c.id:>5}  {c.name:<28.28}  {c.programme.value:<9}  {c.fee!s:>12}  {window}")
    return 0


def clients_show(ctx: Context, args: argparse.Namespace) -> int:
    practice = ctx.practice
    client = practice.find_client(args.client)
    sessions = practice.list_sessions(client_id=client.id)
    tz = practice.tz
    from kara_tui.cli.clients import money_record

    record = money_record(ctx, client, sessions)
    if args.json:
        doc = render.client_json(client)
        doc["notes"] = client.notes
        doc.update(record.json)
        doc["sessions"] = [render.session_json(s, tz) for s in sessions]
        from kara_tui.cli import series as series_cli

        doc["series"] = series_cli.client_series_json(ctx, client.id)
        render.dump(doc)
        return 0
    archived = ", archived" if client.archived else ""
    print(f"{client.name} (id {client.id}), {client.programme.value}, fee {client.fee}{archived}")
    for label, value in (("email", client.email), ("phone", client.phone)):
        if value:
            print(f"  {label}: {value}")
    if client.window_hours is not None:
        print(f"  own cancellation window: {client.window_hours} h")
    if client.reminder_leads is not None:
        from kara_tui.policy.reminders import client_leads_words

        print(f"  reminders: {client_leads_words(client.reminder_leads)}")
    if client.programme is Programme.SPONSORED:
        print(f"  sponsored credit: {client.sponsored_credit}")
    for line in record.lines:
        print(f"  {line}")
    from kara_tui.cli import series as series_cli

    for line in series_cli.client_series_lines(ctx, client.id):
        print(f"  {line}")
    for s in sessions:
        print(render.session_line(s, tz))
    return 0


# -- sessions ---------------------------------------------------------------------------


def _print_session(ctx: Context, args: argparse.Namespace, session: Any) -> None:
    if getattr(args, "json", False):
        render.dump(render.session_json(session, ctx.practice.tz))
    else:
        print(session.id)


def sessions_add(ctx: Context, args: argparse.Namespace) -> int:
    if args.repeat is not None:  # a series (cli/series.py)
        return _later("series", "add")(ctx, args)
    if args.count is not None or args.until is not None or args.skip_conflicts:
        raise DomainError("--count, --until and --skip-conflicts go with --repeat")
    practice = ctx.practice
    client = practice.find_client(args.client)
    fee = Money.parse(args.fee, client.fee.currency) if args.fee is not None else None
    warning = booking_credit_warning(client)
    session = practice.book(
        client.id,
        _when(ctx, args.start),
        minutes=whole(args.minutes, "--minutes") if args.minutes is not None else None,
        fee=fee,
        service=args.service or "",
        location=args.location or "",
        prepaid=args.prepaid,
        force=args.force,
        notify=not args.no_notify,
    )
    if warning:
        print(f"warning: {client.name} has {warning}", file=sys.stderr)
    _print_session(ctx, args, session)
    return 0


def sessions_list(ctx: Context, args: argparse.Namespace) -> int:
    services = ctx.services
    start = _bound(ctx, args.from_) if args.from_ else None
    end = _bound(ctx, args.to) if args.to else None
    if start and end and end <= start:
        raise DomainError("--to must be after --from")
    client_id = services.practice.find_client(args.client).id if args.client is not None else None
    status = choice(SessionStatus, args.status.replace("-", "_"), "status") if args.status else None
    if services.quick is not None and client_id is None and status is None:
        # The calendar's quick reads give the same sessions without SQLAlchemy.
        sessions = services.quick.list_sessions(start=start, end=end)
    else:
        sessions = services.practice.list_sessions(
            start=start, end=end, client_id=client_id, status=status
        )
    return render.print_list(
        args,
        sessions,
        services.tz,
        render.session_json,
        render.session_line,
        "No sessions in that range.",
    )


def sessions_show(ctx: Context, args: argparse.Namespace) -> int:
    practice = ctx.practice
    session = practice.get_session(whole(args.id, "a session id"))
    tz = practice.tz
    history = practice.history(session.id)
    if args.json:
        doc = render.session_json(session, tz)
        doc["history"] = [render.audit_json(a, tz) for a in history]
        render.dump(doc)
        return 0
    start = session.start.astimezone(tz)
    print(f"Session {session.id} with {session.client_name}")
    print(f"  when:   {start:%A %d %B %Y} {clock(start)} ({session.minutes} min)")
    print(f"  status: {session.status.value.replace('_', '-')}")
    print(f"  fee:    {session.fee}{' (prepaid)' if session.prepaid else ''}")
    if session.service:
        print(f"  service: {session.service}")
    if session.location:
        print(f"  where:  {session.location}")
    if session.rescheduled_from:
        print(f"  rescheduled from session {session.rescheduled_from}")
    from kara_tui.cli import series as series_cli

    for line in series_cli.place_lines(ctx, session.id):
        print(f"  {line}")
    c = session.cancellation
    if c:
        from kara_tui.policy.cancellation import format_hours  # not for the other commands

        late = "late" if c.late else "not late"
        print(f"  reason: {c.reason.label}{': ' + c.note if c.note else ''}")
        print(
            f"  notice: given {c.notified_at.astimezone(tz):%a %d %b %H:%M}, "
            f"{format_hours(c.notice_hours)} before the start ({late})"
        )
    for ch in session.charges:
        method = ch.method.value if ch.method else "-"
        print(f"  charge: {ch.amount} {ch.kind.value} by {method} ({ch.status.value})")
    print("  history:")
    for a in history:
        print(
            f"    {a.at.astimezone(tz):%Y-%m-%d %H:%M}  {a.action}{'  ' + a.reason if a.reason else ''}"
        )
    return 0


def sessions_cancel(ctx: Context, args: argparse.Namespace) -> int:
    practice = ctx.practice
    session_id = whole(args.id, "a session id")
    reason = choice(Reason, args.reason.replace("-", "_"), "reason")
    notified_at = (
        parse_moment(args.notified_at, practice.tz, practice.clock.now())
        if args.notified_at
        else None
    )
    charge = _charge(ctx, args, session_id)
    session = practice.cancel(
        session_id,
        reason,
        note=args.note or "",
        notified_at=notified_at,
        charge=charge,
        notify=not args.no_notify,
        message=args.message or "",
    )
    _say_if_not_notified(ctx, session.id, not args.no_notify)
    if args.json:
        render.dump(render.session_json(session, practice.tz))
    else:
        c = session.cancellation
        charged = f", charged {session.charges[0].amount}" if c and c.charged else ""
        print(f"Session {session.id} cancelled ({reason.label}{charged}).")
    return 0


def sessions_reschedule(ctx: Context, args: argparse.Namespace) -> int:
    if args.scope not in (None, "this"):  # this and following, or the whole series
        return _later("series", "reschedule")(ctx, args)
    practice = ctx.practice
    try:
        by = Reason(args.by)
    except ValueError:  # the service says the same of no_show and other
        raise DomainError(
            f"--by must be client or professional (who asked), not '{args.by}'"
        ) from None
    session = practice.reschedule(
        whole(args.id, "a session id"),
        _when(ctx, args.start),
        by=by,
        minutes=whole(args.minutes, "--minutes") if args.minutes is not None else None,
        force=args.force,
        notify=not args.no_notify,
        message=args.message or "",
    )
    _say_if_not_notified(ctx, session.id, not args.no_notify)
    _print_session(ctx, args, session)
    return 0


def sessions_attend(ctx: Context, args: argparse.Namespace) -> int:
    session = ctx.practice.attend(whole(args.id, "a session id"))
    charged = [c for c in session.charges if c.kind == "session" and c.status != "void"]
    said = f", charged {charged[0].amount} for the session ({charged[0].status})" if charged else ""
    print(f"Session {session.id} marked attended{said}.")
    return 0


def sessions_no_show(ctx: Context, args: argparse.Namespace) -> int:
    session_id = whole(args.id, "a session id")
    message = "" if args.no_notify else (args.message or "")
    session = ctx.practice.no_show(
        session_id, charge=_charge(ctx, args, session_id), note=args.note or "", message=message
    )
    _say_if_not_notified(ctx, session.id, bool(message.strip()))
    charged = f", charged {session.charges[0].amount}" if session.charges else ""
    print(f"Session {session.id} marked no-show{charged}.")
    return 0


_INSTEAD = {
    "cancel": "kara-tui sessions cancel {id} --reason ...",
    "unmark": "kara-tui sessions unmark {id}",
}


def sessions_delete(ctx: Context, args: argparse.Namespace) -> int:
    if args.scope not in (None, "this"):  # this and following, or the whole series
        return _later("series", "delete")(ctx, args)
    session_id = whole(args.id, "a session id")
    decision = ctx.practice.deletion(session_id)
    if not decision.allowed:
        hint = _INSTEAD.get(decision.instead, "")
        raise DomainError(
            decision.why
            + (f" ({hint.format(id=session_id)})" if hint else "")
            + "; nothing was deleted"
        )
    if not args.yes:
        raise DomainError(
            f"{decision.why}; deleting is only for a session booked by mistake, and it cannot "
            "be undone: add --yes to confirm (to call a session off, use 'sessions cancel')"
        )
    ctx.practice.delete(session_id)
    print(f"Session {session_id} deleted.")
    return 0


def sessions_unmark(ctx: Context, args: argparse.Namespace) -> int:
    session = ctx.practice.unmark(whole(args.id, "a session id"))
    print(f"Session {session.id} is scheduled again (attendance undone).")
    return 0


def _days(ctx: Context, args: argparse.Namespace, backwards: str) -> tuple[datetime, datetime]:
    """--from/--to of a range of days: a bare --to date is the last day included."""
    practice = ctx.practice
    return typed_span(args.from_, args.to, practice.tz, practice.clock.today(), backwards=backwards)


def sessions_cancel_range(ctx: Context, args: argparse.Namespace) -> int:
    practice = ctx.practice
    start, end = _days(ctx, args, "--to (the last day) is before --from")
    reason = choice(Reason, args.reason, "reason")
    cancelled = practice.cancel_range(
        start, end, reason, note=args.note or "", notify=not args.no_notify
    )
    if not args.no_notify:
        emails = {c.id: c.email for c in practice.list_clients(include_archived=True)}
        skipped = sum(1 for s in cancelled if not emails.get(s.client_id))
        if skipped:
            print(f"{skipped} session(s) not notified: no email address", file=sys.stderr)
    tz = practice.tz
    if args.json:
        render.dump([render.session_json(s, tz) for s in cancelled])
    else:
        print(f"{len(cancelled)} session(s) cancelled; the range is blocked as time off.")
        for s in cancelled:
            print(render.session_line(s, tz))
    return 0


# -- time off and settings -------------------------------------------------------------


def timeoff_add(ctx: Context, args: argparse.Namespace) -> int:
    practice = ctx.practice
    block = practice.add_time_off(
        *_days(ctx, args, "time off must end after it starts"), args.reason or ""
    )
    print(block.id)
    return 0


def timeoff_list(ctx: Context, args: argparse.Namespace) -> int:
    practice = ctx.practice
    tz = practice.tz
    blocks = practice.list_time_off()
    if args.json:
        render.dump([render.time_off_json(b, tz) for b in blocks])
        return 0
    for b in blocks:
        print(f"{b.id:>5}  {describe(b.start, b.end, tz)}  {b.reason}")
    return 0


def timeoff_remove(ctx: Context, args: argparse.Namespace) -> int:
    """Time off blocked by mistake, or no longer taken: the range takes bookings again."""
    ctx.practice.remove_time_off(whole(args.id, "a time-off id"))
    print(f"Time off {args.id} removed; the range takes bookings again.")
    return 0


def settings_show(ctx: Context, args: argparse.Namespace) -> int:
    pro = ctx.practice.professional()
    if args.json:
        render.dump(render.professional_json(pro))
        return 0
    from kara_tui.policy.settings import settings_text  # not for the other commands

    for key, value in settings_text(pro).items():
        print(f"{key} = {value}")
    return 0


def settings_set(ctx: Context, args: argparse.Namespace) -> int:
    ctx.practice.set_setting(args.key, args.value)
    print(f"{args.key} set.")
    return 0


# -- the parser -------------------------------------------------------------------------


def _charge_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--charge", action="store_true", help="charge the client (within the policy)")
    p.add_argument("--amount", help="charge amount, e.g. 90.00 (default: fee x late-fee %%)")
    p.add_argument("--method", help="card, cash, bank_transfer, invoice or sponsored_credit")


def _later(module: str, name: str) -> Any:
    """A handler of another command module (cli/series.py, cli/clients.py), imported when it
    runs."""

    def run(ctx: Context, args: argparse.Namespace) -> int:
        from importlib import import_module

        return int(getattr(import_module(f"kara_tui.cli.{module}"), name)(ctx, args))

    return run


_SCOPE_HELP = "this (default), following or all: a session of a series"
_REMINDERS_HELP = "hours before a session: 48,24,2; none; default"


def _series_commands(sessions: Any) -> None:
    """The series' own commands, beside the other `sessions` commands."""
    end = "end a series from a date (therapy ended)"
    p = sessions.add_parser("end-series", help=end)
    p.add_argument("id", help="the series id (sessions show, clients show)")
    p.add_argument("--from", dest="from_", required=True, metavar="DATE")
    p.add_argument("--no-notify", action="store_true")
    p.set_defaults(handler=_later("series", "end_series"))
    edit = "change a session's details (not its time)"
    flags = ("--service", "--location", "--fee")
    p = action(sessions, "edit", _later("series", "edit"), "id", help=edit, flags=flags)
    p.add_argument("--prepaid", help="yes or no")
    p.add_argument("--scope", help=_SCOPE_HELP)
    p.add_argument("--no-notify", action="store_true")
    p.add_argument("--json", action="store_true")


def _series_flags(add: argparse.ArgumentParser) -> None:
    add.add_argument(
        "--repeat", help="weekly, 2w (every N weeks), monthly, monthly-by-date, monthly-by-weekday"
    )
    add.add_argument("--count", help="the series ends after N sessions")
    add.add_argument("--until", metavar="DATE", help="the series ends on this date")
    add.add_argument("--skip-conflicts", action="store_true", help="leave out the dates that clash")


def _client_actions(clients: Any) -> None:
    """`clients add/list/show` (handlers here) and keeping the record current (issue 15;
    handlers in cli/clients.py)."""
    flags = ("--email", "--phone")
    p = action(clients, "add", clients_add, "name", help="add a client", flags=flags)
    p.add_argument("--programme", default="private", help="private or sponsored")
    p.add_argument("--fee", help="default fee, e.g. 90.00")
    p.add_argument("--currency", help="ISO code (default: the practice's)")
    p.add_argument("--window-hours", help="the client's own cancellation window")
    p.add_argument("--credit", help="sponsored sessions of credit")
    p.add_argument("--notes")
    p.add_argument("--reminders", metavar="LEADS", help=_REMINDERS_HELP)
    p.add_argument("--json", action="store_true")
    p = action(clients, "list", clients_list, help="list clients")
    p.add_argument("--all", action="store_true", help="include archived clients")
    p.add_argument("--json", action="store_true")
    p = action(clients, "show", clients_show, help="one client and their sessions", json=True)
    p.add_argument("client", metavar="NAME_OR_ID")

    edit = "change a client's details (audited)"
    flags = ("--name", "--email", "--phone")
    p = action(clients, "edit", _later("clients", "clients_edit"), help=edit, flags=flags)
    p.add_argument("client", metavar="NAME_OR_ID")
    p.add_argument("--programme", help="private or sponsored")
    p.add_argument("--fee", help="fee for sessions booked from now on, e.g. 95.00")
    p.add_argument("--currency", help="ISO code")
    p.add_argument(
        "--update-future", action="store_true", help="scheduled sessions take the new fee too"
    )
    p.add_argument("--window-hours", help="own cancellation window, or 'default'")
    p.add_argument("--notes", help="private notes (replaces them)")
    p.add_argument("--reminders", metavar="LEADS", help=_REMINDERS_HELP)
    p.add_argument("--json", action="store_true")

    archive = "archive a client who ended therapy"
    p = action(clients, "archive", _later("clients", "clients_archive"), help=archive)
    p.add_argument("client", metavar="NAME_OR_ID")
    p.add_argument(
        "--cancel-future",
        action="store_true",
        help="cancel the sessions still to come, as by the professional",
    )
    p.add_argument("--no-notify", action="store_true", help="no cancellation notices")
    p.add_argument("--yes", action="store_true", help="(no question is asked on the command line)")

    restore = "bring an archived client back"
    p = action(clients, "restore", _later("clients", "clients_restore"), help=restore)
    p.add_argument("client", metavar="NAME_OR_ID")

    credit = "top up or correct sponsored credit (audited)"
    p = action(clients, "credit", _later("clients", "clients_credit"), help=credit)
    p.add_argument("client", metavar="NAME_OR_ID")
    p.add_argument("sessions", metavar="SESSIONS", help="+10 to add, -2 to take away")
    p.add_argument("--note", help="why, e.g. a purchase order number")


def _session_actions(sessions: Any) -> None:
    """`sessions ACTION`: book, list, show, cancel, reschedule, mark, delete, edit."""
    flags = ("--minutes", "--fee", "--service", "--location")
    p = action(sessions, "add", sessions_add, help="book a session", flags=flags)
    p.add_argument("--client", required=True, metavar="NAME_OR_ID")
    p.add_argument("--start", required=True, metavar="TIME")
    p.add_argument("--prepaid", action="store_true")
    p.add_argument("--force", action="store_true", help="book despite a conflict warning")
    p.add_argument(
        "--no-notify", action="store_true", help="do not queue the invitation to the client"
    )
    p.add_argument("--json", action="store_true")
    _series_flags(p)
    listing = "sessions overlapping [from, to)"
    p = action(sessions, "list", sessions_list, help=listing)
    p.add_argument("--from", dest="from_", metavar="DATE")
    p.add_argument("--to", metavar="DATE")
    p.add_argument("--client", metavar="NAME_OR_ID")
    p.add_argument("--status")
    p.add_argument("--json", action="store_true")
    show = "one session with its history"
    action(sessions, "show", sessions_show, "id", help=show, json=True)
    cancel = "cancel with a reason, charge within the policy"
    p = action(sessions, "cancel", sessions_cancel, "id", help=cancel)
    p.add_argument("--reason", required=True, help="professional, client, no_show or other")
    p.add_argument("--note")
    p.add_argument(
        "--notified-at",
        metavar="TIME",
        help="when notice was given: a time, or 'now' (the default)",
    )
    _charge_flags(p)
    p.add_argument("--no-notify", action="store_true", help="do not queue a notice to the client")
    p.add_argument("--message", metavar="TEXT", help="a personal line for the client's notice")
    p.add_argument("--json", action="store_true")
    reschedule = "cancel and book a linked session"
    p = action(sessions, "reschedule", sessions_reschedule, "id", help=reschedule)
    p.add_argument("--start", required=True, metavar="TIME")
    p.add_argument("--minutes")
    p.add_argument("--by", required=True, help="client or professional")
    p.add_argument("--force", action="store_true")
    p.add_argument("--no-notify", action="store_true")
    p.add_argument("--message", metavar="TEXT", help="a personal line for the client's notice")
    p.add_argument("--json", action="store_true")
    p.add_argument("--scope", help=_SCOPE_HELP)
    action(sessions, "attend", sessions_attend, "id", help="mark attended")
    no_show = "mark no-show (same charge rules)"
    p = action(sessions, "no-show", sessions_no_show, "id", help=no_show)
    p.add_argument("--note")
    _charge_flags(p)
    p.add_argument(
        "--no-notify",
        action="store_true",
        help="(no notice is sent for a no-show without --message)",
    )
    p.add_argument("--message", metavar="TEXT", help="sends the client a notice with this line")
    delete = "remove a session booked by mistake"
    p = action(sessions, "delete", sessions_delete, "id", help=delete)
    p.add_argument("--yes", action="store_true")
    p.add_argument("--scope", help=_SCOPE_HELP)
    _series_commands(sessions)
    unmark = "undo attended / no-show (a no-show's charge is voided)"
    action(sessions, "unmark", sessions_unmark, "id", help=unmark)
    cancel_range = "emergency: cancel everything in a range"
    p = action(sessions, "cancel-range", sessions_cancel_range, help=cancel_range)
    p.add_argument("--from", dest="from_", required=True, metavar="DATE")
    p.add_argument("--to", required=True, metavar="DATE", help="the last day (included)")
    p.add_argument("--reason", required=True, help="professional or other")
    p.add_argument("--note")
    p.add_argument("--no-notify", action="store_true")
    p.add_argument("--json", action="store_true")


def register(sub: Any) -> None:
    """Fill in the parsers of this module's commands (their help lines: cli.COMMANDS)."""
    _client_actions(actions(sub, "clients"))
    _session_actions(actions(sub, "sessions"))

    timeoff = actions(sub, "timeoff")
    p = action(timeoff, "add", timeoff_add)
    p.add_argument("--from", dest="from_", required=True, metavar="DATE")
    p.add_argument(
        "--to", required=True, metavar="DATE", help="the last day (included), or an end time"
    )
    p.add_argument("--reason")
    action(timeoff, "list", timeoff_list, json=True)
    p = action(timeoff, "remove", timeoff_remove)
    p.add_argument("id", help="the id 'timeoff list' shows")

    settings = actions(sub, "settings")
    action(settings, "show", settings_show, json=True)
    action(settings, "set", settings_set, "key", "value")
