"""Domain values as JSON documents (DESIGN.md section 4) and as lines for a terminal."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

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


def iso(value: datetime | date | None, tz: ZoneInfo) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat()
    return value.isoformat()


def money(value: Money) -> dict[str, str]:
    return {"amount": value.amount_str(), "currency": value.currency}


def client_json(c: Client) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
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
        "name": p.name,
        "email": p.email,
        "timezone": p.timezone,
        "cancellation_window_hours": p.cancellation_window_hours,
        "late_fee_percent": p.late_fee_percent,
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
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def session_line(s: Session, tz: ZoneInfo) -> str:
    start = s.start.astimezone(tz)
    status = s.status.value.replace("_", "-")
    extra = ""
    if s.cancellation:
        extra = f"  [{s.cancellation.reason.label}{', late' if s.cancellation.late else ''}]"
    if s.series_id is not None:
        extra += f"  ↻ series {s.series_id}"
    return (
        f"{s.id:>6}  {start:%a %Y-%m-%d %H:%M}  {s.minutes:>3} min  {s.client_name:<24.24}  "
        f"{status:<10}{extra}"
    )
