"""Audit facts: each service tells notifications what was done on a client's account, who did it and from where.

A fact goes into the service's own outbox in the transaction that made the change (``shared.messaging``): it is
never lost while notifications is down, and never tells of a change that was rolled back. Notifications keeps
each fact once, by its event id (``notifications.audit_log``).

A summary is words kept as they were written when the action happened, in English whoever acted (``in_english``):
the history reads alike for every member of staff, whatever language the client used.
"""
import functools

from shared.events import ACCOUNTS_AUDIT, BILLING_AUDIT, TICKETS_AUDIT
from shared.i18n import DEFAULT_LANGUAGE, speaking

CONTRACT_OF = {"accounts": ACCOUNTS_AUDIT, "billing": BILLING_AUDIT, "tickets": TICKETS_AUDIT}
SUMMARY_MAX = 500


def in_english(make_fact):
    """Make the facts of ``make_fact`` (its summary, and the labels it puts in it) in English."""

    @functools.wraps(make_fact)
    def made_in_english(*args, **kwargs):
        with speaking(DEFAULT_LANGUAGE):
            return make_fact(*args, **kwargs)

    return made_in_english


def who(ctx):
    """The actor and origin of a call with a verified passport: ``{"actor", "origin"}``."""
    return {"actor": ctx.actor, "origin": ctx.origin}


def record(outbox, session, service, tenant_id, account_id, action, summary, by, changes=None, link=None):
    """Add the fact that ``by`` (``who(ctx)``, or ``{"actor": {...}, "origin": ...}`` for calls without a
    passport, like a sign-in) did ``action`` on ``account_id``: ``summary`` in words, ``changes`` as
    ``{field: [before, after]}`` (never a secret), ``link`` the object's staff page."""
    outbox.add(session, *fact(service, account_id, action, summary, by, changes, link), tenant_id=tenant_id)


def fact(service, account_id, action, summary, by, changes=None, link=None):
    """The (contract, payload) of the fact ``record`` adds, for a change that adds it with its own events
    in one insert (``OutboxWriter.add_each``)."""
    return CONTRACT_OF[service], {
        "account_id": account_id, "action": action, "summary": summary[:SUMMARY_MAX],
        "actor": by.get("actor"), "origin": by.get("origin"), "changes": changes or {}, "link": link,
    }
