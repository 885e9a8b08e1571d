"""The outbox screen, driven with keys: real SQLite, a real SMTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from textual.app import App
from textual.widgets import DataTable, Static

from kara_smtp import SmtpServer
from kara_tui.config import Settings, SmtpSettings
from kara_tui.db.rows import AuditRow, NotificationRow
from kara_tui.domain import NotificationStatus, Reason, Session
from kara_tui.services.practice import Practice
from kara_tui.ui.screens.confirm import ConfirmDialog
from kara_tui.ui.screens.outbox import MessagePreview, OutboxScreen
from support.pilot import settle

TUESDAY_10 = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
THURSDAY_14 = datetime(2026, 11, 19, 14, 0, tzinfo=UTC)


class Host(App[None]):
    """A bare app that opens the outbox, as the calendar does with `O`."""

    def __init__(self, practice: Practice, settings: Settings) -> None:
        super().__init__()
        self.practice = practice
        self.settings = settings

    def on_mount(self) -> None:
        self.push_screen(OutboxScreen(self.practice, self.settings))


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    smtp = SmtpServer().start()
    yield smtp
    smtp.stop()


@pytest.fixture
def setup(practice: Practice) -> Practice:
    practice.set_setting("name", "Dr Ada Byrne")
    practice.set_setting("email", "ada@practice.example")
    practice.add_client("Zoë Quinn", email="zoe@client.example")
    practice.add_client("Ben Ortiz")
    first = practice.book("Zoë Quinn", TUESDAY_10, service="Therapy session")
    practice.reschedule(first.id, THURSDAY_14, by=Reason.CLIENT)  # messages 1 and 2
    ben = practice.book("Ben Ortiz", datetime(2026, 11, 18, 9, 0, tzinfo=UTC))
    practice.cancel(ben.id, Reason.PROFESSIONAL)  # no address: nothing is queued (issue 11)
    failed_notice_of_an_older_version(practice, ben)  # message 3: no address, failed
    return practice


def failed_notice_of_an_older_version(practice: Practice, session: Session) -> None:
    """Before issue 11, a client without an address got a failed notice for each cancellation."""
    from kara_tui.ical import itip

    stamp = practice.clock.now()
    with practice.writing() as db:
        db.add(
            NotificationRow(
                session_id=session.id,
                kind="cancellation",
                recipient="",
                subject="Appointment cancelled: Wed 18 Nov 09:00",
                body="Dear Ben Ortiz,\n\nYour appointment has been cancelled.\n",
                ical=itip.build(
                    method="CANCEL",
                    uid=session.uid,
                    sequence=1,
                    start=session.start,
                    end=session.end,
                    summary="Appointment",
                    location="",
                    organizer_name="Dr Ada Byrne",
                    organizer_email="ada@practice.example",
                    attendee_name="Ben Ortiz",
                    attendee_email="",
                    stamp=stamp,
                ),
                status="failed",
                error="the client has no email address",
                attempts=0,
                created_at=stamp,
            )
        )


def smtp(server: SmtpServer, **extra: Any) -> Settings:
    return Settings(smtp=SmtpSettings(host="127.0.0.1", port=server.port, starttls=False), **extra)


def rows(app: App[Any]) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def said(app: App[Any]) -> str:
    return str(app.screen.query_one("#outbox-message", Static).render())


async def test_the_table_lists_every_message_newest_first(
    setup: Practice, server: SmtpServer
) -> None:
    app = Host(setup, smtp(server))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        table = rows(app)
        assert [r[0] for r in table] == ["✗ failed", "◷ queued", "◷ queued"]
        assert table[0][2] == "(no address)"
        assert table[0][4] == "the client has no email address"
        assert table[1][3] == "Appointment confirmed: Thu 19 Nov 14:00"
        assert table[2][1] == "Mon 16 Nov 08:00"
        assert table[2][2] == "zoe@client.example"
        where = str(app.screen.query_one("#outbox-where", Static).render())
        assert f"the mail server 127.0.0.1:{server.port}" in where
        assert "2 queued, 1 failed" in where


async def test_s_sends_the_queued_messages_in_order(setup: Practice, server: SmtpServer) -> None:
    app = Host(setup, smtp(server))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)

        assert [r.message["Subject"].split(":")[0] for r in server.received] == [
            "Appointment moved",
            "Appointment confirmed",
        ]
        assert [n.status for n in setup.list_notifications()] == [
            NotificationStatus.SENT,
            NotificationStatus.SENT,
            NotificationStatus.FAILED,
        ]
        assert [r[0] for r in rows(app)] == ["✗ failed", "✓ sent", "✓ sent"]
        assert said(app) == "2 sent."

        await pilot.press("s")  # nothing left to send
        await settle(app, pilot)
        assert said(app) == "Nothing to send: no message is queued."
        assert len(server.received) == 2


async def test_a_refused_send_shows_the_reason_and_r_retries_it(
    setup: Practice, server: SmtpServer
) -> None:
    server.reject = "550 5.1.1 mailbox unavailable"
    app = Host(setup, smtp(server))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)

        assert said(app).startswith("0 sent, 2 not sent.")
        assert "Message 1 to zoe@client.example: the mail server rejected" in said(app)
        assert said(app).endswith("(and 1 more)")
        assert "550 5.1.1 mailbox unavailable" in said(app)
        assert [r[0] for r in rows(app)][1:] == ["◷ queued", "◷ queued"]
        assert "550" in rows(app)[1][4]

        server.reject = ""
        await pilot.press("down", "down")  # the oldest: the cancellation
        await pilot.press("r")
        await settle(app, pilot)

        assert said(app) == "1 sent."
        assert len(server.received) == 1
        assert server.received[0].message["Subject"].startswith("Appointment moved:")
        statuses = [n.status for n in setup.list_notifications()]
        assert statuses[:2] == [NotificationStatus.SENT, NotificationStatus.QUEUED]

        await pilot.press("r")  # the same row again: already sent
        await settle(app, pilot)
        assert said(app) == "Message 1 was already sent; it is not sent twice."
        assert len(server.received) == 1


async def test_retrying_a_message_without_an_address_says_why(
    setup: Practice, server: SmtpServer
) -> None:
    app = Host(setup, smtp(server))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("r")  # the top row: Ben, who has no address
        await settle(app, pilot)
        assert said(app) == (
            "message 3 cannot be sent: the client has no email address "
            "(add one to the client, then retry)"
        )
        assert server.received == []


async def test_enter_previews_the_message_and_escape_goes_back(
    setup: Practice, server: SmtpServer
) -> None:
    app = Host(setup, smtp(server))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)

        assert isinstance(app.screen, MessagePreview)
        text = str(app.screen.query_one("#outbox-preview-text", Static).render())
        assert "To:      zoe@client.example" in text
        assert "Dear Zoë Quinn" in text
        assert "METHOD:CANCEL" in text

        await pilot.press("escape")
        assert isinstance(app.screen, OutboxScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, OutboxScreen)
        assert server.received == []


async def test_without_a_from_address_the_screen_says_what_to_set(
    practice: Practice, server: SmtpServer
) -> None:
    practice.add_client("Zoë Quinn", email="zoe@client.example")
    session = practice.book("Zoë Quinn", TUESDAY_10)
    practice.cancel(session.id, Reason.CLIENT)
    app = Host(practice, smtp(server))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert "messages need a From: address" in said(app)
        assert practice.list_notifications()[0].status is NotificationStatus.QUEUED
        assert server.received == []


async def test_privacy_mode_hides_the_addresses(setup: Practice, server: SmtpServer) -> None:
    app = Host(setup, smtp(server, privacy=True))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        assert [r[2] for r in rows(app)] == [
            "(no address)",
            "z…@client.example",
            "z…@client.example",
        ]


async def test_newest_first_goes_by_when_a_message_was_written_not_its_id(
    setup: Practice, server: SmtpServer
) -> None:
    from kara_tui.db.rows import NotificationRow

    with setup.writing() as db:  # message 1 written last (ids need not follow time)
        db.get(NotificationRow, 1).created_at = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
        for n in (2, 3):
            db.get(NotificationRow, n).created_at = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)
    app = Host(setup, smtp(server))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        keys = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(3)]
        assert keys == ["1", "3", "2"]  # then, at the same moment, the higher id first


async def test_writing_eml_files_says_written_to_the_file_not_sent(
    setup: Practice, tmp_path
) -> None:
    """Issue 11: writing .eml files was shown as '✓ sent'."""
    folder = tmp_path / "outbox"
    app = Host(setup, Settings(outbox_dir=folder))
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert said(app) == f"2 written to files in {folder}."
        table = rows(app)
        assert [r[0] for r in table] == ["✗ failed", "✓ written", "✓ written"]
        first = folder / "1-appointment-moved-tue-17-nov-10-00.eml"
        assert table[2][4] == f"written to {first}"
        where = str(app.screen.query_one("#outbox-where", Static).render())
        assert "2 written, 1 failed" in where
        table_widget = app.screen.query_one(DataTable)
        table_widget.move_cursor(row=2)
        await pilot.press("r")
        await settle(app, pilot)
        assert said(app) == f"Message 1 was already written to {first}; it is not sent twice."


async def test_d_discards_a_failed_message_after_a_confirmation(
    setup: Practice, server: SmtpServer
) -> None:
    app = Host(setup, smtp(server))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        assert rows(app)[0][0] == "✗ failed"  # message 3, the cursor's row
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # changed my mind: nothing happens
        await settle(app, pilot)
        assert setup.list_notifications()[2].status is NotificationStatus.FAILED
        await pilot.press("d")
        await settle(app, pilot)
        # It starts on Back, so enter goes back, and its keys line says so (it said "y or
        # enter confirms").
        keys = str(app.screen.query_one(".dialog").border_subtitle)
        assert "enter goes back" in keys and "enter confirms" not in keys
        await pilot.press("enter")
        await settle(app, pilot)
        assert setup.list_notifications()[2].status is NotificationStatus.FAILED
        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert said(app) == "Message 3 discarded: it will not be sent."
        assert rows(app)[0][0] == "⊘ discarded"
        await pilot.press("s")
        await settle(app, pilot)
    assert [n.status for n in setup.list_notifications()] == [
        NotificationStatus.SENT,
        NotificationStatus.SENT,
        NotificationStatus.DISCARDED,
    ]
    with setup.reading() as db:
        [audit] = db.scalars(select(AuditRow).where(AuditRow.entity == "notification")).all()
        assert (audit.entity_id, audit.action) == (3, "discard")
