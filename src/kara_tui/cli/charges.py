"""The `charges` commands: list charges and refunds, mark one paid (paid out), or void it."""

from __future__ import annotations

import argparse
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from kara_tui.cli import render
from kara_tui.cli.args import action, actions, choice, whole, write_out
from kara_tui.cli.context import Context
from kara_tui.domain import ChargeKind, ChargeStatus, DomainError, PaymentMethod, SessionStatus
from kara_tui.timeparse import day_start, parse_date, parse_datetime


def _ledger(ctx: Context) -> Any:
    from kara_tui.services.charges import Ledger

    return Ledger(ctx.practice)


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
    status = choice(ChargeStatus, args.status, "charge status") if args.status else None
    client_id = practice.find_client(args.client).id if args.client else None
    lines = _ledger(ctx).lines(client_id=client_id, status=status)
    return render.print_list(args, lines, practice.tz, line_json, _text, "No charges.")


def charges_pay(ctx: Context, args: argparse.Namespace) -> int:
    method = choice(PaymentMethod, args.method, "payment method") if args.method else None
    at = _paid_at(ctx, args.date) if args.date else None
    charge = _ledger(ctx).pay(
        whole(args.id, "a charge id"), method=method, at=at, reference=args.ref or ""
    )
    tz = ctx.practice.tz
    when = f"{charge.paid_at.astimezone(tz):%Y-%m-%d}"
    if charge.kind is ChargeKind.REFUND:
        print(f"refund {charge.id} ({-charge.amount}) paid out on {when}")
    else:
        print(f"charge {charge.id} ({charge.amount}) paid on {when}")
    return 0


def charges_void(ctx: Context, args: argparse.Namespace) -> int:
    charge = _ledger(ctx).void(whole(args.id, "a charge id"), args.reason)
    print(f"charge {charge.id} ({charge.amount}) void: {charge.void_reason}")
    return 0


def register(sub: Any) -> None:
    """Fill in the parsers of this module's commands (their help lines: cli.COMMANDS)."""
    charges = actions(sub, "charges")
    listing = "charges and refunds, oldest first"
    p = action(charges, "list", charges_list, help=listing, json=True)
    p.add_argument("--client", metavar="NAME_OR_ID")
    p.add_argument("--status", help="pending, paid or void")

    p = action(charges, "pay", charges_pay, "id", help="mark a charge paid (a refund paid out)")
    p.add_argument("--method", help="card, cash, bank_transfer, invoice (default: the charge's)")
    p.add_argument("--date", metavar="DATE", help="when it was paid (default: now)")
    p.add_argument("--ref", help="a payment reference")

    p = action(charges, "void", charges_void, "id", help="void a charge, with the reason")
    p.add_argument("--reason", required=True)

    p = sub.add_parser(
        "statement", description="A client's statement: sessions, charges, payments, balance."
    )
    p.add_argument("client", metavar="NAME_OR_ID")
    p.add_argument("--from", dest="from_", metavar="DATE", help="first day (default: 1 January)")
    p.add_argument("--to", metavar="DATE", help="the day after the last (default: tomorrow)")
    p.add_argument("--out", metavar="FILE", help="write to FILE (Markdown when it ends in .md)")
    p.add_argument("--markdown", action="store_true", help="Markdown instead of plain text")
    p.set_defaults(handler=statement)


# -- statement and outstanding ------------------------------------------------------------


def clean_line(text: str) -> str:
    """Text from the database on one line, without control characters."""
    return " ".join(
        "".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch in "\t\n\r").split()
    )


def statement_text(st: Any, tz: Any, *, markdown: bool = False) -> str:
    """The statement as plain text, or Markdown (headings, lists) with the same words."""
    h1, h2, item = ("# ", "## ", "- ") if markdown else ("", "", "  ")
    last = st.end.toordinal() - 1
    out = [
        f"{h1}Statement for {clean_line(st.client.name)}",
        "",
        f"From {clean_line(st.practice.name)}"
        + (f" · {clean_line(st.practice.email)}" if st.practice.email else ""),
        f"Period: {st.start:%d %b %Y} to {date.fromordinal(last):%d %b %Y}",
        f"Made on {st.made_at.astimezone(tz):%d %b %Y}",
        "",
        f"{h2}Sessions",
    ]
    for s in st.sessions:
        status = s.status.label
        if s.cancellation is not None and s.status is not SessionStatus.NO_SHOW:
            late = ", late" if s.cancellation.late else ""
            status = f"{s.cancellation.reason.label.lower()}{late}"
        out.append(
            f"{item}{s.start.astimezone(tz):%a %d %b %Y %H:%M}, {s.minutes} min: {status}, fee {s.fee}"
        )
    if not st.sessions:
        out.append(f"{item}none")
    out += ["", f"{h2}Charges and refunds"]
    for c in st.charges:
        kind = c.kind.value.replace("_", " ")
        state = c.status.value
        out.append(f"{item}{c.created_at.astimezone(tz):%d %b %Y}: {kind}, {c.amount} ({state})")
    if not st.charges:
        out.append(f"{item}none")
    out += ["", f"{h2}Payments"]
    for c in st.payments:
        method = f" by {c.method.label.lower()}" if c.method else ""
        ref = f", reference {clean_line(c.reference)}" if c.reference else ""
        what = "refund paid out" if c.amount.minor < 0 else "paid"
        out.append(
            f"{item}{(c.paid_at or c.created_at).astimezone(tz):%d %b %Y}: {what} {abs(c.amount)}{method}{ref}"
        )
    if not st.payments:
        out.append(f"{item}none")
    owed = ", ".join(str(m) for m in st.balance if m.minor > 0) or "nothing"
    out += ["", f"{h2}Balance", f"Owed at the end of the period: {owed}"]
    refunds = ", ".join(str(abs(m)) for m in st.balance if m.minor < 0)
    if refunds:  # the practice owes the client: a refund not yet paid out
        out.append(f"Refund owed to you at the end of the period: {refunds}")
    out.append("")
    return "\n".join(out)


def statement(ctx: Context, args: argparse.Namespace) -> int:
    from pathlib import Path

    from kara_tui.services.statement import build_statement

    practice = ctx.practice
    today = practice.clock.today()
    start = parse_date(args.from_, today) if args.from_ else today.replace(month=1, day=1)
    end = parse_date(args.to, today) if args.to else today + timedelta(days=1)
    st = build_statement(practice, args.client, start, end)
    markdown = args.markdown or (args.out is not None and args.out.lower().endswith(".md"))
    body = statement_text(st, practice.tz, markdown=markdown)
    if args.out is None or args.out == "-":
        print(body, end="")
        return 0
    path = Path(args.out).expanduser()
    write_out(path, body)
    print(f"Wrote the statement to {path}.")
    return 0


def outstanding_report(ctx: Context, args: argparse.Namespace, name: Any) -> int:
    """`report --outstanding`: who owes what (pending charges minus refunds), oldest first."""
    if args.from_ or args.to or args.client:
        raise DomainError("--outstanding is what is owed now: it takes no --from, --to or --client")
    rows = _ledger(ctx).outstanding()
    tz = ctx.practice.tz
    if args.json:
        render.dump(
            [
                {
                    "client_id": o.client.id,
                    "client": name(o.client.name),
                    "balance": [render.money(m) for m in o.balance],
                    "oldest": render.iso(o.oldest, tz),
                }
                for o in rows
            ]
        )
    elif args.csv:
        import csv
        import io
        import sys

        from kara_tui.cli.report import safe_cell

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["client_id", "client", "amount", "currency", "oldest"])
        for o in rows:
            for m in o.balance:
                writer.writerow(
                    [o.client.id, safe_cell(name(o.client.name)), m.amount_str(), m.currency,
                     f"{o.oldest.astimezone(tz):%Y-%m-%d}"]
                )  # fmt: skip
        sys.stdout.write(out.getvalue())
    elif not rows:
        print("Nobody owes anything: no charge is pending.")
    else:
        from kara_tui.policy.charges import balance_words

        print(f"{'client':<28}  {'balance':<24}  oldest pending charge")
        for o in rows:
            said = balance_words(o.balance)
            print(f"{name(o.client.name):<28.28}  {said:<24}  {o.oldest.astimezone(tz):%Y-%m-%d}")
    return 0
