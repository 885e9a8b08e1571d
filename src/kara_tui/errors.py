"""StorageError: the database cannot do what was asked. Raised by db/, caught by every layer above.

It lives outside the layers so that db/ can raise it and the UI can catch it (through
services.errors) without importing db/.
"""

from __future__ import annotations


class StorageError(Exception):
    """The database cannot do what was asked; the message says why in plain words."""
