"""Answers the gateway keeps between requests, each until an event says it changed (docs/caching.md).

Three things are asked on nearly every request and change rarely: the resolved session (staff or client),
the business found by its URL's slug, and the business's portal configuration (profile, branding, how clients
sign in). They are kept per gateway process and dropped when accounts announces ``access_changed`` or a
service announces ``settings_updated`` (gateway/cache_listener.py receives them) - never after a guessed time.
An entry may end sooner at a bound its own data gives: the passport in it expiring, the session ending, or
the minute after which accounts must see the session again to keep its idle timer honest.

A missed event must never leave a stale entry: while this process's listener is not connected, every lookup
asks accounts and nothing is kept, and every (dis)connection clears everything. An answer that was being
fetched while an event arrived is not kept either (the generation moved on): it may predate the change.
"""
import hashlib
import logging
import os
import threading
import time

import jwt

log = logging.getLogger(__name__)

PASSPORT_MARGIN_SECONDS = 30.0  # a kept passport must outlive the request that uses it, with its calls
MAX_ENTRIES = 50_000  # a bound on memory, far above the live sessions of one gateway process


def passport_seconds_left(passport, now=None):
    """How long ``passport`` may still be handed to a request; its signature is the services' to check."""
    try:
        expires_at = float(jwt.decode(passport, options={"verify_signature": False})["exp"])
    except (jwt.InvalidTokenError, KeyError, TypeError, ValueError):
        return 0.0
    return expires_at - (time.time() if now is None else now) - PASSPORT_MARGIN_SECONDS


def passport_tenant(passport):
    """The business a passport names (unverified: only ever used to forget more, never to grant)."""
    try:
        return jwt.decode(passport, options={"verify_signature": False}).get("tenant")
    except (jwt.InvalidTokenError, TypeError):
        return None


def token_key(token):
    """A session's cache key: its token's hash, so no token is kept in memory beyond its request."""
    return hashlib.sha256(token.encode()).hexdigest()


class Entry:
    __slots__ = ("value", "tenant_id", "owner", "until")

    def __init__(self, value, tenant_id, owner, until):
        self.value, self.tenant_id, self.owner, self.until = value, tenant_id, owner, until


class Caches:
    """This process's caches: ``sessions``, ``tenants`` (by slug), ``configs`` (by business)."""

    KINDS = ("sessions", "tenants", "configs")

    def __init__(self, start_listener=None):
        self.lock = threading.Lock()
        self.stores = {kind: {} for kind in self.KINDS}
        self.generation = 0
        self.connected = False
        self.pid = os.getpid()
        self.start_listener = start_listener
        self.listener = None

    # --- lookups (request threads) ------------------------------------------------------------

    def lookup(self, kind, key, fetch, describe):
        """Return the kept answer for ``key``, else ``fetch()``'s, kept when it is safe to keep.

        ``describe(answer)`` returns ``(tenant_id, owner, seconds)``: whose answer it is (what an event
        names to drop it) and how long its own data lets it be used (None: until an event).
        """
        kept, generation = self.get(kind, key)
        if kept is not None:
            return kept
        answer = fetch()
        self.keep(kind, key, answer, describe(answer), generation)
        return answer

    def get(self, kind, key):
        """Return ``(kept answer or None, generation)``; pass the generation to ``keep`` with the answer asked for."""
        self._ensure_listener()
        now = time.monotonic()
        with self.lock:
            entry = self.stores[kind].get(key) if self.connected else None
            if entry is not None and entry.until is not None and entry.until <= now:
                del self.stores[kind][key]
                entry = None
            return (None if entry is None else entry.value), self.generation

    def keep(self, kind, key, answer, whose, generation):
        """Keep ``answer``, asked for at ``generation``, unless an event (or a reconnection) came since.

        ``whose`` is ``(tenant_id, owner, seconds)`` as ``lookup``'s ``describe`` returns it.
        """
        tenant_id, owner, seconds = whose
        if seconds is not None and seconds <= 0:
            return
        now = time.monotonic()
        with self.lock:
            if self.connected and self.generation == generation:
                store = self.stores[kind]
                if len(store) >= MAX_ENTRIES:
                    store.clear()
                store[key] = Entry(answer, tenant_id, owner, None if seconds is None else now + seconds)

    # --- invalidation (the listener's thread) -------------------------------------------------

    def access_changed(self, tenant_id, staff_ids=(), portal_ids=(), whole_business=False):
        """Drop what accounts said changed: these people's sessions, or everything of the business."""
        owners = {("staff", owner) for owner in staff_ids} | {("client", owner) for owner in portal_ids}
        with self.lock:
            self.generation += 1
            self._drop("sessions", lambda entry: entry.tenant_id == tenant_id and (
                whole_business or entry.owner in owners))
            if whole_business:
                self._drop("tenants", lambda entry: entry.tenant_id == tenant_id)
                self._drop("configs", lambda entry: entry.tenant_id == tenant_id)

    def settings_updated(self, tenant_id):
        """A settings tab of the business changed: its portal configuration is asked for again."""
        with self.lock:
            self.generation += 1
            self._drop("configs", lambda entry: entry.tenant_id == tenant_id)

    def forget_business(self, tenant_id):
        """Drop everything of one business (this process just sent it a change)."""
        self.access_changed(tenant_id, whole_business=True)

    def set_connected(self, connected):
        """The listener (dis)connected: what was kept may have missed an event, so nothing is kept."""
        with self.lock:
            self.connected = connected
            self._clear()
        log.info("gateway caches %s", "in use" if connected else "bypassed until the listener reconnects")

    def clear(self):
        """Drop everything (and anything being asked for now will not be kept)."""
        with self.lock:
            self._clear()

    def _clear(self):
        self.generation += 1
        for store in self.stores.values():
            store.clear()

    def _drop(self, kind, condition):
        store = self.stores[kind]
        for key in [key for key, entry in store.items() if condition(entry)]:
            del store[key]

    # --- the listener -------------------------------------------------------------------------

    def _ensure_listener(self):
        if self.listener is None and self.start_listener is not None:
            with self.lock:
                if self.listener is None:
                    self.listener = self.start_listener(self)

    def close(self):
        if self.listener is not None:
            self.listener.stop()
