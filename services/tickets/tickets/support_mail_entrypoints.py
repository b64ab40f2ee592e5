"""The entrypoint notifications calls for each mail to a business's support address (rules: support_mail.py).

It takes no passport: anyone on the bus may call it, as anyone on the internet may send the mail, so it
trusts nothing it is sent but the mail itself. The business and the client come from accounts
(``find_mail_sender``, by the support address's slug and the mail's From address); the Tickets tab's
settings are read here. A From address is forged at will, so a mailed ticket says so (opened by "email")
and staff replies go to the client's own email on file, never to the mail's sender.
"""
import logging

from sqlalchemy.exc import IntegrityError

from shared.context import public_rpc
from shared.errors import NotFound
from shared.validation import load_or_raise
from tickets import attachments, audit_facts, categories, support_mail, ticket_messages, ticketing

log = logging.getLogger(__name__)


class SupportMailEntrypoints:
    """Mixed into TicketsService: needs ``db``, ``accounts``, ``inbox``, ``outbox``, ``blobs`` and the ticket
    entrypoints' ``_mailed_files``."""

    @public_rpc
    def open_ticket_from_mail(self, mail):
        """Open a ticket for the client who mailed the support address; return ``{outcome, ticket_id?}``."""
        data = load_or_raise(support_mail.SupportMailSchema, mail)
        try:
            sender = self.accounts.find_mail_sender(data["slug"], data["from_address"])
        except NotFound:
            return {"outcome": "no_business"}
        tenant_id, account_id = sender["tenant_id"], sender["account_id"]
        if account_id is None:
            return {"outcome": "unknown_sender"}
        settings = self._tickets_settings(tenant_id)
        categories.ensure(self.db, tenant_id, settings["ticket_categories"])
        self.db.commit()
        category_id = support_mail.category_for_mail(
            categories.for_clients(self.db, tenant_id, settings["ticket_categories"]))
        if not settings["tickets_enabled"] or category_id is None:
            return {"outcome": "not_taken"}
        key = support_mail.claim_key(tenant_id, data["mail_id"])
        if self.inbox.seen(self.db, support_mail.CONSUMER, key):
            return {"outcome": "duplicate"}
        kept = self._mailed_files(data["attachments"])
        try:
            ticket = self._open_mailed_ticket(sender, category_id, settings, data, kept, key)
        except IntegrityError:  # the same mail, taken at the same moment by another worker
            self.db.rollback()
            attachments.discard(self.blobs, [item["blob_id"] for item in kept])
            return {"outcome": "duplicate"}
        log.info("support mail opened ticket %s", ticket.id)
        return {"outcome": "opened", "ticket_id": ticket.id}

    def _open_mailed_ticket(self, sender, category_id, settings, data, kept, key):
        tenant_id = sender["tenant_id"]
        self.inbox.claim(self.db, support_mail.CONSUMER, key)
        category = categories.get(self.db, tenant_id, category_id)
        opening = support_mail.opening(data)
        ticket = ticketing.create(self.db, tenant_id, sender["account_id"], category, opening, "email",
                                  settings["ticket_assignee_id"])
        ticket_messages.add(self.db, ticket, "client", sender["portal_user_id"], opening["body"], kept,
                            via="email", mail_id=data["mail_id"])
        ticketing.announce_opened(self.outbox, self.db, ticket, category.name)
        audit_facts.ticket_opened(self.db, self.outbox, ticket, audit_facts.by_mail(sender["portal_user_id"]))
        self.db.commit()
        return ticket
