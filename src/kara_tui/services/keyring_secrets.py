"""Secrets in the user's keyring under one service name, when one that can keep them is installed."""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar


class KeyringSecrets:
    """Put, get and drop secrets by key; a missing, locked or broken keyring keeps nothing and
    raises nothing (``put`` says False, ``get`` None), so the caller can fall back or ask."""

    service: ClassVar[str]  # the keyring's service name, one per kind of secret

    def __init__(self, backend: Any = None) -> None:
        self._backend = backend  # the user's keyring when None (tests pass their own)

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
            self.backend().set_password(self.service, key, secret)
        except Exception:  # a locked or broken keyring
            return False
        return True

    def get(self, key: str) -> str | None:
        try:
            secret = self.backend().get_password(self.service, key)
        except Exception:
            return None
        return secret if isinstance(secret, str) else None

    def drop(self, key: str) -> None:
        # Already gone, or no keyring: nothing to clean.
        with contextlib.suppress(Exception):
            self.backend().delete_password(self.service, key)
