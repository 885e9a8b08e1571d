"""The fast path: plain events and plain series turned into occurrences without icalendar,
as the reference (icalendar + recurring-ical-events) would give them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from kara_tui.ical.expand import dated
from kara_tui.ical.expand.occurrence import (
    Context,
    Occurrence,
    Problem,
    error_said,
    group_digest,
    new_occurrence,
    recurrence_id_of,
    span_of,
)
from kara_tui.ical.expand.plain import Simple, rule_parts, zone_ids
from kara_tui.ical.expand.properties import When, ical_value, wall_value
from kara_tui.ical.expand.rules import closer_start, rule_instances, sure_after, sure_before
from kara_tui.ical.expand.triage import Split
from kara_tui.ical.expand.values import (
    compare_greater,
    convert_to_date,
    convert_to_datetime,
    get_any,
    is_date,
    known_zone,
    time_span_contains_event,
    to_recurrence_ids,
)
from kara_tui.ical.prepare import EventSource
from kara_tui.ical.timezones import is_date_only
from kara_tui.ical.values import ONE_DAY

_NO_MOVE = timedelta(0)
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _none_on_error(method: Callable[_P, _R]) -> Callable[_P, _R | None]:
    """``method``, answering None where it would raise: the caller then takes the full path."""

    @wraps(method)
    def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _R | None:
        try:
            return method(*args, **kwargs)
        except Exception:
            return None

    return guarded


class Reader:
    """Gives plain events their zones exactly as the icalendar path does, one lookup per TZID.

    ``localize`` is the icalendar path's own per-value zone repair; it is run
    once per (TZID, UTC-or-not) on a probe value and the zone it settles on is
    reused, which is exact because that repair only ever re-labels the wall time.
    """

    def __init__(
        self,
        localize: Callable[[Any, str | None], Any],
        x_wr: tzinfo | None,
        floating: tzinfo,
    ) -> None:
        self._localize = localize
        self._x_wr = x_wr
        self._floating = floating
        self._zones: dict[tuple[str | None, bool], tzinfo] = {}
        # expand()'s bounds for the rule, by (duration, zone, window): most series share them
        self._bounds: dict[tuple[timedelta, tzinfo | None, datetime, datetime], Any] = {}
        self.days: dated.Days | None = None  # all-day series' instances in the window

    def zone(self, tzid: str | None, utc: bool) -> tzinfo:
        """The zone a wall time with this TZID (or none, when ``utc``) ends up in."""
        key = (tzid, utc)
        zone = self._zones.get(key)
        if zone is None:
            zone = known_zone(tzid, utc)  # as icalendar gives it, without loading icalendar
            if zone is not None:
                self._zones[key] = zone
                return zone
            probe = "20200101T000000Z" if utc else "20200101T000000"
            value = self._localize(ical_value(probe, tzid), tzid)
            zone = value.tzinfo
            self._zones[key] = zone
        return zone

    def value(self, when: When) -> datetime | date:
        """The value as the icalendar path leaves it before expansion."""
        wall = wall_value(when)
        if isinstance(wall, datetime):
            if when.tzid is None and not when.utc:
                return wall.replace(tzinfo=self._floating)
            value = wall.replace(tzinfo=self.zone(when.tzid, when.utc))
            if self._x_wr is not None:  # x-wr-timezone's rules, which go by the zone's name
                name = value.tzname()
                if name is None:  # a VTIMEZONE without TZNAME looks floating to it
                    value = value.replace(tzinfo=self._x_wr)
                elif name.upper() == "UTC":
                    value = value.astimezone(self._x_wr)
            return value
        return wall

    def span(self, event: Simple) -> tuple[Any, Any]:
        """Start and end as recurring-ical-events' EventAdapter sees them (swapped if reversed)."""
        start = self.value(event.start)
        end = self._end(event, start)
        if start > end:
            return end, start
        return start, end

    def _end(self, event: Simple, start: Any) -> Any:
        """The end EventAdapter gives an event starting at ``start`` (its value)."""
        if event.end is not None:
            return self.value(event.end)
        if event.duration is not None:
            return start + event.duration
        if isinstance(start, datetime):
            return start
        return start + timedelta(days=1)

    @_none_on_error
    def expand(
        self,
        master: Simple,
        overrides: list[Simple],
        window_start: datetime,
        window_end: datetime,
        limit: int,
    ) -> list[tuple[Simple, Any, Any, Any]] | None:
        """The occurrences of a :func:`plain_series` group in the window, or None to ask icalendar.

        Each is (component, start, end, original start): what recurring-ical-events'
        ``Series.between`` yields for the same values, computed with its own
        helpers and the same dateutil rule, without icalendar components. None
        when something unusual turns up (a reversed span, more than ``limit``
        occurrences, an error): the full path then decides and reports.
        """
        start_value = self.value(master.start)
        end_value = self._end(master, start_value)
        if start_value > end_value:
            return None  # DTEND before DTSTART
        exdates = [self.value(x) for x in master.exdates]
        # Series.RecurrenceRules: the rule in the zone of the start, DTSTART always included.
        zone = start_value.tzinfo if isinstance(start_value, datetime) else None
        start = convert_to_datetime(start_value, zone)
        check_dates = {x for x in exdates if is_date(x)}
        check_ids: set[Any] = set()
        for exdate in exdates:
            check_ids.update(to_recurrence_ids(exdate))
        check_ids.update(convert_to_datetime(x, zone) for x in exdates)
        rule_text = master.rule or ""
        parts = rule_parts(rule_text)
        if parts is None:
            return None
        until = ical_value(parts["UNTIL"]) if "UNTIL" in parts else None
        modifications: dict[Any, Simple] = {}
        override_ids: list[tuple[Simple, tuple[Any, ...]]] = []
        for override in overrides:
            assert override.recurrence_id is not None
            ids = to_recurrence_ids(self.value(override.recurrence_id))
            if any(key in modifications for key in ids):
                return None  # two overrides of one instance: SEQUENCE decides, let icalendar
            for key in ids:
                modifications[key] = override
            override_ids.append((override, ids))
        duration = end_value - start_value
        key = (duration, zone, window_start, window_end)
        bounds = self._bounds.get(key)
        if bounds is None:
            bounds = self._bounds[key] = (
                convert_to_datetime(window_start - duration, zone),
                convert_to_datetime(window_end, zone),
            )
        span_start, span_stop = bounds
        # rruleset().rdate(start) and the rule, each asked for between(span_start, span_stop)
        first = (
            [start]
            if (until is None or not compare_greater(start, until))
            and span_start <= start <= span_stop
            else []
        )
        instances = rule_instances(
            parts, closer_start(start, span_start, parts), span_start, span_stop
        )
        keep_dates = not isinstance(start_value, datetime) and not isinstance(end_value, datetime)
        out: list[tuple[Simple, Any, Any, Any]] = []
        returned_start = None  # the rule's instances come once each; only DTSTART may repeat
        returned: set[int] = set()
        # Both window ends and every instance are aware for a timed series: then
        # make_comparable() changes nothing and plain comparisons are what
        # compare_greater() and time_span_contains_event() compute.
        aware = zone is not None and window_start.tzinfo is not None
        if aware and zone is not None and isinstance(until, datetime) and until.tzinfo is not None:
            compare_until = until
            near_until = sure_before(until, zone)  # not after it: not after UNTIL
        else:
            compare_until = None
        # ... and with a window and instances that are not empty or reversed (its first
        # branches, which raise or match a point), _overlaps_aware() is two comparisons.
        overlaps = aware and duration > _NO_MOVE and window_start < window_end
        if overlaps:
            assert zone is not None  # aware
            # Surely inside the window, by wall clocks in the series' zone (see sure_before);
            # only an instance within two days of either end is compared as an instant.
            inside_end, inside_start = sure_before(window_end, zone), sure_after(window_start, zone)
        track_ids = bool(check_ids or modifications)
        # The days those ids fall on: an instance whose day (±1 for its UTC day) is none
        # of them cannot match one, and skips to_recurrence_ids().
        key_days = {key.toordinal() for key in (*check_ids, *modifications)}
        for found_instances, rule_until in ((first, None), (instances, until)):
            for instance in found_instances:
                if rule_until is not None:
                    if compare_until is not None:
                        if instance > near_until and instance > compare_until:
                            continue
                    elif compare_greater(instance, rule_until):
                        continue
                if returned_start is not None and instance == returned_start:
                    continue
                if check_dates and convert_to_date(instance) in check_dates:
                    continue
                found = None
                if track_ids and (
                    (day := instance.toordinal()) in key_days
                    or day - 1 in key_days
                    or day + 1 in key_days
                ):
                    ids = to_recurrence_ids(instance)
                    if check_ids.intersection(ids):
                        continue
                    found = get_any(modifications, ids, None)
                if found is None:
                    if rule_until is None:
                        returned_start = instance
                    begin: Any = instance + _NO_MOVE  # as Series.between (it drops a fold)
                    end = begin + duration
                    if keep_dates:
                        begin, end = convert_to_date(begin), convert_to_date(end)
                    if (
                        (
                            (begin < inside_end and inside_start < end)
                            or (begin < window_end and window_start < end)
                        )
                        if overlaps
                        else _overlaps_aware(window_start, window_end, begin, end)
                        if aware
                        else _in_window(window_start, window_end, begin, end)
                    ):
                        out.append((master, begin, end, None))
                else:
                    if id(found) in returned:
                        continue
                    returned.add(id(found))
                    begin, end = self.span(found)
                    if _in_window(window_start, window_end, begin, end):
                        out.append((found, begin, end, self.value(found.recurrence_id)))
                if len(out) > limit:
                    return None
        for override, ids in override_ids:
            if id(override) in returned or check_ids.intersection(ids):
                continue
            rid = override.recurrence_id
            assert rid is not None  # an override: plain_series() made sure
            begin, end = self.span(override)
            if _in_window(window_start, window_end, begin, end):
                returned.add(id(override))
                out.append((override, begin, end, self.value(rid)))
        return out if len(out) <= limit else None


def _in_window(span_start: datetime, span_stop: datetime, start: Any, stop: Any) -> bool:
    """time_span_contains_event() for an aware window, without make_comparable()'s work: four
    aware datetimes compare as they are, and two dates as midnights in the zone of the
    window's start, as make_comparable() makes them (not in a pytz zone, which localizes)."""
    zone = span_start.tzinfo
    if zone is not None and span_stop.tzinfo is not None:
        kind = type(start)
        if kind is type(stop):
            if kind is datetime:
                if start.tzinfo is not None and stop.tzinfo is not None:
                    return _overlaps_aware(span_start, span_stop, start, stop)
            elif kind is date and not hasattr(zone, "localize"):
                return _overlaps_aware(
                    span_start,
                    span_stop,
                    datetime(start.year, start.month, start.day, tzinfo=zone),
                    datetime(stop.year, stop.month, stop.day, tzinfo=zone),
                )
    return bool(time_span_contains_event(span_start, span_stop, start, stop))


def _overlaps_aware(
    span_start: datetime, span_stop: datetime, start: datetime, stop: datetime
) -> bool:
    """time_span_contains_event() for four aware datetimes, where make_comparable() is a no-op."""
    return time_span_contains_event(span_start, span_stop, start, stop, comparable=True)


def simple_occurrences(split: Split, reader: Reader, ctx: Context) -> list[Occurrence]:
    """Occurrences of the plain single events near the window, as the icalendar path would
    give them."""
    out: list[Occurrence] = []
    window_start, window_end = ctx.window_start, ctx.window_end
    for source, event in split.simple:
        uid = event.key or f"no-uid-{source.digest}"
        if event.start.tzid is not None:
            reader.zone(event.start.tzid, event.start.utc)  # unknown zones are reported
        if event.end is not None and event.end.tzid is not None:
            reader.zone(event.end.tzid, event.end.utc)
        try:
            start, end = reader.span(event)
            if not _in_window(window_start, window_end, start, end):
                continue
            start_n, end_n, all_day = span_of(start, end, ctx.floating)
        except Exception as error:
            ctx.problems.append(Problem(uid, f"skipped an event: {error_said(error)}"))
            continue
        out.append(_occurrence(event, uid, "", start_n, end_n, all_day, source.digest))
    return out


def _occurrence(
    event: Simple,
    uid: str,
    recurrence_id: str,
    start: datetime | date,
    end: datetime | date,
    all_day: bool,
    digest: str,
) -> Occurrence:
    return new_occurrence(
        uid,
        recurrence_id,
        start,
        end,
        all_day,
        event.summary,
        event.location,
        event.busy,
        event.cancelled,
        digest,
    )


def series_occurrences(
    members: list[tuple[int, EventSource, Simple]], reader: Reader, ctx: Context, limit: int
) -> list[Occurrence] | None:
    """A plain series expanded without icalendar, as convert_occurrence would give it; None
    when the full path must decide."""
    if (
        len(members) == 1
        and (found_days := _all_day_series(members[0][1], members[0][2], reader, ctx, limit))
        is not None
    ):
        return found_days
    master = next(simple for _, _, simple in members if simple.recurrence_id is None)
    overrides = [simple for _, _, simple in members if simple.recurrence_id is not None]
    for _, source, simple in members:
        for tzid, utc in zone_ids(source.text, simple):
            reader.zone(tzid, utc)
    found = reader.expand(master, overrides, ctx.window_start, ctx.window_end, limit)
    if found is None:
        return None
    uid = master.key or f"no-uid-{members[0][1].digest}"
    digest = group_digest([source.digest for _, source, _ in members])
    out: list[Occurrence] = []
    seen: set[str] = set()
    start_n: datetime | date
    end_n: datetime | date
    for event, start, end, original in found:
        if original is None and type(start) is datetime and start.tzinfo is not None:
            # recurrence_id_of, _span and _occurrence for an aware start, sharing one
            # conversion (this loop makes most of a busy feed's occurrences)
            start_n = start.astimezone(UTC)
            end_n = end.astimezone(UTC)
            recurrence_id = "%04d%02d%02dT%02d%02d%02dZ" % (  # noqa: UP031 - strftime in half the time
                start_n.year,
                start_n.month,
                start_n.day,
                start_n.hour,
                start_n.minute,
                start_n.second,
            )
            if recurrence_id in seen:
                return None
            seen.add(recurrence_id)
            out.append(
                new_occurrence(
                    uid,
                    recurrence_id,
                    start_n,
                    end_n if end_n > start_n else start_n,
                    False,
                    event.summary,
                    event.location,
                    event.busy,
                    event.cancelled,
                    digest,
                )
            )
            continue
        if original is None and type(start) is date and type(end) is date and start.year > 999:
            # recurrence_id_of and span_of for an all-day series' own instance (all of a
            # birthdays calendar), without strftime (the same text from the year 1000 on)
            recurrence_id = "%04d%02d%02d" % (start.year, start.month, start.day)  # noqa: UP031 - strftime in half the time
            if recurrence_id in seen:
                return None
            seen.add(recurrence_id)
            out.append(
                _occurrence(
                    event,
                    uid,
                    recurrence_id,
                    start,
                    end if end > start else start + ONE_DAY,
                    True,
                    digest,
                )
            )
            continue
        if original is None:
            recurrence_id = recurrence_id_of(start, is_date_only(start), ctx.floating)
        else:
            all_day_series = is_date_only(original) or (
                is_date_only(start)
                and isinstance(original, datetime)
                and original.time() == time(0)
            )
            recurrence_id = recurrence_id_of(original, all_day_series, ctx.floating)
        if recurrence_id in seen:
            return None  # which copy wins depends on set order in the full path: let it report
        seen.add(recurrence_id)
        start_n, end_n, all_day = span_of(start, end, ctx.floating)
        out.append(_occurrence(event, uid, recurrence_id, start_n, end_n, all_day, digest))
    return out


@_none_on_error
def _all_day_series(
    source: EventSource, master: Simple, reader: Reader, ctx: Context, limit: int
) -> list[Occurrence] | None:
    """series_occurrences() of a lone all-day master without EXDATEs whose rule dated.Days
    reads (a birthday): what Reader.expand gives it, by calendar arithmetic; None for any
    other series (or an error): the general expansion decides."""
    if not master.start.is_date or master.exdates or master.rule is None:
        return None
    days = reader.days
    if (
        days is None
        or days.window_start is not ctx.window_start
        or days.window_end is not ctx.window_end
    ):
        window_start, window_end = ctx.window_start, ctx.window_end
        days = reader.days = dated.Days(
            window_start,
            window_end,
            lambda start, end: _in_window(window_start, window_end, start, end),
        )
    first = wall_value(master.start)
    if not days.usable or first.year < 1000:
        return None
    end = reader._end(master, first)
    if first > end:
        return None  # DTEND before DTSTART: the full path says so
    length = end - first
    found = days.instances(master.rule, first, length)
    if found is None:
        return None
    uid = master.key or f"no-uid-{source.digest}"
    out: list[Occurrence] = []
    for day in found:
        stop = day + length
        recurrence_id = "%04d%02d%02d" % (day.year, day.month, day.day)  # noqa: UP031 - as series_occurrences
        out.append(
            _occurrence(
                master,
                uid,
                recurrence_id,
                day,
                stop if stop > day else day + ONE_DAY,
                True,
                source.digest,
            )
        )
    return out if len(out) <= limit else None
