"""`kara-tui remind`: send the client reminders that are due (for cron or a systemd timer)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kara_tui.cli import render
from kara_tui.cli.args import action
from kara_tui.cli.context import Context


def remind(ctx: Context, args: argparse.Namespace) -> int:
    from kara_tui.services.outbox import Outbox
    from kara_tui.services.reminder_send import Reminders

    tz = ctx.practice.tz
    report = Reminders(ctx.practice, Outbox(ctx.practice, ctx.settings)).run(
        dry_run=args.dry_run, notices=not args.only_reminders
    )
    send, first = report.send, report.notices
    failed = (send.failed if send is not None else 0) + (first.failed if first else 0)
    if args.json:
        doc: dict[str, Any] = {
            "dry_run": bool(args.dry_run),
            "due": [
                {
                    "reminder": d.reminder_id,
                    "session_id": d.session_id,
                    "due": d.due_at.astimezone(tz).isoformat(),
                    "lead_hours": d.lead_minutes // 60,
                }
                for d in report.due
            ],
            "not_sent": [{"reminder": rid, "why": why} for rid, why in report.obsolete],
            "sent": send.sent if send is not None else 0,
            "notices_sent": first.sent if first is not None else 0,
            "failed": failed,
            "errors": (first.errors if first else []) + (send.errors if send is not None else []),
        }
        render.dump(doc)
        return 1 if failed else 0
    if args.dry_run:
        for d in report.due:
            print(
                f"due  reminder {d.reminder_id}  session {d.session_id}  "
                f"{d.due_at.astimezone(tz):%Y-%m-%d %H:%M}  ({d.lead_minutes // 60} h before)"
            )
        print(f"{len(report.due)} reminder(s) due (dry run: nothing sent)")
        return 0
    for rid, why in report.obsolete:
        print(f"not sent  reminder {rid}: {why}")
    for part in (first, send):
        if part is None:
            continue
        for o in part.outcomes:
            if o.sent:
                print(f"sent  {o.notification_id:>5}  {o.recipient}  {o.subject}  ({o.detail})")
        for error in part.errors:
            print(f"kara-tui: not sent: {error}", file=sys.stderr)
    sent = send.sent if send is not None else 0
    also = f" (and {first.sent} other notice(s) that were queued)" if first and first.sent else ""
    print(f"{sent} reminder(s) sent{also}, {failed} not sent")
    return 1 if failed else 0


def register(sub: Any) -> None:
    """Fill in the parser of this module's command (its help line: cli.COMMANDS)."""
    p = action(sub, "remind", remind, json=True)
    p.add_argument("--dry-run", action="store_true", help="list what is due; send nothing")
    p.add_argument(
        "--only-reminders",
        action="store_true",
        help="leave the other queued notices (invitations, cancellations) in the outbox",
    )
