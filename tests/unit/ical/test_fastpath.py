"""The fast path gives exactly what the icalendar path gives, on feeds built to probe its edges.

Each generated feed mixes plain single events (which the fast path reads itself)
with everything it must hand to icalendar: odd parameters, broken values, shared
UIDs, series, overrides, unknown and custom zones, DST gaps and folds. parse_feed
with and without the fast path must agree on every occurrence and every problem,
and both must agree with plain recurring-ical-events.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from dateutil import parser as dateutil_parser
from dateutil.rrule import rrulestr

from kara_tui.ical.expand.plain import rule_parts as _rule
from kara_tui.ical.expand.rules import _calendar_walk, until_value
from kara_tui.ical.expand.rules import closer_start as _closer_start
from kara_tui.ical.expand.rules import rule_instances as _instances
from kara_tui.ical.expand.triage import split_events as _split
from kara_tui.ical.parse import ParseResult, _parse_feed, expand_reference, parse_feed
from kara_tui.ical.prepare import prepare
from support.marks import slow_after_first

CUSTOM_ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\n"
    "BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
    "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
)
LONDON_ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"
    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nDTSTART:19700329T010000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nDTSTART:19701025T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)

ZONES = (
    ";TZID=Europe/London",
    ";TZID=America/New_York",
    ';TZID="W. Europe Standard Time"',
    ";TZID=W. Europe Standard Time",
    ';TZID="(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"',
    ";TZID=Customized Time Zone",
    ";TZID=Not/A_Zone",
    ";TZID=UTC",
    ";TZID=Europe/Berlin",
    ";tzid=Asia/Tokyo",
    ";VALUE=DATE-TIME;TZID=Europe/London",
    "",  # floating
)
# Wall times chosen to sit on DST changes (gaps and repeated hours) and near the window's edges.
STAMPS = (
    "20250330T013000",
    "20251026T013000",
    "20250309T023000",
    "20251102T013000",
    "20241231T233000",
    "20250101T003000",
    "20251231T230000",
    "20260101T010000",
    "20250615T090000",
    "20180612T090000",
    "20251025T120000",  # a day before a DST change: P1D is 25 wall-clock hours
    "20250329T120000",
    "20300105T100000",
)
# UTC instants that are a repeated hour in Berlin: recurring-ical-events drops the fold of
# such a time after x-wr-timezone moved it there (an hour off); parse_feed keeps the instant.
FOLDS = ("20251026T013000", "20251102T013000")
DAYS = ("20250101", "20241231", "20251231", "20260101", "20250330", "20190101", "20310101")
TEXTS = (
    "Team\\, weekly",
    "Line\\none\\Ntwo",
    "Back\\\\slash\\; semi",
    "Tab\there",
    "  padded  ",
    "Café → Zoë",
    "",
)


def _when(rng: random.Random, name: str, hostile: bool) -> str:
    shape = rng.random()
    if shape < 0.15:
        return f"{name};VALUE=DATE:{rng.choice(DAYS)}"
    if shape < 0.2:
        return f"{name}:{rng.choice(DAYS)}"
    stamps = STAMPS if hostile else [s for s in STAMPS if s not in FOLDS]
    if shape < 0.35:
        return f"{name}:{rng.choice(stamps)}Z"
    return f"{name}{rng.choice(ZONES)}:{rng.choice(stamps)}"


def _single(rng: random.Random, uid: str, hostile: bool) -> list[str]:
    lines = [f"UID:{uid}"] if uid else []
    start = _when(rng, "DTSTART", hostile)
    end_shape = rng.random()
    if end_shape < 0.6:
        # mostly the same shape as the start, sometimes another one (mixed date/time)
        end = start.replace("DTSTART", "DTEND")
        head, value = end.rsplit(":", 1)
        if not hostile:  # later the same day, or the next day
            day = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
            other = (day + timedelta(days=1)).strftime("%Y%m%d")
            end = head + ":" + (other if len(value) == 8 else value[:9] + "235900" + value[15:])
        elif rng.random() < 0.7:
            end = head + ":" + rng.choice(DAYS if len(value) == 8 else STAMPS) + value[15:]
        else:
            end = _when(rng, "DTEND", hostile)
        lines.append(end)
    elif end_shape < 0.75:
        lines.append("DURATION:" + rng.choice(("PT1H", "P1D", "PT0S", "-PT30M", "P1DT2H", "P2W")))
    elif end_shape < 0.8:
        lines.append("DTEND:garbage")
    lines.append(start)
    if rng.random() < 0.8:
        lang = rng.choice(("", ";LANGUAGE=en", ';ALTREP="http://x.test/a:b"', ";X-FOO=bar"))
        lines.append(f"SUMMARY{lang}:{rng.choice(TEXTS)}")
    if rng.random() < 0.5:
        lines.append(f"LOCATION:{rng.choice(TEXTS)}")
    if rng.random() < 0.3:
        lines.append("STATUS:" + rng.choice(("CANCELLED", "cancelled", "CONFIRMED", "TENTATIVE")))
    if rng.random() < 0.3:
        lines.append("TRANSP:" + rng.choice(("TRANSPARENT", "OPAQUE", "", " transparent")))
    if rng.random() < 0.2:
        lines.append("X-MICROSOFT-CDO-BUSYSTATUS:" + rng.choice(("FREE", "BUSY", "free")))
    if rng.random() < 0.3:
        lines.append(f"SEQUENCE:{rng.randint(0, 3)}")
    if rng.random() < 0.05:
        doubled = ("DTSTART:20250101T100000Z", "SUMMARY:twice", "UID:again")
        lines.append(rng.choice(doubled if hostile else doubled[:2]))
    if rng.random() < 0.03:
        lines[lines.index(start)] = rng.choice(
            ("DTSTART:20251345T000000", "DTSTART:", "DTSTART;VALUE=PERIOD:x")
        )
    rng.shuffle(lines)
    return lines


def _series(rng: random.Random, uid: str) -> list[list[str]]:
    start = _when(rng, "DTSTART", True)
    head, value = start.rsplit(":", 1)
    lines = [f"UID:{uid}", start]
    if len(value) > 8:
        lines.append(f"DTEND{head[7:]}:{value[:9]}{rng.choice(('235900', '103000'))}{value[15:]}")
    elif rng.random() < 0.5:
        lines.append(f"DTEND{head[7:]}:{value}")
    freq = rng.choice(
        (
            "WEEKLY",
            "WEEKLY;BYDAY=MO,WE",
            "DAILY",
            "DAILY;INTERVAL=3",
            "WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU",
            "WEEKLY;INTERVAL=2",
            "MONTHLY;BYDAY=2TU",
            "YEARLY",
        )
    )
    until = (
        rng.choice(("20250301T000000Z", "20251026T010000Z", "20190101"))
        if len(value) > 8
        else rng.choice(("20250301", "20250301T000000Z"))
    )
    end = rng.choice(
        ("", ";COUNT=5", ";COUNT=60", f";UNTIL={until}", f";UNTIL={until}", ";UNTL=2020")
    )
    lines.append(f"RRULE:FREQ={freq}{end}")
    instants = [value]
    if len(value) > 8:
        instants += [value[:8] + "T" + t + value[15:] for t in ("013000", "023000", "090000")]
    if rng.random() < 0.5:
        days = (value[:8], "20250104", "20250105", "20250330", "20251026", "20251102")
        picked = [d + v[8:] for d in rng.sample(days, 3) for v in instants[:1]]
        lines.append(f"EXDATE{head[7:]}:{','.join(picked)}")
    if rng.random() < 0.05:
        lines.append(f"RDATE:{rng.choice(STAMPS)}Z")
    lines.append(f"SUMMARY:{rng.choice(TEXTS)}")
    if rng.random() < 0.3:
        lines.append("SEQUENCE:2")
    out = [lines]
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        moved_from = rng.choice(("20250105", "20250330", "20251026", "20250615", value[:8]))
        rid = moved_from + value[8:]
        moved = [f"UID:{uid}", f"RECURRENCE-ID{head[7:]}:{rid}", _when(rng, "DTSTART", True)]
        if rng.random() < 0.5:
            moved.append("STATUS:CANCELLED")
        moved.append(f"SUMMARY:{rng.choice(TEXTS)} (moved)")
        if rng.random() < 0.1:
            moved[1] = moved[1].replace("RECURRENCE-ID", "RECURRENCE-ID;RANGE=THISANDFUTURE")
        out.append(moved)
    return out


def generated_feed(seed: int, events: int = 300, *, hostile: bool = True) -> bytes:
    """A feed of ``events`` mixed events.

    ``hostile`` adds what plain recurring-ical-events cannot take: two UID lines
    in one event (it raises), and a DTEND in another zone than DTSTART (it adds
    the duration as wall-clock time in the start's zone, an hour off across a DST
    change, where parse_feed keeps the written instant).
    """
    rng = random.Random(seed)
    components: list[list[str]] = []
    uids = [f"u{seed}-{i}@test" for i in range(events)]
    for i, uid in enumerate(uids):
        roll = rng.random()
        if roll < 0.7:
            name = uid if rng.random() > 0.03 else rng.choice(("", "a\\,b@test", "UID:again"))
            if rng.random() < 0.03 and i:
                name = uids[i - 1]  # a copy of the previous UID
            components.append(_single(rng, name, hostile))
        elif roll < 0.9:
            components.extend(_series(rng, uid))
        else:
            # a single event and a "moved instance" of it later in the file
            components.append(_single(rng, uid, hostile))
            later = [f"UID:{uid}", "RECURRENCE-ID:20250615T090000Z", "DTSTART:20250616T090000Z"]
            components.append(later)
    rng.shuffle(components)
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    if seed % 2:
        head.append("X-WR-TIMEZONE:Europe/Berlin")
    text = "\r\n".join(head) + "\r\n" + CUSTOM_ZONE + (LONDON_ZONE if seed % 3 else "")
    for lines in components:
        text += "BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n"
    return (text + "END:VCALENDAR\r\n").encode()


WINDOWS: list[tuple[datetime, datetime, tzinfo]] = [
    (datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC), UTC),
    (
        datetime(2025, 1, 1, tzinfo=ZoneInfo("Europe/London")),
        datetime(2025, 11, 1, tzinfo=ZoneInfo("Europe/London")),
        ZoneInfo("Europe/London"),
    ),
    (
        datetime(2025, 3, 9, 6, tzinfo=UTC),
        datetime(2025, 3, 31, tzinfo=UTC),
        ZoneInfo("America/New_York"),
    ),
]


def _both(
    body: bytes, start: datetime, end: datetime, tz: tzinfo
) -> tuple[ParseResult, ParseResult]:
    common = {
        "window_start": start,
        "window_end": end,
        "max_occurrences_per_series": 5000,
        "max_seconds_per_series": 2.0,
        "default_tz": tz,
    }
    return _parse_feed(body, fast=True, **common), _parse_feed(body, fast=False, **common)  # type: ignore[arg-type]


def _assert_same(fast: ParseResult, slow: ParseResult) -> None:
    got = {(o.uid, o.recurrence_id): o for o in fast.occurrences}
    want = {(o.uid, o.recurrence_id): o for o in slow.occurrences}
    assert got.keys() == want.keys()
    for key, occurrence in got.items():
        assert occurrence == want[key], key
        assert type(occurrence.start) is type(want[key].start), key
    assert sorted(map(repr, fast.problems)) == sorted(map(repr, slow.problems))
    assert (fast.event_count, fast.calendar_name) == (slow.event_count, slow.calendar_name)


@pytest.mark.parametrize("seed", slow_after_first(range(6)))  # ~5 s each
def test_generated_feeds_give_the_same_result_with_and_without_the_fast_path(seed: int) -> None:
    body = generated_feed(seed)
    tame = generated_feed(seed, hostile=False)
    taken = series = 0
    for start, end, tz in WINDOWS:
        fast, slow = _both(body, start, end, tz)
        _assert_same(fast, slow)
        fast = parse_feed(tame, window_start=start, window_end=end, default_tz=tz)
        reference = expand_reference(tame, window_start=start, window_end=end, default_tz=tz)
        reported = {p.uid for p in fast.problems if p.uid}
        want = {(o.uid, o.recurrence_id): o for o in reference if o.uid not in reported}
        got = {(o.uid, o.recurrence_id): o for o in fast.occurrences if o.uid not in reported}
        assert got == want
        events = prepare(body).events
        split = _split(events, start, end)
        taken += len(events) - len(split.complex)
        series += len(split.series)
    # The comparison means something only if the fast path did most of the work.
    assert taken > 0.5 * 3 * 300
    assert series > 20


# -- feeds as providers write them (issue 19): Google, Outlook, phones' birthday calendars ----

PROVIDER_ZONES = (";TZID=Europe/London", ";TZID=America/New_York", ";TZID=Europe/Berlin", "")
ALARM = (
    "BEGIN:VALARM",
    "ACTION:DISPLAY",
    "DESCRIPTION:This is an event reminder",
    "TRIGGER:-P0DT0H10M0S",
    "END:VALARM",
)


def _provider_lines(rng: random.Random, lines: list[str]) -> list[str]:
    """Text properties, and on about one event in six a VALARM, as providers add them."""
    lines.append(f"SUMMARY:{rng.choice(TEXTS)}")
    if rng.random() < 0.5:
        lines.append(f"LOCATION:{rng.choice(TEXTS)}")
    lines.append("TRANSP:" + ("TRANSPARENT" if rng.random() < 0.1 else "OPAQUE"))
    lines.append(f"SEQUENCE:{rng.randint(0, 2)}")
    if rng.random() < 0.17:
        lines.extend(ALARM)
    return lines


def _provider_span(rng: random.Random, zone: str, stamp: str, minutes: int) -> list[str]:
    start = datetime.strptime(stamp, "%Y%m%dT%H%M%S")
    lines = [f"DTSTART{zone}:{stamp}"]
    if rng.random() < 0.07:
        lines.append(f"DURATION:PT{minutes}M")
    else:
        lines.append(f"DTEND{zone}:{start + timedelta(minutes=minutes):%Y%m%dT%H%M%S}")
    return lines


def _provider_series(rng: random.Random, uid: str, all_day: bool) -> list[list[str]]:
    """A weekly, monthly or yearly series, with EXDATEs, RDATEs and moved or cancelled
    instances written the way Google and Outlook write them."""
    zone = "" if all_day else rng.choice(PROVIDER_ZONES)
    day = date(2024, 1, 1) + timedelta(days=rng.randrange(700))
    if rng.random() < 0.1:
        day = date(day.year, rng.choice((1, 3, 5, 7, 8, 10, 12)), rng.choice((29, 30, 31)))
    clock = "" if all_day else f"T{rng.choice(('090000', '013000', '023000', '173000'))}"
    value = f"{day:%Y%m%d}{clock}"
    head = ";VALUE=DATE" if all_day else zone
    minutes = rng.choice((30, 50, 60, 90))
    if all_day:
        lines = [f"UID:{uid}", f"DTSTART{head}:{value}"]
        if rng.random() < 0.8:
            lines.append(f"DTEND{head}:{day + timedelta(days=1):%Y%m%d}")
        elif rng.random() < 0.5:
            lines.append("DURATION:P1D")
    else:
        lines = [f"UID:{uid}", *_provider_span(rng, zone, value, minutes)]
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday()]
    rule = rng.choice(
        (
            f"WEEKLY;BYDAY={weekday}",
            f"WEEKLY;INTERVAL=2;BYDAY={weekday}",
            "WEEKLY;BYDAY=MO,WE,FR",
            "MONTHLY",
            "MONTHLY;INTERVAL=2",
            "MONTHLY;BYDAY=2TU",
            "MONTHLY;BYDAY=-1FR",
            "MONTHLY;BYDAY=1MO,3MO",
            "MONTHLY;BYDAY=5TH",
            "YEARLY",
        )
    )
    end = rng.choice(("", ";COUNT=12", f";UNTIL={'20251231' if all_day else '20251231T235959Z'}"))
    lines.append(f"RRULE:FREQ={rule}{end}")
    if rng.random() < 0.5:
        exdays = [day + timedelta(days=7 * k) for k in rng.sample(range(1, 60), 2)]
        if rng.random() < 0.5:
            lines.append(f"EXDATE{head}:{','.join(f'{d:%Y%m%d}{clock}' for d in exdays)}")
        else:
            lines.extend(f"EXDATE{head}:{d:%Y%m%d}{clock}" for d in exdays)
    if rng.random() < 0.05:
        lines.append(f"RDATE{head}:{day + timedelta(days=3):%Y%m%d}{clock}")
    out = [_provider_lines(rng, lines)]
    for k in rng.sample(range(0, 60), rng.choice((0, 0, 1, 2))):
        original = day + timedelta(days=7 * k)
        moved = original + timedelta(days=rng.choice((0, 1, -1)))
        override = [f"UID:{uid}", f"RECURRENCE-ID{head}:{original:%Y%m%d}{clock}"]
        if all_day:
            override.append(f"DTSTART{head}:{moved:%Y%m%d}")
        else:
            override += _provider_span(rng, zone, f"{moved:%Y%m%d}{clock}", minutes)
        if rng.random() < 0.3:
            override.append("STATUS:CANCELLED")
        out.append(_provider_lines(rng, override))
    return out


def provider_feed(seed: int, events: int = 300) -> bytes:
    """A feed shaped like Google's and Outlook's: 70 % timed single events, 20 % series
    (weekly, monthly BYDAY, yearly; EXDATEs, RDATEs, moved and cancelled instances), 10 %
    all-day events and yearly all-day birthdays; VALARMs and DURATION instead of DTEND."""
    rng = random.Random(f"providers-{seed}")
    components: list[list[str]] = []
    for i in range(events):
        uid = f"p{seed}-{i}@test"
        roll = rng.random()
        if roll < 0.7:
            stamp = rng.choice([s for s in STAMPS if s not in FOLDS])
            zone = rng.choice(PROVIDER_ZONES)
            span = _provider_span(rng, zone, stamp, rng.choice((30, 45, 60)))
            components.append(_provider_lines(rng, [f"UID:{uid}", *span]))
        elif roll < 0.9:
            components.extend(_provider_series(rng, uid, all_day=False))
        elif roll < 0.95:
            components.extend(_provider_series(rng, uid, all_day=True))
        else:  # a birthday, as contact apps publish them
            born = date(1950 + rng.randrange(60), rng.randint(1, 12), rng.randint(1, 28))
            if rng.random() < 0.1:
                born = date(1988, 2, 29)
            lines = [f"UID:{uid}", f"DTSTART;VALUE=DATE:{born:%Y%m%d}", "RRULE:FREQ=YEARLY"]
            if rng.random() < 0.5:
                lines.append(f"DTEND;VALUE=DATE:{born + timedelta(days=1):%Y%m%d}")
            components.append(_provider_lines(rng, lines))
    rng.shuffle(components)
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + LONDON_ZONE
    text = head + "".join(
        "BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n" for lines in components
    )
    return (text + "END:VCALENDAR\r\n").encode()


@pytest.mark.parametrize("seed", slow_after_first(range(6)))  # ~5 s each
def test_provider_shaped_feeds_give_the_same_result_with_and_without_the_fast_path(
    seed: int,
) -> None:
    body = provider_feed(seed)
    taken = series = 0
    for start, end, tz in WINDOWS:
        fast, slow = _both(body, start, end, tz)
        _assert_same(fast, slow)
        reference = expand_reference(body, window_start=start, window_end=end, default_tz=tz)
        reported = {p.uid for p in fast.problems if p.uid}
        want = {(o.uid, o.recurrence_id): o for o in reference if o.uid not in reported}
        got = {(o.uid, o.recurrence_id): o for o in fast.occurrences if o.uid not in reported}
        assert got == want
        events = prepare(body).events
        split = _split(events, start, end)
        taken += len(events) - len(split.complex)
        series += len(split.series)
    assert taken > 0.5 * 3 * 300
    assert series > 20


def test_plain_events_take_the_fast_path_and_odd_ones_do_not() -> None:
    body = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        b"BEGIN:VEVENT\r\nUID:plain\r\nDTSTART;TZID=Europe/Berlin:20250301T100000\r\n"
        b"DTEND;TZID=Europe/Berlin:20250301T110000\r\nSUMMARY;LANGUAGE=de:Hallo\\, Welt\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:odd\r\nDTSTART;X-ODD=1:20250301T100000Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:shared\r\nDTSTART:20250301T100000Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:shared\r\nRECURRENCE-ID:20250301T100000Z\r\n"
        b"DTSTART:20250302T100000Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:old-series\r\nDTSTART:20150105T100000Z\r\n"
        b"RRULE:FREQ=WEEKLY;COUNT=10\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:open-series\r\nDTSTART:20150105T100000Z\r\n"
        b"RRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    start, end = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    events = prepare(body).events
    split = _split(events, start, end)
    assert [event.key for _, event in split.simple] == ["plain"]
    assert [events[index].uid for index in split.complex] == ["odd", "shared", "shared"]
    assert [[source.uid for _, source, _ in group] for group in split.series] == [["open-series"]]
    result = parse_feed(body, window_start=start, window_end=end)
    plain = next(o for o in result.occurrences if o.uid == "plain")
    assert plain.summary == "Hallo, Welt"
    assert plain.start == datetime(2025, 3, 1, 9, tzinfo=UTC)
    assert {o.uid for o in result.occurrences} == {"plain", "odd", "shared", "open-series"}


def test_a_later_rule_start_gives_the_same_instances_in_the_window() -> None:
    """The DTSTART shortcut for long-running rules changes no instance dateutil yields."""
    rng = random.Random(11)
    zones = [ZoneInfo("Europe/London"), ZoneInfo("America/New_York"), UTC, None]
    checked = 0
    for _ in range(400):
        zone = rng.choice(zones)
        start = datetime(
            rng.randint(2012, 2026), rng.randint(1, 12), rng.randint(1, 28),
            rng.choice((0, 1, 2, 9, 23)), rng.choice((0, 30)), tzinfo=zone,
        )  # fmt: skip
        freq = rng.choice(("DAILY", "WEEKLY"))
        rule = f"FREQ={freq};INTERVAL={rng.choice((1, 1, 2, 3))}"
        if freq == "WEEKLY" and rng.random() < 0.7:
            rule += ";BYDAY=" + ",".join(rng.sample(["MO", "TU", "WE", "TH", "FR", "SA", "SU"], 3))
        if rng.random() < 0.5:
            rule += ";WKST=" + rng.choice(("SU", "MO", "WE"))
        if rng.random() < 0.4:
            until = datetime(rng.randint(2024, 2027), rng.randint(1, 12), 5, 12, tzinfo=UTC)
            rule += ";UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ" if zone else "%Y%m%d")
        span_start = datetime(2025, rng.randint(1, 12), rng.randint(1, 28), tzinfo=UTC)
        span_stop = span_start + timedelta(days=rng.randint(1, 400))
        if zone is None:
            span_start, span_stop = span_start.replace(tzinfo=None), span_stop.replace(tzinfo=None)
        parts = _rule(rule)
        assert parts is not None
        moved = _closer_start(start, span_start, parts)
        want = list(rrulestr(rule, dtstart=start).between(span_start, span_stop, inc=True))
        got = list(rrulestr(rule, dtstart=moved).between(span_start, span_stop, inc=True))
        assert got == want, (rule, start, span_start)
        assert [d.fold for d in got] == [d.fold for d in want]
        checked += moved != start
    assert checked > 100


def test_rule_instances_are_dateutils() -> None:
    """_instances walks DAILY and WEEKLY rules itself: the same instances as dateutil's
    rrulestr(...).between(inc=True), zones, DST gaps and folds, COUNT, UNTIL and WKST."""
    rng = random.Random(7)
    zones: list[tzinfo | None] = [
        ZoneInfo("Europe/London"),
        ZoneInfo("America/New_York"),
        UTC,
        None,
    ]
    compared = 0
    for _ in range(1500):
        zone = rng.choice(zones)
        start = datetime(
            rng.randint(2015, 2026), rng.choice((1, 3, 10, 11, 12)), rng.randint(1, 31) % 28 + 1,
            rng.choice((0, 1, 2, 9, 23)), rng.choice((0, 30)), rng.choice((0, 0, 15)), tzinfo=zone,
        )  # fmt: skip
        freq = rng.choice(("DAILY", "WEEKLY", "WEEKLY"))
        rule = f"FREQ={freq}"
        if rng.random() < 0.5:
            rule += f";INTERVAL={rng.choice((1, 2, 3, 5))}"
        if freq == "WEEKLY" and rng.random() < 0.6:
            rule += ";BYDAY=" + ",".join(
                rng.sample(["MO", "TU", "WE", "TH", "FR", "SA", "SU"], rng.randint(1, 4))
            )
        if rng.random() < 0.4:
            rule += ";WKST=" + rng.choice(("SU", "MO", "WE", "SA"))
        end = rng.random()
        if end < 0.3:
            rule += f";COUNT={rng.randint(1, 80)}"
        elif end < 0.7:
            until = datetime(
                rng.randint(2015, 2027),
                rng.randint(1, 12),
                rng.randint(1, 28),
                rng.choice((0, 12, 23)),
                tzinfo=UTC,
            )
            rule += ";UNTIL=" + until.strftime(
                rng.choice(("%Y%m%dT%H%M%SZ", "%Y%m%d", "%Y%m%dT%H%M%S"))
            )
        after = datetime(start.year, start.month, start.day, rng.randint(0, 23), tzinfo=UTC)
        after += timedelta(days=rng.randint(-30, 700))
        before = after + timedelta(days=rng.randint(0, 500), hours=rng.randint(0, 30))
        if zone is None:
            after, before = after.replace(tzinfo=None), before.replace(tzinfo=None)
        parts = _rule(rule)
        assert parts is not None, rule
        try:
            want = list(rrulestr(rule, dtstart=start).between(after, before, inc=True))
        except ValueError:
            with pytest.raises(ValueError):
                _instances(parts, start, after, before)
            continue
        got = _instances(parts, start, after, before)
        assert got == want, (rule, start, after, before)
        assert [(d.tzinfo, d.fold, d.replace(tzinfo=None)) for d in got] == [
            (d.tzinfo, d.fold, d.replace(tzinfo=None)) for d in want
        ]
        compared += bool(want)
    assert compared > 600


def _month_day_start(
    rng: random.Random,
    zone: tzinfo | None,
    february: float,
    leap_year: Callable[[], int],
    other_year: Callable[[], int],
) -> datetime:
    """A random start, often on a day some months lack (the 29th to the 31st), on 29
    February at the rate ``february`` of the 29ths (in a ``leap_year()``)."""
    day = rng.choice((1, 13, 28, 29, 30, 31))
    month = rng.choice((1, 2, 3, 10, 12)) if day <= 28 else rng.choice((1, 3, 10, 12))
    if day == 29 and rng.random() < february:
        month = 2
    year = leap_year() if month == 2 and day == 29 else other_year()
    return datetime(
        year, month, day, rng.choice((0, 1, 2, 9, 23)), rng.choice((0, 30)), tzinfo=zone
    )


def _calendar_rule(
    rng: random.Random, freqs: tuple[str, ...], interval: float, intervals: tuple[int, ...]
) -> str:
    """A random MONTHLY or YEARLY rule without its end: an INTERVAL at the rate ``interval``;
    for MONTHLY, often a BYDAY of one to three weekdays, mostly numbered."""
    freq = rng.choice(freqs)
    rule = f"FREQ={freq}"
    if rng.random() < interval:
        rule += f";INTERVAL={rng.choice(intervals)}"
    if freq == "MONTHLY" and rng.random() < 0.6:
        days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
        numbers = ("1", "2", "3", "4", "5", "-1", "-2", "+1") if rng.random() < 0.7 else ("",)
        picked = [rng.choice(numbers) + d for d in rng.sample(days, rng.randint(1, 3))]
        rule += ";BYDAY=" + ",".join(picked)
    return rule


def _same_as_dateutils(rule: str, start: datetime, after: datetime, before: datetime) -> bool:
    """Assert _instances gives dateutil's instances (zones and folds too) of ``rule`` from
    ``start`` in [after, before] (made naive for a naive start); whether there were any."""
    if start.tzinfo is None:
        after, before = after.replace(tzinfo=None), before.replace(tzinfo=None)
    parts = _rule(rule)
    assert parts is not None, rule
    want = list(rrulestr(rule, dtstart=start).between(after, before, inc=True))
    got = _instances(parts, start, after, before)
    assert got == want, (rule, start, after, before)
    assert [(d.tzinfo, d.fold) for d in got] == [(d.tzinfo, d.fold) for d in want]
    return bool(want)


def test_monthly_and_yearly_rule_instances_are_dateutils() -> None:
    """_instances walks MONTHLY (BYDAY plain or nth, or the day of the month) and YEARLY
    rules itself too: the same instances as dateutil, the 31st and 29 February included.
    (A BYDAY mixing plain and numbered days stays on the full path: dateutil yields none.)"""
    rng = random.Random(19)
    zones: list[tzinfo | None] = [ZoneInfo("Europe/London"), ZoneInfo("America/New_York"), None]
    compared = 0
    for _ in range(1500):
        zone = rng.choice(zones)
        start = _month_day_start(
            rng, zone, 0.3, lambda: 2020, lambda: rng.choice((2016, 2019, 2020, 2024, 2025))
        )
        rule = _calendar_rule(rng, ("MONTHLY", "MONTHLY", "YEARLY"), 0.4, (1, 2, 3, 12))
        end = rng.random()
        if end < 0.3:
            rule += f";COUNT={rng.randint(1, 40)}"
        elif end < 0.6:
            until = datetime(rng.randint(2016, 2030), rng.randint(1, 12), 28, 23, tzinfo=UTC)
            rule += ";UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ" if zone else "%Y%m%dT%H%M%S")
        after = datetime(start.year, start.month, 1, tzinfo=UTC)
        after += timedelta(days=rng.randint(-30, 3000))
        before = after + timedelta(days=rng.randint(0, 2000))
        compared += _same_as_dateutils(rule, start, after, before)
    assert compared > 600


# Zones of the rules below: one south of the equator (its summer time spans the new year).
_BIRTHDAY_ZONES: tuple[tzinfo | None, ...] = (
    *(ZoneInfo(name) for name in ("Europe/London", "America/New_York", "Australia/Sydney")),
    UTC,
    None,
)


def test_monthly_and_yearly_rules_from_decades_back_are_dateutils() -> None:
    """Without COUNT the walk of a MONTHLY or YEARLY rule starts near the window, not at a
    DTSTART decades back (birthdays): the same instances as dateutil's walk from DTSTART,
    with INTERVAL > 1, the nth weekday, the 31st, 29 February, UNTIL before, in or after the
    window, and a window read in another zone than the rule's."""
    rng = random.Random(1950)
    compared = 0
    for _ in range(1500):
        zone = rng.choice(_BIRTHDAY_ZONES)
        start = _month_day_start(
            rng,
            zone,
            0.4,
            lambda: rng.choice((1948, 1952, 1960, 1976, 1992)),
            lambda: rng.randint(1940, 2000),
        )
        rule = _calendar_rule(rng, ("MONTHLY", "YEARLY", "YEARLY"), 0.5, (2, 3, 4, 5, 7, 12, 25))
        if rng.random() < 0.4:
            until = datetime(rng.randint(2020, 2030), rng.randint(1, 12), 28, 23, tzinfo=UTC)
            rule += ";UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ" if zone else "%Y%m%dT%H%M%S")
        after = datetime(rng.randint(2023, 2027), rng.randint(1, 12), rng.randint(1, 31) % 28 + 1,
                         rng.randint(0, 23), tzinfo=rng.choice((UTC, ZoneInfo("Asia/Tokyo"))))  # fmt: skip
        before = after + timedelta(days=rng.randint(0, 900), hours=rng.randint(0, 30))
        compared += _same_as_dateutils(rule, start, after, before)
    assert compared > 600


def test_a_yearly_rule_walk_starts_at_the_period_of_the_window() -> None:
    """The walk of a birthday from 1950 begins in the window's year, on the rule's INTERVAL
    steps from DTSTART (every third year: 1950, ..., 2025, 2028)."""
    start = datetime(1950, 3, 14)
    parts = _rule("FREQ=YEARLY;INTERVAL=3")
    assert parts is not None
    walk = _calendar_walk(parts, start, date(2026, 12, 7))
    assert [next(walk), next(walk)] == [datetime(2025, 3, 14), datetime(2028, 3, 14)]
    assert next(_calendar_walk(parts, start, None)) == start


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=YEARLY",
        "FREQ=YEARLY;INTERVAL=4",
        "FREQ=YEARLY;UNTIL=20270101",
        "FREQ=YEARLY;UNTIL=19990101",
        "FREQ=YEARLY;COUNT=80",
        "FREQ=MONTHLY;INTERVAL=5;BYDAY=-1FR",
        "FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29,-1;BYSETPOS=1",
    ],
)
@pytest.mark.parametrize("dtstart", ["19480229", "19631231", "19750715"])
def test_old_yearly_and_monthly_series_give_the_same_result_with_and_without_the_fast_path(
    rule: str, dtstart: str
) -> None:
    """Feeds of all-day and timed series from decades back (BYSETPOS ones stay on the full
    path): the fast path's occurrences are the full path's."""
    events = []
    for n, (start, end) in enumerate(
        [
            (f"DTSTART;VALUE=DATE:{dtstart}", "DURATION:P1D"),
            (f"DTSTART;TZID=Europe/London:{dtstart}T233000", "DURATION:PT1H"),
            (f"DTSTART:{dtstart}T000000Z", "DURATION:PT30M"),
        ]
    ):
        rrule = rule if "UNTIL" not in rule or n == 0 else rule + "T000000Z"
        events.append(
            f"BEGIN:VEVENT\r\nUID:old-{n}\r\n{start}\r\n{end}\r\nRRULE:{rrule}\r\n"
            "SUMMARY:Birthday\r\nEND:VEVENT\r\n"
        )
    body = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()
    for start, end, tz in WINDOWS:
        fast, slow = _both(body, start, end, tz)
        _assert_same(fast, slow)


@pytest.mark.parametrize(
    "text", ["20250301T000000Z", "20250301T103000", "20250301", "19991231T235959Z"]
)
def test_until_is_read_as_dateutil_reads_it(text: str) -> None:
    assert until_value(text) == dateutil_parser.parse(text)


def test_a_rule_text_is_read_once_per_spelling() -> None:
    """Every series of a birthdays calendar says FREQ=YEARLY: triage, plain_series() and
    the expansion share one reading of it, and still give the full path's occurrences."""
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:b{n}\r\nDTSTART;VALUE=DATE:19{50 + n}0{1 + n % 9}1{n % 9}\r\n"
        f"RRULE:{'FREQ=YEARLY' if n % 5 else 'FREQ=YEARLY;INTERVAL=2'}\r\nSUMMARY:Birthday\r\n"
        "END:VEVENT\r\n"
        for n in range(40)
    )
    body = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + events + "END:VCALENDAR\r\n").encode()
    start, end, tz = WINDOWS[0]
    _rule.cache_clear()
    fast, slow = _both(body, start, end, tz)
    _assert_same(fast, slow)
    assert _rule.cache_info().misses == 2


def _all_day_windows() -> list[tuple[datetime, datetime, tzinfo]]:
    tokyo, london = ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/London")
    windows: list[tuple[datetime, datetime, tzinfo]] = [
        (datetime(2025, 3, 30, tzinfo=london), datetime(2025, 4, 30, tzinfo=london), london),
        (datetime(2025, 3, 29, 23, tzinfo=UTC), datetime(2025, 4, 29, 23, tzinfo=UTC), UTC),
        (datetime(2025, 3, 30, 6, tzinfo=tokyo), datetime(2025, 4, 30, 18, tzinfo=UTC), tokyo),
    ]
    try:
        import pytz  # type: ignore[import-untyped]  # icalendar may bring it; zones that localize
    except ImportError:
        return windows
    zone = pytz.timezone("America/New_York")
    windows.append(
        (zone.localize(datetime(2025, 3, 30)), zone.localize(datetime(2025, 4, 30)), UTC)
    )
    return windows


@pytest.mark.parametrize("window", _all_day_windows())
def test_all_day_series_at_the_window_edges_are_the_full_paths(
    window: tuple[datetime, datetime, tzinfo],
) -> None:
    """An all-day instance or event is in the window as time_span_contains_event() says: its
    dates as midnights in the zone of the window's start; the fast path compares them so
    directly, and aware times as they are."""
    events = []
    for n, (start, rule, end) in enumerate(
        [
            ("20250101", "FREQ=DAILY", "DTEND;VALUE=DATE:20250102"),
            ("20240330", "FREQ=YEARLY", "DTEND;VALUE=DATE:20240331"),
            ("20240429", "FREQ=YEARLY", "DURATION:P2D"),
            ("20240430", "FREQ=YEARLY", ""),
            ("20250131", "FREQ=MONTHLY", "DTEND;VALUE=DATE:20250201"),
            ("20250128", "FREQ=MONTHLY;INTERVAL=2", "DTEND;VALUE=DATE:20250130"),
        ]
    ):
        lines = [f"UID:d{n}", f"DTSTART;VALUE=DATE:{start}", f"RRULE:{rule}", end]
        events.append(
            "BEGIN:VEVENT\r\n" + "\r\n".join(x for x in lines if x) + "\r\nEND:VEVENT\r\n"
        )
    for n, day in enumerate(["20250329", "20250330", "20250429", "20250430", "20250501"]):
        for m, (start, end) in enumerate(
            [
                (f"DTSTART;VALUE=DATE:{day}", ""),
                (f"DTSTART;VALUE=DATE:{day}", f"DTEND;VALUE=DATE:{day}"),
                (f"DTSTART:{day}T223000Z", f"DTEND;TZID=Europe/London:{day}T233000"),
                (f"DTSTART;TZID=Asia/Tokyo:{day}T063000", "DURATION:PT0S"),
                (f"DTSTART:{day}T000000", "DURATION:PT1H"),  # floating
            ]
        ):
            lines = [f"UID:s{n}-{m}", start, end]
            events.append(
                "BEGIN:VEVENT\r\n" + "\r\n".join(x for x in lines if x) + "\r\nEND:VEVENT\r\n"
            )
    body = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()
    fast, slow = _both(body, *window)
    _assert_same(fast, slow)
    assert len(fast.occurrences) > 30


# -- all-day monthly and yearly series read by calendar arithmetic (ical/expand/dated.py) --------


def _dated_series(rng: random.Random, uid: str) -> list[str]:
    """One all-day series of the shapes birthdays and anniversaries take, and their edges:
    29 February and month ends, UNTIL as a DATE (or not), COUNT, BY parts the fast path
    leaves alone, every way of writing the length, years before 1000."""
    first = date(rng.randrange(1950, 2027), rng.randint(1, 12), rng.randint(1, 28))
    first = rng.choice(
        (
            first,
            first,
            date(rng.choice((1988, 2000, 2024)), 2, 29),
            date(first.year, rng.choice((1, 3, 5, 8, 10, 12)), rng.choice((29, 30, 31))),
            date(2025, rng.randint(1, 12), 1),
            date(999, 7, 1),
        )
    )
    rule = rng.choice(
        (
            "YEARLY",
            "YEARLY",
            "YEARLY;INTERVAL=2",
            "YEARLY;INTERVAL=4",
            "MONTHLY",
            "MONTHLY;INTERVAL=3",
            "MONTHLY;INTERVAL=13",
            "YEARLY;BYMONTHDAY=29",
            "YEARLY;BYMONTH=2",
            "YEARLY;WKST=SU",
            "MONTHLY;BYDAY=2TU",
        )
    )
    end = rng.choice(
        (
            "",
            "",
            ";COUNT=3",
            ";COUNT=90",
            f";UNTIL={rng.choice(('20241231', '20250315', '20250401', '20250430', '20300101'))}",
            ";UNTIL=19991231",
            ";UNTIL=20250401T000000Z",
        )
    )
    lines = [f"UID:{uid}", f"DTSTART;VALUE=DATE:{first:%Y%m%d}", f"RRULE:FREQ={rule}{end}"]
    length = rng.choice(("1", "1", "3", "0", "-1", "P1D", "P0D", "P2D", "none"))
    if length.startswith("P"):
        lines.append(f"DURATION:{length}")
    elif length != "none":
        lines.append(f"DTEND;VALUE=DATE:{first + timedelta(days=int(length)):%Y%m%d}")
    if rng.random() < 0.05:
        lines.append(f"EXDATE;VALUE=DATE:{first.year + 75}{first:%m%d}")
    lines.append(f"SUMMARY:{rng.choice(TEXTS)}")
    rng.shuffle(lines)
    return lines


@pytest.mark.parametrize("seed", slow_after_first(range(3)))
def test_all_day_monthly_and_yearly_series_are_the_full_paths(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read by calendar arithmetic (dated.Days), the series give the full path's occurrences
    in every window, those of a zone that localizes (pytz) and at a day's edges included."""
    from kara_tui.ical.expand import dated

    rng = random.Random(f"dated-{seed}")
    events = "".join(
        "BEGIN:VEVENT\r\n" + "\r\n".join(_dated_series(rng, f"d{seed}-{n}")) + "\r\nEND:VEVENT\r\n"
        for n in range(200)
    )
    body = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + events + "END:VCALENDAR\r\n").encode()
    read = []
    instances = dated.Days.instances
    monkeypatch.setattr(
        dated.Days, "instances", lambda *args: read.append(found := instances(*args)) or found
    )
    occurrences = 0
    for window in [*WINDOWS, *_all_day_windows()]:
        fast, slow = _both(body, *window)
        _assert_same(fast, slow)
        occurrences += len(fast.occurrences)
    assert occurrences > 400
    assert sum(found is not None for found in read) > 100  # the path is taken, often
