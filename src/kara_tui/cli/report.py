"""`kara-tui report`: the cancellation and charge report as text, JSON or CSV."""

from __future__ import annotations

import argparse
import csv
import io
import sys
import unicodedata
from datetime import date
from typing import TYPE_CHECKING, Any

from kara_tui.cli import render
from kara_tui.cli.context import Context
from kara_tui.domain import DomainError, Money
from kara_tui.timeparse import parse_date

if TYPE_CHECKING:  # imported when a report is made: every start (the calendar too) parses argv
    from kara_tui.services.report import Amounts, ClientLine, Report

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _date(ctx: Context, text: str, flag: str) -> date:
    try:
        return parse_date(text, ctx.practice.clock.today())
    except DomainError as exc:
        raise DomainError(f"{flag}: {exc}") from None


def report(ctx: Context, args: argparse.Namespace) -> int:
    from kara_tui.services.report import build_report

    if args.outstanding:  # who owes what now: no period
        from kara_tui.cli.charges import outstanding_report

        return outstanding_report(ctx, args, _namer(ctx.settings.privacy))
    practice = ctx.practice
    start = _date(ctx, args.from_, "--from") if args.from_ else None
    end = _date(ctx, args.to, "--to") if args.to else None
    if start and end and end <= start:
        raise DomainError("--to must be after --from (the --to day itself is not included)")
    client_id = practice.find_client(args.client).id if args.client is not None else None
    series_id = None
    if args.series is not None:
        if not args.series.strip().isdigit():
            raise DomainError(f"--series must be a series id (a whole number), not '{args.series}'")
        if client_id is not None:
            raise DomainError("give --client or --series, not both (a series is one client's)")
        series_id = int(args.series)
    result = build_report(practice, start=start, end=end, client_id=client_id, series_id=series_id)
    name = _namer(ctx.settings.privacy)
    if args.json:
        render.dump(report_json(result, name))
    elif args.csv:
        currencies = result.currencies or (practice.professional().default_currency,)
        sys.stdout.write(report_csv(result, name, currencies))
    else:
        sys.stdout.write(report_text(result, name))
    return 0


def _namer(privacy: bool) -> Any:
    """Client names as they may be shown: initials in privacy mode, in every format (the
    mode is for a screen others can see, and a JSON or CSV dump lands on that screen too;
    client_id keeps the rows joinable), and never with control characters."""
    from kara_tui.services.report import initials

    def name(text: str) -> str:
        text = initials(text) if privacy else text
        return "".join(ch for ch in text if unicodedata.category(ch) != "Cc")

    return name


# -- JSON -------------------------------------------------------------------------------


def _money_list(amounts: tuple[Money, ...]) -> list[dict[str, str]]:
    return [render.money(m) for m in amounts]


def _counted(amounts: Amounts) -> dict[str, Any]:
    return {"count": amounts.count, "totals": _money_list(amounts.totals)}


def report_json(r: Report, name: Any) -> dict[str, Any]:
    from kara_tui.services.report import COUNTED_BY

    def client(line: ClientLine) -> dict[str, Any]:
        return {
            "client_id": line.client_id,
            "client": name(line.name),
            "sessions": line.sessions,
            "attended": line.attended,
            "scheduled": line.scheduled,
            "cancelled": line.cancelled,
            "late": line.late,
            "no_shows": line.no_shows,
            "waived": line.waived,
            "charged": _money_list(line.charged),
            "paid": _money_list(line.paid),
            "pending": _money_list(line.pending),
            "payments": _money_list(line.payments),
        }

    def by(part: str) -> str:
        return COUNTED_BY[part].replace(" ", "_")

    return {
        "period": {
            "from": r.period.start.isoformat(),
            "to": r.period.end.isoformat(),  # not included, like every --to
            "last_day": r.period.last_day.isoformat(),
            "days": r.period.days,
            "timezone": r.period.timezone,
        },
        "client": None if r.client is None else client(r.client),
        "counted_by": {part: by(part) for part in COUNTED_BY},
        "sessions": {
            "counted_by": by("sessions"),
            "booked": r.booked,
            "attended": r.attended,
            "scheduled": r.scheduled,
            "unmarked": r.unmarked,
            "cancelled": r.cancelled,
            "no_shows": r.no_shows,
        },
        "cancellations": {
            "late": r.late,
            "rescheduled": r.rescheduled,
            "by_reason": {c.reason.value: {"count": c.count, "late": c.late} for c in r.by_reason},
            "by_side": {
                "client": r.by_side.client,
                "professional": r.by_side.professional,
                "other": r.by_side.other,
            },
        },
        "professional_cancellation_rate": (
            None if r.professional_rate is None else float(r.professional_rate)
        ),
        "charges": {
            "counted_by": by("charges"),
            "count": r.charged.count,
            "totals": _money_list(r.charged.totals),
            "by_kind": {
                k.kind.value: {"count": k.amounts.count, "totals": _money_list(k.amounts.totals)}
                for k in r.charged_by_kind
            },
            "paid": _counted(r.charged_paid),
            "pending": _counted(r.charged_pending),
        },
        "waived": {
            "counted_by": by("waived"),
            "count": r.waived.count,
            "totals": _money_list(r.waived.totals),
            "late_fee_percent": r.late_fee_percent,
        },
        "refunds": {
            "counted_by": by("refunds"),
            "count": r.refunds.count,
            "totals": _money_list(r.refunds.totals),
            "pending": _counted(r.refunds_pending),
        },
        "payments": {
            "counted_by": by("payments"),
            "count": r.payments.count,
            "totals": _money_list(r.payments.totals),
            "refunds_paid_out": _counted(r.refunds_paid),
        },
        "clients": [client(line) for line in r.clients],
        "weeks": [
            {
                "week_start": w.start.isoformat(),
                "attended": w.attended,
                "cancelled": w.cancelled,
                "no_shows": w.no_shows,
            }
            for w in r.weeks
        ],
    }


# -- CSV --------------------------------------------------------------------------------

_COUNTS = ("sessions", "attended", "scheduled", "cancelled", "late", "no_shows", "waived")
# Per currency: charged, paid and pending count by the charge's date, payments by the day paid
# (the counts above by the session's date); `report --help` says so.
_MONEY = ("charged", "paid", "pending", "payments")


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows as text: a leading =, +, -, @ would start a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def report_csv(r: Report, name: Any, currencies: tuple[str, ...]) -> str:
    """One header row, one row per client, then TOTAL; RFC 4180 quoting and CRLF.

    No byte-order mark: it would end up inside the first header for every program that
    reads UTF-8 as UTF-8 (Python's csv, pandas, LibreOffice, shell tools) and in the middle
    of the output of a pipe. Excel users open the file with Data > From Text/CSV (UTF-8).
    """
    from kara_tui.services.report import CHARGED_KINDS, ClientLine, totals

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    kinds = [f"{k.value}_charges" for k in CHARGED_KINDS]
    money = [f"{field}_{c}" for field in _MONEY for c in currencies]
    writer.writerow(["client_id", "client", *_COUNTS, *kinds, *money])

    def amounts(line: ClientLine) -> list[str]:
        cells = []
        for field in _MONEY:
            by_currency = {m.currency: m for m in getattr(line, field)}
            cells += [by_currency.get(c, Money(0, c)).amount_str() for c in currencies]
        return cells

    for line in r.clients:
        writer.writerow(
            [
                line.client_id,
                safe_cell(name(line.name)),
                *(getattr(line, field) for field in _COUNTS),
                *(line.charges_of(k) for k in CHARGED_KINDS),
                *amounts(line),
            ]
        )
    total = ClientLine(
        0,
        "TOTAL",
        *(sum(getattr(line, field) for line in r.clients) for field in _COUNTS[:-1]),
        sum(line.waived for line in r.clients),
        totals(m for line in r.clients for m in line.charged),
        **{f: totals(m for line in r.clients for m in getattr(line, f)) for f in _MONEY[1:]},
    )
    writer.writerow(
        [
            "",
            "TOTAL",
            *(getattr(total, field) for field in _COUNTS),
            *(sum(line.charges_of(k) for line in r.clients) for k in CHARGED_KINDS),
            *amounts(total),
        ]
    )
    return out.getvalue()


# -- text -------------------------------------------------------------------------------


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _amounts(amounts: tuple[Money, ...]) -> str:
    return ", ".join(str(m) for m in amounts) or "-"


# A client's counts in the text report, in the order of its columns.


def report_text(r: Report, name: Any) -> str:
    who = "all clients" if r.client is None else name(r.client.name)
    lines = [f"Report: {r.period.describe()}, {who}", ""]
    add = lines.append

    notes = []
    if r.unmarked:
        notes.append(f"{r.unmarked} started, attendance not recorded")
    add(f"Sessions booked      {r.booked:>5}   (by session date)")
    add(f"  attended           {r.attended:>5}")
    add(f"  scheduled          {r.scheduled:>5}" + (f"   ({notes[0]})" if notes else ""))
    extra = [f"{r.late} late"]
    if r.rescheduled:
        extra.append(f"{r.rescheduled} rescheduled")
    add(f"  cancelled          {r.cancelled:>5}   ({', '.join(extra)})")
    add(f"  no-shows           {r.no_shows:>5}")
    add("")
    add(f"{'By reason':<32}{'count':>6}{'late':>6}")
    for c in r.by_reason:
        add(f"  {c.reason.label:<30}{c.count:>6}{c.late:>6}")
    add("By who cancelled")
    add(f"  {'client (client + no-show)':<30}{r.by_side.client:>6}")
    add(f"  {'professional (you)':<30}{r.by_side.professional:>6}")
    add(f"  {'other':<30}{r.by_side.other:>6}")
    rate = "-" if r.professional_rate is None else f"{r.professional_rate} %"
    add(
        f"Your cancellation rate   {rate}  ({r.by_side.professional} of {r.booked} "
        "booked sessions cancelled by you)"
    )
    add("")

    def figure(label: str, amounts: Amounts, note: str = "") -> None:
        add(f"{label:<22}{amounts.count:>5}   {_amounts(amounts.totals)}{note}")

    figure("Charges made", r.charged, "   (by charge date)")
    for k in r.charged_by_kind:
        figure(f"  {k.kind.label}", k.amounts)
    figure("  paid", r.charged_paid)
    figure("  pending", r.charged_pending)
    figure(
        "Waived",
        r.waived,
        f"   (late or no-show, not charged; at {r.late_fee_percent} % of the fee; by session date)",
    )
    figure("Refunds", r.refunds, "   (by charge date)")
    figure("  not paid out", r.refunds_pending)
    figure("Payments received", r.payments, "   (by payment date)")
    figure("Refunds paid out", r.refunds_paid, "   (by payment date)")
    add("")

    head = ("Client", "Sessions", "Attended", "Cancelled", "Late", "No-shows", "Waived")
    add(f"{head[0]:<24}" + "".join(f"{h:>10}" for h in head[1:]) + "  Charged")
    for line in r.clients:
        add(
            f"{_cut(name(line.name), 23):<24}"
            + "".join(f"{n:>10}" for n in line.counts())
            + f"  {_amounts(line.charged)}"
        )
    if not r.clients:
        add("  (no sessions in this period)")
    else:
        add("  (sessions by session date; charged by charge date)")
    add("")
    add(f"{'Week of':<16}{'attended':>10}{'cancelled':>11}{'no-shows':>10}")
    for w in r.weeks:
        add(f"{w.start:%a %d %b %Y}  {w.attended:>10}{w.cancelled:>11}{w.no_shows:>10}")
    return "\n".join(lines) + "\n"


def register(sub: Any) -> None:
    """Fill in the parsers of this module's commands (their help lines: cli.COMMANDS)."""
    p = sub.add_parser(
        "report",
        description=(
            "Cancellations, no-shows and charges over a period (default: the last 90 days, "
            "today included). --from and --to are days; the --to day is not included. "
            "Sessions count by the session's date, charges and refunds by the day they were "
            "made (paid or pending now), payments by the day they were paid; CSV columns "
            "charged_/paid_/pending_ by charge date, payments_ by payment date."
        ),
    )
    p.add_argument("--from", dest="from_", metavar="DATE", help="first day (e.g. 2026-08-01)")
    p.add_argument("--to", metavar="DATE", help="day after the last one (not included)")
    p.add_argument("--client", metavar="NAME_OR_ID", help="only this client's sessions")
    p.add_argument("--series", metavar="ID", help="only one series (clients show lists them)")
    p.add_argument(
        "--outstanding", action="store_true", help="who owes what now, the oldest debt first"
    )
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON document")
    fmt.add_argument("--csv", action="store_true", help="per-client table for a spreadsheet")
    p.set_defaults(handler=report)
