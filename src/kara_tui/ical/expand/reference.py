"""The reference expansion: icalendar components expanded by recurring-ical-events, each UID
group bounded in steps and time, with a reported fallback when a series cannot be expanded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from time import monotonic
from typing import Any

import recurring_ical_events
from icalendar import Calendar, Event
from icalendar.prop import vBroken, vRecur

from kara_tui.ical import compat
from kara_tui.ical.budget import FEED_SECONDS, Budget, FeedTooCostly, StepLimit
from kara_tui.ical.expand import occurrence as shared
from kara_tui.ical.expand.occurrence import Context, Occurrence, Problem
from kara_tui.ical.prepare import EventSource
from kara_tui.ical.timezones import BROKEN_MARK, is_date_only
from kara_tui.ical.watchdog import TimeLimitExceeded, Watchdog

_FREQUENCIES = frozenset({"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
_RECURRENCE_PROPERTIES = ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")


@dataclass(slots=True)
class Member:
    """A parsed VEVENT together with what the line pass knew about it."""

    event: Event
    source: EventSource


def _status(event: Event) -> str:
    return str(event.get("STATUS", "")).strip().upper()


def _busy(event: Event) -> bool:
    transp = str(event.get("TRANSP", "")).strip().upper()
    if transp:
        return transp != "TRANSPARENT"
    return str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).strip().upper() != "FREE"


def _make(
    event: Event,
    uid: str,
    recurrence_id: str,
    start: Any,
    end: Any,
    digest: str,
    floating: tzinfo,
) -> Occurrence:
    start_n, end_n, all_day = shared.span_of(start, end, floating)
    return Occurrence(
        uid=uid,
        recurrence_id=recurrence_id,
        start=start_n,
        end=end_n,
        all_day=all_day,
        summary=shared.clean_text(event.get("SUMMARY")),
        location=shared.clean_text(event.get("LOCATION")),
        busy=_busy(event),
        cancelled=_status(event) == "CANCELLED",
        component_hash=digest,
    )


def series_digest(members: list[Member]) -> str:
    return shared.group_digest([m.source.digest for m in members])


def _start(event: Event) -> Any:
    """The DTSTART value of an event tidy() kept (so it has a readable one)."""
    prop: Any = event["DTSTART"]
    return prop.dt


def _has_dt(event: Event, name: str) -> bool:
    prop = event.get(name)
    if prop is None or isinstance(prop, vBroken | list):
        return False
    return isinstance(getattr(prop, "dt", None), date)


def tidy(event: Event, uid: str = "", ctx: Context | None = None) -> str | None:
    """Drop unusable end values; say why the event is unusable, if it is.

    An end that cannot be read is not silently an end equal to the start (a meeting
    that never conflicts): DURATION is used when the event has one; else the event
    keeps ``ctx.unknown_length`` (busy for that long) and a note says so.
    """
    if not _has_dt(event, "DTSTART"):
        raw = event.get("DTSTART")
        if raw is None:
            return "it has no start time"
        shown = str(raw) if isinstance(raw, vBroken | str) else str(getattr(raw, "dt", raw))
        return f"its start time {shown[:40]!r} is not a date"
    broken = _broken(event)
    for name in ("DTEND", "DURATION"):
        if name in event and (
            isinstance(event[name], vBroken | list)
            or not isinstance(getattr(event[name], "dt", None), date | timedelta)
        ):
            del event[name]
            broken.add(name)
    if "DTEND" in event and "DURATION" in event:
        del event["DURATION"]  # both is forbidden; DTEND is what calendars show
    if ctx is not None and "DTEND" in broken and "DTEND" not in event:
        start = _start(event)
        if "DURATION" in event:
            ctx.problems.append(
                Problem(
                    uid,
                    f"{shared.NOTE_PREFIX}its end time (DTEND) could not be read;"
                    " its DURATION was used",
                )
            )
        elif isinstance(start, datetime):
            length = ctx.unknown_length
            event.add("DURATION", length)
            ctx.problems.append(
                Problem(
                    uid,
                    f"{shared.NOTE_PREFIX}its end time (DTEND) could not be read and its length is"
                    " unknown;"
                    f" it was kept as busy for {_length_said(length)}",
                )
            )
    return None


def _broken(event: Event) -> set[str]:
    """The date properties drop_broken() had to remove from ``event``."""
    return set(str(event.get(BROKEN_MARK, "")).split(","))


def _length_said(length: timedelta) -> str:
    minutes = int(length.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'' if hours == 1 else 's'}"
    return f"{minutes} minutes"


def _rule_problem(event: Event) -> str | None:
    """Why this event's RRULE cannot be expanded at all, or None when it may be tried.

    How long a rule runs is not judged here: its walk is counted step by step
    (budget.py), so a finite rule with BYxxx parts and COUNT is expanded however
    fine its FREQ, and an endless one is started near the window.
    """
    rules = event.get("RRULE")
    if rules is None:
        return None
    for rule in rules if isinstance(rules, list) else [rules]:
        if not isinstance(rule, vRecur):
            return "its repeat rule (RRULE) could not be read"
        freq = [str(f).upper() for f in rule.get("FREQ", [])]
        if len(set(freq)) != 1 or freq[0] not in _FREQUENCIES:
            return "its repeat rule (RRULE) has no valid FREQ"
        try:
            interval = int(rule.get("INTERVAL", [1])[0])
        except (TypeError, ValueError):
            return "its repeat rule (RRULE) has an unreadable INTERVAL"
        if interval <= 0:
            return f"its repeat rule (RRULE) has INTERVAL={interval}"
    return None


class Expander:
    """Turns groups of VEVENTs that share a UID into occurrences, each group bounded.

    Each series gets a share of the feed's :class:`Budget` of steps; one that uses it
    up keeps what it found and says where it stopped. The feed's whole budget used up
    raises FeedTooCostly. The watchdog is only a wall-clock guard for hostile rules.
    """

    def __init__(
        self,
        ctx: Context,
        watchdog: Watchdog,
        max_occurrences: int,
        max_seconds: float,
        budget: Budget,
    ) -> None:
        self.ctx = ctx
        self.watchdog = watchdog
        self.max_occurrences = max_occurrences
        self.max_seconds = max_seconds
        self.budget = budget
        self.deadline = monotonic() + FEED_SECONDS

    def problem(self, uid: str, reason: str) -> None:
        self.ctx.problems.append(Problem(uid, reason))

    def single(
        self, member: Member, uid: str, recurrence_id: str, digest: str
    ) -> Iterator[Occurrence]:
        """A non-recurring event: no rule engine needed, same overlap rule as recurring-ical-events."""
        start, end = compat.event_span(member.event)
        if compat.time_span_contains_event(self.ctx.window_start, self.ctx.window_end, start, end):
            yield _make(member.event, uid, recurrence_id, start, end, digest, self.ctx.floating)

    def group(self, uid: str, members: list[Member]) -> list[Occurrence]:
        """All occurrences of one UID, or a reported fallback when the series cannot be expanded."""
        digest = series_digest(members)
        usable: list[Member] = []
        reasons: list[str] = []
        for member in members:
            reason = tidy(member.event, uid, self.ctx)
            if reason is None:
                usable.append(member)
            else:
                reasons.append(reason)
        if not usable:
            # iTIP replies in a feed carry no times; only an event with nothing usable is news.
            self.problem(uid, f"skipped an event: {reasons[0]}")
            return []
        usable = self.without_lost_overrides(uid, usable)
        event = usable[0].event
        if len(usable) == 1 and not any(name in event for name in _RECURRENCE_PROPERTIES):
            return list(self.single(usable[0], uid, "", digest))
        masters = [m for m in usable if "RECURRENCE-ID" not in m.event]
        if len(masters) > 1:
            self.problem(
                uid,
                f"the feed has {len(masters)} copies of this event; only the newest was imported",
            )
        for master in masters:
            reason = _rule_problem(master.event)
            if reason is not None:
                return self.fallback(uid, usable, digest, reason)
        found: list[Occurrence] = []
        remaining = self.deadline - monotonic()
        if remaining <= 0:
            raise _too_slow()
        seconds = min(self.max_seconds, remaining)
        try:
            with self.budget.series(), self.watchdog.limit(seconds):
                self.expand(uid, usable, digest, found)
        except StepLimit:
            if not self.budget.series_cut():
                raise self.budget.feed_exhausted() from None
            return self.cut(
                uid,
                usable,
                digest,
                found,
                f"working out its repetitions needs more than {self.budget.series_steps:,} steps",
            )
        except TimeLimitExceeded:
            if monotonic() >= self.deadline:
                raise _too_slow() from None
            return self.cut(
                uid,
                usable,
                digest,
                found,
                f"working out its repetitions took longer than {seconds:g} s",
            )
        except FeedTooCostly:
            raise
        except Exception as error:
            return self.fallback(
                uid,
                usable,
                digest,
                f"its repetitions could not be worked out ({shared.error_said(error)})",
            )
        return found

    def without_lost_overrides(self, uid: str, members: list[Member]) -> list[Member]:
        """Members whose RECURRENCE-ID could not be read, said and (beside a series) left out.

        Such an override would otherwise count as a second copy of the series and
        replace it whole. Which occurrence it moves is unknown, so the series keeps
        that occurrence at its usual time, and the note says so.
        """
        lost = [m for m in members if "RECURRENCE-ID" in _broken(m.event)]
        if not lost:
            return members
        series = [m for m in members if m not in lost and "RECURRENCE-ID" not in m.event]
        for member in lost:
            start = _start(member.event)
            when = f"{start:%Y-%m-%d %H:%M}" if isinstance(start, datetime) else f"{start}"
            if series:
                self.problem(
                    uid,
                    f"a changed occurrence (starting {when}) was left out: its RECURRENCE-ID"
                    " could not be read, so the occurrence it moves is shown at its usual time",
                )
            else:
                self.problem(
                    uid,
                    f"{shared.NOTE_PREFIX}its RECURRENCE-ID could not be read;"
                    f" the occurrence starting {when}"
                    " was imported on its own",
                )
        return [m for m in members if m not in lost] if series else members

    def expand(self, uid: str, members: list[Member], digest: str, out: list[Occurrence]) -> None:
        """Append the group's occurrences in the window to ``out`` as they are found (so a
        limit that stops the walk keeps them), each rule started near the window."""
        calendar = Calendar()
        for member in members:
            calendar.add_component(member.event)
        query = recurring_ical_events.of(calendar)
        for series in query.series:
            compat.start_near(series, self.ctx.window_start)
            out.extend(
                self.convert_series(
                    series.between(self.ctx.window_start, self.ctx.window_end), uid, digest
                )
            )

    def convert_series(
        self, occurrences: Iterable[Any], uid: str, digest: str
    ) -> Iterator[Occurrence]:
        for count, occurrence in enumerate(occurrences, start=1):
            if count > self.max_occurrences:
                self.problem(
                    uid,
                    f"it repeats more than {self.max_occurrences:,} times in the sync window;"
                    f" only the first {self.max_occurrences:,} were imported",
                )
                return
            yield convert_occurrence(occurrence, uid, digest, self.ctx.floating)

    def cut(
        self,
        uid: str,
        members: list[Member],
        digest: str,
        found: list[Occurrence],
        reason: str,
    ) -> list[Occurrence]:
        """A series stopped by a limit: keep what was found, and the moved occurrences."""
        if not found:
            return self.fallback(uid, members, digest, reason)
        last = max(_instant_of(o.start) for o in found)
        self.problem(
            uid,
            f"{reason}; {shared.plural(len(found), 'occurrence')}"
            f" up to {last:%Y-%m-%d} were imported, any later ones were not",
        )
        have = {o.recurrence_id for o in found}
        for occurrence in self.fallback_occurrences(uid, members, digest, moved_only=True):
            if occurrence.recurrence_id not in have:
                found.append(occurrence)
        return found

    def fallback(
        self, uid: str, members: list[Member], digest: str, reason: str
    ) -> list[Occurrence]:
        """Import what is certain (the first occurrence and the moved ones) and say why."""
        self.problem(
            uid, f"{reason}; only its first occurrence and changed occurrences were imported"
        )
        return self.fallback_occurrences(uid, members, digest, moved_only=False)

    def fallback_occurrences(
        self, uid: str, members: list[Member], digest: str, *, moved_only: bool
    ) -> list[Occurrence]:
        out: list[Occurrence] = []
        masters = [m for m in members if "RECURRENCE-ID" not in m.event]
        all_day = bool(masters) and is_date_only(_start(masters[0].event))
        for member in members:
            try:
                rid_prop = member.event.get("RECURRENCE-ID")
                if rid_prop is not None:
                    rid = shared.recurrence_id_of(rid_prop.dt, all_day, self.ctx.floating)
                elif moved_only:
                    continue
                elif any(name in member.event for name in ("RRULE", "RDATE")):
                    rid = shared.recurrence_id_of(_start(member.event), all_day, self.ctx.floating)
                else:
                    rid = ""
                out.extend(self.single(member, uid, rid, digest))
            except Exception as error:
                self.problem(uid, f"skipped an event: {shared.error_said(error)}")
        return out


def _too_slow() -> FeedTooCostly:
    return FeedTooCostly(
        f"working out its repeating events took longer than {FEED_SECONDS:g} s (a feed's limit)"
    )


def _instant_of(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), tzinfo=UTC)


def convert_occurrence(occurrence: Any, uid: str, digest: str, floating: tzinfo) -> Occurrence:
    """Turn a recurring-ical-events occurrence into ours without copying its component.

    ``as_component()`` copies every property of every instance; reading the
    adapter's component directly is what makes expansion cheap.
    """
    adapter, event = compat.occurrence_source(occurrence)
    start, end = occurrence.start, occurrence.end
    all_day_series = is_date_only(start)
    rid_prop = event.get("RECURRENCE-ID")
    if rid_prop is not None:
        original = rid_prop.dt
        all_day_series = is_date_only(original) or (
            all_day_series and isinstance(original, datetime) and original.time() == time(0)
        )
        if adapter.this_and_future and start != adapter.start:
            original = start - adapter.move_recurrences_by
        recurrence_id = shared.recurrence_id_of(original, all_day_series, floating)
    elif "RRULE" in event or "RDATE" in event:
        recurrence_id = shared.recurrence_id_of(start, all_day_series, floating)
    else:
        recurrence_id = ""
    return _make(event, uid, recurrence_id, start, end, digest, floating)


def group_members(members: list[Member]) -> dict[str, list[Member]]:
    groups: dict[str, list[Member]] = {}
    for member in members:
        uid = shared.clean_text(member.event.get("UID")) or f"no-uid-{member.source.digest}"
        groups.setdefault(uid, []).append(member)
    return groups


def expand_whole(members: list[Member], ctx: Context) -> list[Occurrence]:
    """The plain way: every member in one calendar, expanded whole by recurring-ical-events.

    No fast path, no per-series calendars, no bounds: the reference the tests and
    benchmarks hold the bounded expansion and the fast path to. Never for untrusted feeds.
    """
    calendar = Calendar()
    for member in members:
        if tidy(member.event) is None:
            calendar.add_component(member.event)
    keys: dict[int, tuple[str, str]] = {}
    for uid, group in group_members(members).items():
        digest = series_digest(group)
        for member in group:
            keys[id(member.event)] = (uid, digest)
    query = recurring_ical_events.of(calendar, skip_bad_series=True)
    out: list[Occurrence] = []
    for series in query.series:
        try:
            found = list(series.between(ctx.window_start, ctx.window_end))
        except Exception:
            continue
        for occurrence in found:
            _, event = compat.occurrence_source(occurrence)
            uid, digest = keys[id(event)]
            out.append(convert_occurrence(occurrence, uid, digest, ctx.floating))
    return out
