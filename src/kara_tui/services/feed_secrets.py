"""Feed addresses kept in the user's keyring: a feed URL often carries a private token."""

from __future__ import annotations

from kara_tui.domain import DomainError
from kara_tui.ical.fetch import mask_source
from kara_tui.services.keyring_secrets import KeyringSecrets

KEYRING_SERVICE = "kara-tui-feed"
KEYRING_PREFIX = "keyring:"  # a feeds.source that names its keyring entry instead


class FeedSecrets(KeyringSecrets):
    """Feed URLs in the user's keyring, when one that can keep secrets is installed."""

    service = KEYRING_SERVICE

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
