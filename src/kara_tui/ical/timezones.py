"""Give every date-time in a feed a real time zone, whatever TZID the producer wrote."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from kara_tui.ical.values import ONE_DAY as ONE_DAY  # kept here for callers
from kara_tui.ical.values import is_date_only as is_date_only
from kara_tui.ical.zones import clean_tzid, fixed_offset, to_iana

if TYPE_CHECKING:
    from icalendar import Timezone

DATE_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE")
_UTC_NAMES = frozenset({"UTC", "GMT", "Z", "ETC/UTC", "ETC/GMT", "UCT", "ZULU"})


def _is_standard(zone: tzinfo | None) -> bool:
    """Whether icalendar resolved a value to a zone we trust as-is (IANA or UTC).

    Anything else came from a VTIMEZONE that icalendar cached process-wide under
    its TZID, possibly from another feed that used the same name ("Customized
    Time Zone"), so it is resolved again from this feed's own definitions.
    """
    return zone is UTC or type(zone) is zoneinfo.ZoneInfo


def zone_name(zone: tzinfo) -> str:
    """A readable name for a zone in a message."""
    return str(getattr(zone, "key", None) or zone.tzname(None) or zone)


class ZoneResolver:
    """Resolves the TZIDs of one feed: by name, then by the feed's VTIMEZONE, then the default.

    Kept per feed so that one feed's "Customized Time Zone" never leaks into another.
    """

    def __init__(
        self, timezones: Iterable[Timezone], default_tz: tzinfo, named: Iterable[str] = ()
    ) -> None:
        """``named``: the TZIDs of VTIMEZONEs left unread because they are IANA names, which
        resolve by name before any definition is asked (the header read without icalendar)."""
        self.default_tz = default_tz
        self._components: dict[str, Timezone | None] = dict.fromkeys(map(clean_tzid, named))
        for component in timezones:
            for tzid in _tzids(component):
                self._components.setdefault(clean_tzid(tzid), component)
        self._cache: dict[str, tzinfo] = {}
        self.unknown: set[str] = set()

    @property
    def component_ids(self) -> list[str]:
        """The cleaned TZIDs the feed defines with a VTIMEZONE."""
        return list(self._components)

    def resolve(self, tzid: str) -> tzinfo:
        """The zone for a TZID parameter value; unknown names get the default zone (and are noted)."""
        cached = self._cache.get(tzid)
        if cached is not None:
            return cached
        zone = self._lookup(tzid)
        if zone is None:
            self.unknown.add(clean_tzid(tzid))
            zone = self.default_tz
        self._cache[tzid] = zone
        return zone

    def _lookup(self, tzid: str) -> tzinfo | None:
        name = clean_tzid(tzid)
        zone: tzinfo | None = to_iana(name)
        if zone is not None:
            return zone
        component = self._components.get(name)
        if component is not None:
            zone = _from_component(component)
            if zone is not None:
                return zone
        return fixed_offset(name)


def _tzids(component: Timezone) -> list[str]:
    value = component.get("TZID")
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    # One VTIMEZONE with two TZIDs exists in the wild; the last one is the real one.
    return [str(v) for v in reversed(values)]


def _from_component(component: Timezone) -> tzinfo | None:
    """Build a zone from a VTIMEZONE's own rules, or None if they make no sense."""
    from icalendar.timezone import tzp

    try:
        zone: tzinfo = component.to_tz(tzp, lookup_tzid=False)
        zone.utcoffset(datetime(2020, 1, 1))  # noqa: DTZ001 - probing a zone's offset
    except Exception:
        return None
    return zone


# Producers known to write local wall times without a TZID next to the one VTIMEZONE of
# their site, by a piece of their PRODID. RFC 5545 3.3.5 reads a floating time as the same
# wall-clock time wherever it is viewed (for kara-tui: in the practice zone); only these
# feeds get their VTIMEZONE instead, and a feed note says so.
# The Events Calendar (WordPress, "ECPv6.3.3"): node-ical's corpus file
# test_with_multiple_tzids_in_vtimezone.ics, a school in Los Angeles.
VTIMEZONE_FOR_FLOATING = (" ECPV",)


def floating_zone(
    resolver: ZoneResolver,
    x_wr_timezone: tzinfo | None,
    default_tz: tzinfo,
    prodid: str = "",
) -> tuple[tzinfo, str | None]:
    """The zone for times written without any zone ("floating"), and a note when it is not
    the practice zone for a reason the user should know.

    Google-style X-WR-TIMEZONE first (the calendar names its own zone); else the
    practice zone (``default_tz``), as RFC 5545 3.3.5 says: a floating time is the same
    wall-clock time wherever it is viewed. Only a producer listed in
    VTIMEZONE_FOR_FLOATING has its floating times read in its only VTIMEZONE.
    """
    if x_wr_timezone is not None:
        return x_wr_timezone, None
    ids = resolver.component_ids
    upper = prodid.upper()
    if len(ids) == 1 and any(mark in upper for mark in VTIMEZONE_FOR_FLOATING):
        zone = resolver.resolve(ids[0])
        note = (
            f"times without a time zone were read in {zone_name(zone)}, the feed's only time"
            f" zone, as its producer ({prodid.strip()[:80]}) writes them"
        )
        return zone, note
    return default_tz, None


def localize_value(
    value: Any, tzid: str | None, resolver: ZoneResolver, floating: tzinfo | None
) -> Any:
    """One date, date-time or period value, with its zone fixed; dates pass through."""
    if isinstance(value, tuple):
        return tuple(localize_value(part, tzid, resolver, floating) for part in value)
    if not isinstance(value, datetime):
        return value  # date, timedelta
    if tzid:
        # Trust icalendar's IANA zones, except UTC under a non-UTC TZID:
        # "TZID=Europe/Berlin:20150530T120000Z" means Berlin wall time (ownCloud).
        if (
            value.tzinfo is not None
            and _is_standard(value.tzinfo)
            and (value.tzinfo is not UTC or clean_tzid(tzid).upper() in _UTC_NAMES)
        ):
            return value
        zone = resolver.resolve(tzid)
        return value.replace(tzinfo=zone)
    if value.tzinfo is None and floating is not None:
        return value.replace(tzinfo=floating)
    return value


BROKEN_MARK = "X-KARA-BROKEN"
"""Names the date properties drop_broken() removed from an event, comma-separated."""


def drop_broken(event: Any) -> None:
    """Remove date values icalendar could not read, except DTSTART (whose absence is reported).

    A broken ``EXDATE:`` or ``DTEND:None`` must not cost the event (icalendar
    keeps them as vBroken, which raises on any use). What was removed whole is
    named under BROKEN_MARK, so that the parser can say so.
    """
    from icalendar.prop import vBroken  # only events icalendar read come here

    removed: list[str] = []
    for name in (*DATE_PROPERTIES, "DURATION"):
        if name == "DTSTART" or name not in event:
            continue
        prop = event[name]
        if isinstance(prop, list):
            kept = [item for item in prop if not isinstance(item, vBroken)]
            if not kept:
                del event[name]
                removed.append(name)
            elif len(kept) != len(prop):
                event[name] = kept
        elif isinstance(prop, vBroken):
            del event[name]
            removed.append(name)
    if removed:
        event[BROKEN_MARK] = ",".join(removed)


def localize_event(event: Any, resolver: ZoneResolver, floating: tzinfo | None) -> None:
    """Fix the zones of one VEVENT's date properties in place.

    Values with a TZID are resolved by :class:`ZoneResolver` (their wall-clock
    time is kept). With ``floating`` given, values with no zone at all get it;
    without, they stay floating (x-wr-timezone handles them next).
    """
    from icalendar.prop import vBroken  # only events icalendar read come here

    start_prop = event.get("DTSTART")
    start = getattr(start_prop, "dt", None) if not isinstance(start_prop, vBroken) else None
    zoned = isinstance(start, datetime) and (
        start.tzinfo is not None or bool(start_prop.params.get("TZID"))
    )
    for name in DATE_PROPERTIES:
        prop = event.get(name)
        if prop is None:
            continue
        if name == "EXDATE" and zoned and floating is None and isinstance(start, datetime):
            _pin_floating_exdates(prop, start, start_prop.params.get("TZID"), resolver)
        for item in prop if isinstance(prop, list) else [prop]:
            if isinstance(item, vBroken):
                continue
            params = getattr(item, "params", {})
            tzid = params.get("TZID") if params else None
            if hasattr(item, "dts"):  # RDATE / EXDATE lists
                for ddd in item.dts:
                    inner = ddd.params.get("TZID") if ddd.params else None
                    ddd.dt = localize_value(ddd.dt, inner or tzid, resolver, floating)
            elif hasattr(item, "dt"):
                item.dt = localize_value(item.dt, tzid, resolver, floating)


def _pin_floating_exdates(
    prop: Any, start: datetime, start_tzid: str | None, resolver: ZoneResolver
) -> None:
    """Give zone-less EXDATEs of a zoned series the series' zone, or make them whole-day.

    A floating EXDATE with the series' wall-clock time means that instance; one
    with another time (Google writes such "bad times") can only mean that day.
    """
    from icalendar.prop import vBroken

    zone = start.tzinfo if start.tzinfo is not None else resolver.resolve(start_tzid or "")
    wall = start.astimezone(zone) if start.tzinfo is not None else start
    for item in prop if isinstance(prop, list) else [prop]:
        if isinstance(item, vBroken) or item.params.get("TZID"):
            continue
        for ddd in item.dts:
            value = ddd.dt
            if isinstance(value, datetime) and value.tzinfo is None and not ddd.params.get("TZID"):
                same_time = value.time() == wall.time()
                ddd.dt = value.replace(tzinfo=zone) if same_time else value.date()
