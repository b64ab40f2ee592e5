"""One-time secrets sealed wherever they are kept: sign-in codes and link tokens in events and queued messages.

A secret is sealed with Fernet (AES-128-CBC with an HMAC-SHA256, from ``cryptography``) under a key
that lives in the environment only (``MESSAGE_SECRETS_KEYS``), never in a database or on the bus.
The sealed text also names what it was sealed for (its *binding*: say the event id and field), and
opening checks it, so a sealed code copied into another event or message opens nowhere else.

``MESSAGE_SECRETS_KEYS`` holds one or more keys, comma-separated: the first seals, every one opens.
Rotation: put the new key first and keep the old one after it until nothing sealed with it waits
anywhere (an event in an outbox or a dead-letter queue, a message not yet sent); then drop it.
"""
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from shared.config import env
from shared.events import CONTRACTS

KEYS_VARIABLE = "MESSAGE_SECRETS_KEYS"


class Unsealable(Exception):
    """A sealed secret that none of the keys opens, or that was sealed for something else."""


def new_key():
    """Return a fresh key for ``MESSAGE_SECRETS_KEYS``."""
    return Fernet.generate_key().decode()


class SecretBox:
    """Seal and open secrets with the keys of ``keys_text`` (comma-separated; the first seals), which come
    from the environment variable ``variable`` (named in errors)."""

    def __init__(self, keys_text, variable=KEYS_VARIABLE):
        self.variable = variable
        keys = [key.strip() for key in (keys_text or "").split(",") if key.strip()]
        if not keys:
            raise ValueError(f"{variable} holds no key (scripts/new_env.py writes one)")
        try:
            self._fernet = MultiFernet([Fernet(key) for key in keys])
        except ValueError:
            raise ValueError(f"{variable} must hold Fernet keys (32 url-safe base64 bytes each)") from None

    @classmethod
    def from_env(cls):
        keys_text = env(KEYS_VARIABLE)
        if not keys_text:
            raise RuntimeError(f"{KEYS_VARIABLE} is not set: one-time codes and links cannot be sealed "
                               "(scripts/new_env.py and make up provide one)")
        return cls(keys_text)

    def seal(self, value, binding):
        """Return ``value`` (text) sealed for ``binding`` (any JSON value)."""
        plain = json.dumps({"for": binding, "value": value}, sort_keys=True, separators=(",", ":"))
        return self._fernet.encrypt(plain.encode()).decode()

    def open(self, sealed, binding):
        """Return the value sealed in ``sealed``; raise Unsealable unless it was sealed for ``binding``."""
        try:
            content = json.loads(self._fernet.decrypt((sealed or "").encode()))
        except (InvalidToken, ValueError, TypeError):
            raise Unsealable("the sealed secret does not open with any key of " + self.variable) from None
        if content.get("for") != json.loads(json.dumps(binding)):
            raise Unsealable("the sealed secret was sealed for something else")
        return content["value"]

    def __repr__(self):  # keep the keys out of any traceback or log
        return "SecretBox()"


# --- events ---------------------------------------------------------------------------

def secret_binding(body, field):
    """What a secret field of the event ``body`` is sealed for: that event and that field, nothing else."""
    return [body["event_type"], body["event_id"], field]


def seal_secrets(box, contract, body):
    """Return the event ``body`` with its contract's secret fields sealed by ``box``."""
    data = dict(body["data"])
    for field in contract.secret_fields:
        data[field] = box.seal(data[field], secret_binding(body, field))
    return {**body, "data": data}


def open_secrets(box, contract, event, data):
    """Return ``data`` (the loaded payload of ``event``) with its secret fields opened (Unsealable if not ours)."""
    return {**data, **{field: box.open(data[field], secret_binding(event, field))
                       for field in contract.secret_fields}}


def publishes_secrets(service):
    return any(contract.secret_fields for contract in CONTRACTS if contract.source == service)


def holds_secrets(service):
    """Whether ``service`` seals or opens secrets of events, so needs ``MESSAGE_SECRETS_KEYS``."""
    return any(contract.secret_fields for contract in CONTRACTS
               if service == contract.source or service in contract.subscribers)
