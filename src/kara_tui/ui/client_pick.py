"""Picking a client by typing: whom the text means, with ids wherever two names could be confused.

The clients screen shows every id; a picker shows one beside a name only when another
client's name could be taken for it ("Anna Smith" and "Anna Smyth", "Anna Smith" and
"anna  smith"), so that the person can see which one they are choosing and type its id.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kara_tui.domain.privacy import initials

# "Anna Smith (id 3)", as a suggestion completes it, or "#3": the client with that id.
_WITH_ID = re.compile(r"^.*\(id (\d{1,10})\)$|^#(\d{1,10})$")


@dataclass(frozen=True, slots=True)
class Pickable:
    """A client as a picker knows it."""

    id: int
    name: str


def _spelling(name: str) -> str:
    """The name without case, spaces or punctuation: 'Anna  Smith' and 'anna smith' match."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _first_and_initial(name: str) -> tuple[str, str] | None:
    """'Anna Smith' -> ('anna', 's'): enough alike to be taken one for the other in a list."""
    words = name.casefold().split()
    return (words[0], words[-1][:1]) if len(words) > 1 else None


def confusable_ids(clients: Iterable[Pickable]) -> set[int]:
    """Ids of clients whose name another client's could be taken for."""
    groups: dict[object, set[int]] = defaultdict(set)
    for c in clients:
        groups[("spelling", _spelling(c.name))].add(c.id)
        short = _first_and_initial(c.name)
        if short is not None:
            groups[("short", short)].add(c.id)
    return {i for ids in groups.values() if len(ids) > 1 for i in ids}


def _typed_id(text: str) -> int | None:
    """The id in '3', '#3' or 'Anna Smith (id 3)'; None for a name."""
    if text.isdigit():
        return int(text)
    found = _WITH_ID.match(text)
    if found is None:
        return None
    return int(found.group(1) or found.group(2))


class ClientPicker:
    """What a typed client resolves to, among the clients a picker offers."""

    def __init__(self, clients: Iterable[Pickable] = ()) -> None:
        self.clients = list(clients)
        self._by_id = {c.id: c for c in self.clients}
        self._confusable = confusable_ids(self.clients)

    def label(self, client: Pickable) -> str:
        """The name, with its id when it could be confused with another."""
        if client.id in self._confusable:
            return f"{client.name} (id {client.id})"
        return client.name

    def suggestions(self) -> list[str]:
        return [self.label(c) for c in self.clients]

    def matches(self, typed: str) -> list[Pickable]:
        """As the service resolves a name: an id, else the exact name, else a part of names."""
        text = typed.strip()
        if not text:
            return []
        wanted = _typed_id(text)
        if wanted is not None:
            found = self._by_id.get(wanted)
            return [found] if found else []
        folded = text.casefold()
        exact = [c for c in self.clients if c.name.casefold() == folded]
        return exact or [c for c in self.clients if folded in c.name.casefold()]

    def chosen(self, typed: str) -> Pickable | None:
        found = self.matches(typed)
        return found[0] if len(found) == 1 else None

    def reference(self, typed: str) -> str:
        """What to look the client up by: the id when the text means one client, else the text."""
        found = self.chosen(typed)
        return str(found.id) if found is not None else typed

    def echo(self, typed: str, privacy: bool) -> str:
        """The line under the field: whom the text means, with ids where names could be
        confused ('' when nothing needs saying: the name typed is plainly one client's)."""
        if not typed.strip():
            return ""
        found = self.matches(typed)

        def shown(c: Pickable) -> str:
            name = initials(c.name) if privacy else c.name
            return f"{name} (id {c.id})" if privacy or c.id in self._confusable else name

        if len(found) == 1:
            c = found[0]
            if privacy or c.id in self._confusable or typed.strip() != c.name:
                return f"→ {shown(c)}"
            return ""
        if found:
            listed = ", ".join(shown(c) for c in found[:4])
            more = f" and {len(found) - 4} more" if len(found) > 4 else ""
            return f"→ {len(found)} clients match: {listed}{more}; type more, or the id"
        return "→ no client matches"
