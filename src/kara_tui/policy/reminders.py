"""When a client reminder is due (DESIGN.md section 7): the leads, quiet hours, and no reminder
for a session booked inside its lead."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from kara_tui.domain import DomainError

LEAD_CHOICES = (48, 24, 2)  # hours
DEFAULT_LEADS = "24"
DEFAULT_QUIET = "21:00-08:00"


def parse_leads(text: str) -> tuple[int, ...]:
    """'24', '48,2' or 'none' as hours, longest first; DomainError in one line otherwise."""
    words = [w.strip().removesuffix("h").strip() for w in text.split(",") if w.strip()]
    if words in ([], ["none"]):
        return ()
    leads: set[int] = set()
    for w in words:
        if not w.isdigit() or int(w) not in LEAD_CHOICES:
            raise DomainError(
                f"'{w}' is not a reminder lead (choose from 48, 24, 2 hours, or none)"
            )
        leads.add(int(w))
    return tuple(sorted(leads, reverse=True))


def leads_for(client_leads: str | None, practice_leads: str) -> str:
    """A client's own leads (or 'none', opted out) win over the practice default."""
    return practice_leads if client_leads is None else client_leads


def leads_text(leads: tuple[int, ...]) -> str:
    return ",".join(str(h) for h in leads) if leads else "none"


def client_leads(text: str) -> str | None:
    """A client's leads as typed ('48,2', 'none' to opt out, 'default' or blank for the
    practice's) in the stored form: None for the practice's; DomainError in one line."""
    if text.strip().lower() in ("", "default"):
        return None
    return leads_text(parse_leads(text))


def client_leads_words(stored: str | None) -> str:
    """A client's leads as people read them: "48,2 h before", "none (opted out)", "the practice's"."""
    if stored is None:
        return "the practice's"
    return "none (opted out)" if stored == "none" else f"{stored} h before"


def parse_quiet(text: str) -> tuple[time, time] | None:
    """'21:00-08:00' (or 'none'): a reminder due between them goes out before them."""
    text = text.strip()
    if text in ("", "none"):
        return None
    first, dash, last = text.partition("-")
    try:
        if not dash:
            raise ValueError
        start, end = time.fromisoformat(first.strip()), time.fromisoformat(last.strip())
    except ValueError:
        raise DomainError(f"quiet hours are two times like 21:00-08:00, not '{text}'") from None
    if start == end:
        raise DomainError("quiet hours need a start and an end that differ (or 'none')")
    return start, end


def _quiet_at(local: time, quiet: tuple[time, time]) -> bool:
    start, end = quiet
    if start < end:
        return start <= local < end
    return local >= start or local < end


def due_at(
    start: datetime, lead_hours: int, quiet: tuple[time, time] | None, tz: ZoneInfo
) -> datetime:
    """``lead_hours`` of real time before ``start``; moved back to the start of quiet hours
    (in the practice zone) when it falls inside them, so nobody is woken by it."""
    due = start - timedelta(hours=lead_hours)
    if quiet is None:
        return due
    local = due.astimezone(tz)
    if not _quiet_at(local.time(), quiet):
        return due
    day = local.date()
    if local.time() < quiet[0]:  # after midnight: quiet hours began the evening before
        day -= timedelta(days=1)
    return datetime.combine(day, quiet[0], tzinfo=tz).astimezone(due.tzinfo)


def planned(
    start: datetime,
    now: datetime,
    leads: tuple[int, ...],
    quiet: tuple[time, time] | None,
    tz: ZoneInfo,
) -> list[tuple[int, datetime]]:
    """(lead in hours, due time) for each reminder the session gets: none for a lead the
    booking is already inside of (the confirmation told the client), nor one already past."""
    out = []
    for lead in leads:
        due = due_at(start, lead, quiet, tz)
        if now >= start - timedelta(hours=lead) or due <= now:
            continue
        out.append((lead, due))
    return out
