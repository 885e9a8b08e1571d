"""One rule for an email address, the one the outbox sends by."""

from __future__ import annotations

import pytest

from kara_tui.policy.addresses import is_email_address


@pytest.mark.parametrize(
    "address", ["anna@example.com", "a.b+c@mail.example.co.uk", "x@sub.example.org"]
)
def test_an_address_the_outbox_can_send_to(address: str) -> None:
    assert is_email_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "nope",
        "@example.com",
        "anna@",
        "anna@@example",
        "anna@example",
        "a@b@example.com",
        "anna smith@example.com",
        "anna@.",
        "anna@example.",
    ],
)
def test_not_an_address(address: str) -> None:
    assert not is_email_address(address)
