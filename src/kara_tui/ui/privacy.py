"""Privacy mode as screens see it: the app's switch, a client's name as shown, redacted sentences.

The switch lives on the app (``KaraApp.privacy``, key p) so every screen and dialog agrees;
a screen hosted by another app (a test's) falls back to its own setting.
"""

from __future__ import annotations

from textual.dom import DOMNode

from kara_tui.ui.format import display_name


def privacy_on(node: DOMNode, default: bool = False) -> bool:
    """Whether client names are hidden right now."""
    try:
        app = node.app
    except Exception:  # not attached to a running app yet
        return default
    value = getattr(app, "privacy", None)
    return default if value is None else bool(value)


def shown_name(node: DOMNode, name: str, default: bool = False) -> str:
    """A client's name as it may be on screen now: initials in privacy mode."""
    return display_name(name, privacy_on(node, default))


def redacted(node: DOMNode, text: str) -> str:
    """A sentence that may quote a client (a service's error, a conflict) as it may be shown."""
    try:
        redact = getattr(node.app, "redact", None)
    except Exception:
        return text
    return redact(text) if callable(redact) else text
