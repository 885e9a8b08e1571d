"""What living a therapist's week in the calendar turned up: each slip a person makes, read
back as a clear line, nothing lost and nothing stored wrong."""

from __future__ import annotations

from calendar_kit import settle, shown
from kara_tui.ui.screens.clients import ClientForm
from support.pilot import field, retype


async def test_credit_typed_for_a_private_client_is_refused_not_hidden(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("C")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientForm)
        await pilot.press(*"Ian Parr")
        await retype(pilot, app, "credit", "10", by_key=True)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientForm)
        assert shown(app, "#error") == (
            "Ian Parr is a private client; sponsored credit is for sponsored clients"
        )
        assert field(app, "credit").value == "10"  # nothing typed is lost
    assert all(c.name != "Ian Parr" for c in cal_practice.list_clients())
