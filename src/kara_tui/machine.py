"""What this machine says about where it is: its time zone, and its locale's currency."""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kara_tui.domain.currencies import check_iso_currency
from kara_tui.domain.money import MoneyError

# When the machine names no zone (or one Python does not know), and when its locale sets no
# currency (the C and POSIX locales, English without a country): the defaults kara-tui always
# had. Both are shown on the welcome screen with the command that changes them.
FALLBACK_ZONE = "Europe/London"
FALLBACK_CURRENCY = "GBP"


def _known_zone(name: str | None) -> str | None:
    if not name:
        return None
    name = name.removeprefix(":")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def machine_timezone() -> str:
    """The IANA zone of this machine: TZ when it names one, else the system setting (tzlocal
    reads /etc/localtime, timedatectl, the Windows registry), else FALLBACK_ZONE."""
    from_env = _known_zone(os.environ.get("TZ"))
    if from_env is not None:
        return from_env
    try:
        import tzlocal  # only on a first run: not worth its import at start-up

        system = tzlocal.get_localzone_name()
    except Exception:  # tzlocal refuses a misconfigured machine; the fallback is the answer
        system = None
    return _known_zone(system) or FALLBACK_ZONE


def locale_currency() -> str:
    """The ISO code of the user's locale's currency (LC_ALL / LC_MONETARY / LANG), or
    FALLBACK_CURRENCY when the locale sets none."""
    import locale

    try:
        previous = locale.setlocale(locale.LC_MONETARY)
        try:
            locale.setlocale(locale.LC_MONETARY, "")
            code = str(locale.localeconv()["int_curr_symbol"]).strip()
        finally:
            locale.setlocale(locale.LC_MONETARY, previous)
    except locale.Error:  # a locale named in the environment but not installed
        return FALLBACK_CURRENCY
    try:
        return check_iso_currency(code)
    except MoneyError:
        return FALLBACK_CURRENCY
