"""`sessions delete` refuses what is on record and says what to do; `sessions unmark` undoes."""

from __future__ import annotations


def _add(cli, start: str) -> str:
    result = cli("sessions", "add", "--client", "Anna", "--start", start, "--force")
    assert result.code == 0, result.err
    return result.out.strip()


def test_delete_of_an_attended_session_is_refused_with_the_way_back(cli) -> None:
    assert cli("clients", "add", "Anna Smith", "--fee", "90").code == 0
    sid = _add(cli, "2026-11-16 06:00")
    assert cli("sessions", "attend", sid).code == 0
    result = cli("sessions", "delete", sid, "--yes")
    assert result.code != 0
    assert result.err == (
        f"kara-tui: session {sid} is marked attended: a session that took place is never "
        "deleted (if the mark was a mistake, undo the attendance first) "
        f"(kara-tui sessions unmark {sid}); nothing was deleted\n"
    )
    assert cli("sessions", "show", sid, "--json").json()["status"] == "attended"
    assert cli("sessions", "unmark", sid).out == (
        f"Session {sid} is scheduled again (attendance undone).\n"
    )
    assert cli("sessions", "delete", sid, "--yes").out == f"Session {sid} deleted.\n"


def test_unmark_of_a_no_show_voids_the_charge(cli) -> None:
    assert cli("clients", "add", "Anna Smith", "--fee", "90").code == 0
    sid = _add(cli, "2026-11-16 06:00")
    assert cli("sessions", "no-show", sid, "--charge", "--method", "cash").code == 0
    assert cli("sessions", "unmark", sid).code == 0
    doc = cli("sessions", "show", sid, "--json").json()
    assert doc["status"] == "scheduled"
    assert [c["status"] for c in doc["charges"]] == ["void"]
    refused = cli("sessions", "unmark", sid)
    assert refused.code != 0
    assert "not marked attended or no-show: nothing to undo" in refused.err
