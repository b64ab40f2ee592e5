"""Mixed into NotificationsService: the client messages of issue 12 - invoice emails and
visit reminders from billing's events, the staff's email templates, the client's channel preferences."""
from notifications import access, client_notices, email_templates, messages, preferences
from notifications.schemas import MessageTemplateSchema, SampleMessageSchema
from shared.context import client_account, tenant_rpc
from shared.events import INVOICE_EMAIL_REQUESTED, VISIT_REMINDER_DUE
from shared.i18n import _
from shared.messaging import on_event
from shared.validation import load_or_raise


class ClientMessageHandlers:
    """Events and RPCs of the client messages (rules in client_notices.py, email_templates.py, preferences.py)."""

    @on_event(INVOICE_EMAIL_REQUESTED)
    def handle_invoice_email_requested(self, event):
        client_notices.invoice_email(self.db, self.mail, event, messages.load_event(INVOICE_EMAIL_REQUESTED, event))

    @on_event(VISIT_REMINDER_DUE)
    def handle_visit_reminder_due(self, event):
        client_notices.visit_reminder(self.db, self.mail, event, messages.load_event(VISIT_REMINDER_DUE, event))

    # --- the email templates (staff) -------------------------------------------------------

    @tenant_rpc
    def list_message_templates(self):
        """Every kind of editable email: ``[{kind, label, customised}]``."""
        access.staff_member(self.ctx)
        customised = email_templates.customised_kinds(self.db, self.ctx.tenant_id)
        return [{"kind": kind, "label": _(spec.label), "customised": kind in customised}
                for kind, spec in email_templates.KINDS.items()]

    @tenant_rpc
    def get_message_template(self, kind):
        """The stored (or default) ``{kind, label, subject, html, customised, placeholders}`` of ``kind``."""
        access.staff_member(self.ctx)
        return email_templates.describe(self.db, self.ctx.tenant_id, kind)

    @tenant_rpc
    def update_message_template(self, kind, template):
        """Store the kind's template (HTML sanitised); an unknown placeholder is a field error."""
        staff_id = access.staff_member(self.ctx)
        email_templates.kind_of(kind)
        data = load_or_raise(MessageTemplateSchema, template)
        email_templates.save(self.db, self.ctx.tenant_id, kind, data, staff_id)
        self.db.commit()
        return email_templates.describe(self.db, self.ctx.tenant_id, kind)

    @tenant_rpc
    def reset_message_template(self, kind):
        """Go back to the kind's default."""
        access.staff_member(self.ctx)
        email_templates.reset(self.db, self.ctx.tenant_id, kind)
        self.db.commit()
        return email_templates.describe(self.db, self.ctx.tenant_id, kind)

    @tenant_rpc
    def preview_message_template(self, kind):
        """``{subject, html, text}`` of the saved template of ``kind`` filled with made-up content."""
        access.staff_member(self.ctx)
        return client_notices.preview(self.db, self.mail.base_url, self.ctx.tenant_id, kind)

    @tenant_rpc
    def send_sample_message(self, kind, to_email):
        """Email the saved template of ``kind``, with made-up content and marked as a sample, to ``to_email``."""
        access.staff_member(self.ctx)
        data = load_or_raise(SampleMessageSchema, {"to_email": to_email})
        self.mail.queue(self.db, client_notices.sample(self.db, self.mail.base_url, self.ctx.tenant_id, kind,
                                                       data["to_email"]))
        self.db.commit()
        return {}

    # --- the client's channel preferences -------------------------------------------------

    @tenant_rpc
    def my_message_preferences(self):
        """The calling client's account's channels per kind of message: ``{kinds: [{kind, label, help, email,
        sms}]}``."""
        tenant_id, account_id = client_account(self.ctx)
        return preferences.describe(self.db, tenant_id, account_id)

    @tenant_rpc
    def set_my_message_preferences(self, prefs):
        """Choose email and/or SMS for some kinds of message (``{kind: {email, sms}}``); return every kind."""
        tenant_id, account_id = client_account(self.ctx)
        preferences.save(self.db, tenant_id, account_id, preferences.load(prefs))
        self.db.commit()
        return preferences.describe(self.db, tenant_id, account_id)
