"""The signed call context ("passport"): who calls, for which business, with which rights.

accounts signs a passport with its private key whenever it resolves a staff or client session;
the gateway forwards it unchanged with every call of that request; every service verifies it
with accounts' public keys before a tenant-scoped entrypoint decides anything. Nothing else a
message carries (a header, an id in the body) says who the caller is.

Keys are Ed25519, written ``<key id>:<base64 of the 32 raw bytes>``. Rotation: give every
service the new public key beside the old one (``PASSPORT_PUBLIC_KEYS`` takes several), then
switch accounts' ``PASSPORT_PRIVATE_KEY``, then drop the old public key once the longest
passport lifetime has passed (docs/security.md).
"""
import base64
import binascii
import functools
import time
from dataclasses import dataclass, field

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shared.errors import Unauthenticated
from shared.i18n import _
from shared.money import CURRENCIES, DEFAULT_CURRENCY

ALGORITHM = "EdDSA"
ISSUER = "portico-accounts"
# Longer than any request with its calls takes, short enough that a copied passport soon dies.
LIFETIME_SECONDS = 120
# A visitor is anyone at a business's portal before signing in: public pages and the sign-in calls only.
ACTOR_KINDS = ("staff", "client", "visitor", "operator")
RIGHTS = ("view", "pay", "manage")
VERIFIED_KEPT = 4096  # verified passports a process keeps: a passport's lifetime of busy sessions


@dataclass(frozen=True)
class Claims:
    """What a verified passport states; ``rights`` maps each account a client may use to its rights."""

    tenant_id: int | None
    actor_kind: str
    actor_id: int | None = None
    role: str | None = None
    account_id: int | None = None
    rights: dict = field(default_factory=dict)
    expires_at: float = 0.0
    currency: str = DEFAULT_CURRENCY  # of the business's amounts: how every service shows them

    def as_token_claims(self):
        return {"tenant": self.tenant_id, "kind": self.actor_kind, "actor": self.actor_id, "role": self.role,
                "account": self.account_id, "rights": {str(key): value for key, value in self.rights.items()},
                "currency": self.currency}


def new_key(key_id):
    """Return ``(private, public)`` key texts for a new Ed25519 key named ``key_id``."""
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes_raw()
    public = private.public_key().public_bytes_raw()
    return f"{key_id}:{base64.b64encode(seed).decode()}", f"{key_id}:{base64.b64encode(public).decode()}"


def _split_key(text):
    key_id, separator, encoded = (text or "").strip().partition(":")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raw = b""
    if not separator or not key_id or len(raw) != 32:
        raise ValueError("A passport key is written <key id>:<base64 of 32 bytes>.")
    return key_id, raw


class PassportSigner:
    """accounts' half: sign the claims of a resolved session."""

    def __init__(self, private_key_text, lifetime=LIFETIME_SECONDS):
        self.key_id, seed = _split_key(private_key_text)
        self.private_key = Ed25519PrivateKey.from_private_bytes(seed)
        self.lifetime = lifetime

    def issue(self, claims):
        """Return a passport stating ``claims`` (a Claims), valid for ``lifetime`` seconds from now."""
        now = int(time.time())
        payload = {**claims.as_token_claims(), "iss": ISSUER, "iat": now, "exp": now + self.lifetime}
        return jwt.encode(payload, self.private_key, algorithm=ALGORITHM, headers={"kid": self.key_id})


class PassportVerifier:
    """Every service's half: check a passport's signature and lifetime, and read its claims."""

    def __init__(self, public_keys_text):
        self.keys = {}
        for text in filter(None, (part.strip() for part in (public_keys_text or "").split(","))):
            key_id, raw = _split_key(text)
            self.keys[key_id] = Ed25519PublicKey.from_public_bytes(raw)
        if not self.keys:
            raise ValueError("PASSPORT_PUBLIC_KEYS names no key: no call could be verified.")
        # The same passport comes with every call of a request (and with each call of a batch): its signature is
        # checked once, keyed by its exact text. Only a verified passport is kept (a refusal raises, and is not),
        # its expiry is still checked on every call, and at most VERIFIED_KEPT are kept.
        self._verified = functools.lru_cache(maxsize=VERIFIED_KEPT)(self._verify)

    def verify(self, token):
        """Return the Claims of ``token``; raise Unauthenticated when it is missing, forged or expired."""
        if not isinstance(token, str) or not token or len(token) > 4096:
            raise Unauthenticated(_("This call carries no valid passport."))
        claims = self._verified(token)
        if claims.expires_at <= time.time():
            raise Unauthenticated(_("This call's passport has expired."))
        return claims

    def _verify(self, token):
        try:
            key = self.keys.get(jwt.get_unverified_header(token).get("kid"))
            if key is None:
                raise jwt.InvalidTokenError("unknown key")
            payload = jwt.decode(token, key, algorithms=[ALGORITHM], issuer=ISSUER,
                                 options={"require": ["exp", "iat", "iss"]})
            return _claims(payload)
        except jwt.ExpiredSignatureError:
            raise Unauthenticated(_("This call's passport has expired.")) from None
        except (jwt.InvalidTokenError, ValueError, TypeError, KeyError):
            raise Unauthenticated(_("This call carries no valid passport.")) from None


def _claims(payload):
    kind = payload["kind"]
    tenant_id, actor_id, account_id = payload.get("tenant"), payload.get("actor"), payload.get("account")
    rights = {int(key): value for key, value in (payload.get("rights") or {}).items()}
    if kind not in ACTOR_KINDS or not all(_is_id(value) for value in (tenant_id, actor_id, account_id)
                                          if value is not None):
        raise ValueError("malformed claims")
    if any(value not in RIGHTS for value in rights.values()):
        raise ValueError("malformed rights")
    currency = payload.get("currency", DEFAULT_CURRENCY)
    if currency not in CURRENCIES:
        raise ValueError("malformed currency")
    return Claims(tenant_id=tenant_id, actor_kind=kind, actor_id=actor_id, role=payload.get("role"),
                  account_id=account_id, rights=rights, expires_at=float(payload["exp"]), currency=currency)


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2 ** 63
