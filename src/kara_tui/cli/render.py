"""Domain values as JSON documents (DESIGN.md section 4) and as lines for a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from kara_tui.domain.timeshow import clock

if TYPE_CHECKING:  # annotations only: `feeds sync` never builds domain/model.py's classes
    from kara_tui.domain import (
        AuditEvent,
        Cancellation,
        Charge,
        Client,
        ExternalEvent,
        Money,
        Notification,
        Professional,
        Session,
        TimeOff,
    )
    from kara_tui.services.run_report import RunReport


def iso(value: datetime | date | None, tz: ZoneInfo) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat()
    return value.isoformat()


def fields(obj: Any, *names: str) -> dict[str, Any]:
    """The named attributes of ``obj`` (a JSON object's members, a call's arguments)."""
    return {name: getattr(obj, name) for name in names}


def money(value: Money) -> dict[str, str]:
    return {"amount": value.amount_str(), "currency": value.currency}


def client_json(c: Client) -> dict[str, Any]:
    return {
        **fields(c, "id", "name", "email", "phone"),
        "programme": c.programme.value,
        "fee": c.fee.amount_str(),
        "currency": c.fee.currency,
        "window_hours": c.window_hours,
        "reminder_leads": c.reminder_leads,  # null: the practice's; "none": opted out
        "sponsored_credit": c.sponsored_credit,
        "archived": c.archived,
    }


def charge_json(c: Charge, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "id": c.id,
        "amount": c.amount.amount_str(),
        "currency": c.amount.currency,
        "method": c.method.value if c.method else None,
        "kind": c.kind.value,
        "status": c.status.value,
        "created_at": iso(c.created_at, tz),
        "paid_at": iso(c.paid_at, tz),
        "reference": c.reference,
        "void_reason": c.void_reason,
    }


def cancellation_json(c: Cancellation | None, tz: ZoneInfo) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "reason": c.reason.value,
        "note": c.note,
        "notified_at": iso(c.notified_at, tz),
        "notice_hours": round(c.notice_hours, 2),
        "late": c.late,
        "charged": c.charged,
    }


def session_json(s: Session, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "id": s.id,
        "uid": s.uid,
        "client": s.client_name,
        "client_id": s.client_id,
        "start": iso(s.start, tz),
        "end": iso(s.end, tz),
        "minutes": s.minutes,
        "status": s.status.value,
        "service": s.service,
        "location": s.location,
        "fee": s.fee.amount_str(),
        "currency": s.fee.currency,
        "prepaid": s.prepaid,
        "sequence": s.sequence,
        "cancellation": cancellation_json(s.cancellation, tz),
        "charges": [charge_json(c, tz) for c in s.charges],
        "rescheduled_from": s.rescheduled_from,
        "series_id": s.series_id,
        "original_start": iso(s.original_start, tz) if s.original_start else None,
    }


def audit_json(a: AuditEvent, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "at": iso(a.at, tz),
        "action": a.action,
        "before": a.before,
        "after": a.after,
        "reason": a.reason,
    }


def time_off_json(t: TimeOff, tz: ZoneInfo) -> dict[str, Any]:
    return {"id": t.id, "start": iso(t.start, tz), "end": iso(t.end, tz), "reason": t.reason}


def notification_json(n: Notification, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "id": n.id,
        "session_id": n.session_id,
        "kind": n.kind.value,
        "recipient": n.recipient,
        "subject": n.subject,
        "status": n.status.value,
        "error": n.error,
        "attempts": n.attempts,
        "created_at": iso(n.created_at, tz),
        "sent_at": iso(n.sent_at, tz),
        "outcome": n.outcome,  # "written to FILE" or "sent via HOST:PORT"
    }


def external_event_json(e: ExternalEvent, tz: ZoneInfo) -> dict[str, Any]:
    """All-day events keep plain dates; timed ones are shown in the practice zone."""
    return {
        "feed": e.feed_name,
        "uid": e.uid,
        "recurrence_id": e.recurrence_id or None,
        "start": iso(e.start, tz),
        "end": iso(e.end, tz),
        "all_day": e.all_day,
        "summary": e.summary,
        "location": e.location,
        "busy": e.busy,
        "cancelled": e.cancelled,
    }


def professional_json(p: Professional) -> dict[str, Any]:
    return {
        **fields(p, "name", "email", "timezone", "cancellation_window_hours", "late_fee_percent"),
        "payment_methods": [m.value for m in p.payment_methods],
        "working_hours": str(p.working_hours),
        "buffer_minutes": p.buffer_minutes,
        "default_currency": p.default_currency,
        "default_minutes": p.default_minutes,
        "reminder_leads": p.reminder_leads,  # as `settings set` reads it: "48,2" or "none"
        "quiet_hours": p.quiet_hours,
        "series_horizon_weeks": p.series_horizon_weeks,
        "charge_attended_sessions": p.charge_attended_sessions,
    }


def dump(document: Any) -> None:
    import json  # --json only

    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def print_list(
    args: Any,
    items: Sequence[Any],
    tz: ZoneInfo,
    to_json: Callable[[Any, ZoneInfo], Any],
    to_line: Callable[[Any, ZoneInfo], str],
    nothing: str,
) -> int:
    """A list command's output: one JSON array with --json, else a line each (``nothing``
    when there are none)."""
    if args.json:
        dump([to_json(item, tz) for item in items])
        return 0
    if not items:
        print(nothing)
    for item in items:
        print(to_line(item, tz))
    return 0


def report_runs(
    args: Any,
    reports: Sequence[RunReport],
    to_json: Callable[[Any], Any],
    show: Callable[[Any], None],
    nothing: str,
) -> int:
    """The reports of a run over feeds or targets: JSON, or each report shown (``nothing``
    when there were none); the exit status says whether every one succeeded."""
    if args.json:
        dump([to_json(r) for r in reports])
    else:
        if not reports:
            print(nothing)
        for report in reports:
            show(report)
    return 0 if all(r.ok for r in reports) else 1


def session_line(s: Session, tz: ZoneInfo) -> str:
    start = s.start.astimezone(tz)
    status = s.status.label
    extra = ""
    if s.cancellation:
        extra = f"  [{s.cancellation.reason.label}{', late' if s.cancellation.late else ''}]"
    if s.series_id is not None:
        extra += f"  ↻ series {s.series_id}"
    return (
        f"{s.id:>6}  {start:%a %Y-%m-%d} {clock(start)}  {s.minutes:>3} min  {s.client_name:<24.24}  "
        f"{status:<10}{extra}"
    )
