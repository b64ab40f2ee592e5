"""The notifications service's entrypoints: sign-in messages, receipts, alerts, the invitation editor, the mailbox.

Each later feature brings its entrypoints in a mixin of its own module: the audit history, names, announcements,
the client's feed, client messages (templates, invoices, reminders, channel choices), chat, document, estimate and
request alerts."""
import eventlet
from nameko.rpc import RpcProxy

from notifications import (VERSION, access, alerts, billing_notices, inbound, mailbox, messages, retention,
                           support_mail, tenants, ticket_notices)
from notifications.audit_handlers import AuditHandlers
from notifications.announcement_entrypoints import AnnouncementEntrypoints
from notifications.chat_alerts import ChatAlertHandlers
from notifications.client_message_entrypoints import ClientMessageHandlers
from notifications.dependencies import Mailroom
from notifications.document_alerts import DocumentAlertHandlers
from notifications.estimate_alerts import EstimateAlertHandlers
from notifications.feed_entrypoints import FeedEntrypoints
from notifications.feed_events import FeedEventHandlers
from notifications.inbound_smtp import OUTCOME_TIMEOUT_SECONDS, inbound_mail
from notifications.models import platform
from notifications.names import NameHandlers
from notifications.request_alerts import RequestAlertHandlers
from notifications.schemas import (AlertListArgsSchema, InvitationTemplateSchema, MarkAlertsReadSchema,
                                   OutboxItemSchema, OutboxMessageSchema, OutboxPageSchema,
                                   SampleInvitationSchema, StaffAlertSchema)
from notifications.settings import TABS
from shared.batch import batchable
from shared.blob_provider import BlobStore
from shared.clock import occurred_at
from shared.context import tenant_rpc
from shared.errors import ServiceTimeout
from shared.entrypoints import StandardEntrypoints
from shared.events import (AUTOPAY_CANCELLED, AUTOPAY_ENROLLED, EMAIL_CHANGE_CODE_ISSUED,
                           INVITATION_DOCUMENT_CHANGED, LOGIN_CODE_ISSUED, PASSWORD_RESET_ISSUED, PAYMENT_DISPUTED, PAYMENT_FAILED, PAYMENT_METHOD_REMOVED,
                           PAYMENT_RETURNED, PAYMENT_SUCCEEDED,
                           PORTAL_INVITATION_ISSUED, PREPAYMENT_MADE, STAFF_PASSWORD_RESET_ISSUED,
                           TENANT_PROFILE_UPDATED, TICKET_MESSAGE_ADDED, TICKET_OPENED)
from shared.messaging import Inbox, Outbox, on_event
from shared.validation import load_or_raise


class NotificationsService(AuditHandlers, ChatAlertHandlers, ClientMessageHandlers, DocumentAlertHandlers,
                           EstimateAlertHandlers, RequestAlertHandlers, NameHandlers, AnnouncementEntrypoints,
                           FeedEntrypoints, FeedEventHandlers, StandardEntrypoints):
    name = "notifications"
    version = VERSION
    tables = platform
    settings_tabs = TABS
    retention_rules = retention.RULES

    inbox = Inbox(platform)
    outbox = Outbox(platform)
    mail = Mailroom()
    blobs = BlobStore()
    tickets = RpcProxy("tickets")  # support-address mail: open_ticket_from_mail, which takes no passport

    # --- accounts' events: the branding copy and sign-in messages ---------------------------

    @on_event(TENANT_PROFILE_UPDATED)
    def handle_tenant_profile_updated(self, event):
        tenants.save_branding(self.db, messages.load_event(TENANT_PROFILE_UPDATED, event),
                              occurred_at(event))

    @on_event(PORTAL_INVITATION_ISSUED)
    def handle_portal_invitation_issued(self, event):
        data = messages.load_event(PORTAL_INVITATION_ISSUED, event, self.mail.box)
        self.mail.queue(self.db, messages.portal_invitation(self.db, event, data, self.mail.base_url))

    @on_event(INVITATION_DOCUMENT_CHANGED)
    def handle_invitation_document_changed(self, event):
        """Tickets' welcome document changed: the invitation mentions its title (or nothing) from now on."""
        data = messages.load_event(INVITATION_DOCUMENT_CHANGED, event)
        tenants.save_invitation_document(self.db, event["tenant_id"], data["title"], occurred_at(event))

    @on_event(PASSWORD_RESET_ISSUED)
    def handle_password_reset_issued(self, event):
        data = messages.load_event(PASSWORD_RESET_ISSUED, event, self.mail.box)
        self.mail.queue(self.db, messages.password_reset(self.db, event, data, self.mail.base_url))

    @on_event(STAFF_PASSWORD_RESET_ISSUED)
    def handle_staff_password_reset_issued(self, event):
        data = messages.load_event(STAFF_PASSWORD_RESET_ISSUED, event, self.mail.box)
        self.mail.queue(self.db, messages.staff_password_reset(self.db, event, data, self.mail.base_url))

    @on_event(LOGIN_CODE_ISSUED)
    def handle_login_code_issued(self, event):
        data = messages.load_event(LOGIN_CODE_ISSUED, event, self.mail.box)
        self.mail.queue(self.db, messages.login_code(self.db, event, data))

    @on_event(EMAIL_CHANGE_CODE_ISSUED)
    def handle_email_change_code_issued(self, event):
        data = messages.load_event(EMAIL_CHANGE_CODE_ISSUED, event, self.mail.box)
        self.mail.queue(self.db, messages.email_change_code(self.db, event, data))

    # --- billing's events: receipts to the client, alerts to the staff chosen on the Alerts tab -----

    @on_event(PAYMENT_SUCCEEDED)
    def handle_payment_succeeded(self, event):
        billing_notices.notify(self.db, self.mail, PAYMENT_SUCCEEDED, event)

    @on_event(PAYMENT_FAILED)
    def handle_payment_failed(self, event):
        billing_notices.notify(self.db, self.mail, PAYMENT_FAILED, event)

    @on_event(PREPAYMENT_MADE)
    def handle_prepayment_made(self, event):
        billing_notices.notify(self.db, self.mail, PREPAYMENT_MADE, event)

    @on_event(AUTOPAY_ENROLLED)
    def handle_autopay_enrolled(self, event):
        billing_notices.notify(self.db, self.mail, AUTOPAY_ENROLLED, event)

    @on_event(AUTOPAY_CANCELLED)
    def handle_autopay_cancelled(self, event):
        billing_notices.notify(self.db, self.mail, AUTOPAY_CANCELLED, event)

    @on_event(PAYMENT_METHOD_REMOVED)
    def handle_payment_method_removed(self, event):
        billing_notices.notify(self.db, self.mail, PAYMENT_METHOD_REMOVED, event)

    @on_event(PAYMENT_RETURNED)
    def handle_payment_returned(self, event):
        billing_notices.notify(self.db, self.mail, PAYMENT_RETURNED, event)

    @on_event(PAYMENT_DISPUTED)
    def handle_payment_disputed(self, event):
        billing_notices.notify(self.db, self.mail, PAYMENT_DISPUTED, event)

    # --- tickets' events: a staff reply emails the client, a client's ticket or reply alerts staff ---

    @on_event(TICKET_OPENED)
    def handle_ticket_opened(self, event):
        ticket_notices.ticket_opened(self.db, event, messages.load_event(TICKET_OPENED, event))

    @on_event(TICKET_MESSAGE_ADDED)
    def handle_ticket_message_added(self, event):
        data = messages.load_event(TICKET_MESSAGE_ADDED, event, self.mail.box)
        ticket_notices.message_added(self.db, self.mail, event, data)

    @inbound_mail
    def receive_inbound_mail(self, mail):
        """A client's email (inbound_smtp.py): a reply's INBOUND_TICKET_MAIL, once; a support-address mail
        handed to tickets. The outcome is the SMTP answer."""
        if mail.support_slug is not None:
            # Not waiting longer than the SMTP answer does: a worker never hangs on a tickets that is away.
            with eventlet.Timeout(OUTCOME_TIMEOUT_SECONDS - 10, ServiceTimeout("Tickets did not answer.")):
                return support_mail.open_ticket(self.tickets, self.blobs, mail)
        outcome = inbound.receive(self.db, self.inbox, self.outbox, self.blobs, mail)
        self.db.commit()
        return outcome

    @tenant_rpc
    def support_address(self):
        """The business's support address (``{address}``, None when inbound mail is off), for its staff."""
        access.staff_member(self.ctx)
        return support_mail.address_of(self.db, self.ctx.tenant_id, self.mail.settings.inbound_domain)

    # --- the signed-in staff member's alerts ------------------------------------------------

    @batchable
    @tenant_rpc
    def list_my_alerts(self, unread_only=False, limit=50):
        """List the calling staff member's alerts, newest first, each with whether it was read."""
        staff_id = access.signed_in_staff_member(self.ctx)
        args = load_or_raise(AlertListArgsSchema, {"unread_only": unread_only, "limit": limit})
        rows = alerts.list_alerts(self.db, self.ctx.tenant_id, staff_id, args["unread_only"], args["limit"])
        return StaffAlertSchema(many=True).dump(rows)

    @batchable
    @tenant_rpc
    def count_my_unread_alerts(self):
        """Count the calling staff member's unread alerts (an integer)."""
        return alerts.count_unread(self.db, self.ctx.tenant_id, access.signed_in_staff_member(self.ctx))

    @tenant_rpc
    def mark_alerts_read(self, alert_ids):
        """Mark some of the calling staff member's own alerts read; any other id is NotFound."""
        staff_id = access.signed_in_staff_member(self.ctx)
        ids = load_or_raise(MarkAlertsReadSchema, {"alert_ids": alert_ids})["alert_ids"]
        marked = alerts.mark_read(self.db, self.ctx.tenant_id, staff_id, ids)
        self.db.commit()
        return {"marked": marked, "unread": alerts.count_unread(self.db, self.ctx.tenant_id, staff_id)}

    # --- branding and the invitation editor (staff) ----------------------------------------

    @tenant_rpc
    def get_branding(self):
        return tenants.describe_branding(self.db, self.ctx.tenant_id)

    @tenant_rpc
    def get_invitation_template(self):
        access.staff_member(self.ctx)
        return tenants.invitation_template(self.db, self.ctx.tenant_id)

    @tenant_rpc
    def update_invitation_template(self, template):
        staff_id = access.staff_member(self.ctx)
        data = load_or_raise(InvitationTemplateSchema, template)
        stored = tenants.save_invitation_template(self.db, self.ctx.tenant_id, data, staff_id)
        self.db.commit()
        return stored

    @tenant_rpc
    def send_sample_invitation(self, to_email):
        access.staff_member(self.ctx)
        data = load_or_raise(SampleInvitationSchema, {"to_email": to_email})
        self.mail.queue(self.db, messages.sample_invitation(self.db, self.ctx.tenant_id, data["to_email"]))
        self.db.commit()
        return {}

    # --- the mailbox (staff) ---------------------------------------------------------------

    @tenant_rpc
    def list_outbox(self, page=1, per_page=50):
        access.staff_member(self.ctx)
        paging = load_or_raise(OutboxPageSchema, {"page": page, "per_page": per_page})
        rows, total = mailbox.list_messages(self.db, self.ctx.tenant_id, paging["page"], paging["per_page"])
        return {"items": OutboxItemSchema(many=True).dump(rows), "total": total, **paging}

    @tenant_rpc
    def get_outbox_message(self, message_id):
        access.staff_member(self.ctx)
        return OutboxMessageSchema().dump(mailbox.get_message(self.db, self.ctx.tenant_id, message_id))
