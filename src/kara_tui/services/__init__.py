"""Use cases of the practice; each owns its transaction. The CLI and the calendar both call these."""
