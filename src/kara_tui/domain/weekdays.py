"""The weekdays' short names, Monday first: how working hours and typed dates write them."""

from __future__ import annotations

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
