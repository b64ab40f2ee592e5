"""Tickets' entrypoints for staff: the inbox, a ticket's page, replies, assignment, status, categories.

An account id or a staff member's id that staff send is confirmed with accounts (as that same staff
member) before tickets stores it: a ticket is only ever opened for the business's own client and assigned
to one of its own staff.
"""
import logging

from nameko.exceptions import RemoteError

from shared import audit
from shared.context import tenant_rpc
from shared.entrypoints import announce_settings
from shared.errors import PorticoError, invalid
from shared.i18n import _
from shared.settings_store import update_settings
from shared.validation import load_or_raise
from tickets import access, audit_facts, categories, known_accounts, names, ticket_messages, ticketing
from tickets.models import platform
from tickets.settings import TABS
from tickets.ticket_schemas import (AssignSchema, CategoryChangeSchema, CategorySchema, ReplySchema,
                                    StaffOpenTicketSchema, StatusSchema, TicketFilterSchema)

log = logging.getLogger(__name__)


class StaffTicketEntrypoints:
    """Mixed into TicketsService with TicketEntrypoints: needs ``accounts`` besides."""

    def _ask_accounts(self, method, *args):
        return known_accounts.ask(self.accounts, method, *args)

    def _client_to_tell(self, account_id):
        """The client a staff reply is emailed to, as accounts knows them now; None when accounts cannot say (the
        reply is kept and shown in the portal all the same)."""
        try:
            return self._ask_accounts("get_client", account_id)
        except (PorticoError, RemoteError):  # a timeout, or accounts no longer knows the client
            log.warning("a staff reply without its email: accounts could not name the client of account %s",
                        account_id)
            return None

    def _check_assignee(self, assignee_id):
        if assignee_id is None:
            return None
        self.db.rollback()  # no transaction waits on accounts' answer
        staff = self._ask_accounts("list_staff_users")
        members = staff.get("items", staff) if isinstance(staff, dict) else staff
        if assignee_id not in {member.get("id") for member in members}:
            raise invalid("assignee_id", _("Choose a member of your staff."))
        return assignee_id

    def _staff_ticket(self, ticket_id):
        return ticketing.get(self.db, access.staff_tenant(self.ctx), ticket_id)

    @tenant_rpc
    def ticket_categories(self):
        tenant_id = access.staff_tenant(self.ctx)
        listed = self._tickets_settings()["ticket_categories"]
        categories.ensure(self.db, tenant_id, listed)
        self.db.commit()
        return [categories.describe(row, listed) for row in categories.all_of(self.db, tenant_id)]

    @tenant_rpc
    def create_ticket_category(self, category):
        tenant_id = access.staff_tenant(self.ctx)
        data = load_or_raise(CategorySchema, category)
        listed = self._tickets_settings()["ticket_categories"]
        categories.ensure(self.db, tenant_id, listed)
        row = categories.create(self.db, tenant_id, data)
        answer = categories.describe(row, listed)
        self.db.commit()
        return answer

    @tenant_rpc
    def update_ticket_category(self, category_id, changes):
        """Rename, reorder or hide a category; a rename carries over to the categories offered to clients."""
        tenant_id = access.staff_tenant(self.ctx)
        data = load_or_raise(CategoryChangeSchema, changes)
        listed = self._tickets_settings()["ticket_categories"]
        row, old_name = categories.update(self.db, tenant_id, category_id, data)
        renamed = categories.renamed_in(listed, old_name, row.name)
        if renamed is not None:
            listed = update_settings(self.db, platform.tenant_settings, tenant_id, TABS, "tickets",
                                     {"ticket_categories": renamed})["ticket_categories"]
            announce_settings(self.outbox, self.db, self.name, tenant_id, "tickets")
        answer = categories.describe(row, listed)
        self.db.commit()
        return answer

    @tenant_rpc
    def list_tickets(self, filters=None):
        tenant_id = access.staff_tenant(self.ctx)
        data = load_or_raise(TicketFilterSchema, filters or {})
        return ticketing.staff_list(self.db, tenant_id, data, self.ctx.claims.actor_id)

    @tenant_rpc
    def ticket_counts(self):
        tenant_id = access.staff_tenant(self.ctx)
        return ticketing.counts(self.db, tenant_id, self.ctx.claims.actor_id)

    @tenant_rpc
    def get_ticket(self, ticket_id):
        """The ticket with its conversation; a staff member reading it clears the staff's unread marker."""
        ticket = self._staff_ticket(ticket_id)
        ticket_messages.mark_read(ticket, "staff")
        name = categories.get(self.db, ticket.tenant_id, ticket.category_id).name
        messages, earlier = ticket_messages.conversation(self.db, ticket)
        answer = {**ticketing.summary(ticket, name, "staff"), "messages": messages, "earlier_messages": earlier,
                  "opened_by_id": ticket_messages.opener_id(self.db, ticket)}
        self.db.commit()
        return answer

    @tenant_rpc
    def reply_to_ticket(self, ticket_id, reply):
        """Add a staff message; the client is told by email (the event carries the reply token)."""
        ticket = self._staff_ticket(ticket_id)
        ticket_id, account_id = ticket.id, ticket.account_id
        data = load_or_raise(ReplySchema, reply)
        kept = self._keep_files(data["attachments"])
        actor_id = self.ctx.claims.actor_id
        client = self._client_to_tell(account_id)
        by = audit.who(self.ctx)

        def write():
            ticket = self._staff_ticket(ticket_id)
            ticket.client_name = names.clip((client or {}).get("name")) or ticket.client_name
            message = ticket_messages.add(self.db, ticket, "staff", actor_id, data["body"], kept)
            ticket_messages.mark_read(ticket, "staff")
            ticket_messages.announce(self.outbox, self.db, ticket, message, len(kept), client)
            audit_facts.ticket_replied(self.db, self.outbox, ticket, by, len(kept))
            return {"id": message.id, "ticket_id": ticket.id, "status": ticket.status}

        return self._write_or_discard(kept, write)

    @tenant_rpc
    def assign_ticket(self, ticket_id, assignment):
        self._staff_ticket(ticket_id)
        data = load_or_raise(AssignSchema, assignment)
        assignee_id = self._check_assignee(data["assignee_id"])
        ticket = self._staff_ticket(ticket_id)
        before = ticket.assignee_id
        ticketing.assign(ticket, assignee_id)
        if before != ticket.assignee_id:
            audit_facts.ticket_changed(self.db, self.outbox, ticket, "ticket_assigned",
                                       {"assignee_id": [before, ticket.assignee_id]}, audit.who(self.ctx))
        answer = {"id": ticket.id, "assignee_id": ticket.assignee_id}
        self.db.commit()
        return answer

    @tenant_rpc
    def set_ticket_status(self, ticket_id, change):
        """Change the status: open, pending, on hold, or closed (and back: reopening)."""
        ticket = self._staff_ticket(ticket_id)
        data = load_or_raise(StatusSchema, change)
        before = ticket.status
        ticketing.set_status(ticket, data["status"])
        if before != ticket.status:
            audit_facts.ticket_changed(self.db, self.outbox, ticket, "ticket_status_set",
                                       {"status": [before, ticket.status]}, audit.who(self.ctx))
        answer = {"id": ticket.id, "status": ticket.status}
        self.db.commit()
        return answer

    @tenant_rpc
    def open_ticket_for_client(self, request):
        """Open a ticket on a client's behalf (a phone call): any category, the client confirmed by accounts.
        The category is checked before the account is remembered, so a refused request writes nothing."""
        tenant_id = access.staff_tenant(self.ctx)
        data = load_or_raise(StaffOpenTicketSchema, request)
        settings = self._tickets_settings()
        categories.ensure(self.db, tenant_id, settings["ticket_categories"])
        self.db.commit()
        categories.get(self.db, tenant_id, data["category_id"])
        known_accounts.ensure_known(self.db, self.accounts, tenant_id, data["account_id"])
        self.db.commit()
        category = categories.get(self.db, tenant_id, data["category_id"])
        kept = self._keep_files(data["attachments"])
        actor_id = self.ctx.claims.actor_id

        def write():
            ticket = ticketing.create(self.db, tenant_id, data["account_id"], category, data, "staff",
                                      settings["ticket_assignee_id"] or actor_id)
            ticket_messages.add(self.db, ticket, "staff", actor_id, data["body"], kept)
            ticketing.announce_opened(self.outbox, self.db, ticket, category.name)
            audit_facts.ticket_opened(self.db, self.outbox, ticket, audit.who(self.ctx))
            return {"id": ticket.id, "number": ticket.number, "status": ticket.status}

        return self._write_or_discard(kept, write)

    @tenant_rpc
    def ticket_attachment(self, ticket_id, attachment_id):
        return ticket_messages.attachment(self.db, self._staff_ticket(ticket_id), attachment_id)
