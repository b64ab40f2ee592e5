"""What tickets' events become: a staff reply emails the client; a client's ticket or reply alerts staff.

A staff reply's email can be answered by email: its Reply-To is ``reply+<token>@<INBOUND_MAIL_DOMAIN>``,
and whoever holds that address can write on the ticket, so it is a secret like a sign-in link. The
message is stored with a label as its reply-to and the address sealed beside it (``Draft.secret``);
only the copy the courier sends holds the address (delivery.as_sent). Staff see the label.
"""
from notifications import alerts, client_delivery, client_rendering, feed_events, languages, names
from notifications.messages import Draft, business_branding
from notifications.models import TenantBranding
from shared.clock import occurred_at
from shared.i18n import N_, _

HIDDEN_REPLY_ADDRESS = N_("•••• (hidden: ticket reply address)")  # in the message's language: _(...)
CLIENT_OPENERS = ("client", "email")


def staff_link(ticket_id):
    return f"/staff/tickets/{int(ticket_id)}"


def _client(session, event, data):
    """The client as the event names them (kept as the account's name if accounts has not told it yet), else
    as notifications knows the account."""
    if data.get("client_name"):
        names.remember_name(session, event["tenant_id"], data["account_id"], data["client_name"],
                            occurred_at(event))
        return data["client_name"]
    return names.account_name(session, event["tenant_id"], data["account_id"])


def ticket_opened(session, event, data):
    """Alert the staff chosen for "Ticket opened" when a client opened one (in the portal or by email)."""
    if data["opened_by"] not in CLIENT_OPENERS:
        return
    with languages.to_business(session, event["tenant_id"]):
        values = {"client": _client(session, event, data), "number": data["number"], "subject": data["subject"]}
        text = (_("%(client)s opened ticket #%(number)s by email: %(subject)s", **values)
                if data["opened_by"] == "email" else _("%(client)s opened ticket #%(number)s: %(subject)s", **values))
        alerts.raise_alerts(session, event["tenant_id"], "ticket_opened", text, data["account_id"],
                            event["event_id"], link=staff_link(data["ticket_id"]))


def client_replied(session, event, data):
    """Alert the staff chosen for "Ticket reply", and the ticket's assignee whatever the tab says."""
    with languages.to_business(session, event["tenant_id"]):
        text = _("%(client)s replied on ticket #%(number)s (%(subject)s): %(excerpt)s",
                 client=_client(session, event, data), number=data["number"], subject=data["subject"],
                 excerpt=data["excerpt"])
        alerts.raise_alerts(session, event["tenant_id"], "ticket_replied", text, data["account_id"],
                            event["event_id"], link=staff_link(data["ticket_id"]), also=[data["assignee_id"]])


def reply_address(token, domain):
    return f"reply+{token}@{domain}"


def staff_reply_email(session, event, data, settings):
    """Draft the client's email of a staff reply, or None when tickets named no address to notify."""
    if not data["notify_email"]:
        return None
    tenant_id = event["tenant_id"]
    branding = business_branding(session, tenant_id)
    row = session.get(TenantBranding, tenant_id)
    slug = data["tenant_slug"] or (row.slug if row is not None else None)
    can_reply = bool(data["reply_token"] and settings.inbound_domain)
    rendered = client_rendering.render_ticket_reply(
        branding, number=data["number"], subject=data["subject"], excerpt=data["excerpt"],
        link=client_rendering.ticket_link(settings.base_url, slug or "", data["ticket_id"]), can_reply=can_reply)
    secret = ({"reply_to": _(HIDDEN_REPLY_ADDRESS), "secret_label": _(HIDDEN_REPLY_ADDRESS),
               "secret": reply_address(data["reply_token"], settings.inbound_domain)}
              if can_reply else {"reply_to": branding.contact_email})
    return Draft(tenant_id=tenant_id, kind="ticket_reply", channel="email", recipient=data["notify_email"],
                 subject=rendered.subject, text=rendered.text, html=rendered.html,
                 sender_name=branding.display_name, source_event_id=event["event_id"], **secret)


def staff_replied(session, postbox, event, data):
    """Tell the client of a staff reply by the channels its account chose for ticket replies, in the account's
    language."""
    with languages.to_account(session, event["tenant_id"], data["account_id"]):
        draft = staff_reply_email(session, event, data, postbox.settings)
        branding = business_branding(session, event["tenant_id"])
        row = session.get(TenantBranding, event["tenant_id"])
        link = client_rendering.ticket_link(postbox.settings.base_url,
                                            data["tenant_slug"] or (row.slug if row else ""), data["ticket_id"])
        client_delivery.deliver(
            session, postbox, event["tenant_id"], data["account_id"], "ticket_replies", event["event_id"],
            email=(lambda to: draft) if draft is not None else None, email_to=data["notify_email"],
            sms_text=_("%(business)s: we replied on your ticket #%(number)s. Read it here: %(link)s",
                       business=branding.display_name, number=data["number"], link=link))


def message_added(session, postbox, event, data):
    """A staff reply emails the client; a client's reply alerts staff."""
    if data["author_kind"] == "staff":
        feed_events.ticket_reply(session, event, data)
        staff_replied(session, postbox, event, data)
    elif data["author_kind"] == "client":
        client_replied(session, event, data)
