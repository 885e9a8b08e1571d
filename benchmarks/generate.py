"""Seeded, deterministic test data for the benchmarks: Google-style .ics feeds and practice databases.

Feeds (``generate_feed``) mix, per logical event: 70 % single timed events (mostly with a TZID
and its VTIMEZONE, some in UTC), 20 % weekly series (RRULE with COUNT, UNTIL or no end,
EXDATEs, RECURRENCE-ID overrides, a few cancelled instances), 10 % all-day events. Overrides are
extra VEVENTs with the series' UID, so a 10,000-event feed holds about 10,600 VEVENTs; the file
is about 5 MB (DESCRIPTION, LOCATION, ATTENDEE and ORGANIZER lines like Google's exports).

Modes:
- ``history``: ten years of history up to ``today``; nine events in ten are in the past, so
  most of the feed lies outside the default horizon (90 days back, 365 ahead).
- ``dense``: one busy year, every event starting inside [today - 90 days, today + 275 days).
- ``providers``: the dense year as Google and Outlook write it (issue 19): DURATION instead of
  DTEND on one timed event in fourteen, a quarter of the series monthly on the nth weekday,
  VALARMs on about one event in six.
- ``birthdays``: a contacts app's birthday calendar: yearly all-day series only.

The same (events, mode, seed, today) always gives the same bytes; ``changed=True`` gives the
same feed with exactly one upcoming single event edited (summary, time, SEQUENCE), for the
re-sync benchmark.

Command line::

    python -m benchmarks.generate feed --events 10000 --mode history --out FILE
    python -m benchmarks.generate practice --sessions 10000 --external 20000 --out DB
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

MODES = ("history", "dense", "providers", "birthdays")

# -- time zones, as Google writes them (current rules only) ----------------------------------

_VTIMEZONES: dict[str, str] = {
    "Europe/London": (
        "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\nX-LIC-LOCATION:Europe/London\r\n"
        "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST\r\n"
        "DTSTART:19700329T010000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
        "BEGIN:STANDARD\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nTZNAME:GMT\r\n"
        "DTSTART:19701025T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n"
    ),
    "America/New_York": (
        "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nX-LIC-LOCATION:America/New_York\r\n"
        "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\n"
        "DTSTART:19700308T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\n"
        "BEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\n"
        "DTSTART:19701101T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n"
    ),
    "Europe/Berlin": (
        "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nX-LIC-LOCATION:Europe/Berlin\r\n"
        "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
        "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
        "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
        "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n"
    ),
    "America/Los_Angeles": (
        "BEGIN:VTIMEZONE\r\nTZID:America/Los_Angeles\r\nX-LIC-LOCATION:America/Los_Angeles\r\n"
        "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700\r\nTZNAME:PDT\r\n"
        "DTSTART:19700308T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\n"
        "BEGIN:STANDARD\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r\nTZNAME:PST\r\n"
        "DTSTART:19701101T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n"
    ),
    "Australia/Sydney": (
        "BEGIN:VTIMEZONE\r\nTZID:Australia/Sydney\r\nX-LIC-LOCATION:Australia/Sydney\r\n"
        "BEGIN:STANDARD\r\nTZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000\r\nTZNAME:AEST\r\n"
        "DTSTART:19700405T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU\r\nEND:STANDARD\r\n"
        "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100\r\nTZNAME:AEDT\r\n"
        "DTSTART:19701004T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU\r\nEND:DAYLIGHT\r\n"
        "END:VTIMEZONE\r\n"
    ),
    "Asia/Tokyo": (
        "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nX-LIC-LOCATION:Asia/Tokyo\r\n"
        "BEGIN:STANDARD\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST\r\n"
        "DTSTART:19700101T000000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    ),
}
ZONES = tuple(_VTIMEZONES)
_ZONE_WEIGHTS = (50, 20, 12, 8, 5, 5)
UTC_ZONE = "UTC"  # timed events written as ...Z without a TZID

# -- text that looks like a therapist's Google calendar ---------------------------------------

_FIRST = (
    "Ana", "Ben", "Chloé", "Dmitri", "Efua", "Fatima", "George", "Hana", "Ines", "Jonas",
    "Kemi", "Liam", "Maria", "Niamh", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tomasz",
    "Uma", "Victor", "Wen", "Xavier", "Yusuf", "Zoë", "Siobhán", "Björn", "Amélie", "Raj",
)  # fmt: skip
_LAST = (
    "Okafor", "Smith", "Nguyen", "Müller", "García", "Kowalski", "O'Brien", "Haddad", "Kim",
    "Rossi", "Dubois", "Jensen", "Patel", "Silva", "Novak", "Ivanova", "Brown", "Yamamoto",
    "Fernández", "Andersson", "MacLeod", "Costa", "Schmidt", "Ahmed", "Walsh",
)  # fmt: skip
_SUMMARIES = (
    "Supervision with {name}", "Peer consultation group", "Team meeting", "Dentist",
    "School pick-up", "CPD: trauma-informed practice webinar", "Call with accountant",
    "Yoga", "Parents' evening", "Lunch with {name}", "Flight BA117 LHR → JFK",
    "Intake call: {name}", "Case review", "Clinical notes (admin block)", "Gym",
    "Coffee with {name}", "Board meeting, Mind Charity", "Car service", "GP appointment",
    "Training: EMDR level 2", "Reading group", "Interview: new associate", "Rent due",
    "1:1 {name}", "Workshop prep; slides", "Café with {name}", "Insurance renewal call",
)  # fmt: skip
_SERIES_SUMMARIES = (
    "Weekly supervision", "Team stand-up", "Swimming lessons", "Choir rehearsal",
    "Peer group (fortnightly)", "Pilates", "Admin block", "Therapy (my own)", "Tennis",
    "1:1 {name}", "Reflective practice", "Language class: Spanish B1", "Dog walk with {name}",
)  # fmt: skip
_ALLDAY_SUMMARIES = (
    "Annual leave", "Bank holiday", "Conference: BACP", "{name}'s birthday", "Working from home",
    "Retreat", "Half term", "Out of office", "Moving house", "Training day",
)  # fmt: skip
_LOCATIONS = (
    "",
    "",
    "Room 2, 14 Harley Street, London W1G 9PQ, UK",
    "Zoom",
    "Microsoft Teams Meeting",
    "The Wellbeing Centre, 3 Canal Walk, Manchester M1 3AB, United Kingdom",
    "Starbucks, 1 Old Street, London EC1V 9HL",
    "Online",
    "Praxis Dr. Müller, Friedrichstraße 12, 10117 Berlin, Germany",
    "245 W 52nd St, New York, NY 10019, USA",
    "Home",
    "St Mary's Hospital; Outpatients, Level 2",
)  # fmt: skip
_SENTENCES = (
    "Please bring the updated risk assessment.",
    "Agenda: caseload review, referrals, any other business.",
    "Parking is at the back of the building; ring the bell marked 'Clinic'.",
    "Remember to send the invoice afterwards.",
    "Notes from last time are in the shared folder.",
    "If you can't make it, let me know by 5 pm the day before.",
    "Bring ID and the referral letter.",
    "We'll continue with the reading from chapter 4, \"Working with shame\".",
    "Dial-in: +44 20 3873 0000, PIN 123 456 789#",
    "Follow-up from the session on 3 March; see email thread.",
    "Reminder: the fee went up in April (90 → 95).",
    "Room booked until 18:00, key from reception.",
    "Zoë will cover the first half; Björn the second.",
    "Homework: breathing exercise twice a day, journal entries.",
    "Tea and biscuits provided, but bring your own mug!",
)  # fmt: skip
_MEET = (
    "-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-\n"
    "Join with Google Meet: https://meet.google.com/{code}\n"
    "Or dial: (GB) +44 20 3957 1234 PIN: {pin}#\n"
    "More phone numbers: https://tel.meet/{code}?pin={pin}\n\n"
    "Learn more about Meet at: https://support.google.com/a/users/answer/9282720\n\n"
    "Please do not edit this section.\n"
    "-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-"
)
_OWNER = ("Kara Lindqvist", "kara@example.com")
_DURATIONS = (30, 45, 50, 50, 60, 60, 60, 90, 120)
_UID_ALPHABET = "abcdefghijklmnopqrstuv0123456789"


# -- the plan: every random choice is made here, before anything is rendered -------------------


@dataclass(slots=True)
class Override:
    recurrence_id: datetime  # the original local start it replaces
    start: datetime
    end: datetime
    cancelled: bool
    summary: str
    sequence: int


@dataclass(slots=True)
class PlannedEvent:
    kind: str  # "single", "series" or "allday"
    uid: str
    tz: str  # a key of _VTIMEZONES, or UTC_ZONE; all-day events keep it but do not use it
    start: datetime | date  # local wall time (naive) in tz, or a date for all-day events
    end: datetime | date
    summary: str
    description: str
    location: str
    attendees: list[tuple[str, str, str]]  # (name, email, partstat)
    alarm: bool
    transparent: bool
    status: str
    created: datetime  # UTC
    last_modified: datetime  # UTC
    sequence: int = 0
    rrule: str = ""
    exdates: list[datetime] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    duration: bool = False  # DURATION instead of DTEND


@dataclass(frozen=True, slots=True)
class FeedStats:
    events: int
    vevents: int
    singles: int
    series: int
    overrides: int
    all_day: int
    size_bytes: int


def _uid(rng: random.Random) -> str:
    bits = rng.getrandbits(130)
    chars = []
    for _ in range(26):
        chars.append(_UID_ALPHABET[bits & 31])
        bits >>= 5
    return "".join(chars) + "@google.com"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _email(name: str) -> str:
    local = name.lower().replace(" ", ".").replace("'", "")
    return local.encode("ascii", "ignore").decode() + "@example.org"


def _description(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.66:
        return ""
    parts = [rng.choice(_SENTENCES) for _ in range(rng.randint(1, 2))]
    text = " ".join(parts)
    if rng.random() < 0.15:
        text += "\n\n" + "\n".join(rng.choice(_SENTENCES) for _ in range(rng.randint(1, 3)))
    if roll > 0.96:
        code = "-".join(
            "".join(rng.choice("abcdefghijkmnopqrstuvwxyz") for _ in range(n)) for n in (3, 4, 3)
        )
        text += "\n\n" + _MEET.format(code=code, pin=rng.randint(100_000_000, 999_999_999))
    return text


def _attendees(rng: random.Random) -> list[tuple[str, str, str]]:
    count = rng.choices((0, 1, 2, 3, 5), weights=(80, 10, 6, 3, 1))[0]
    people = []
    for _ in range(count):
        name = _name(rng)
        partstat = rng.choices(("ACCEPTED", "NEEDS-ACTION", "TENTATIVE", "DECLINED"), (6, 2, 1, 1))
        people.append((name, _email(name), partstat[0]))
    return people


def _fill(rng: random.Random, template: str) -> str:
    return template.format(name=_name(rng)) if "{name}" in template else template


def _day_in(rng: random.Random, today: date, first: int, last: int) -> date:
    """A day in [today + first, today + last) days."""
    return today + timedelta(days=rng.randrange(first, last))


def _start_day(rng: random.Random, mode: str, today: date, *, series: bool = False) -> date:
    if mode in ("dense", "providers"):
        return _day_in(rng, today, -90, 200 if series else 275)
    if rng.random() < (0.88 if series else 0.9):
        return _day_in(rng, today, -3650, 0)
    return _day_in(rng, today, 0, 120 if series else 365)


def _local_time(rng: random.Random) -> time:
    return time(rng.randint(7, 19), rng.choice((0, 0, 0, 15, 30, 30, 45)))


def _stamps(rng: random.Random, start: date, today: date) -> tuple[datetime, datetime]:
    created_day = min(start, today) - timedelta(days=rng.randint(1, 60))
    created = datetime.combine(created_day, time(rng.randint(0, 23), rng.randint(0, 59)), UTC)
    modified = created + timedelta(minutes=rng.randint(0, 60 * 24 * 30))
    return created, min(modified, datetime.combine(today, time(0), UTC))


def _common(rng: random.Random, start_day: date, today: date) -> dict[str, object]:
    created, modified = _stamps(rng, start_day, today)
    return {
        "uid": _uid(rng),
        "description": _description(rng),
        "location": rng.choice(_LOCATIONS),
        "attendees": _attendees(rng),
        "alarm": rng.random() < 0.2,
        "status": "TENTATIVE" if rng.random() < 0.04 else "CONFIRMED",
        "created": created,
        "last_modified": modified,
    }


def _zone(rng: random.Random) -> str:
    return rng.choices(ZONES, weights=_ZONE_WEIGHTS)[0]


def _plan_single(rng: random.Random, mode: str, today: date) -> PlannedEvent:
    day = _start_day(rng, mode, today)
    tz = UTC_ZONE if rng.random() < 0.15 else _zone(rng)
    start = datetime.combine(day, _local_time(rng))
    end = start + timedelta(minutes=rng.choice(_DURATIONS))
    return PlannedEvent(
        kind="single",
        tz=tz,
        start=start,
        end=end,
        summary=_fill(rng, rng.choice(_SUMMARIES)),
        transparent=rng.random() < 0.08,
        **_common(rng, day, today),  # type: ignore[arg-type]
    )


def _plan_allday(rng: random.Random, mode: str, today: date) -> PlannedEvent:
    day = _start_day(rng, mode, today)
    days = rng.choices((1, 2, 3, 5), weights=(75, 10, 10, 5))[0]
    return PlannedEvent(
        kind="allday",
        tz=ZONES[0],
        start=day,
        end=day + timedelta(days=days),
        summary=_fill(rng, rng.choice(_ALLDAY_SUMMARIES)),
        transparent=rng.random() < 0.7,
        **_common(rng, day, today),  # type: ignore[arg-type]
    )


def _plan_series(rng: random.Random, mode: str, today: date) -> PlannedEvent:
    day = _start_day(rng, mode, today, series=True)
    tz = _zone(rng)
    start = datetime.combine(day, _local_time(rng))
    minutes = rng.choice(_DURATIONS)
    interval = 2 if rng.random() < 0.15 else 1
    step = timedelta(weeks=interval)
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[start.weekday()]
    rule = f"FREQ=WEEKLY;{'INTERVAL=2;' if interval == 2 else ''}BYDAY={weekday}"
    horizon_end = datetime.combine(today + timedelta(days=365), time(0))
    # Series that never end are still running today: few in ten years of history (most
    # series were ended, which Google writes as an UNTIL), more in a busy current year.
    open_weight = 10 if mode in ("dense", "providers") else 4
    end_kind = rng.choices(("count", "until", "open"), weights=(48, 48, open_weight))[0]
    if end_kind == "count":
        n = rng.randint(4, 40 if mode in ("dense", "providers") else 30)
        rule += f";COUNT={n}"
    elif end_kind == "until":
        n = rng.randint(4, 60)
        if mode in ("dense", "providers"):
            n = max(2, min(n, (horizon_end - start) // step))
        last_local = start + (n - 1) * step
        last_utc = last_local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
        rule += f";UNTIL={last_utc:%Y%m%dT%H%M%S}Z"
    else:
        n = max(1, (horizon_end - start) // step)
    occurrences = max(n, 2)
    picks = rng.sample(
        range(1, occurrences), k=min(occurrences - 1, rng.choice((0, 0, 1, 1, 2, 2, 3)))
    )
    n_exdates = len(picks) // 2
    exdates = sorted(start + k * step for k in picks[:n_exdates])
    overrides = []
    for k in picks[n_exdates:]:
        original = start + k * step
        shift = rng.choices(
            (timedelta(hours=1), timedelta(days=1), timedelta(minutes=-30), timedelta(0)),
            weights=(45, 30, 10, 15),
        )[0]
        cancelled = shift == timedelta(0)
        new_start = original + shift
        overrides.append(
            Override(
                recurrence_id=original,
                start=new_start,
                end=new_start + timedelta(minutes=minutes),
                cancelled=cancelled,
                summary="",
                sequence=rng.randint(1, 3),
            )
        )
    summary = _fill(rng, rng.choice(_SERIES_SUMMARIES))
    for override in overrides:
        override.summary = summary if rng.random() < 0.7 else summary + " (moved)"
    return PlannedEvent(
        kind="series",
        tz=tz,
        start=start,
        end=start + timedelta(minutes=minutes),
        summary=summary,
        transparent=False,
        rrule=rule,
        exdates=exdates,
        overrides=overrides,
        **_common(rng, day, today),  # type: ignore[arg-type]
    )


def plan_feed(
    events: int, *, mode: str = "history", seed: int = 7, today: date
) -> list[PlannedEvent]:
    """Every random choice of a feed, in file order (shuffled, as real exports are)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    rng = random.Random(f"{seed}:{mode}:{events}:{today.isoformat()}")
    if mode == "birthdays":
        return [_plan_birthday(rng, today) for _ in range(events)]
    # Exact shares (70/20/10) rather than a roll per event, so that small feeds keep the mix.
    n_series = round(events * 0.2)
    n_allday = round(events * 0.1)
    kinds = ["series"] * n_series + ["allday"] * n_allday
    kinds += ["single"] * (events - len(kinds))
    rng.shuffle(kinds)
    planners = {"single": _plan_single, "series": _plan_series, "allday": _plan_allday}
    plan = [planners[kind](rng, mode, today) for kind in kinds]
    if mode == "providers":
        _as_providers_write(plan, random.Random(f"{seed}:providers:{events}"))
    return plan


def _as_providers_write(plan: list[PlannedEvent], rng: random.Random) -> None:
    """DURATION, monthly nth-weekday series and alarms, as Google and Outlook write them."""
    for event in plan:
        if event.kind == "allday":
            continue
        event.duration = rng.random() < 0.07
        event.alarm = rng.random() < 0.17
        if event.kind == "series" and rng.random() < 0.25:
            assert isinstance(event.start, datetime)
            weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[event.start.weekday()]
            nth = rng.choice(("1", "2", "3", "-1"))
            end = event.rrule.split(";")[-1]
            tail = f";{end}" if end.startswith(("COUNT", "UNTIL")) else ""
            event.rrule = f"FREQ=MONTHLY;BYDAY={nth}{weekday}{tail}"
            event.exdates, event.overrides = [], []  # a weekly step's dates are not instances


def _plan_birthday(rng: random.Random, today: date) -> PlannedEvent:
    born = date(rng.randint(1940, 2015), rng.randint(1, 12), rng.randint(1, 28))
    if rng.random() < 0.01:
        born = date(rng.choice((1960, 1972, 1988, 2000)), 2, 29)
    return PlannedEvent(
        kind="allday",
        tz=UTC_ZONE,
        start=born,
        end=born + timedelta(days=1),
        summary=f"{_name(rng)}'s birthday",
        transparent=True,
        rrule="FREQ=YEARLY",
        uid=_uid(rng),
        description="",
        location="",
        attendees=[],
        alarm=rng.random() < 0.3,
        status="CONFIRMED",
        created=datetime.combine(today - timedelta(days=400), time(9), UTC),
        last_modified=datetime.combine(today - timedelta(days=400), time(9), UTC),
    )


def change_one(plan: list[PlannedEvent], today: date) -> PlannedEvent:
    """Edit one upcoming single event in place (as a user moving a meeting would); return it."""
    soon = [
        e
        for e in plan
        if e.kind == "single"
        and isinstance(e.start, datetime)
        and today < e.start.date() <= today + timedelta(days=30)
    ]
    target = (soon or [e for e in plan if e.kind == "single"] or plan)[0]
    if isinstance(target.start, datetime) and isinstance(target.end, datetime):
        target.start += timedelta(hours=1)
        target.end += timedelta(hours=1)
    target.summary += " (moved)"
    target.sequence += 1
    target.last_modified = datetime.combine(today, time(0), UTC)
    return target


# -- rendering ---------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """RFC 5545 folding at 75 octets, never inside a UTF-8 sequence."""
    if len(line) <= 75 and (line.isascii() or len(line.encode()) <= 75):
        return line
    if line.isascii():
        parts = [line[:75]]
        parts += [line[i : i + 74] for i in range(75, len(line), 74)]
        return "\r\n ".join(parts)
    parts = []
    current: list[str] = []
    size = 0
    limit = 75
    for ch in line:
        width = len(ch.encode())
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74
        current.append(ch)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _local(value: datetime) -> str:
    return (
        f"{value.year:04d}{value.month:02d}{value.day:02d}"
        f"T{value.hour:02d}{value.minute:02d}{value.second:02d}"
    )


def _day(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _when(name: str, value: datetime, tz: str) -> str:
    if tz == UTC_ZONE:
        return f"{name}:{_local(value)}Z"
    return f"{name};TZID={tz}:{_local(value)}"


def _render_event(
    out: list[str],
    event: PlannedEvent,
    stamp: str,
    *,
    override: Override | None = None,
) -> None:
    out.append("BEGIN:VEVENT")
    if event.kind == "allday":
        assert isinstance(event.start, date) and isinstance(event.end, date)
        out.append(f"DTSTART;VALUE=DATE:{_day(event.start)}")
        out.append(f"DTEND;VALUE=DATE:{_day(event.end)}")
        if event.rrule:
            out.append(f"RRULE:{event.rrule}")
    else:
        start = override.start if override else event.start
        end = override.end if override else event.end
        assert isinstance(start, datetime) and isinstance(end, datetime)
        out.append(_when("DTSTART", start, event.tz))
        if event.duration:
            out.append(f"DURATION:PT{(end - start) // timedelta(minutes=1)}M")
        else:
            out.append(_when("DTEND", end, event.tz))
        if event.rrule and override is None:
            out.append(f"RRULE:{event.rrule}")
            out.extend(_when("EXDATE", ex, event.tz) for ex in event.exdates)
    out.append(f"DTSTAMP:{stamp}")
    out.append(f"UID:{event.uid}")
    if override is not None:
        out.append(_when("RECURRENCE-ID", override.recurrence_id, event.tz))
    out.append(f"CREATED:{_local(event.created)}Z")
    if event.description:
        out.append(_fold("DESCRIPTION:" + _escape(event.description)))
    out.append(f"LAST-MODIFIED:{_local(event.last_modified)}Z")
    out.append(_fold("LOCATION:" + _escape(event.location)))
    out.append(f"SEQUENCE:{override.sequence if override else event.sequence}")
    status = "CANCELLED" if override is not None and override.cancelled else event.status
    out.append(f"STATUS:{status}")
    out.append(_fold("SUMMARY:" + _escape(override.summary if override else event.summary)))
    out.append(f"TRANSP:{'TRANSPARENT' if event.transparent else 'OPAQUE'}")
    if event.attendees:
        out.append(_fold(f"ORGANIZER;CN={_OWNER[0]}:mailto:{_OWNER[1]}"))
        for name, email, partstat in event.attendees:
            out.append(
                _fold(
                    f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};"
                    f'CN="{name}";X-NUM-GUESTS=0:mailto:{email}'
                )
            )
    if event.alarm:
        out.append("BEGIN:VALARM")
        out.append("ACTION:DISPLAY")
        out.append("DESCRIPTION:This is an event reminder")
        out.append("TRIGGER:-P0DT0H10M0S")
        out.append("END:VALARM")
    out.append("END:VEVENT")


def render_feed(plan: list[PlannedEvent], today: date) -> str:
    zones = sorted({e.tz for e in plan if e.kind != "allday" and e.tz != UTC_ZONE})
    out = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_OWNER[1]}",
        "X-WR-TIMEZONE:Europe/London",
    ]
    header = "\r\n".join(out) + "\r\n" + "".join(_VTIMEZONES[z] for z in zones)
    out = []
    stamp = f"{_day(today)}T060000Z"
    for event in plan:
        _render_event(out, event, stamp)
    # Overrides come after all masters, as in many exports: an importer must group by UID.
    for event in plan:
        for override in event.overrides:
            _render_event(out, event, stamp, override=override)
    out.append("END:VCALENDAR")
    return header + "\r\n".join(out) + "\r\n"


def generate_feed(
    events: int,
    *,
    mode: str = "history",
    seed: int = 7,
    today: date | None = None,
    changed: bool = False,
) -> str:
    """The text of a feed; the same arguments always give the same text."""
    today = today or date.today()
    plan = plan_feed(events, mode=mode, seed=seed, today=today)
    if changed:
        change_one(plan, today)
    return render_feed(plan, today)


def write_feed(
    path: Path,
    events: int,
    *,
    mode: str = "history",
    seed: int = 7,
    today: date | None = None,
    changed: bool = False,
) -> FeedStats:
    today = today or date.today()
    plan = plan_feed(events, mode=mode, seed=seed, today=today)
    if changed:
        change_one(plan, today)
    data = render_feed(plan, today).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    overrides = sum(len(e.overrides) for e in plan)
    return FeedStats(
        events=len(plan),
        vevents=len(plan) + overrides,
        singles=sum(e.kind == "single" for e in plan),
        series=sum(e.kind == "series" for e in plan),
        overrides=overrides,
        all_day=sum(e.kind == "allday" for e in plan),
        size_bytes=len(data),
    )


# -- a practice database -----------------------------------------------------------------------

_SLOTS = (time(9), time(10), time(11), time(12), time(14), time(15), time(16), time(17))
_SERVICES = ("Individual therapy", "Couples therapy", "Assessment", "Supervision")


@dataclass(frozen=True, slots=True)
class PracticeStats:
    clients: int
    sessions: int
    cancelled: int
    external: int
    feeds: int


def write_practice(
    path: Path,
    *,
    sessions: int = 10_000,
    external: int = 20_000,
    now: datetime | None = None,
    seed: int = 7,
    horizon_past_days: int = 90,
    horizon_future_days: int = 365,
) -> PracticeStats:
    """A practice of ``sessions`` sessions (most in the past, some booked ahead), their clients,
    and ``external`` stored occurrences of two feeds inside the horizon around ``now``.

    The file is created through kara-tui's own engine and Alembic migrations, then filled
    with SQLAlchemy Core bulk inserts (seconds, where booking through the service would take
    minutes).
    """
    from sqlalchemy import insert

    from kara_tui.db.engine import make_engine
    from kara_tui.db.rows import Base
    from kara_tui.db.schema import upgrade

    now = (now or datetime.now(UTC)).astimezone(UTC)
    rng = random.Random(f"{seed}:practice:{sessions}:{external}:{now.isoformat()}")
    tz = ZoneInfo("Europe/London")
    if path.exists():
        path.unlink()
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        t = Base.metadata.tables
        created = now - timedelta(days=3650)
        n_clients = max(1, sessions // 25)
        client_rows = []
        for i in range(1, n_clients + 1):
            name = _name(rng)
            sponsored = rng.random() < 0.15
            client_rows.append(
                {
                    "id": i,
                    "professional_id": 1,
                    "name": name,
                    "email": _email(name) if rng.random() < 0.85 else "",
                    "phone": f"+44 7700 9{rng.randint(0, 99999):05d}",
                    "programme": "sponsored" if sponsored else "private",
                    "fee_minor": rng.choice((7500, 8500, 9000, 9500, 12000)),
                    "currency": "GBP",
                    "window_hours": rng.choice((None, None, None, 48)),
                    "sponsored_credit": rng.randint(0, 10) if sponsored else 0,
                    "archived": rng.random() < 0.3,
                    "notes": rng.choice(_SENTENCES) if rng.random() < 0.3 else "",
                    "created_at": created,
                }
            )
        # Fill weekday slots backwards from eight weeks ahead until there are enough sessions.
        day = (now + timedelta(weeks=8)).astimezone(tz).date()
        session_rows: list[dict[str, object]] = []
        cancellations: list[dict[str, object]] = []
        charges: list[dict[str, object]] = []
        while len(session_rows) < sessions:
            if day.weekday() < 5:
                for slot in _SLOTS:
                    if len(session_rows) >= sessions or rng.random() > 0.7:
                        continue
                    start = datetime.combine(day, slot, tz).astimezone(UTC)
                    end = start + timedelta(minutes=50)
                    client = rng.choice(client_rows)
                    sid = len(session_rows) + 1
                    past = end <= now
                    roll = rng.random()
                    if roll < 0.07:
                        status = "cancelled"
                    elif past and roll < 0.09:
                        status = "no_show"
                    else:
                        status = "attended" if past else "scheduled"
                    session_rows.append(
                        {
                            "id": sid,
                            "uid": f"kara-{sid:06d}@bench.invalid",
                            "professional_id": 1,
                            "client_id": client["id"],
                            "start": start,
                            "end": end,
                            "service": rng.choice(_SERVICES),
                            "location": rng.choice(("", "Room 2", "Video call")),
                            "fee_minor": client["fee_minor"],
                            "currency": "GBP",
                            "status": status,
                            "prepaid": rng.random() < 0.1,
                            "credit_reserved": False,
                            "sequence": 0,
                            "rescheduled_from": None,
                            "created_at": start - timedelta(days=14),
                            "updated_at": start - timedelta(days=1),
                        }
                    )
                    if status == "cancelled":
                        notice = rng.choice((2.0, 12.0, 30.0, 72.0))
                        late = notice < 24
                        charged = late and rng.random() < 0.6
                        cancellations.append(
                            {
                                "session_id": sid,
                                "reason": rng.choice(("client", "client", "professional", "other")),
                                "note": "",
                                "notified_at": start - timedelta(hours=notice),
                                "notice_hours": notice,
                                "late": late,
                                "charged": charged,
                                "cancelled_at": start - timedelta(hours=notice),
                            }
                        )
                        if charged:
                            charges.append(
                                {
                                    "session_id": sid,
                                    "client_id": client["id"],
                                    "amount_minor": client["fee_minor"],
                                    "currency": "GBP",
                                    "method": "card",
                                    "kind": "late_cancellation",
                                    "status": "paid" if past else "pending",
                                    "created_at": start - timedelta(hours=notice),
                                }
                            )
            day -= timedelta(days=1)
        feed_rows = [
            {
                "id": fid,
                "name": name,
                "source": source,
                "enabled": True,
                "refresh_minutes": 60,
                "colour": colour,
                "etag": None,
                "last_modified": None,
                "body_hash": None,
                "last_attempt": now,
                "last_success": now,
                "last_error": "",
                "stale": False,
                "event_count": 0,
                "created_at": created,
            }
            for fid, name, source, colour in (
                (1, "Work (Google)", "https://calendar.invalid/work/basic.ics", "#5f87af"),
                (2, "Family (iCloud)", "https://calendar.invalid/family.ics", "#af875f"),
            )
        ]
        start_window = now - timedelta(days=horizon_past_days)
        span_minutes = (horizon_past_days + horizon_future_days) * 24 * 60
        external_rows = []
        for i in range(external):
            feed_id = 1 + (i % 2)
            all_day = rng.random() < 0.1
            if all_day:
                day0 = (start_window + timedelta(minutes=rng.randrange(span_minutes))).date()
                start = datetime.combine(day0, time(0), UTC)
                end = start + timedelta(days=1)
            else:
                local = (start_window + timedelta(minutes=rng.randrange(span_minutes))).astimezone(
                    tz
                )
                local = local.replace(hour=rng.randint(7, 19), minute=rng.choice((0, 15, 30, 45)))
                start = local.astimezone(UTC)
                end = start + timedelta(minutes=rng.choice(_DURATIONS))
            series = rng.random() < 0.3
            external_rows.append(
                {
                    "feed_id": feed_id,
                    "uid": f"ext-{i // 40 if series else i:07d}@bench.invalid",
                    "recurrence_id": f"{_local(start)}Z" if series else "",
                    "start": start,
                    "end": end,
                    "all_day": all_day,
                    "summary": _fill(rng, rng.choice(_SUMMARIES)),
                    "location": rng.choice(_LOCATIONS),
                    "busy": not all_day and rng.random() > 0.08,
                    "cancelled": False,
                    "component_hash": f"{rng.getrandbits(128):032x}",
                }
            )
        for row in feed_rows:
            row["event_count"] = sum(1 for e in external_rows if e["feed_id"] == row["id"])
        with engine.begin() as conn:
            conn.execute(
                insert(t["professionals"]),
                [
                    {
                        "id": 1,
                        "name": _OWNER[0],
                        "email": _OWNER[1],
                        "timezone": "Europe/London",
                        "cancellation_window_hours": 24,
                        "late_fee_percent": 100,
                        "payment_methods": "card,cash,bank_transfer,invoice",
                        "working_hours": "mon-fri 09:00-18:00",
                        "buffer_minutes": 10,
                        "default_currency": "GBP",
                        "default_minutes": 50,
                    }
                ],
            )
            conn.execute(insert(t["clients"]), client_rows)
            conn.execute(insert(t["sessions"]), session_rows)
            if cancellations:
                conn.execute(insert(t["cancellations"]), cancellations)
            if charges:
                conn.execute(insert(t["charges"]), charges)
            conn.execute(insert(t["feeds"]), feed_rows)
            if external_rows:
                # Dedupe the (feed, uid, recurrence_id) key the way a real sync would have.
                seen: set[tuple[object, object, object]] = set()
                unique = []
                for row in external_rows:
                    key = (row["feed_id"], row["uid"], row["recurrence_id"])
                    if key not in seen:
                        seen.add(key)
                        unique.append(row)
                conn.execute(insert(t["external_events"]), unique)
                external = len(unique)
    finally:
        engine.dispose()
    return PracticeStats(
        clients=len(client_rows),
        sessions=len(session_rows),
        cancelled=len(cancellations),
        external=external,
        feeds=len(feed_rows),
    )


# -- command line -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="what", required=True)
    f = sub.add_parser("feed", help="an .ics feed of N events")
    f.add_argument("--events", type=int, default=10_000)
    f.add_argument("--mode", choices=MODES, default="history")
    f.add_argument("--seed", type=int, default=7)
    f.add_argument(
        "--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
    )
    f.add_argument("--changed", action="store_true", help="the same feed with one event edited")
    f.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("practice", help="a SQLite practice database")
    p.add_argument("--sessions", type=int, default=10_000)
    p.add_argument("--external", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--now", type=datetime.fromisoformat, default=None, help="ISO time with offset")
    p.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.what == "feed":
        stats = write_feed(
            args.out,
            args.events,
            mode=args.mode,
            seed=args.seed,
            today=args.today,
            changed=args.changed,
        )
    else:
        if args.now is not None and args.now.tzinfo is None:
            parser.error("--now needs a UTC offset")
        stats = write_practice(
            args.out, sessions=args.sessions, external=args.external, now=args.now, seed=args.seed
        )
    print(f"{args.out}: {stats}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
