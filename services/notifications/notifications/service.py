"""The notifications service's entrypoints: sign-in messages, receipts, staff alerts, the invitation editor, the mailbox."""
from marshmallow import ValidationError

from notifications import VERSION, alerts, mailbox, messages, tenants
from notifications.dependencies import Mailroom
from notifications.models import TenantBranding, platform
from notifications.schemas import (AlertListArgsSchema, InvitationTemplateSchema, MarkAlertsReadSchema,
                                   OutboxItemSchema, OutboxMessageSchema, OutboxPageSchema,
                                   SampleInvitationSchema, StaffAlertSchema)
from notifications.settings import TABS
from shared.context import CallContext, tenant_rpc
from shared.db import Database
from shared.entrypoints import StandardEntrypoints
from shared.errors import InvalidInput, NotFound, PermissionDenied
from shared.events import (AUTOPAY_CANCELLED, AUTOPAY_ENROLLED, EMAIL_CHANGE_CODE_ISSUED, LOGIN_CODE_ISSUED,
                           PASSWORD_RESET_ISSUED, PAYMENT_FAILED, PAYMENT_METHOD_REMOVED, PAYMENT_SUCCEEDED,
                           PORTAL_INVITATION_ISSUED, PREPAYMENT_MADE, TENANT_PROFILE_UPDATED)
from shared.messaging import Inbox, Outbox, on_event
from shared.settings_store import validation_error

BRANDING_FIELDS = ("tenant_id", "slug", "display_name", "contact_email", "contact_phone",
                   "facebook_page", "twitter_handle", "linkedin_slug", "has_logo")


def load(schema, data):
    """Load ``data`` with ``schema`` or raise InvalidInput with per-field messages."""
    try:
        return schema().load(data)
    except ValidationError as error:
        raise validation_error(error) from None


class NotificationsService(StandardEntrypoints):
    name = "notifications"
    version = VERSION
    tables = platform
    settings_tabs = TABS

    db = Database()
    ctx = CallContext()
    inbox = Inbox(platform)
    outbox = Outbox(platform)
    mail = Mailroom()

    # --- events ---------------------------------------------------------------------------

    @on_event(TENANT_PROFILE_UPDATED)
    def handle_tenant_profile_updated(self, event):
        tenants.save_branding(self.db, messages.load_event(TENANT_PROFILE_UPDATED, event),
                              messages.occurred_at(event))

    @on_event(PORTAL_INVITATION_ISSUED)
    def handle_portal_invitation_issued(self, event):
        data = messages.load_event(PORTAL_INVITATION_ISSUED, event)
        self.mail.queue(self.db, messages.portal_invitation(self.db, event, data, self.mail.base_url))

    @on_event(PASSWORD_RESET_ISSUED)
    def handle_password_reset_issued(self, event):
        data = messages.load_event(PASSWORD_RESET_ISSUED, event)
        self.mail.queue(self.db, messages.password_reset(self.db, event, data, self.mail.base_url))

    @on_event(LOGIN_CODE_ISSUED)
    def handle_login_code_issued(self, event):
        data = messages.load_event(LOGIN_CODE_ISSUED, event)
        self.mail.queue(self.db, messages.login_code(self.db, event, data))

    @on_event(EMAIL_CHANGE_CODE_ISSUED)
    def handle_email_change_code_issued(self, event):
        data = messages.load_event(EMAIL_CHANGE_CODE_ISSUED, event)
        self.mail.queue(self.db, messages.email_change_code(self.db, event, data))

    # --- billing events: receipts to the client, alerts to the staff chosen on the Alerts tab -------

    @on_event(PAYMENT_SUCCEEDED)
    def handle_payment_succeeded(self, event):
        data = messages.load_event(PAYMENT_SUCCEEDED, event)
        if data["receipt_to"]:
            self.mail.queue(self.db, messages.payment_receipt(self.db, event, data))
        self._alert(event, "payment_made", alerts.payment_made(data), data["account_id"])

    @on_event(PAYMENT_FAILED)
    def handle_payment_failed(self, event):
        data = messages.load_event(PAYMENT_FAILED, event)
        if data["receipt_to"]:
            self.mail.queue(self.db, messages.payment_failed(self.db, event, data))
        self._alert(event, "payment_failed", alerts.payment_failed(data), data["account_id"])

    @on_event(PREPAYMENT_MADE)
    def handle_prepayment_made(self, event):
        data = messages.load_event(PREPAYMENT_MADE, event)
        if data["receipt_to"]:
            self.mail.queue(self.db, messages.payment_receipt(self.db, event, data))
        self._alert(event, "prepayment_made", alerts.prepayment_made(data), data["account_id"])

    @on_event(AUTOPAY_ENROLLED)
    def handle_autopay_enrolled(self, event):
        data = messages.load_event(AUTOPAY_ENROLLED, event)
        self._alert(event, "autopay_enrolled", alerts.autopay_changed(data, "on"), data["account_id"])

    @on_event(AUTOPAY_CANCELLED)
    def handle_autopay_cancelled(self, event):
        data = messages.load_event(AUTOPAY_CANCELLED, event)
        self._alert(event, "autopay_cancelled", alerts.autopay_changed(data, "off"), data["account_id"])

    @on_event(PAYMENT_METHOD_REMOVED)
    def handle_payment_method_removed(self, event):
        data = messages.load_event(PAYMENT_METHOD_REMOVED, event)
        action, text = alerts.method_removed(data)
        self._alert(event, action, text, data["account_id"])

    def _alert(self, event, action, text, account_id):
        alerts.raise_alerts(self.db, self.tables, event["tenant_id"], action, text, account_id,
                            event["event_id"])

    # --- the signed-in staff member's alerts ------------------------------------------------

    @tenant_rpc
    def list_my_alerts(self, unread_only=False, limit=50):
        """The calling staff member's alerts, newest first: ``[{id, action, text, account_id, created_at, read}]``."""
        staff_id = self._my_staff_id()
        args = load(AlertListArgsSchema, {"unread_only": unread_only, "limit": limit})
        rows = alerts.list_alerts(self.db, self.ctx.tenant_id, staff_id, args["unread_only"], args["limit"])
        return StaffAlertSchema(many=True).dump(rows)

    @tenant_rpc
    def count_my_unread_alerts(self):
        """How many of the calling staff member's alerts are unread (an integer)."""
        return alerts.count_unread(self.db, self.ctx.tenant_id, self._my_staff_id())

    @tenant_rpc
    def mark_alerts_read(self, alert_ids):
        """Mark some of the calling staff member's own alerts read; any other id is NotFound."""
        staff_id = self._my_staff_id()
        ids = load(MarkAlertsReadSchema, {"alert_ids": alert_ids})["alert_ids"]
        marked = alerts.mark_read(self.db, self.ctx.tenant_id, staff_id, ids)
        self.db.commit()
        return {"marked": marked, "unread": alerts.count_unread(self.db, self.ctx.tenant_id, staff_id)}

    # --- branding and the invitation editor (staff) ----------------------------------------

    @tenant_rpc
    def get_branding(self):
        branding = self.db.get(TenantBranding, self.ctx.tenant_id)
        if branding is None:
            raise NotFound("No branding known for this business yet.")
        return {key: getattr(branding, key) for key in BRANDING_FIELDS}

    @tenant_rpc
    def get_invitation_template(self):
        self._staff_id()
        return tenants.invitation_template(self.db, self.ctx.tenant_id)

    @tenant_rpc
    def update_invitation_template(self, template):
        staff_id = self._staff_id()
        data = load(InvitationTemplateSchema, template)
        stored = tenants.save_invitation_template(self.db, self.ctx.tenant_id, data, staff_id)
        self.db.commit()
        return stored

    @tenant_rpc
    def send_sample_invitation(self, to_email):
        self._staff_id()
        data = load(SampleInvitationSchema, {"to_email": to_email})
        self.mail.queue(self.db, messages.sample_invitation(self.db, self.ctx.tenant_id, data["to_email"]))
        self.db.commit()
        return {}

    # --- the mailbox (staff) ---------------------------------------------------------------

    @tenant_rpc
    def list_outbox(self, page=1, per_page=50):
        self._staff_id()
        paging = load(OutboxPageSchema, {"page": page, "per_page": per_page})
        rows, total = mailbox.list_messages(self.db, self.ctx.tenant_id, paging["page"], paging["per_page"])
        return {"items": OutboxItemSchema(many=True).dump(rows), "total": total, **paging}

    @tenant_rpc
    def get_outbox_message(self, message_id):
        self._staff_id()
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise InvalidInput("message_id: Not a valid integer.", {"message_id": ["Not a valid integer."]})
        return OutboxMessageSchema().dump(mailbox.get_message(self.db, self.ctx.tenant_id, message_id))

    def _staff_id(self):
        """Return the calling staff member's id; refuse any other caller."""
        actor = self.ctx.actor
        if actor.get("kind") != "staff":
            raise PermissionDenied("Only the business's staff can do this.")
        return actor.get("id")

    def _my_staff_id(self):
        """The calling staff member's own id, for what belongs to one person (their alerts)."""
        staff_id = self._staff_id()
        if not isinstance(staff_id, int) or isinstance(staff_id, bool):
            raise PermissionDenied("Only a signed-in staff member has alerts.")
        return staff_id
