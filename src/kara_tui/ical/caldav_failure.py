"""What went wrong talking to a CalDAV server, as a kind that a feed and a publish run word."""

from __future__ import annotations

from typing import Literal

Failure = Literal["refused", "timeout", "certificate", "connection", ""]


def failure(exc: Exception) -> Failure:
    """The kind of a failed request ("" for any other): the caldav library and requests name
    their errors, so the name tells a slow server from an unreachable one."""
    from caldav.lib import error

    if isinstance(exc, error.AuthorizationError):
        return "refused"
    name = type(exc).__name__
    if "Timeout" in name:
        return "timeout"
    if "SSL" in name or "Certificate" in name:
        return "certificate"
    if "Connection" in name:
        return "connection"
    return ""
