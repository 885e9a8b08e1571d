"""kara-tui: a keyboard-driven terminal calendar for professionals who see clients in sessions."""

__version__ = "0.1.0"
