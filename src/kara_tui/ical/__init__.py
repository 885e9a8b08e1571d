"""iCalendar feeds: parse to occurrences, fetch with limits (no database, no Textual)."""
