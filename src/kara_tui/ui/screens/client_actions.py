"""What the client screens share: row money columns, form fields, archive/restore question."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Input, Select

from kara_tui.domain import Client, Programme, Session
from kara_tui.policy.charges import balance_words
from kara_tui.ui.privacy import shown_name
from kara_tui.ui.screens._dialog import FormScreen

if TYPE_CHECKING:
    from kara_tui.services.practice import Practice


@dataclass(frozen=True, slots=True)
class TypedClient:
    """A client form as typed; the worker reads it into values (a bad one: one line)."""

    name: str
    email: str
    phone: str
    programme: Programme
    fee: str
    currency: str
    window: str
    notes: str = ""
    credit: str = ""
    update_future: bool = False
    reminders: str = ""  # own reminder leads as typed: "48,2", "none"; blank: the practice's


def typed_client(
    form: FormScreen[Any],
    programme: Programme,
    currency: str,
    *,
    notes: str = "",
    credit: str = "",
    update_future: bool = False,
) -> TypedClient:
    """The fields the add and edit forms share; ``programme``/``currency`` when none is chosen."""
    chosen = form.query_one("#programme", Select).value
    return TypedClient(
        name=form.value("name"),
        email=form.value("email"),
        phone=form.value("phone"),
        programme=chosen if isinstance(chosen, Programme) else programme,
        fee=form.value("fee"),
        currency=form.value("currency") or currency,
        window=form.value("window"),
        notes=notes,
        credit=credit,
        update_future=update_future,
        reminders=form.value("reminders"),
    )


def reminders_input(value: str | None = None) -> Input:
    """A client's own reminder leads (DESIGN.md section 7); blank follows the practice."""
    return Input(
        value or "",
        placeholder="hours before: 48,24,2 or none; blank = the practice's",
        id="reminders",
    )


def programme_select(value: Programme) -> Select[Programme]:
    return Select(
        [("private", Programme.PRIVATE), ("sponsored", Programme.SPONSORED)],
        value=value,
        allow_blank=False,
        id="programme",
    )


def currency_input(value: str) -> Input:
    currency = Input(value, id="currency", max_length=3)
    currency.styles.width = 7
    return currency


def learn_name(screen: Screen[Any], client: Client) -> None:
    """Privacy mode hides a new or changed name like the others (a test host app has none)."""
    learn = getattr(screen.app, "learn_names", None)
    if learn is not None:
        learn([client.name])


def money_columns(practice: Practice, clients: list[Client]) -> dict[int, tuple[str, int]]:
    """Per client id: the balance as a short text and the sessions of credit held by bookings."""
    from kara_tui.services.charges import Ledger
    from kara_tui.services.clients import ClientBook

    owed = {o.client.id: o.balance for o in Ledger(practice).outstanding()}
    book = ClientBook(practice)
    return {
        c.id: (
            balance_words(owed.get(c.id, [])).replace("nothing pending", ""),
            book.credit_held(c.id) if c.programme is Programme.SPONSORED else 0,
        )
        for c in clients
    }


class ArchiveFlow:
    """Archive (or restore) the client, after a question that lists the sessions still to come.

    Archiving refuses nothing silently: with sessions to come, confirming cancels them as by
    the professional (the client is told), as `clients archive --cancel-future` does.
    """

    def __init__(
        self,
        screen: Screen[None],
        practice: Practice,
        client: Client,
        done: Callable[[object], None],
    ) -> None:
        self.screen = screen
        self.practice = practice
        self.client = client
        self.done = done

    def start(self) -> None:
        if self.client.archived:
            self._confirm(None)
            return
        self.screen.run_worker(self._look, thread=True, group="archive", exit_on_error=False)

    def _look(self) -> None:
        from kara_tui.services.clients import ClientBook

        future = ClientBook(self.practice).future_sessions(self.client.id)
        self.screen.app.call_from_thread(self._confirm, future)

    def _confirm(self, future: list[Session] | None) -> None:
        from kara_tui.ui.screens.confirm import ConfirmDialog

        name = shown_name(self.screen, self.client.name)
        if future is None:
            dialog = ConfirmDialog(
                f"Restore {name}?",
                f"{name} (id {self.client.id}) comes back to the lists and the pickers.",
                confirm="Restore",
            )
        elif future:
            tz = self.practice.tz
            listed = "\n".join(f"  {s.start.astimezone(tz):%a %d %b %Y %H:%M}" for s in future)
            dialog = ConfirmDialog(
                f"Archive {name}?",
                Text(
                    f"{name} (id {self.client.id}) has {len(future)} session(s) still to come:\n"
                    f"{listed}\nArchiving cancels them as by the professional (no charge) and "
                    "queues the client's notices. Back leaves everything as it is."
                ),
                confirm="Cancel them and archive",
                danger=True,
            )
        else:
            dialog = ConfirmDialog(
                f"Archive {name}?",
                f"{name} (id {self.client.id}) leaves the lists, pickers and search; their "
                "history stays in the reports. v shows archived clients, x restores.",
                confirm="Archive",
            )
        self.screen.app.push_screen(dialog, self._answered)

    def _answered(self, yes: bool | None) -> None:
        if yes:
            self.screen.run_worker(self._apply, thread=True, group="archive", exit_on_error=False)

    def _apply(self) -> None:
        from kara_tui.services.clients import ClientBook

        book = ClientBook(self.practice)
        if self.client.archived:
            book.restore(self.client.id)
            said = "restored"
        else:
            done = book.archive(self.client.id, cancel_future=True)
            n = len(done.cancelled)
            said = f"archived ({n} session(s) cancelled)" if n else "archived"
        self.screen.app.call_from_thread(self._finish, said)

    def _finish(self, said: str) -> None:
        self.screen.notify(f"{shown_name(self.screen, self.client.name)} {said}", markup=False)
        self.done(True)
