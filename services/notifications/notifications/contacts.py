"""How to reach each client account: its name, contact email and mobile, as accounts last said (ACCOUNT_SAVED).

Receipts of payments nobody typed an address for (autopay, charge runs, staff), invoice emails and visit
reminders go to these. Events are handled by several workers and retried, so an older save never undoes a newer.
"""
from dataclasses import dataclass

from notifications.models import AccountContact
from shared.clock import as_utc

GREETING_FALLBACK = "there"  # "Hello there," until the account's name has arrived


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    email: str | None = None
    mobile: str | None = None

    @property
    def greeting_name(self):
        return self.name or GREETING_FALLBACK


def save(session, tenant_id, data, saved_at):
    """Store the account's contact details as of ``saved_at``, unless newer ones are stored."""
    row = session.get(AccountContact, (tenant_id, data["account_id"]))
    if row is not None and as_utc(row.saved_at) > saved_at:
        return row
    row = row or AccountContact(tenant_id=tenant_id, account_id=data["account_id"])
    row.name = (data["name"] or "")[:200]
    row.contact_email = (data.get("contact_email") or None)
    row.mobile_phone = (data.get("mobile_phone") or None)
    row.saved_at = saved_at
    session.add(row)
    return row


def reach(session, tenant_id, account_id):
    """The account's Contact (empty when accounts has not told us about it yet)."""
    row = session.get(AccountContact, (tenant_id, account_id))
    if row is None:
        return Contact()
    return Contact(name=row.name or None, email=row.contact_email, mobile=row.mobile_phone)
