"""The tickets service's chat entrypoints, for clients (their current account's threads) and staff (all of them).

A client acts on the account their passport names, with at least the view right; staff on any account of
their business, which accounts confirms before a thread is started with it. Opening a thread marks it read
for the side that opened it; so does asking for its new messages while the page is open.
"""
from shared import audit
from shared.batch import batchable
from shared.context import tenant_rpc
from shared.events import CHAT_MESSAGE_ADDED
from shared.validation import load_or_raise
from tickets import access, audit_facts, chat, known_accounts, names
from tickets.chat_schemas import (ChatMessageInput, MessagePageInput, NewClientThreadInput, NewStaffThreadInput,
                                  SinceInput, ThreadFiltersInput, ThreadPageInput)


class ChatEntrypoints:
    def _chat_publish(self, thread, message, new_thread):
        self.outbox.add(self.db, CHAT_MESSAGE_ADDED, chat.event_data(thread, message, new_thread, self.ctx.actor),
                        tenant_id=thread.tenant_id)
        audit_facts.chat_message(self.db, self.outbox, thread, new_thread, audit.who(self.ctx))

    def _chat_open(self, thread, side, after_id=0, started=False, page=None):
        """The thread with its messages after ``after_id`` (a ``page`` of them: ``{cursor?, limit?}``), now read by
        ``side`` (committed with a thread just ``started``); ``next`` is the cursor of older messages."""
        wanted = load_or_raise(MessagePageInput, page or {})
        rows, next_cursor = chat.messages(self.db, thread, after_id, wanted["limit"], wanted["cursor"])
        if chat.mark_read(thread, side) or started:
            self.db.commit()  # a poll that finds nothing new writes nothing
        return {"thread": chat.describe_thread(thread, 0), "messages": rows, "next": next_cursor}

    # --- clients ------------------------------------------------------------------------------------

    @tenant_rpc
    def list_my_chat_threads(self, page=None):
        tenant_id, account_id = access.client_account(self.ctx, "view")
        wanted = load_or_raise(ThreadPageInput, page or {})
        threads, _, next_cursor = chat.list_threads(self.db, tenant_id, chat.CLIENT, wanted, account_id=account_id)
        return {"threads": threads, "unread": chat.total_unread(self.db, tenant_id, chat.CLIENT, account_id),
                "can_start": bool(self._tickets_settings(tenant_id)["allow_new_chat_threads"]), "next": next_cursor}

    @batchable
    @tenant_rpc
    def count_my_unread_chat(self):
        tenant_id, account_id = access.client_account(self.ctx, "view")
        return chat.total_unread(self.db, tenant_id, chat.CLIENT, account_id)

    @tenant_rpc
    def start_my_chat_thread(self, thread):
        tenant_id, account_id = access.client_account(self.ctx, "view")
        chat.refuse_client_start(self._tickets_settings(tenant_id))
        data = load_or_raise(NewClientThreadInput, thread)
        client_name = names.of_calling_client(self.db, self.accounts)["account"]
        row, message = chat.start_thread(self.db, tenant_id, account_id, chat.CLIENT, self.ctx.claims.actor_id,
                                         data["subject"], data["body"], client_name)
        self._chat_publish(row, message, True)
        return self._chat_open(row, chat.CLIENT, started=True)

    @tenant_rpc
    def get_my_chat_thread(self, thread_id, page=None):
        tenant_id, account_id = access.client_account(self.ctx, "view")
        return self._chat_open(chat.find_thread(self.db, tenant_id, thread_id, account_id), chat.CLIENT, page=page)

    @tenant_rpc
    def reply_my_chat_thread(self, thread_id, message):
        tenant_id, account_id = access.client_account(self.ctx, "view")
        thread = chat.find_thread(self.db, tenant_id, thread_id, account_id)
        body = load_or_raise(ChatMessageInput, message)["body"]
        if thread.client_name is None:  # a thread from before tickets kept names
            thread.client_name = names.of_calling_client(self.db, self.accounts)["account"]
        row = chat.add_message(self.db, thread, chat.CLIENT, self.ctx.claims.actor_id, body)
        self._chat_publish(thread, row, False)
        self.db.commit()
        return chat.describe_message(row)

    @tenant_rpc
    def my_chat_messages_since(self, thread_id, after_id):
        tenant_id, account_id = access.client_account(self.ctx, "view")
        thread = chat.find_thread(self.db, tenant_id, thread_id, account_id)
        return self._chat_open(thread, chat.CLIENT, load_or_raise(SinceInput, {"after_id": after_id})["after_id"])

    # --- staff --------------------------------------------------------------------------------------

    @tenant_rpc
    def list_chat_threads(self, filters=None):
        tenant_id = access.staff_tenant(self.ctx)
        data = load_or_raise(ThreadFiltersInput, filters or {})
        threads, total, next_cursor = chat.list_threads(self.db, tenant_id, chat.STAFF, data, data["account_id"],
                                                        data["unread_only"])
        return {"threads": threads, "total": total, "limit": data["limit"], "next": next_cursor,
                "unread": chat.total_unread(self.db, tenant_id, chat.STAFF)}

    @tenant_rpc
    def count_unread_chat(self):
        return chat.total_unread(self.db, access.staff_tenant(self.ctx), chat.STAFF)

    @tenant_rpc
    def start_chat_thread(self, thread):
        tenant_id = access.staff_tenant(self.ctx)
        data = load_or_raise(NewStaffThreadInput, thread)
        known_accounts.ensure_known(self.db, self.accounts, tenant_id, data["account_id"])
        row, message = chat.start_thread(self.db, tenant_id, data["account_id"], chat.STAFF,
                                         self.ctx.claims.actor_id, data["subject"], data["body"], None)
        self._chat_publish(row, message, True)
        return self._chat_open(row, chat.STAFF, started=True)

    @tenant_rpc
    def get_chat_thread(self, thread_id, page=None):
        tenant_id = access.staff_tenant(self.ctx)
        return self._chat_open(chat.find_thread(self.db, tenant_id, thread_id), chat.STAFF, page=page)

    @tenant_rpc
    def reply_chat_thread(self, thread_id, message):
        tenant_id = access.staff_tenant(self.ctx)
        thread = chat.find_thread(self.db, tenant_id, thread_id)
        row = chat.add_message(self.db, thread, chat.STAFF, self.ctx.claims.actor_id,
                               load_or_raise(ChatMessageInput, message)["body"])
        self._chat_publish(thread, row, False)
        self.db.commit()
        return chat.describe_message(row)

    @tenant_rpc
    def chat_messages_since(self, thread_id, after_id):
        tenant_id = access.staff_tenant(self.ctx)
        thread = chat.find_thread(self.db, tenant_id, thread_id)
        return self._chat_open(thread, chat.STAFF, load_or_raise(SinceInput, {"after_id": after_id})["after_id"])
