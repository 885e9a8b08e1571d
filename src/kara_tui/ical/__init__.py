"""iCalendar: parse and fetch feeds, export sessions, build RFC 5546 messages."""
