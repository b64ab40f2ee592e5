"""Which message each event becomes (sign-in messages, payment receipts): channel, recipient, rendered content.

A sign-in message's one-time secret (its code, or its link) is never part of what is stored and
shown: the templates are rendered with a label such as "•••• (hidden: one-time code)" in its place,
and the draft carries the secret apart (``secret``), to be sealed by the mailbox and put in place of
the label only by the courier, as it sends (delivery.py). Staff see the message as stored.
"""
from dataclasses import dataclass

from marshmallow import EXCLUDE

from notifications import client_rendering, email_templates, languages, rendering
from notifications.rendering import (CODE_LIFETIME, INVITATION_LIFETIME, RESET_LIFETIME,
                                     SAMPLE_CLIENT_NAME, describe_lifetime)
from notifications.tenants import branding_for, invitation_document, invitation_template
from shared.i18n import N_, _
from shared.sealing import open_secrets

# Used only until the tenant's profile event has been handled (see tenants.branding_for).
UNKNOWN_BUSINESS = N_("Client portal")
# What a message shows, wherever it is stored or displayed, in place of its one-time secret (in the message's
# language: each message keeps its own label, ``secret_label``).
HIDDEN_CODE = N_("•••• (hidden: one-time code)")
HIDDEN_INVITATION_LINK = N_("•••• (hidden: invitation link)")
HIDDEN_RESET_LINK = N_("•••• (hidden: password reset link)")


def business_branding(session, tenant_id):
    """The tenant's branding, or a plain one named "Client portal" (in the language at hand) until it arrives."""
    return branding_for(session, tenant_id, _(UNKNOWN_BUSINESS))


@dataclass(frozen=True)
class Draft:
    """A message ready to queue."""

    tenant_id: int
    kind: str
    channel: str
    recipient: str
    text: str
    subject: str | None = None
    html: str | None = None
    sender_name: str | None = None
    reply_to: str | None = None
    source_event_id: str | None = None
    secret: str | None = None  # the one-time code or link, sent in place of ``secret_label``
    secret_label: str | None = None


def load_event(contract, event, box=None):
    """Return the event's payload loaded by its contract (fields added later are ignored).

    Its secret fields (``contract.secret_fields``) are opened with ``box``.
    """
    data = contract.schema(unknown=EXCLUDE).load(event["data"])
    return open_secrets(box, contract, event, data) if contract.secret_fields else data


def email_draft(tenant_id, kind, recipient, rendered, branding, source_event_id=None, **secret):
    return Draft(tenant_id=tenant_id, kind=kind, channel="email", recipient=recipient,
                 subject=rendered.subject, text=rendered.text, html=rendered.html,
                 sender_name=branding.display_name, reply_to=branding.contact_email,
                 source_event_id=source_event_id, **secret)


def portal_invitation(session, event, data, base_url):
    """Draft a portal invitation, in the invited person's language (languages.to_portal_user)."""
    tenant_id = event["tenant_id"]
    with languages.to_portal_user(session, event):
        branding = branding_for(session, tenant_id, data["tenant_slug"])
        rendered = rendering.render_invitation(
            branding, invitation_template(session, tenant_id), data["name"], _(HIDDEN_INVITATION_LINK),
            describe_lifetime(event.get("occurred_at"), data["expires_at"], INVITATION_LIFETIME),
            invitation_document(session, tenant_id))
        return email_draft(tenant_id, "invitation", data["email"], rendered, branding, event["event_id"],
                           secret=rendering.invitation_link(base_url, data["tenant_slug"], data["token"]),
                           secret_label=_(HIDDEN_INVITATION_LINK))


def sample_invitation(session, tenant_id, to_email):
    """Draft the tenant's invitation exactly as clients get it, but with no working link (in the language of the
    staff member who asked)."""
    branding = business_branding(session, tenant_id)
    rendered = rendering.render_invitation(
        branding, invitation_template(session, tenant_id), _(SAMPLE_CLIENT_NAME), None,
        describe_lifetime(None, None, INVITATION_LIFETIME), invitation_document(session, tenant_id))
    return email_draft(tenant_id, "sample_invitation", to_email, rendered, branding)


def password_reset(session, event, data, base_url):
    """Draft a portal user's reset link, in their language (languages.to_portal_user)."""
    tenant_id = event["tenant_id"]
    with languages.to_portal_user(session, event):
        branding = branding_for(session, tenant_id, data["tenant_slug"])
        rendered = rendering.render_password_reset(
            branding, data["name"], _(HIDDEN_RESET_LINK),
            describe_lifetime(event.get("occurred_at"), data["expires_at"], RESET_LIFETIME))
        return email_draft(tenant_id, "password_reset", data["email"], rendered, branding, event["event_id"],
                           secret=rendering.reset_link(base_url, data["tenant_slug"], data["token"]),
                           secret_label=_(HIDDEN_RESET_LINK))


def staff_password_reset(session, event, data, base_url):
    """Draft a staff member's reset link: to the staff sign-in pages, not a portal; in the business's language."""
    tenant_id = event["tenant_id"]
    with languages.to_business(session, tenant_id):
        branding = business_branding(session, tenant_id)
        rendered = rendering.render_staff_password_reset(
            branding, data["name"], _(HIDDEN_RESET_LINK),
            describe_lifetime(event.get("occurred_at"), data["expires_at"], RESET_LIFETIME))
        return email_draft(tenant_id, "staff_password_reset", data["email"], rendered, branding, event["event_id"],
                           secret=rendering.staff_reset_link(base_url, data["token"]),
                           secret_label=_(HIDDEN_RESET_LINK))


def login_code(session, event, data):
    """Draft a sign-in code: by SMS when the event says so, else by email; in the portal user's language."""
    tenant_id = event["tenant_id"]
    with languages.to_portal_user(session, event):
        branding = business_branding(session, tenant_id)
        lifetime = describe_lifetime(event.get("occurred_at"), data["expires_at"], CODE_LIFETIME)
        label = _(HIDDEN_CODE)
        secret = {"secret": data["code"], "secret_label": label}
        if data["channel"] == "sms":
            return Draft(tenant_id=tenant_id, kind="login_code", channel="sms", recipient=data["to"],
                         text=rendering.render_login_code_sms(branding, label, lifetime),
                         source_event_id=event["event_id"], **secret)
        rendered = rendering.render_login_code_email(branding, label, lifetime)
        return email_draft(tenant_id, "login_code", data["to"], rendered, branding, event["event_id"], **secret)


def email_change_code(session, event, data):
    """Draft an email-change code to the new address: receiving it is what proves the address."""
    tenant_id = event["tenant_id"]
    with languages.to_portal_user(session, event):
        branding = business_branding(session, tenant_id)
        rendered = rendering.render_email_change_code(
            branding, _(HIDDEN_CODE), describe_lifetime(event.get("occurred_at"), data["expires_at"], CODE_LIFETIME))
        return email_draft(tenant_id, "email_change_code", data["to"], rendered, branding, event["event_id"],
                           secret=data["code"], secret_label=_(HIDDEN_CODE))


def payment_receipt(session, event, data, to, client_name, sample=False):
    """Draft the receipt of a payment or prepayment that went through, to ``to``, in the tenant's words (in the
    language at hand: the account's, or a staff member's for a sample)."""
    tenant_id = event["tenant_id"]
    branding = business_branding(session, tenant_id)
    rendered = client_rendering.render_payment_receipt(
        branding, email_templates.template_of(session, tenant_id, "receipt"), kind=data["kind"],
        amount=data["amount"], method_label=data["method_label"], invoices=data["invoices"],
        day=rendering.format_day(event.get("occurred_at")), reference=data["payment_id"], client_name=client_name,
        sample=sample)
    kind = "prepayment_receipt" if data["kind"] == "prepayment" else "payment_receipt"
    return email_draft(tenant_id, "sample_" + kind if sample else kind, to, rendered, branding,
                       None if sample else event["event_id"])


def payment_returned(session, event, data, to):
    """Draft the client's notice of a payment taken back, to ``to`` (in the language at hand: the account's)."""
    tenant_id = event["tenant_id"]
    branding = business_branding(session, tenant_id)
    numbers = [item.get("number") for item in data["invoices"] if item.get("number") is not None]
    rendered = client_rendering.render_payment_returned(branding, amount=data["amount"],
                                                        method_label=data["method_label"], reason=data["reason"],
                                                        numbers=numbers)
    return email_draft(tenant_id, "payment_returned", to, rendered, branding, event["event_id"])


def method_removed_by_processor(session, event, data, to):
    """Draft the client's notice of a method the processor took off file (in the account's language)."""
    tenant_id = event["tenant_id"]
    branding = business_branding(session, tenant_id)
    rendered = client_rendering.render_method_removed_by_processor(branding, label=data["label"])
    return email_draft(tenant_id, "method_removed", to, rendered, branding, event["event_id"])


def payment_failed(session, event, data):
    """Draft a short "your payment did not go through; nothing was charged" email, to ``receipt_to`` (in the
    language at hand: the account's)."""
    tenant_id = event["tenant_id"]
    branding = business_branding(session, tenant_id)
    rendered = client_rendering.render_payment_failed(
        branding, amount=data["amount"], method_label=data["method_label"],
        day=rendering.format_day(event.get("occurred_at")))
    return email_draft(tenant_id, "payment_failed", data["receipt_to"], rendered, branding, event["event_id"])
