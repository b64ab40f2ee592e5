"""Each client account's choice of channels (email and/or SMS) per kind of message the business sends.

No row: the kind's default (email, no SMS). Delivery (client_delivery.py) asks ``channels`` before queuing.
"""
from marshmallow import RAISE, Schema, fields
from sqlalchemy import select

from notifications.models import MessagePreference
from shared.clock import utcnow
from shared.fields import StrictBoolean
from shared.i18n import N_, _
from shared.validation import load_or_raise

# kind -> (label, what it covers); the order of the Account tab's form.
KINDS = {  # marked with N_: translated in the client's language where they are shown (describe)
    "receipts": (N_("Payment receipts"), N_("After each payment, autopay charges included.")),
    "invoices": (N_("Invoices"), N_("When the business emails you an invoice with a link to pay it.")),
    "reminders": (N_("Visit reminders"), N_("The day before a scheduled visit.")),
    "ticket_replies": (N_("Ticket replies"), N_("When the business answers one of your tickets.")),
    "announcements": (N_("Announcements"), N_("News the business publishes for its clients.")),
}
DEFAULT = {"email": True, "sms": False}


class ChannelsSchema(Schema):
    class Meta:
        unknown = RAISE

    email = StrictBoolean(required=True)
    sms = StrictBoolean(required=True)


# ``{kind: {email, sms}}`` for some of KINDS; the kinds left out keep their choice; any other key is a field error.
PreferencesSchema = Schema.from_dict({kind: fields.Nested(ChannelsSchema) for kind in KINDS},
                                     name="PreferencesSchema")


def load(prefs):
    """Check a client's ``{kind: {email, sms}}``: unknown kinds or channels are field errors."""
    return load_or_raise(PreferencesSchema, prefs, unknown=RAISE)


def of(session, tenant_id, account_id):
    """``{kind: {email, sms}}`` for every kind, stored or default."""
    rows = {row.kind: row for row in session.scalars(
        select(MessagePreference).where(MessagePreference.tenant_id == tenant_id,
                                        MessagePreference.account_id == account_id))}
    return {kind: ({"email": rows[kind].email, "sms": rows[kind].sms} if kind in rows else dict(DEFAULT))
            for kind in KINDS}


def save(session, tenant_id, account_id, prefs):
    """Store the checked ``prefs``; return every kind's choice."""
    now = utcnow()
    for kind, channels in prefs.items():
        row = session.get(MessagePreference, (tenant_id, account_id, kind)) or MessagePreference(
            tenant_id=tenant_id, account_id=account_id, kind=kind)
        row.email, row.sms, row.updated_at = channels["email"], channels["sms"], now
        session.add(row)
    session.flush()
    return of(session, tenant_id, account_id)


def channels(session, tenant_id, account_id, kind):
    """The channels ``account_id`` wants ``kind`` by: a subset of ("email", "sms")."""
    row = session.get(MessagePreference, (tenant_id, account_id, kind))
    chosen = DEFAULT if row is None else {"email": row.email, "sms": row.sms}
    return tuple(channel for channel in ("email", "sms") if chosen[channel])


def describe(session, tenant_id, account_id):
    """The Account tab's view: each kind's label, help and choice, in order."""
    chosen = of(session, tenant_id, account_id)
    return {"kinds": [{"kind": kind, "label": _(label), "help": _(help_text), **chosen[kind]}
                      for kind, (label, help_text) in KINDS.items()]}
