"""The raw-body scan of ical/expand/triage.py is built from prepare()'s property list."""

from __future__ import annotations

from kara_tui.ical.expand import triage
from kara_tui.ical.prepare import EVENT_PROPERTIES


def test_every_property_prepare_keeps_is_a_token_of_the_scan_in_any_case() -> None:
    scan = triage._KEPT_SCANS[b"\r\n"]
    for name in EVENT_PROPERTIES:
        for spelling in (name, name.lower(), name.title()):
            line = f"\r\n{spelling};X-ODD=1:value\r\n".encode()
            assert scan.findall(line) == [spelling.encode()], spelling


def test_a_property_prepare_drops_is_not_scanned() -> None:
    scan = triage._KEPT_SCANS[b"\r\n"]
    assert scan.findall(b"\r\nDESCRIPTION:x\r\nATTENDEE;CN=a:mailto:a@b\r\n") == []
