"""The `outbox` commands: list the client notices, send the queued ones, retry or discard one."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kara_tui.cli import render
from kara_tui.cli.args import action, actions
from kara_tui.cli.context import Context
from kara_tui.domain import DomainError, NotificationStatus


def _outbox(ctx: Context) -> Any:
    from kara_tui.services.outbox import Outbox

    return Outbox(ctx.practice, ctx.settings)


def _report_json(report: Any) -> dict[str, Any]:
    return {
        "sent": report.sent,
        "failed": report.failed,
        "errors": report.errors,
        "messages": [
            {
                "id": o.notification_id,
                "recipient": o.recipient,
                "subject": o.subject,
                "sent": o.sent,
                "detail": o.detail,
            }
            for o in report.outcomes
        ],
    }


def _print_report(report: Any, args: argparse.Namespace, nothing: str) -> int:
    if args.json:
        render.dump(_report_json(report))
        return 1 if report.failed else 0
    for o in report.outcomes:
        if o.sent:
            done = "written" if o.detail.startswith("written") else "sent"
            print(f"{done:<7} {o.notification_id:>5}  {o.recipient}  {o.subject}  ({o.detail})")
    for error in report.errors:
        print(f"kara-tui: not sent: {error}", file=sys.stderr)
    if report.sent or report.failed:
        # Writing an .eml file is not sending it: say which happened.
        written = sum(1 for o in report.outcomes if o.sent and o.detail.startswith("written"))
        done = [f"{written} written to files"] if written else []
        if report.sent - written or not written:
            done.append(f"{report.sent - written} sent")
        print(f"{', '.join(done)}, {report.failed} not sent")
    else:
        print(nothing)
    return 1 if report.failed else 0


def outbox_list(ctx: Context, args: argparse.Namespace) -> int:
    status = None
    if args.status:
        try:
            status = NotificationStatus(args.status)
        except ValueError:
            options = ", ".join(s.value for s in NotificationStatus)
            raise DomainError(f"'{args.status}' is not a status (choose from {options})") from None
    messages = _outbox(ctx).list(status=status)
    tz = ctx.practice.tz
    if args.json:
        render.dump([render.notification_json(n, tz) for n in messages])
        return 0
    if not messages:
        print("The outbox is empty.")
        return 0
    for n in messages:
        created = n.created_at.astimezone(tz)
        line = (
            f"{n.id:>5}  {n.status_words():<9}  {created:%Y-%m-%d %H:%M}  "
            f"{n.recipient or '(no address)':<28.28}  {n.subject}"
        )
        if n.error and n.status is not NotificationStatus.SENT:
            line += f"  [{n.error}]"
        elif n.outcome and n.status is NotificationStatus.SENT:
            line += f"  [{n.outcome}]"
        print(line)
    return 0


def outbox_discard(ctx: Context, args: argparse.Namespace) -> int:
    try:
        notification_id = int(args.id)
    except ValueError:
        raise DomainError(f"a message id is a whole number, not '{args.id}'") from None
    notice = _outbox(ctx).discard(notification_id)
    print(f"Message {notice.id} discarded: it will not be sent ({notice.subject}).")
    return 0


def outbox_send(ctx: Context, args: argparse.Namespace) -> int:
    from kara_tui.services.reminder_send import Reminders

    outbox = _outbox(ctx)
    Reminders(ctx.practice, outbox).queue_due()  # due reminders go with the other notices
    report = outbox.send_all()
    return _print_report(report, args, "Nothing to send: no message is queued.")


def _message_id(text: str) -> int:
    from kara_tui.services.errors import NotFound
    from kara_tui.services.practice import MAX_ID

    try:
        notification_id = int(text)
    except ValueError:
        raise DomainError(f"a message id is a whole number, not '{text}'") from None
    if not 0 < notification_id <= MAX_ID:  # larger than any id: the driver would overflow
        raise NotFound(f"no message with id {notification_id}")
    return notification_id


def outbox_retry(ctx: Context, args: argparse.Namespace) -> int:
    notification_id = _message_id(args.id)
    report = _outbox(ctx).retry(notification_id)
    return _print_report(
        report, args, f"Message {notification_id} was taken by another sender meanwhile."
    )


def outbox_show(ctx: Context, args: argparse.Namespace) -> int:
    notification_id = _message_id(args.id)
    print(_outbox(ctx).preview(notification_id))
    return 0


def register(sub: Any) -> None:
    """Fill in the parsers of this module's commands (their help lines: cli.COMMANDS)."""
    outbox = actions(sub, "outbox")
    p = action(outbox, "list", outbox_list, help="queued, sent and failed messages", json=True)
    p.add_argument("--status", help="queued, sending, sent, failed or discarded")
    send = "send the queued messages (SMTP if configured, else .eml files)"
    action(outbox, "send", outbox_send, help=send, json=True)
    action(outbox, "retry", outbox_retry, "id", help="send one unsent message again", json=True)
    discard = "drop a queued or failed message (recorded)"
    action(outbox, "discard", outbox_discard, "id", help=discard)
    action(outbox, "show", outbox_show, "id", help="one message as the client will read it")
