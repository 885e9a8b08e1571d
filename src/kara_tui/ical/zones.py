"""Map the time zone names that Windows, Outlook, Exchange and Lotus Notes write to IANA zones."""

from __future__ import annotations

import re
import zoneinfo
from datetime import timedelta, timezone, tzinfo
from functools import cache

# Names that older Exchange, Lotus Notes and hand-written feeds use; with the Windows zone IDs
# (CLDR windowsZones, as shipped by icalendar, loaded with it when a TZID is no IANA name:
# _windows_folded) they name a zone by its Windows name.
_MORE_WINDOWS_ZONES: dict[str, str] = {
    "Eastern": "America/New_York",
    "Central": "America/Chicago",
    "Mountain": "America/Denver",
    "Pacific": "America/Los_Angeles",
    "Western/Central Europe": "Europe/Berlin",
    "Central Europe": "Europe/Berlin",
    "Mitteleuropäische Zeit": "Europe/Berlin",
    "Mitteleuropäische Sommerzeit": "Europe/Berlin",
    "Westeuropäische Normalzeit": "Europe/Berlin",
    "W. Europe Daylight Time": "Europe/Berlin",
    "GMT Daylight Time": "Europe/London",
    "Eastern Daylight Time": "America/New_York",
    "Central Daylight Time": "America/Chicago",
    "Mountain Daylight Time": "America/Denver",
    "Pacific Daylight Time": "America/Los_Angeles",
    "Romance Daylight Time": "Europe/Paris",
    "Central European Time": "Europe/Berlin",
    "Central European Summer Time": "Europe/Berlin",
}


def _windows_zones() -> dict[str, str]:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    return {**WINDOWS_TO_OLSON, **_MORE_WINDOWS_ZONES}


@cache
def _windows_folded() -> dict[str, str]:
    return {key.casefold(): value for key, value in _windows_zones().items()}


# Outlook/OWA write the display name of the Windows zone as the TZID, e.g.
# "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna". Keyed by the
# text after the "(UTC±hh:mm)" prefix, case-folded.
DISPLAY_NAMES: dict[str, str] = {
    "international date line west": "Etc/GMT+12",
    "coordinated universal time-11": "Etc/GMT+11",
    "hawaii": "Pacific/Honolulu",
    "alaska": "America/Anchorage",
    "baja california": "America/Tijuana",
    "pacific time (us & canada)": "America/Los_Angeles",
    "pacific time (us & canada), tijuana": "America/Los_Angeles",
    "pacific time (us & canada); tijuana": "America/Los_Angeles",
    "arizona": "America/Phoenix",
    "chihuahua, la paz, mazatlan": "America/Chihuahua",
    "mountain time (us & canada)": "America/Denver",
    "central america": "America/Guatemala",
    "central time (us & canada)": "America/Chicago",
    "guadalajara, mexico city, monterrey": "America/Mexico_City",
    "saskatchewan": "America/Regina",
    "bogota, lima, quito, rio branco": "America/Bogota",
    "bogota, lima, quito": "America/Bogota",
    "eastern time (us & canada)": "America/New_York",
    "indiana (east)": "America/Indiana/Indianapolis",
    "caracas": "America/Caracas",
    "atlantic time (canada)": "America/Halifax",
    "asuncion": "America/Asuncion",
    "cuiaba": "America/Cuiaba",
    "georgetown, la paz, manaus, san juan": "America/La_Paz",
    "santiago": "America/Santiago",
    "newfoundland": "America/St_Johns",
    "brasilia": "America/Sao_Paulo",
    "brasília": "America/Sao_Paulo",
    "buenos aires": "America/Argentina/Buenos_Aires",
    "city of buenos aires": "America/Argentina/Buenos_Aires",
    "cayenne, fortaleza": "America/Cayenne",
    "greenland": "America/Godthab",
    "montevideo": "America/Montevideo",
    "coordinated universal time-02": "Etc/GMT+2",
    "mid-atlantic": "Etc/GMT+2",
    "azores": "Atlantic/Azores",
    "cabo verde is.": "Atlantic/Cape_Verde",
    "cape verde is.": "Atlantic/Cape_Verde",
    "coordinated universal time": "UTC",
    "casablanca": "Africa/Casablanca",
    "dublin, edinburgh, lisbon, london": "Europe/London",
    "greenwich mean time : dublin, edinburgh, lisbon, london": "Europe/London",
    "greenwich mean time: dublin, edinburgh, lisbon, london": "Europe/London",
    "monrovia, reykjavik": "Atlantic/Reykjavik",
    "amsterdam, berlin, bern, rome, stockholm, vienna": "Europe/Berlin",
    "belgrade, bratislava, budapest, ljubljana, prague": "Europe/Budapest",
    "brussels, copenhagen, madrid, paris": "Europe/Paris",
    "sarajevo, skopje, warsaw, zagreb": "Europe/Warsaw",
    "west central africa": "Africa/Lagos",
    "amman": "Asia/Amman",
    "athens, bucharest": "Europe/Bucharest",
    "athens, bucharest, istanbul": "Europe/Istanbul",
    "beirut": "Asia/Beirut",
    "cairo": "Africa/Cairo",
    "harare, pretoria": "Africa/Johannesburg",
    "helsinki, kyiv, riga, sofia, tallinn, vilnius": "Europe/Kiev",
    "helsinki, kiev, riga, sofia, tallinn, vilnius": "Europe/Kiev",
    "jerusalem": "Asia/Jerusalem",
    "baghdad": "Asia/Baghdad",
    "istanbul": "Europe/Istanbul",
    "kuwait, riyadh": "Asia/Riyadh",
    "moscow, st. petersburg, volgograd": "Europe/Moscow",
    "moscow, st. petersburg": "Europe/Moscow",
    "nairobi": "Africa/Nairobi",
    "tehran": "Asia/Tehran",
    "abu dhabi, muscat": "Asia/Dubai",
    "baku": "Asia/Baku",
    "kabul": "Asia/Kabul",
    "islamabad, karachi": "Asia/Karachi",
    "tashkent": "Asia/Tashkent",
    "chennai, kolkata, mumbai, new delhi": "Asia/Kolkata",
    "sri jayawardenepura": "Asia/Colombo",
    "kathmandu": "Asia/Kathmandu",
    "astana": "Asia/Almaty",
    "dhaka": "Asia/Dhaka",
    "yangon (rangoon)": "Asia/Yangon",
    "bangkok, hanoi, jakarta": "Asia/Bangkok",
    "beijing, chongqing, hong kong, urumqi": "Asia/Shanghai",
    "kuala lumpur, singapore": "Asia/Singapore",
    "perth": "Australia/Perth",
    "taipei": "Asia/Taipei",
    "osaka, sapporo, tokyo": "Asia/Tokyo",
    "seoul": "Asia/Seoul",
    "adelaide": "Australia/Adelaide",
    "darwin": "Australia/Darwin",
    "brisbane": "Australia/Brisbane",
    "canberra, melbourne, sydney": "Australia/Sydney",
    "hobart": "Australia/Hobart",
    "vladivostok": "Asia/Vladivostok",
    "solomon is., new caledonia": "Pacific/Guadalcanal",
    "auckland, wellington": "Pacific/Auckland",
    "fiji": "Pacific/Fiji",
    "nuku'alofa": "Pacific/Tongatapu",
}

# "(UTC+01:00) ...", "(GMT-05:00) ...", "UTC+11", "GMT+0100". Patterns compiled on first use
# (re keeps them): only a TZID that is no IANA name needs them.
_OFFSET_PREFIX = r"^\(?\s*(?:UTC|GMT)\s*(?:([+-])\s*(\d{1,2})(?:[:.]?(\d{2}))?)?\s*\)?\s*"
_TOKEN_SPLIT = r"\s*(?:[,;:/&]|\band\b)\s*"


@cache
def _city_index() -> dict[str, str]:
    """Last part of every IANA name, e.g. "kuala lumpur" -> "Asia/Kuala_Lumpur"."""
    index: dict[str, str] = {}
    for key in sorted(zoneinfo.available_timezones()):
        if "/" not in key or key.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            continue
        city = key.rsplit("/", 1)[1].replace("_", " ").casefold()
        index.setdefault(city, key)
    return index


@cache
def iana(name: str) -> zoneinfo.ZoneInfo | None:
    """The IANA zone with exactly this name, or None (never raises for junk names)."""
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def clean_tzid(tzid: str) -> str:
    """Undo the damage producers do to a TZID: quotes, escapes, stray spaces and colons."""
    name = tzid.strip().strip('"').strip()
    while name.upper().startswith("TZID="):
        name = name[5:].strip()
    return name.replace("\\,", ",").replace("\\;", ";").rstrip(":").strip()


def fixed_offset(tzid: str) -> tzinfo | None:
    """A fixed-offset zone from a name like "(UTC+07:00) ..." or "UTC+11"; None otherwise.

    Names that carry two offsets ("GMT-05.00/-04.00") describe daylight saving
    and are not fixed, so they return None.
    """
    name = clean_tzid(tzid)
    match = re.match(_OFFSET_PREFIX, name)
    if match is None or match.group(1) is None:
        return None
    if "/" in name[match.end() :] and re.search(r"[+-]\d", name[match.end() :]):
        return None
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    sign = -1 if match.group(1) == "-" else 1
    if minutes == 0 and hours:
        # Etc/GMT signs are inverted: UTC+7 is Etc/GMT-7.
        zone = iana(f"Etc/GMT{'-' if sign > 0 else '+'}{hours}")
        if zone is not None:
            return zone
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


@cache
def to_iana(tzid: str) -> zoneinfo.ZoneInfo | None:
    """Resolve a TZID to an IANA zone by name alone, or None when the name says nothing.

    Tries, in order: the IANA name itself; a "globally unique" TZID with a
    vendor prefix (``/freeassociation.sourceforge.net/Europe/Berlin``); a Windows
    zone ID (``W. Europe Standard Time``); an Outlook display name
    (``(UTC+01:00) Amsterdam, Berlin, ...``); and finally the first city in the
    name that is also an IANA city (``Kuala Lumpur, Singapore``).
    """
    name = clean_tzid(tzid)
    if not name:
        return None
    zone = iana(name)
    if zone is not None:
        return zone
    if "/" in name:
        parts = [part for part in name.split("/") if part]
        for start in range(1, len(parts)):
            zone = iana("/".join(parts[start:]))
            if zone is not None:
                return zone
    folded = name.casefold()
    windows = _windows_folded()
    if folded in windows:
        return iana(windows[folded])
    match = re.match(_OFFSET_PREFIX, name)
    rest = name[match.end() :] if match else name
    rest_folded = re.sub(r"\s+", " ", rest).strip().casefold()
    for candidate in (rest_folded, rest_folded.replace(";", ",")):
        if candidate in DISPLAY_NAMES:
            return iana(DISPLAY_NAMES[candidate])
        if candidate in windows:
            return iana(windows[candidate])
    index = _city_index()
    for token in re.split(_TOKEN_SPLIT, rest_folded):
        token = re.sub(r"\(.*?\)", "", token).strip()
        if token in DISPLAY_NAMES:
            return iana(DISPLAY_NAMES[token])
        if token in index:
            return iana(index[token])
    return None
