"""How to reach each client account: its name, contact email, mobile and language, as accounts last said
(ACCOUNT_SAVED, kept by names.py).

Receipts of payments nobody typed an address for (autopay, charge runs, staff), invoice emails and visit
reminders go to these.
"""
from dataclasses import dataclass

from notifications import names
from shared.i18n import N_, _

GREETING_FALLBACK = N_("there")  # "Hello there," until the account's name has arrived


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    email: str | None = None
    mobile: str | None = None
    language: str | None = None  # the account's choice; None: the business's default (languages.py)

    @property
    def greeting_name(self):
        """The name to greet, in the language at hand when there is none yet."""
        return self.name or _(GREETING_FALLBACK)


def reach(session, tenant_id, account_id):
    """The account's Contact (empty when accounts has not told us about it yet)."""
    row = names.account_contact(session, tenant_id, account_id)
    if row is None:
        return Contact()
    return Contact(name=row["name"] or None, email=row["contact_email"], mobile=row["mobile_phone"],
                   language=row["language"])
