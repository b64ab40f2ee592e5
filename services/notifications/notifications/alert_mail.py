"""Alerts by email: for an action whose ``email_<action>`` is on (Alerts tab), each staff member chosen for it also
gets the alert by email, through the mailbox like any message, at the address accounts told notifications of
(STAFF_USER_SAVED, names.py). A staff member whose address is not known yet gets the alert in the staff pages only.

Each email's ``source_event_id`` is derived from the event and the staff member, so a redelivered event queues
no second email, and an event's client receipt (same event, same channel) is not mistaken for it.
"""
import uuid

from notifications import client_rendering, mailbox, names
from notifications.delivery import DEFAULT_BASE_URL
from notifications.messages import Draft, business_branding
from notifications.settings import ACTIONS, email_setting
from shared.config import env
from shared.i18n import _

KIND = "staff_alert"
_NAMESPACE = uuid.UUID("6b1f0d52-8f6e-4f0e-9a57-2d7c8a1e4b10")


def message_id(source_event_id, staff_id):
    """The mailbox's ``source_event_id`` of one staff member's email for one event."""
    return str(uuid.uuid5(_NAMESPACE, f"{source_event_id}:{KIND}:{staff_id}"))


def absolute(link):
    """A staff page's full address; a link that is not a staff path is left out."""
    if not link or not link.startswith("/staff/"):
        return None
    return env("PORTICO_BASE_URL", DEFAULT_BASE_URL).rstrip("/") + link


def queue_alert_emails(session, tenant_id, action, text, link, staff_ids, source_event_id, settings):
    """Queue the alert's email to each of ``staff_ids`` when ``settings`` (the Alerts tab) says so; return how many.

    Without an event id there is nothing to keep a redelivery from sending again, so nothing is sent. The email is
    in the language at hand: the business's (the alert's handler speaks it, languages.to_business).
    """
    if not settings.get(email_setting(action)) or not staff_ids or source_event_id is None:
        return 0
    emails = names.staff_emails(session, tenant_id, staff_ids)
    if not emails:
        return 0
    branding = business_branding(session, tenant_id)
    label = _(ACTIONS[action][0]) if action in ACTIONS else action.replace("_", " ").capitalize()
    rendered = client_rendering.render_staff_alert(branding, action_label=label, text=text, link=absolute(link))
    queued = 0
    for staff_id in staff_ids:
        if staff_id not in emails:
            continue
        draft = Draft(tenant_id=tenant_id, kind=KIND, channel="email", recipient=emails[staff_id],
                      subject=rendered.subject, text=rendered.text, html=rendered.html,
                      sender_name=branding.display_name, source_event_id=message_id(source_event_id, staff_id))
        queued += mailbox.queue(session, draft) is not None
    return queued
