"""The `charges` commands: list charges and refunds, mark one paid (paid out), or void it."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from kara_tui.cli import render
from kara_tui.cli.context import Context
from kara_tui.domain import ChargeKind, ChargeStatus, DomainError, Money, PaymentMethod
from kara_tui.timeparse import day_start, parse_date, parse_datetime


def _ledger(ctx: Context) -> Any:
    from kara_tui.services.charges import Ledger

    return Ledger(ctx.practice)


def _id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise DomainError(f"a charge id must be a whole number, not '{text}'") from None


def _choice(enum: Any, value: str, what: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        options = ", ".join(e.value for e in enum)
        raise DomainError(f"'{value}' is not a {what} (choose from {options})") from None


def _paid_at(ctx: Context, text: str) -> datetime:
    """--date: a bare date means that day (its midnight in the practice zone)."""
    practice = ctx.practice
    stripped = text.strip()
    if ":" not in stripped:
        return day_start(parse_date(stripped, practice.clock.today()), practice.tz)
    return parse_datetime(stripped, practice.tz, practice.clock.today())


def line_json(line: Any, tz: Any) -> dict[str, Any]:
    c = line.charge
    doc = render.charge_json(c, tz)
    doc.update(
        client_id=c.client_id,
        client=line.client_name,
        session_id=c.session_id,
        session_start=render.iso(line.session_start, tz),
        paid_at=render.iso(c.paid_at, tz),
        reference=c.reference,
        void_reason=c.void_reason,
    )
    return doc


def _text(line: Any, tz: Any) -> str:
    c = line.charge
    session = (
        f"session {line.session_start.astimezone(tz):%Y-%m-%d %H:%M}" if line.session_start else ""
    )
    if c.status is ChargeStatus.PAID and c.paid_at:
        status = f"paid {c.paid_at.astimezone(tz):%Y-%m-%d}"
    else:
        status = c.status.value
    method = c.method.value if c.method else ""
    return (
        f"{c.id:>5}  {c.created_at.astimezone(tz):%Y-%m-%d}  {line.client_name:<22.22}  "
        f"{c.kind.value:<17}  {c.amount!s:>12}  {status:<15}  {method:<13}  {session}"
    ).rstrip()


def charges_list(ctx: Context, args: argparse.Namespace) -> int:
    practice = ctx.practice
    status = _choice(ChargeStatus, args.status, "charge status") if args.status else None
    client_id = practice.find_client(args.client).id if args.client else None
    lines = _ledger(ctx).lines(client_id=client_id, status=status)
    tz = practice.tz
    if args.json:
        render.dump([line_json(line, tz) for line in lines])
        return 0
    if not lines:
        print("No charges.")
    for line in lines:
        print(_text(line, tz))
    return 0


def charges_pay(ctx: Context, args: argparse.Namespace) -> int:
    method = _choice(PaymentMethod, args.method, "payment method") if args.method else None
    at = _paid_at(ctx, args.date) if args.date else None
    charge = _ledger(ctx).pay(_id(args.id), method=method, at=at, reference=args.ref or "")
    tz = ctx.practice.tz
    when = f"{charge.paid_at.astimezone(tz):%Y-%m-%d}"
    if charge.kind is ChargeKind.REFUND:
        print(
            f"refund {charge.id} ({Money(-charge.amount.minor, charge.amount.currency)}) paid out on {when}"
        )
    else:
        print(f"charge {charge.id} ({charge.amount}) paid on {when}")
    return 0


def charges_void(ctx: Context, args: argparse.Namespace) -> int:
    charge = _ledger(ctx).void(_id(args.id), args.reason)
    print(f"charge {charge.id} ({charge.amount}) void: {charge.void_reason}")
    return 0


def register(sub: Any) -> None:
    """Fill in the parsers of this module's commands (their help lines: cli.COMMANDS)."""
    charges = sub.add_parser("charges").add_subparsers(
        dest="charges_command", metavar="ACTION", required=True
    )
    p = charges.add_parser("list", help="charges and refunds, oldest first")
    p.add_argument("--client", metavar="NAME_OR_ID")
    p.add_argument("--status", help="pending, paid or void")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=charges_list)

    p = charges.add_parser("pay", help="mark a charge paid (a refund paid out)")
    p.add_argument("id")
    p.add_argument("--method", help="card, cash, bank_transfer, invoice (default: the charge's)")
    p.add_argument("--date", metavar="DATE", help="when it was paid (default: now)")
    p.add_argument("--ref", help="a payment reference")
    p.set_defaults(handler=charges_pay)

    p = charges.add_parser("void", help="void a charge, with the reason")
    p.add_argument("id")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=charges_void)
