"""Helpers shared by the tests: Pilot (``pilot``), a real terminal (``tmux``), the feeds screen."""
