"""Which records may be deleted or put back to scheduled, with the reason and what to do instead."""

from __future__ import annotations

from dataclasses import dataclass

from kara_tui.domain import ChargeKind, ChargeStatus, Session, SessionStatus


@dataclass(frozen=True, slots=True)
class Decision:
    """``allowed`` and, either way, one sentence: the session's state, or why not and what instead."""

    allowed: bool
    why: str
    instead: str = ""  # what to do instead: "cancel", "unmark" or nothing


def _live_charges(session: Session) -> list[str]:
    return [
        str(c.amount)
        for c in session.charges
        if c.status is not ChargeStatus.VOID and c.kind is not ChargeKind.REFUND
    ]


_UNDO_FIRST = "(if the mark was a mistake, undo the attendance first)"
# A session in these states is never deleted: why ({charged}: its live charges), and instead.
_ON_RECORD = {
    SessionStatus.ATTENDED: (
        f"is marked attended: a session that took place is never deleted {_UNDO_FIRST}",
        "unmark",
    ),
    SessionStatus.NO_SHOW: (
        f"is recorded as a no-show{{charged}}: it stays on record {_UNDO_FIRST}",
        "unmark",
    ),
    SessionStatus.CANCELLED: (
        "is cancelled{charged}: a cancelled session stays on record "
        "for the reports and the client's history",
        "",
    ),
}


def may_delete(session: Session, notices_sent: int) -> Decision:
    """Delete is for a scheduled session booked by mistake: never charged, attended or announced.

    Anything else is part of the record (the reports count it, the client was told): it is
    cancelled or its attendance undone instead, never made to disappear.
    """
    sid = session.id
    status = session.status
    charges = _live_charges(session)
    if status in _ON_RECORD:
        why, instead = _ON_RECORD[status]
        charged = f" with a charge of {', '.join(charges)}" if charges else ""
        return Decision(False, f"session {sid} {why.format(charged=charged)}", instead)
    if charges:
        return Decision(
            False,
            f"session {sid} has a charge of {', '.join(charges)}: cancel it instead, "
            "so the charge stays on record",
            "cancel",
        )
    if session.prepaid:
        return Decision(
            False,
            f"session {sid} is prepaid: cancel it instead, so the refund is recorded",
            "cancel",
        )
    if session.rescheduled_from is not None:
        return Decision(
            False,
            f"session {sid} replaced session {session.rescheduled_from} in a reschedule: "
            "cancel it instead, so the record of the move (and the client's notices) stay whole",
            "cancel",
        )
    if notices_sent:
        return Decision(
            False,
            f"the client was sent a notice about session {sid}: cancel it instead, "
            "so they are told it is off",
            "cancel",
        )
    return Decision(
        True,
        f"session {sid} is scheduled: never attended, charged or announced to the client",
    )


def may_undo_attendance(session: Session) -> Decision:
    """An attended or no-show mark can go back to scheduled; nothing else has one to undo."""
    sid = session.id
    if session.status is SessionStatus.ATTENDED:
        return Decision(True, f"session {sid} goes back from attended to scheduled")
    if session.status is SessionStatus.NO_SHOW:
        charges = _live_charges(session)
        voided = f"; its charge of {', '.join(charges)} is voided" if charges else ""
        return Decision(True, f"session {sid} goes back from no-show to scheduled{voided}")
    state = "cancelled" if session.status is SessionStatus.CANCELLED else "scheduled"
    return Decision(
        False, f"session {sid} is {state}, not marked attended or no-show: nothing to undo"
    )
