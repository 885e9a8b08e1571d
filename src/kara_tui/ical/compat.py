"""The private names of dateutil and recurring-ical-events that rule expansion relies on.

The helpers of ``recurring_ical_events.util`` (not in the package's public names, some not
even in the module's ``__all__``) and the occurrence's adapter attributes are re-exported
here, so the fast path compares and converts values exactly as recurring-ical-events does.

Two things the libraries do not offer publicly:

* counting dateutil's steps: ``rrule._iter`` builds one ``_iterinfo`` per walk and
  asks it for each period's day set; a subclass that counts those calls measures the
  work a rule costs in periods walked, the same on any machine, however busy;
* telling a zone name known without listing every zone: icalendar's zoneinfo provider asks
  ``zoneinfo.available_timezones()``, which opens each of the system's ~600 zone files, the
  first time a feed's VTIMEZONE is read: most of the fixed cost of a small feed's parse;
* starting a rule near the window: recurring-ical-events builds each series' rules
  with the component's DTSTART (``Series.recurrence.rrules``), so dateutil walks
  every period from 1997 to reach this year. A rule without COUNT yields the same
  instances from any later DTSTART that is a whole number of its periods on.

tests/unit/ical/test_compat.py fails loudly when an upgrade moves these names.
"""

from __future__ import annotations

import math
import threading
import zoneinfo
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import Any, Protocol

from dateutil import rrule as _rrule


def __getattr__(name: str) -> Any:
    """recurring-ical-events' own value helpers (``compat.time_span_contains_event`` and the
    like), read by the reference path, loaded on first use; the fast path has its own
    (ical/expand/values.py), held to these."""
    if name == "_ZoneinfoByName":
        return _zoneinfo_by_name()
    if not name.startswith("_"):
        from recurring_ical_events import util

        if callable(getattr(util, name, None)):
            return getattr(util, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def event_span(event: Any) -> tuple[Any, Any]:
    """A VEVENT's start and end as recurring-ical-events reads them (DURATION, all-day, swaps)."""
    from recurring_ical_events import EventAdapter

    adapter = EventAdapter(event)
    return adapter.start, adapter.end


def occurrence_source(occurrence: Any) -> tuple[Any, Any]:
    """The adapter of an occurrence and its component, without copying it (``as_component()``
    copies every property of every instance)."""
    adapter = occurrence._adapter
    return adapter, adapter._component


YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY, MINUTELY, SECONDLY = range(7)
_UNIT = {
    WEEKLY: timedelta(days=7),
    DAILY: timedelta(days=1),
    HOURLY: timedelta(hours=1),
    MINUTELY: timedelta(minutes=1),
    SECONDLY: timedelta(seconds=1),
}
# How far before the window a moved DTSTART stays: a UTC offset is under a day, a week
# the longest partial period a weekly rule skips.
_MARGIN = timedelta(days=8)


class Meter(Protocol):
    """What counts the steps of the rule walks of one thread."""

    def step(self) -> None:
        """One period walked; may raise to stop the walk."""


_active = threading.local()


def metering(meter: Meter | None) -> None:
    """Count this thread's dateutil periods on ``meter`` from now on (None: stop counting)."""
    install()
    _active.meter = meter


_Iterinfo: Any = _rrule._iterinfo


def _counted(name: str) -> Callable[..., Any]:
    """dateutil's ``name`` method, counting a step each time it is asked."""
    walk = getattr(_Iterinfo, name)

    def counted(self: Any, year: int, month: int, day: int) -> Any:
        _tick()
        return walk(self, year, month, day)

    counted.__name__ = counted.__qualname__ = name
    return counted


class _CountingIterinfo(_Iterinfo):  # type: ignore[misc]  # dateutil's private base is Any here
    """dateutil's per-walk helper, counting the periods a walk asks for."""

    __slots__ = ()

    def __init__(self, rule: Any) -> None:
        # dateutil's own __init__ clears the attributes named by self.__slots__: ours is empty.
        for attr in _Iterinfo.__slots__:
            setattr(self, attr, None)
        self.rrule = rule  # type: ignore[misc]  # a slot of dateutil's base, unseen by mypy

    # The day sets of one period (year, month, week, day): a walk asks for one per period.
    ydayset = _counted("ydayset")
    mdayset = _counted("mdayset")
    wdayset = _counted("wdayset")
    ddayset = _counted("ddayset")


def _tick() -> None:
    meter = getattr(_active, "meter", None)
    if meter is not None:
        meter.step()


def install() -> None:
    """Put the counting helper in place (once per process; rules without a meter are
    not slowed down beyond one attribute look-up per period)."""
    if _rrule._iterinfo is not _CountingIterinfo:
        _rrule._iterinfo = _CountingIterinfo  # type: ignore[misc, assignment]  # the patch itself


def start_near(series: Any, window_start: datetime) -> None:
    """Move the DTSTART of ``series``' rules without COUNT to shortly before the window.

    Only by whole periods of the rule (whole years for MONTHLY and YEARLY, which keep
    the day of the month), so every instance from the window on is the same; DTSTART
    itself stays an instance of the series (recurring-ical-events adds it apart).
    """
    recurrence = getattr(series, "recurrence", None)
    rules = getattr(recurrence, "rrules", None)
    if recurrence is None or not rules or getattr(series, "this_and_future", None):
        return
    try:
        span = recurrence.end - recurrence.start
    except Exception:
        return
    for index, rule in enumerate(rules):
        if not isinstance(rule, _rrule.rrule):
            continue
        count = rule._count  # type: ignore[attr-defined]  # COUNT is private in dateutil
        moved = None if count is not None else _moved_start(rule, window_start, span)
        rules[index] = _Lazy(rule if moved is None else rule.replace(dtstart=moved), rule)


class _Lazy:
    """A rule whose between() yields instances as it finds them.

    dateutil's between() returns a list only when the walk is over, so a walk stopped
    by a limit would lose every instance it had found.
    """

    def __init__(self, rule: Any, original: Any) -> None:
        self.rule = rule
        self.string = getattr(original, "string", None)  # what recurring-ical-events put on it
        self.until = getattr(original, "until", None)

    def between(self, after: datetime, before: datetime, inc: bool = False) -> Any:
        for instance in self.rule:
            if instance > before or (not inc and instance == before):
                return
            if instance > after or (inc and instance == after):
                yield instance


def _moved_start(rule: Any, window_start: datetime, span: timedelta) -> datetime | None:
    start: datetime = rule._dtstart
    zone: tzinfo | None = start.tzinfo
    target = window_start.astimezone(zone) if zone is not None else window_start
    wall_target = target.replace(tzinfo=None) - max(span, timedelta(0)) - _MARGIN
    wall_start = start.replace(tzinfo=None)
    if wall_target <= wall_start:
        return None
    freq, interval = rule._freq, rule._interval
    if freq in _UNIT:
        unit = _UNIT[freq] * interval
        periods = (wall_target - wall_start) // unit
        if periods <= 0:
            return None
        moved: datetime = start + unit * periods  # wall-clock arithmetic, as dateutil walks
        return moved
    if (start.month, start.day) == (2, 29):
        return None  # whole years would leave 29 February
    step_years = interval if freq == YEARLY else math.lcm(interval, 12) // 12
    years = (wall_target.year - wall_start.year - 1) // step_years * step_years
    if years <= 0:
        return None
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return None


_zoneinfo_class: list[type] = []


def _zoneinfo_by_name() -> type:
    """icalendar's zoneinfo provider, knowing a zone by loading it alone (made on first use,
    as its base is icalendar's)."""
    if _zoneinfo_class:
        return _zoneinfo_class[0]
    from icalendar.timezone.zoneinfo import ZONEINFO

    class _ZoneinfoByName(ZONEINFO):
        """icalendar's zoneinfo provider, knowing a zone by loading it alone."""

        def knows_timezone_id(self, tzid: str) -> bool:
            """``tzid in zoneinfo.available_timezones()``, without reading every zone file."""
            parts = tzid.split("/")
            if tzid == "posixrules" or parts[0] in ("posix", "right") or {"", ".", ".."} & {*parts}:
                return False  # what available_timezones() leaves out, and no path tricks
            try:
                zoneinfo.ZoneInfo(tzid)
            except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
                return False
            return True

    _zoneinfo_class.append(_ZoneinfoByName)
    return _ZoneinfoByName


_by_name = threading.Lock()
_by_name_done: list[bool] = []


def know_zones_by_name() -> None:
    """Have icalendar tell a VTIMEZONE's TZID known by loading that zone: once per process,
    before the first calendar is read (a switch empties icalendar's cache of the zones
    feeds defined), and only while icalendar uses zoneinfo, its default."""
    if _by_name_done:
        return
    from icalendar.timezone import tzp

    with _by_name:
        if not _by_name_done and tzp.name == "zoneinfo":
            tzp.use(_zoneinfo_by_name()())
        _by_name_done.append(True)
