"""The `clients edit`, `archive`, `restore` and `credit` commands: keeping a client's record current."""

from __future__ import annotations

import argparse
from typing import Any

from kara_tui.cli import render
from kara_tui.cli.context import Context
from kara_tui.domain import DomainError, Money, Programme
from kara_tui.domain.money import check_currency


def _book(ctx: Context) -> Any:
    from kara_tui.services.clients import ClientBook

    return ClientBook(ctx.practice)


def _window(text: str | None) -> tuple[int | None, bool]:
    """--window-hours N, or 'default' to use the practice's window again."""
    if text is None:
        return None, False
    if text.strip().lower() in ("default", "none", ""):
        return None, True
    try:
        return int(text), False
    except ValueError:
        raise DomainError(
            f"--window-hours must be a whole number or 'default', not '{text}'"
        ) from None


def clients_edit(ctx: Context, args: argparse.Namespace) -> int:
    from kara_tui.services.clients import ClientChanges

    client = ctx.practice.find_client(args.client)
    fee = None
    if args.fee is not None or args.currency is not None:
        currency = check_currency(args.currency or client.fee.currency)
        fee = Money.parse(args.fee if args.fee is not None else client.fee.amount_str(), currency)
    programme = None
    if args.programme is not None:
        try:
            programme = Programme(args.programme)
        except ValueError:
            raise DomainError(
                f"'{args.programme}' is not a programme (choose from private, sponsored)"
            ) from None
    window, clear = _window(args.window_hours)
    changes = ClientChanges(
        name=args.name,
        email=args.email,
        phone=args.phone,
        programme=programme,
        fee=fee,
        window_hours=window,
        clear_window=clear,
        notes=args.notes,
    )
    if args.update_future and fee is None:
        raise DomainError("--update-future goes with --fee or --currency")
    edited = _book(ctx).edit(client.id, changes, update_future_fees=args.update_future)
    if args.json:
        render.dump(render.client_json(edited))
    else:
        print(f"{edited.name} (id {edited.id}) updated")
    return 0


def clients_archive(ctx: Context, args: argparse.Namespace) -> int:
    done = _book(ctx).archive(
        args.client, cancel_future=args.cancel_future, notify=not args.no_notify
    )
    tz = ctx.practice.tz
    for s in done.cancelled:
        print(f"cancelled (by the professional): {render.session_line(s, tz).strip()}")
    print(f"{done.client.name} (id {done.client.id}) archived")
    return 0


def clients_restore(ctx: Context, args: argparse.Namespace) -> int:
    client = _book(ctx).restore(args.client)
    print(f"{client.name} (id {client.id}) restored")
    return 0


def clients_credit(ctx: Context, args: argparse.Namespace) -> int:
    text = args.sessions.strip()
    try:
        sessions = int(text)
    except ValueError:
        raise DomainError(
            f"a credit change is a whole number of sessions like +10 or -2, not '{text}'"
        ) from None
    client = _book(ctx).add_credit(args.client, sessions, args.note or "")
    print(f"{client.name} (id {client.id}): {client.sponsored_credit} session(s) of credit")
    return 0


def register(clients: Any) -> None:
    """Add this module's actions to the `clients` command's sub-parsers."""
    p = clients.add_parser("edit", help="change a client's details (audited)")
    p.add_argument("client", metavar="NAME_OR_ID")
    p.add_argument("--name")
    p.add_argument("--email")
    p.add_argument("--phone")
    p.add_argument("--programme", help="private or sponsored")
    p.add_argument("--fee", help="fee for sessions booked from now on, e.g. 95.00")
    p.add_argument("--currency", help="ISO code")
    p.add_argument(
        "--update-future", action="store_true", help="scheduled sessions take the new fee too"
    )
    p.add_argument("--window-hours", help="own cancellation window, or 'default'")
    p.add_argument("--notes", help="private notes (replaces them)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=clients_edit)

    p = clients.add_parser("archive", help="archive a client who ended therapy")
    p.add_argument("client", metavar="NAME_OR_ID")
    p.add_argument(
        "--cancel-future",
        action="store_true",
        help="cancel the sessions still to come, as by the professional",
    )
    p.add_argument("--no-notify", action="store_true", help="no cancellation notices")
    p.add_argument("--yes", action="store_true", help="(no question is asked on the command line)")
    p.set_defaults(handler=clients_archive)

    p = clients.add_parser("restore", help="bring an archived client back")
    p.add_argument("client", metavar="NAME_OR_ID")
    p.set_defaults(handler=clients_restore)

    p = clients.add_parser("credit", help="top up or correct sponsored credit (audited)")
    p.add_argument("client", metavar="NAME_OR_ID")
    p.add_argument("sessions", metavar="SESSIONS", help="+10 to add, -2 to take away")
    p.add_argument("--note", help="why, e.g. a purchase order number")
    p.set_defaults(handler=clients_credit)


class MoneyRecord:
    """A client's balance and held credit, as `clients show` prints them and puts in its JSON."""

    def __init__(self, balance: list[Money], held: int, sponsored: bool) -> None:
        self.json: dict[str, Any] = {
            "balance": [render.money(m) for m in balance],
            "credit_held": held,
        }
        owed = ", ".join(str(m) for m in balance) if balance else "nothing pending"
        self.lines = [f"balance: {owed}"]
        if sponsored:
            self.lines.append(f"credit held by booked sessions: {held}")


def money_record(ctx: Context, client: Any) -> MoneyRecord:
    from kara_tui.services.charges import Ledger

    balance = Ledger(ctx.practice).balance(client.id)
    held = _book(ctx).credit_held(client.id)
    return MoneyRecord(balance, held, client.programme is Programme.SPONSORED)
