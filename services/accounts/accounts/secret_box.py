"""Secrets accounts must read back (a staff member's TOTP secret), kept sealed at rest.

Sealed like the one-time secrets of events (shared/sealing.py: Fernet, bound to what they belong to) but
under accounts' own keys, ``ACCOUNTS_DATA_KEYS``: comma-separated, the newest first. The first key seals;
every key listed opens, so a new key can be put in front while what the old one sealed still opens
(docs/security.md, "Sessions and credentials"). Without keys accounts still starts: only two-step sign-in
needs them, and it answers 503 until they are set.
"""
from shared.errors import ServiceUnavailable
from shared.i18n import N_, _
from shared.sealing import SecretBox, Unsealable, new_key  # noqa: F401  (new_key makes ACCOUNTS_DATA_KEYS)

KEYS_VARIABLE = "ACCOUNTS_DATA_KEYS"
NOT_CONFIGURED = N_("Two-step sign-in is not available: this installation has no ACCOUNTS_DATA_KEYS.")


class DataBox:
    """Seal and open accounts' stored secrets; each is bound to what it belongs to (``binding``)."""

    def __init__(self, keys_text):
        self._box = SecretBox(keys_text, KEYS_VARIABLE) if (keys_text or "").strip() else None

    def _ready(self):
        if self._box is None:
            raise ServiceUnavailable(_(NOT_CONFIGURED))
        return self._box

    def seal(self, text, binding):
        return self._ready().seal(text, binding)

    def open(self, sealed, binding):
        """Return the text ``sealed`` holds; ServiceUnavailable when no key listed opens it for ``binding``."""
        try:
            return self._ready().open(sealed, binding)
        except Unsealable:
            raise ServiceUnavailable(_("A stored secret cannot be read with %(variable)s.",
                                       variable=KEYS_VARIABLE)) from None
