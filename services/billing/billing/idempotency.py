"""Idempotency keys: the first answer to a money-moving request is stored and replayed to every retry.

A key's record moves claimed -> paying -> done:
- claimed: a request holds the key for a lease of CLAIM_LEASE_SECONDS and has written nothing yet;
- paying: the transaction that wrote the key's payment also moved the record here, so from now
  on only that payment's outcome answers the key (recovery.py stores it if the instance died);
- done: the answer is stored and replayed.
A claim whose lease ran out is the claim of a request that died before it wrote a payment: a
retry takes it over. The owner's move to paying and a retry's take-over both change the same
row, each only when the other has not, so one of them wins; and a payment is unique per key.

A request that finds its key held by a live request waits briefly for the answer - polling,
holding no database connection between polls - then answers RequestInProgress (409 with
Retry-After): asked again, it replays the answer. A request overtaken by a retry answers as a
waiting one does, never with an answer of its own, so every final answer to a key is the same.
"""
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from billing.models import IdempotencyRecord
from shared.clock import utcnow
from shared.errors import (ALL as ERROR_CLASSES, Conflict, IdempotencyMismatch, PorticoError, RequestInProgress,
                           invalid)
from shared.i18n import N_, _

# How long a request waits for the one holding its key before answering "in progress": long
# enough for a charge at a prompt processor, short enough that waiters do not hold billing's
# workers (a storm of retries would otherwise keep everyone else waiting).
REPLAY_WAIT_SECONDS = 0.5
# At most this many requests of a process wait on keys at once (a worker each); more are told at
# once to ask again, so a storm of retries leaves billing's other workers to everyone else.
MAX_WAITING = 4
_waiting = [0]  # how many wait now (the green threads of one process: no lock needed)
IN_PROGRESS = N_("A payment with this Idempotency-Key is still being processed. Ask again in a moment.")
# Longer than writing a payment ever takes: once it ran out, a retry of a request that died
# before writing its payment gets to proceed. A live request overtaken after stalling this long is refused
# before it charges anything (bind_to_payment).
CLAIM_LEASE_SECONDS = 20
POLL_SECONDS = 0.05
CLAIMED, PAYING, DONE = "claimed", "paying", "done"


@dataclass(frozen=True)
class Claim:
    """A request's hold on an idempotency key; ``token`` tells this request's hold from a retry's."""

    tenant_id: int
    key: str
    token: str


def check_key(key):
    """Refuse a missing or malformed Idempotency-Key."""
    if not isinstance(key, str) or not 8 <= len(key) <= 200 or not key.isprintable():
        raise invalid("Idempotency-Key", _("Send an Idempotency-Key header of 8 to 200 characters."))
    return key


def request_hash(request):
    """Fingerprint a request body, so a key reused for another body is recognised."""
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def the_record(tenant_id, key):
    return (IdempotencyRecord.tenant_id == tenant_id, IdempotencyRecord.key == key)


def insert_claim(session, tenant_id, key, fingerprint):
    """Claim a key nobody holds; return None when another request holds it."""
    now, token = utcnow(), secrets.token_hex(16)
    record = IdempotencyRecord(tenant_id=tenant_id, key=key, request_hash=fingerprint, state=CLAIMED,
                               claim_token=token, created_at=now,
                               lease_expires_at=now + timedelta(seconds=CLAIM_LEASE_SECONDS))
    session.add(record)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    session.expunge(record)  # the record is read and written by statements from here on
    return Claim(tenant_id, key, token)


def take_over(session, tenant_id, key):
    """Take over a claim whose lease ran out before its request wrote a payment; None if it is not stale."""
    now, token = utcnow(), secrets.token_hex(16)
    taken = session.execute(update(IdempotencyRecord).where(
        *the_record(tenant_id, key), IdempotencyRecord.state == CLAIMED,
        IdempotencyRecord.lease_expires_at < now).values(
        claim_token=token, lease_expires_at=now + timedelta(seconds=CLAIM_LEASE_SECONDS)).execution_options(
        synchronize_session=False))
    session.commit()
    return Claim(tenant_id, key, token) if taken.rowcount == 1 else None


def read_record(session, tenant_id, key):
    """The key's record as plain values (with whether its lease ran out), or None; ends the read."""
    row = session.execute(select(
        IdempotencyRecord.request_hash, IdempotencyRecord.state, IdempotencyRecord.response,
        IdempotencyRecord.claim_token,
        (IdempotencyRecord.lease_expires_at < utcnow()).label("lease_expired")).where(
        *the_record(tenant_id, key))).first()
    session.rollback()  # end the read, so the next poll sees the other request's commit
    return row


def claim_key(session, tenant_id, key, fingerprint):
    """Claim ``key`` and return ``(claim, None)``, or ``(None, answer)`` when a request with it was answered.

    While another live request holds the key, wait for its answer up to REPLAY_WAIT_SECONDS - if
    fewer than MAX_WAITING requests of this process wait already - then raise RequestInProgress.
    """
    deadline, waiting = time.monotonic() + REPLAY_WAIT_SECONDS, False
    try:
        claim = insert_claim(session, tenant_id, key, fingerprint)
        while claim is None:
            record = read_record(session, tenant_id, key)
            if record is None:  # the request holding it failed before writing anything and let it go
                claim = insert_claim(session, tenant_id, key, fingerprint)
                continue
            if record.request_hash != fingerprint:
                raise IdempotencyMismatch(_("This Idempotency-Key was already used for a different request."))
            if record.state == DONE:
                return None, record.response
            if record.state == CLAIMED and record.lease_expired:
                claim = take_over(session, tenant_id, key)
                continue
            if time.monotonic() > deadline or not (waiting or take_a_waiting_place()):
                raise RequestInProgress(_(IN_PROGRESS))
            waiting = True
            time.sleep(POLL_SECONDS)
        return claim, None
    finally:
        if waiting:
            _waiting[0] -= 1


def take_a_waiting_place():
    """Count one more request of this process waiting on a key; False when MAX_WAITING wait already."""
    if _waiting[0] >= MAX_WAITING:
        return False
    _waiting[0] += 1
    return True


def bind_to_payment(session, claim):
    """Tie the key to the payment this transaction writes; refuse when a retry took the key over meanwhile."""
    bound = session.execute(update(IdempotencyRecord).where(
        *the_record(claim.tenant_id, claim.key), IdempotencyRecord.state == CLAIMED,
        IdempotencyRecord.claim_token == claim.token).values(state=PAYING).execution_options(
        synchronize_session=False))
    if bound.rowcount != 1:
        raise Conflict(_("A retry with this Idempotency-Key took this request over. Nothing was charged here."))


def store_answer(session, tenant_id, key, answer):
    """Record the key's answer for replay (in the caller's transaction), unless one is stored already."""
    session.execute(update(IdempotencyRecord).where(
        *the_record(tenant_id, key), IdempotencyRecord.state != DONE).values(state=DONE, response=answer)
        .execution_options(synchronize_session=False))


def release(session, claim):
    """Let the key go when this request wrote no payment, so a retry starts afresh; True if it held the key."""
    released = session.execute(delete(IdempotencyRecord).where(
        *the_record(claim.tenant_id, claim.key), IdempotencyRecord.state == CLAIMED,
        IdempotencyRecord.claim_token == claim.token).execution_options(synchronize_session=False))
    session.commit()
    return released.rowcount == 1


def answer_of_the_overtaker(session, claim):
    """After ``claim``'s request failed: the answer owed when a retry holds the key now, else None.

    A retry that took the key over answers for it: its stored answer is replayed, and until
    there is one this request says "in progress" rather than give an answer of its own.
    """
    record = read_record(session, claim.tenant_id, claim.key)
    if record is None or record.claim_token == claim.token:
        return None
    if record.state == DONE:
        return record.response
    raise RequestInProgress(_(IN_PROGRESS))


def replay(answer):
    """Return a stored success, or raise the stored error again, identically."""
    if answer.get("error"):
        error = answer["error"]
        raise ERROR_CLASSES.get(error["type"], PorticoError)(error["message"], error.get("fields") or {})
    return answer["result"]


def idempotent(session, tenant_id, key, request, work):
    """Run ``work(claim)`` once per (tenant, key) and replay its answer; a failure before any payment frees the key."""
    check_key(key)
    claim, answer = claim_key(session, tenant_id, key, request_hash(request))
    if claim is None:
        return replay(answer)
    return run_claimed(session, claim, work)


def run_claimed(session, claim, work):
    """Run ``work(claim)``; when it fails, free the key - or, overtaken by a retry, answer as the key does."""
    try:
        return work(claim)
    except Exception:
        session.rollback()
        overtaken = None if release(session, claim) else answer_of_the_overtaker(session, claim)
        if overtaken is None:
            raise
        return replay(overtaken)
