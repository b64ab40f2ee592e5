"""Tickets' entrypoints for clients, and the mail a client sends to a ticket's reply address.

The settings of the Tickets tab are enforced here: ``tickets_enabled`` (opening a ticket),
``show_open_tickets`` and ``show_closed_tickets`` (seeing, and replying to, open or closed tickets),
``ticket_categories`` (what a client may file under) and ``ticket_assignee_id`` (who gets a new ticket).
A client acts for the account their passport names, with at least the view right.
"""
import logging

from shared import audit
from shared.batch import batchable
from shared.context import tenant_rpc
from shared.events import INBOUND_TICKET_MAIL
from shared.i18n import N_, _
from shared.messaging import on_event
from shared.sealing import open_secrets
from shared.validation import load_or_raise
from tickets import access, attachments, audit_facts, categories, names, ticket_messages, ticketing, visit_references
from tickets.ticket_schemas import ClientPageSchema, OpenTicketSchema, ReplySchema

log = logging.getLogger(__name__)
VIEW_SETTING = {"open": "show_open_tickets", "closed": "show_closed_tickets"}
VIEW_REFUSED = {"open": N_("This business does not show open tickets."),
                "closed": N_("This business does not show closed tickets.")}


class TicketEntrypoints:
    """Mixed into TicketsService: needs ``db``, ``ctx``, ``outbox``, ``blobs`` and ``inbox``."""

    def _keep_files(self, files):
        """Check and keep the uploads ``files`` names, outside any transaction; return what was kept."""
        self.db.rollback()  # no transaction (on SQLite, the service's one connection) waits on the store
        kept = []
        try:
            for index, item in enumerate(files):
                kept.append(attachments.keep(self.blobs, item["blob_id"], item["filename"], f"attachments.{index}"))
        except Exception:
            attachments.discard(self.blobs, [item["blob_id"] for item in kept])
            raise
        return kept

    def _write_or_discard(self, kept, write):
        try:
            answer = write()
            self.db.commit()
        except Exception:
            self.db.rollback()
            attachments.discard(self.blobs, [item["blob_id"] for item in kept])
            raise
        return answer

    def _viewable(self, settings, ticket):
        which = ticketing.CLIENT_STATUS[ticket.status]
        access.require_setting(settings, VIEW_SETTING[which], _(VIEW_REFUSED[which]))
        return ticket

    @batchable
    @tenant_rpc
    def my_ticket_options(self):
        """What the client's Tickets tab may show: which views, whether a ticket can be opened, the categories; and
        whether the Documents tab is shown (the portal's tab bar asks tickets once)."""
        tenant_id, __ = access.client_account(self.ctx)
        settings = self._tickets_settings()
        listed, rows = settings["ticket_categories"], categories.all_of(self.db, tenant_id)
        # one read once the business has them all, as it has from its first read on
        if categories.ensure(self.db, tenant_id, listed, existing={row.name for row in rows}):
            self.db.commit()
            rows = categories.all_of(self.db, tenant_id)
        offered = categories.offered(rows, listed)
        return {"tickets_enabled": settings["tickets_enabled"] and bool(offered),
                "show_open_tickets": settings["show_open_tickets"],
                "show_closed_tickets": settings["show_closed_tickets"], "categories": offered,
                "documents_enabled": settings["documents_enabled"]}

    @batchable
    @tenant_rpc
    def my_tickets(self, which="open", page=None):
        """A page (``{cursor?, limit?}``) of the account's open or closed tickets: ``{items, next}``."""
        tenant_id, account_id = access.client_account(self.ctx)
        if which not in VIEW_SETTING:
            which = "open"
        access.require_setting(self._tickets_settings(), VIEW_SETTING[which], _(VIEW_REFUSED[which]))
        wanted = load_or_raise(ClientPageSchema, page or {})
        return ticketing.client_list(self.db, tenant_id, account_id, which, wanted)

    @tenant_rpc
    def my_ticket(self, ticket_id):
        """The client's ticket with its conversation; reading it clears the client's unread marker."""
        tenant_id, account_id = access.client_account(self.ctx)
        ticket = self._viewable(self._tickets_settings(), ticketing.get(self.db, tenant_id, ticket_id, account_id))
        ticket_messages.mark_read(ticket, "client")
        name = categories.get(self.db, tenant_id, ticket.category_id).name
        messages, earlier = ticket_messages.conversation(self.db, ticket)
        answer = {**ticketing.summary(ticket, name, "client"), "messages": messages, "earlier_messages": earlier}
        self.db.commit()
        return answer

    @tenant_rpc
    def open_my_ticket(self, request):
        """Open a ticket for the client's account, assigned as the Tickets tab says."""
        tenant_id, account_id = access.client_account(self.ctx)
        settings = access.require_setting(self._tickets_settings(), "tickets_enabled",
                                          _("This business does not take tickets in the portal."))
        data = load_or_raise(OpenTicketSchema, request)
        data["reference"] = visit_references.verified(self.db, self.billing, data["reference"])
        categories.ensure(self.db, tenant_id, settings["ticket_categories"])
        self.db.commit()
        category = ticketing.category_for_client(self.db, tenant_id, data["category_id"],
                                                 settings["ticket_categories"])
        kept = self._keep_files(data["attachments"])
        actor_id = self.ctx.claims.actor_id
        client_name = names.of_calling_client(self.db, self.accounts)["account"]
        by = audit.who(self.ctx)

        def write():
            ticket = ticketing.create(self.db, tenant_id, account_id, category, data, "client",
                                      settings["ticket_assignee_id"], client_name)
            ticket_messages.add(self.db, ticket, "client", actor_id, data["body"], kept)
            ticketing.announce_opened(self.outbox, self.db, ticket, category.name)
            audit_facts.ticket_opened(self.db, self.outbox, ticket, by)
            return {"id": ticket.id, "number": ticket.number, "status": "open"}

        return self._write_or_discard(kept, write)

    @tenant_rpc
    def reply_to_my_ticket(self, ticket_id, reply):
        """Add the client's message; a reply to a closed ticket (shown to them) opens it again."""
        tenant_id, account_id = access.client_account(self.ctx)
        ticket = self._viewable(self._tickets_settings(), ticketing.get(self.db, tenant_id, ticket_id, account_id))
        data = load_or_raise(ReplySchema, reply)
        ticket_id, known_name = ticket.id, ticket.client_name
        kept = self._keep_files(data["attachments"])
        actor_id = self.ctx.claims.actor_id
        client_name = known_name or names.of_calling_client(self.db, self.accounts)["account"]
        by = audit.who(self.ctx)

        def write():
            ticket = ticketing.get(self.db, tenant_id, ticket_id, account_id)
            ticket.client_name = client_name or ticket.client_name
            if ticket.status == "closed":
                ticketing.set_status(ticket, "open")
            message = ticket_messages.add(self.db, ticket, "client", actor_id, data["body"], kept)
            ticket_messages.mark_read(ticket, "client")
            ticket_messages.announce(self.outbox, self.db, ticket, message, len(kept))
            audit_facts.ticket_replied(self.db, self.outbox, ticket, by, len(kept))
            return {"id": message.id, "ticket_id": ticket.id, "status": ticketing.CLIENT_STATUS[ticket.status]}

        return self._write_or_discard(kept, write)

    @tenant_rpc
    def my_ticket_attachment(self, ticket_id, attachment_id):
        """The blob of a file on the client's ticket, for the gateway to serve as a download."""
        tenant_id, account_id = access.client_account(self.ctx)
        ticket = self._viewable(self._tickets_settings(), ticketing.get(self.db, tenant_id, ticket_id, account_id))
        return ticket_messages.attachment(self.db, ticket, attachment_id)

    @on_event(INBOUND_TICKET_MAIL)
    def handle_inbound_ticket_mail(self, event):
        """A client's mail to a reply address: one client message per mail, on the ticket its token names."""
        data = open_secrets(self.outbox.box, INBOUND_TICKET_MAIL, event, event["data"])
        ticket = ticket_messages.by_reply_token(self.db, data.get("reply_token"))
        if ticket is None or event.get("tenant_id") not in (None, ticket.tenant_id):
            log.warning("inbound mail %s names no ticket: dropped", event.get("event_id"))
            return
        mail_id = str(data.get("mail_id") or "")[:300]
        if ticket_messages.mail_seen(self.db, ticket, mail_id):
            log.info("inbound mail already added to ticket %s", ticket.id)
            return
        files = data.get("attachments") or []
        if files:
            kept = self._mailed_files(files)
            # Keeping the files ended the handler's transaction, and the claim of the event with it: claim again.
            self.inbox.claim(self.db, f"{self.name}.{INBOUND_TICKET_MAIL.name}", event["event_id"])
            ticket = ticket_messages.by_reply_token(self.db, data["reply_token"])
        else:
            kept = []
        if ticket.status == "closed":
            ticketing.set_status(ticket, "open")
        body = str(data.get("text") or "").strip() or _("(no text)")
        message = ticket_messages.add(self.db, ticket, "client", None, body, kept, via="email", mail_id=mail_id)
        ticket_messages.announce(self.outbox, self.db, ticket, message, len(kept))
        audit_facts.ticket_replied(self.db, self.outbox, ticket, audit_facts.BY_EMAIL, len(kept))

    def _mailed_files(self, files):
        """Keep the mail's files that pass the checks; a file that does not is left out (and logged)."""
        self.db.rollback()
        kept = []
        for item in files[:attachments.MAX_FILES]:
            try:
                kept.append(attachments.keep(self.blobs, item.get("blob_id"), item.get("filename"), "attachments"))
            except Exception as error:  # noqa: BLE001 - one bad file must not lose the client's words
                log.info("a mailed file was not kept: %s", getattr(error, "fields", error))
        return kept
