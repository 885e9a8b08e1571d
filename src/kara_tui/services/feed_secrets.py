"""Feed addresses kept in the user's keyring: a feed URL often carries a private token."""

from __future__ import annotations

import contextlib
from typing import Any

from kara_tui.domain import DomainError
from kara_tui.ical.fetch import mask_source

KEYRING_SERVICE = "kara-tui-feed"
KEYRING_PREFIX = "keyring:"  # a feeds.source that names its keyring entry instead


class FeedSecrets:
    """Feed URLs in the user's keyring, when one that can keep secrets is installed."""

    def __init__(self, backend: Any = None) -> None:
        self._backend = backend

    def backend(self) -> Any:
        if self._backend is not None:
            return self._backend
        import keyring

        return keyring.get_keyring()

    def usable(self) -> bool:
        try:
            # The "fail" backend has priority 0 and the "null" one -1: neither keeps anything.
            return float(getattr(self.backend(), "priority", 0)) > 0
        except Exception:
            return False

    def put(self, key: str, secret: str) -> bool:
        if not self.usable():
            return False
        try:
            self.backend().set_password(KEYRING_SERVICE, key, secret)
        except Exception:  # a locked or broken keyring: fall back to the database
            return False
        return True

    def get(self, key: str) -> str | None:
        try:
            secret: str | None = self.backend().get_password(KEYRING_SERVICE, key)
        except Exception:
            return None
        return secret

    def drop(self, key: str) -> None:
        # Already gone, or no keyring: nothing to clean.
        with contextlib.suppress(Exception):
            self.backend().delete_password(KEYRING_SERVICE, key)

    def shown(self, source: str) -> str:
        """A stored feeds.source as the user may see it: masked, the secret never shown."""
        if source.startswith(KEYRING_PREFIX):
            secret = self.get(source[len(KEYRING_PREFIX) :])
            return mask_source(secret) if secret else "(in your keyring)"
        return mask_source(source)

    def real(self, source: str, feed_id: int) -> str:
        """The address a stored feeds.source stands for (raises MissingSecret)."""
        if not source.startswith(KEYRING_PREFIX):
            return source
        secret = self.get(source[len(KEYRING_PREFIX) :])
        if not secret:
            raise MissingSecret(feed_id)
        return secret


class MissingSecret(DomainError):
    def __init__(self, feed_id: int) -> None:
        self.feed_id = feed_id
        super().__init__(
            "the feed's address is no longer in your keyring; remove the feed and add it again"
        )
