"""Send a client account a message by the channels it chose (preferences.py), to the contacts it has.

Email goes to ``email_to`` when the event named an address (a portal payment's payer, an address staff typed), else
to the account's contact email; SMS goes to the account's mobile. A channel with no address is skipped. SMS is
queued with channel "sms" for the mailroom's SMS provider (delivery.py).
"""
from notifications import contacts, preferences
from notifications.messages import Draft


def deliver(session, postbox, tenant_id, account_id, kind, event_id, email=None, sms_text=None, email_to=None,
            force_email=False):
    """Queue ``email(address) -> Draft`` and/or ``sms_text`` as the account prefers ``kind`` (preferences.KINDS).

    ``force_email``: staff asked for this email in so many words; it goes whatever the email preference says.
    Return the channels queued.
    """
    chosen = preferences.channels(session, tenant_id, account_id, kind)
    contact = contacts.reach(session, tenant_id, account_id)
    queued = []
    address = email_to or contact.email
    if email is not None and address and ("email" in chosen or force_email):
        if postbox.queue(session, email(address)) is not None:
            queued.append("email")
    if sms_text is not None and contact.mobile and "sms" in chosen:
        draft = Draft(tenant_id=tenant_id, kind=f"{kind}_sms", channel="sms", recipient=contact.mobile,
                      text=sms_text, source_event_id=event_id)
        if postbox.queue(session, draft) is not None:
            queued.append("sms")
    return queued
