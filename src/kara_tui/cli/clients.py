"""The `clients edit`, `archive`, `restore` and `credit` commands: keeping a client's record current."""

from __future__ import annotations

import argparse
from typing import Any

from kara_tui.cli import render
from kara_tui.cli.context import Context
from kara_tui.domain import DomainError, Money, Programme
from kara_tui.domain.currencies import check_iso_currency


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
        currency = check_iso_currency(args.currency or client.fee.currency)
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
        **render.fields(args, "name", "email", "phone", "notes", "reminders"),
        programme=programme,
        fee=fee,
        window_hours=window,
        clear_window=clear,
    )
    if args.update_future and fee is None:
        raise DomainError("--update-future goes with --fee or --currency")
    book = _book(ctx)
    edited = book.edit(client.id, changes, update_future_fees=args.update_future)
    if args.json:
        render.dump(render.client_json(edited))
        return 0
    print(f"{edited.name} (id {edited.id}) updated")
    if fee is not None and edited.fee != client.fee:
        coming = book.future_sessions(edited.id)
        if args.update_future:
            kept = [s for s in coming if s.prepaid]  # a prepaid session keeps the fee paid
            said = f"; {len(kept)} prepaid keep the fee paid" if kept else ""
            print(f"{len(coming) - len(kept)} booked session(s) now at {edited.fee}{said}")
        elif coming:
            tz = ctx.practice.tz
            when = ", ".join(f"{s.start.astimezone(tz):%a %d %b %H:%M} ({s.fee})" for s in coming)
            print(f"booked sessions keep their fee: {when} (--update-future changes them)")
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
    from kara_tui.policy.sponsored import parse_credit_change

    sessions = parse_credit_change(args.sessions)
    client = _book(ctx).add_credit(args.client, sessions, args.note or "")
    print(f"{client.name} (id {client.id}): {client.sponsored_credit} session(s) of credit")
    return 0


class MoneyRecord:
    """A client's balance, held credit and cancellations, as `clients show` prints them and
    puts in its JSON (DESIGN.md section 9)."""

    def __init__(
        self, balance: list[Money], held: int, sponsored: bool, sessions: list[Any]
    ) -> None:
        from kara_tui.domain import Reason
        from kara_tui.policy.charges import balance_words
        from kara_tui.services.clients import count_cancellations

        by_reason = {
            r.value: {"count": n, "late": late}
            for r, (n, late) in count_cancellations(sessions).items()
        }
        self.json: dict[str, Any] = {
            "balance": [render.money(m) for m in balance],
            "credit_held": held,
            "cancellations": by_reason,
        }
        self.lines = [f"balance: {balance_words(balance)}"]
        if sponsored:
            self.lines.append(f"credit held by booked sessions: {held}")
        said = [
            f"{Reason(r).label.lower()}: {c['count']}"
            + (f" ({c['late']} late)" if c["late"] else "")
            for r, c in by_reason.items()
            if c["count"]
        ]
        if said:
            self.lines.append("cancellations: " + "; ".join(said))


def money_record(ctx: Context, client: Any, sessions: list[Any]) -> MoneyRecord:
    from kara_tui.services.charges import Ledger

    balance = Ledger(ctx.practice).balance(client.id)
    held = _book(ctx).credit_held(client.id)
    return MoneyRecord(balance, held, client.programme is Programme.SPONSORED, sessions)
