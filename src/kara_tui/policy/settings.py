"""The practice settings and the one check of a typed value, shared by the CLI and the settings screen."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kara_tui.domain import DomainError, PaymentMethod, Professional, WorkingHours
from kara_tui.domain import text as lengths
from kara_tui.domain.currencies import check_iso_currency
from kara_tui.domain.money import MoneyError
from kara_tui.domain.text import check_text
from kara_tui.policy import reminders
from kara_tui.policy.addresses import is_email_address

MAX_SESSION_MINUTES = 12 * 60
WORKING_HOURS_MAX_CHARS = 100  # the width of the stored column

SETTINGS_KEYS = (
    "name",
    "email",
    "timezone",
    "cancellation_window_hours",
    "late_fee_percent",
    "payment_methods",
    "working_hours",
    "buffer_minutes",
    "default_currency",
    "default_minutes",
    "reminder_leads",
    "quiet_hours",
    "series_horizon_weeks",
    "charge_attended_sessions",
)

YES_WORDS = ("yes", "on", "true")
NO_WORDS = ("no", "off", "false")

WHOLE_NUMBER_LIMITS = {
    "cancellation_window_hours": (0, 24 * 14),
    "late_fee_percent": (0, 100),
    "buffer_minutes": (0, 240),
    "default_minutes": (5, MAX_SESSION_MINUTES),
    "series_horizon_weeks": (1, 104),
}


def check_setting(key: str, value: str) -> str | int:
    """The value to store for ``key`` as typed, or a DomainError saying what is wrong in one line."""
    if key not in SETTINGS_KEYS:
        raise DomainError(f"unknown setting '{key}' (known: {', '.join(SETTINGS_KEYS)})")
    if key in WHOLE_NUMBER_LIMITS:
        try:
            number = int(value)
        except ValueError as exc:
            raise DomainError(f"{key} must be a whole number, not '{value}'") from exc
        low, high = WHOLE_NUMBER_LIMITS[key]
        if not low <= number <= high:
            raise DomainError(f"{key} must be between {low} and {high}")
        return number
    if key == "charge_attended_sessions":
        word = value.strip().casefold()
        if word not in YES_WORDS + NO_WORDS:
            raise DomainError(f"{key} must be yes or no, not '{value}'")
        return word in YES_WORDS
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise DomainError(f"'{value}' is not a time zone (try Europe/London)") from exc
        return value
    if key == "payment_methods":
        methods = [m.strip() for m in value.split(",") if m.strip()]
        for m in methods:
            if m not in {p.value for p in PaymentMethod} or m == "sponsored_credit":
                raise DomainError(
                    f"'{m}' is not a payment method (card, cash, bank_transfer, invoice)"
                )
        if not methods:
            raise DomainError("at least one payment method must be enabled")
        return ",".join(methods)
    if key == "working_hours":
        hours = str(WorkingHours.parse(value))
        if len(hours) > WORKING_HOURS_MAX_CHARS:
            raise DomainError(
                f"working hours are too long to keep ({len(hours)} characters, at most "
                f"{WORKING_HOURS_MAX_CHARS}): give days with the same hours together"
            )
        return hours
    if key == "reminder_leads":
        return reminders.leads_text(reminders.parse_leads(value))
    if key == "quiet_hours":
        quiet = reminders.parse_quiet(value)
        return f"{quiet[0]:%H:%M}-{quiet[1]:%H:%M}" if quiet else "none"
    if key == "default_currency":
        try:
            return check_iso_currency(value)
        except MoneyError as exc:
            raise DomainError(str(exc)) from None
    if key == "email":
        email = check_text(value, "the practice's email address", lengths.EMAIL)
        if email and not is_email_address(email):
            raise DomainError(f"'{value}' is not an email address")
        return email
    name = " ".join(check_text(value, "the practice's name", lengths.NAME).split())
    if not name:
        raise DomainError("the practice needs a name")
    return name


def settings_text(pro: Professional) -> dict[str, str]:
    """Each setting as `settings show` prints it and as `settings set` reads it back."""
    return {
        "name": pro.name,
        "email": pro.email,
        "timezone": pro.timezone,
        "cancellation_window_hours": str(pro.cancellation_window_hours),
        "late_fee_percent": str(pro.late_fee_percent),
        "payment_methods": ",".join(m.value for m in pro.payment_methods),
        "working_hours": str(pro.working_hours),
        "buffer_minutes": str(pro.buffer_minutes),
        "default_currency": pro.default_currency,
        "default_minutes": str(pro.default_minutes),
        "reminder_leads": pro.reminder_leads,
        "quiet_hours": pro.quiet_hours,
        "series_horizon_weeks": str(pro.series_horizon_weeks),
        "charge_attended_sessions": "yes" if pro.charge_attended_sessions else "no",
    }
