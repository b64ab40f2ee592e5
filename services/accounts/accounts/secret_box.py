"""Secrets accounts must read back (a staff member's TOTP secret), kept encrypted at rest.

Fernet (AES-128-CBC + HMAC-SHA256, from the cryptography package) under the keys in ``ACCOUNTS_DATA_KEYS``:
comma-separated, the newest first. The first key seals; every key listed opens, so a new key can be put in
front while what the old one sealed still opens (docs/security.md, "Sessions and credentials").
"""
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from shared.errors import ServiceUnavailable

NOT_CONFIGURED = "Two-step sign-in is not available: this installation has no ACCOUNTS_DATA_KEYS."


class SecretBox:
    def __init__(self, keys):
        keys = [key.strip() for key in (keys or "").split(",") if key.strip()]
        self._fernet = MultiFernet([Fernet(key) for key in keys]) if keys else None

    def _box(self):
        if self._fernet is None:
            raise ServiceUnavailable(NOT_CONFIGURED)
        return self._fernet

    def seal(self, text):
        return self._box().encrypt(text.encode()).decode()

    def open(self, sealed):
        """Return the text ``sealed`` holds; ServiceUnavailable when no key listed opens it."""
        try:
            return self._box().decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise ServiceUnavailable("A stored secret cannot be read with ACCOUNTS_DATA_KEYS.") from None


def new_key():
    """A fresh key for ACCOUNTS_DATA_KEYS."""
    return Fernet.generate_key().decode()
