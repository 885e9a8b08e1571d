"""outline_after(): the outline of an edited body from the previous body's, exactly what
outline() says of the edited body, or None."""

from __future__ import annotations

import random
import re

import pytest
from test_fastpath import generated_feed
from test_outline import _plain_uids, _stamped

from kara_tui.ical.outline import Outline, outline
from kara_tui.ical.outline_delta import outline_after

_BLOCK = re.compile(rb"BEGIN:VEVENT\r?\n.*?END:VEVENT\r?\n", re.S)


def _same(delta: Outline, whole: Outline | None) -> None:
    assert whole is not None
    assert delta == whole
    assert list(delta.groups) == list(whole.groups)  # file order: problems are sorted by it
    assert delta.block_uids == whole.block_uids
    assert (delta.size, delta.stamp) == (whole.size, whole.stamp)


def check(old: bytes, new: bytes) -> bool:
    """outline_after(old -> new) is None or outline(new); whether it was not None."""
    old_outline = outline(old)
    assert old_outline is not None
    delta = outline_after(old, old_outline, new)
    if delta is not None:
        _same(delta, outline(new))
    return delta is not None


def _bodies(seed: int) -> list[bytes]:
    plain = _plain_uids(generated_feed(seed, 400, hostile=False))
    stamped = _stamped(plain, b"20261207T120000Z")  # one stamp for all: replace() leaves it out
    return [plain, stamped, stamped.replace(b"\r\n", b"\n")]


def _edits(body: bytes, rng: random.Random) -> list[bytes]:
    """Edits of ``body`` near one random block: the harmless and the ones that must say None."""
    blocks = list(_BLOCK.finditer(body))
    index = rng.randrange(len(blocks))
    block = blocks[index]
    text = block.group(0)
    eol = b"\r\n" if text.endswith(b"\r\n") else b"\n"
    other = _UID.search(rng.choice(blocks).group(0))
    assert other is not None
    before, after = body[: block.start()], body[block.end() :]
    end = eol + b"END:VEVENT"
    return [
        before + text.replace(end, eol + b"X-EDITED:1" + end) + after,
        before + text.replace(b"\nSUMMARY:", b"\nSUMMARY:moved ", 1) + after,
        before + after,  # the block removed
        before + text + text + after,  # a second block of the same group
        before + re.sub(rb"\nUID:[^\r\n]*", b"\n" + other.group(0), text, count=1) + after,
        before + text.replace(b"\nUID:", b"\nUID:new-", 1) + text + after,
        before + re.sub(rb"\nDTSTAMP:[^\r\n]*", b"\nDTSTAMP:20000101T000000Z", text) + after,
        before + text.replace(end, eol + b" folded into END" + end) + after,
        before + text.replace(end, eol + b"begin:VEVENT" + end) + after,
        before + text.replace(end, b"\rX-CR:1" + end) + after,
        before + text.replace(b"\nUID:", b"\nUID: spaced", 1) + after,
        body.replace(b"TZOFFSETTO:", b"TZOFFSETTO:+0130\r\nX:", 1),  # the head
        body[: blocks[-1].start()] + blocks[-1].group(0).replace(end, eol + b"X:1" + end) + after
        if index == len(blocks) - 1
        else body.replace(b"END:VCALENDAR", b"X-TAIL:1" + eol + b"END:VCALENDAR"),
        _stamped(body, b"20991231T235959Z"),  # every stamp another: nothing changed
    ]


_UID = re.compile(rb"UID:[^\r\n]+")


@pytest.mark.parametrize("seed", range(4))
def test_an_edited_body_is_outlined_from_the_previous_one_exactly(seed: int) -> None:
    rng = random.Random(seed)
    taken = tried = 0
    for body in _bodies(seed):
        for _ in range(6):
            for edited in _edits(body, rng):
                tried += 1
                taken += check(body, edited)
                taken += check(edited, body) if outline(edited) is not None else 0
    assert taken > tried / 4  # the shortcut is taken, not just safe


def test_one_changed_event_is_outlined_from_the_previous_body() -> None:
    body = _bodies(7)[1]
    uids = [_UID.findall(block.group(0)) for block in _BLOCK.finditer(body)]
    alone = next(i for i in range(200, len(uids)) if sum(u == uids[i] for u in uids) == 1)
    block = list(_BLOCK.finditer(body))[alone]  # an event whose UID no other block has
    edited = body[: block.start()] + block.group(0).replace(b"END:VEVENT", b"X:1\r\nEND:VEVENT")
    edited += body[block.end() :]
    old = outline(body)
    assert old is not None
    delta = outline_after(body, old, edited)
    assert delta is not None
    _same(delta, outline(edited))
    uid = _UID.search(block.group(0))
    assert uid is not None
    changed = {key for key in old.groups if old.groups[key] != delta.groups[key]}
    assert changed == {uid.group(0)[4:].decode()}


def test_a_group_on_both_sides_of_the_change_is_outlined_whole() -> None:
    """A moved instance's block inside the changed stretch, its series' outside: the group's
    one digest covers both, so the previous outline cannot supply it."""
    body = _bodies(3)[0]
    blocks = list(_BLOCK.finditer(body))
    first, late = blocks[5].group(0), blocks[300]
    uid = _UID.search(first)
    assert uid is not None
    moved = re.sub(rb"\nUID:[^\r\n]*", b"\n" + uid.group(0), late.group(0), count=1)
    edited = body[: late.start()] + moved + body[late.end() :]
    old = outline(body)
    assert old is not None
    assert outline_after(body, old, edited) is None
    assert check(body, edited) is False
