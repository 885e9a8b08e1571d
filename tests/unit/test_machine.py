"""A new database's zone and currency come from the machine (issue 11), with fixed fallbacks."""

from __future__ import annotations

import locale
import subprocess

import pytest

from kara_tui.machine import FALLBACK_CURRENCY, locale_currency, machine_timezone


@pytest.mark.parametrize(
    ("tz", "expected"),
    [("America/New_York", "America/New_York"), (":Europe/Paris", "Europe/Paris"), ("UTC", "UTC")],
)
def test_tz_names_the_zone(monkeypatch, tz: str, expected: str) -> None:
    monkeypatch.setenv("TZ", tz)
    assert machine_timezone() == expected


def test_an_unknown_tz_falls_back_to_the_system_setting(monkeypatch) -> None:
    import tzlocal

    monkeypatch.setenv("TZ", "Not/AZone")
    monkeypatch.delenv("TZ")
    system = tzlocal.get_localzone_name() or "Europe/London"
    monkeypatch.setenv("TZ", "Not/AZone")
    assert machine_timezone() == system


def test_a_locale_without_a_currency_gives_the_fallback(monkeypatch) -> None:
    monkeypatch.setenv("LC_MONETARY", "C")
    assert locale_currency() == FALLBACK_CURRENCY == "GBP"
    monkeypatch.setenv("LC_MONETARY", "xx_NOWHERE.UTF-8")  # named, but not installed
    assert locale_currency() == "GBP"


def _installed(name: str) -> bool:
    out = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout
    return name.lower().replace("-", "") in out.lower().replace("-", "")


@pytest.mark.skipif(not _installed("de_DE.utf8"), reason="the de_DE.UTF-8 locale is not installed")
def test_a_locale_with_a_currency_gives_it(monkeypatch) -> None:
    monkeypatch.setenv("LC_MONETARY", "de_DE.UTF-8")
    before = locale.setlocale(locale.LC_MONETARY)
    assert locale_currency() == "EUR"
    assert locale.setlocale(locale.LC_MONETARY) == before  # the process's locale is left alone
