"""Accounts' audit facts (shared.audit): sign-ins, the client's Account tab, and staff actions on an account.

Each fact goes into the outbox in the transaction of the change. A client's sign-in has no passport of its own:
its actor is the portal user and its origin what the gateway saw (``ctx.origin``). Facts name what changed,
never a password, a code or a link.
"""
from accounts.custom_fields import custom_field_values
from accounts.models import ClientAccount
from accounts.portal_users import linked_accounts
from shared import audit

SERVICE = "accounts"
LABELS = {"name": "name", "email": "email", "phone": "phone", "mobile_phone": "mobile phone",
          "address": "address", "username": "username"}


def client_by(user, origin):
    """``by`` of a portal user's call that carries no passport naming them (signing in, accepting an invitation)."""
    return {"actor": {"kind": "client", "id": user.id}, "origin": origin}


def client_page(account_id):
    return f"/staff/clients/{account_id}"


def record(session, outbox, tenant_id, account_id, action, summary, by, changes=None):
    audit.record(outbox, session, SERVICE, tenant_id, account_id, action, summary, by, changes,
                 client_page(account_id))


def for_user(session, outbox, user, action, summary, by, changes=None):
    """Record the fact on every account ``user`` acts for (a sign-in concerns them all)."""
    for account in linked_accounts(session, user):
        record(session, outbox, user.tenant_id, account["id"], action, summary, by, changes)


def changed(before, after):
    """``{field: [before, after]}`` of the fields whose value differs."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def in_words(changes):
    """"phone, mobile phone and Gate code"."""
    names = [LABELS.get(key, key) for key in changes]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def account_tab(session, user, account_id, settings):
    """What the client sees and may change on the Account tab, to compare before and after an edit."""
    account = session.get(ClientAccount, account_id)
    values = {"username": user.username, "phone": account.phone, "mobile_phone": account.mobile_phone}
    for field in custom_field_values(session, user.tenant_id, account_id, settings["custom_fields_visible"]):
        values[field["label"]] = field["value"]
    return values


def details_updated(session, outbox, user, account_id, before, after, by):
    """The client edited their contact info or custom fields: ``account_details_updated`` with each change."""
    changes = changed(before, after)
    if changes:
        record(session, outbox, user.tenant_id, account_id, "account_details_updated",
               f"Changed their {in_words(changes)}", by, changes)


def client_details(client):
    return {key: getattr(client, key) for key in ("name", "email", "phone", "mobile_phone", "address")}


def custom_values(session, client):
    return {field["label"]: field["value"] for field in custom_field_values(session, client.tenant_id, client.id)}


def edited_by_staff(session, outbox, client, before, after, by):
    """Staff changed the client's details or custom fields: ``account_edited_by_staff`` with each change."""
    changes = changed(before, after)
    if changes:
        record(session, outbox, client.tenant_id, client.id, "account_edited_by_staff",
               f"Changed the client's {in_words(changes)}", by, changes)


def bulk_result(session, outbox, tenant_id, result, action, summary, by):
    """Record a staff bulk action's row (an invitation, a reset link) on its client when it was done."""
    if result.get("status") in ("invited", "resent", "sent"):
        record(session, outbox, tenant_id, result["client_id"], action, summary, by)
    return result
