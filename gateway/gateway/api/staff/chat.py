"""Staff API, chat: every conversation of the business with its clients."""
from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import chat
from gateway.schemas.common import page_of
from gateway.schemas.portal.chat import (ChatMessagePageArgsSchema, ChatMessageSchema, ChatReplySchema,
                                         ChatSinceArgsSchema, ChatThreadDetailSchema)
from gateway.schemas.staff.chat import StaffChatThreadListArgsSchema, StaffChatThreadListSchema, StaffNewChatThreadSchema
from shared.errors import NotFound

blueprint = ApiBlueprint("chat", __name__, tag="staff chat", caller=STAFF)


@blueprint.get("/chat/threads")
@blueprint.operation("A page of chat threads, newest activity first (`next` is the cursor of the page after), "
                     "optionally one client's or only those with unread client messages", query=StaffChatThreadListArgsSchema, response=StaffChatThreadListSchema, dump=True)
def list_threads(filters):
    return chat.threads(filters)


@blueprint.post("/chat/threads")
@blueprint.operation("Start a chat thread with a client account (404 when there is no such client); subject on one "
                     "line up to 200 characters, the first message in plain text up to 4000",
                     body=StaffNewChatThreadSchema, status=201, response=ChatThreadDetailSchema, dump=True,
                     raises=[NotFound])
def start_thread(body):
    return chat.start_thread(body["account_id"], body["subject"], body["body"])


@blueprint.get("/chat/threads/<id:thread_id>")
@blueprint.operation("One thread with a page of its messages, oldest first: the newest, or those before `cursor` "
                     "(`next` is the cursor of earlier ones); the business has now read it",
                     query=ChatMessagePageArgsSchema, response=ChatThreadDetailSchema, dump=True)
def get_thread(args, thread_id):
    return chat.thread(thread_id, page_of(args))


@blueprint.post("/chat/threads/<id:thread_id>/messages")
@blueprint.operation("Reply in a thread (plain text, up to 4000 characters)", body=ChatReplySchema, status=201,
                     response=ChatMessageSchema, dump=True)
def reply(body, thread_id):
    return chat.reply(thread_id, body["body"])


@blueprint.get("/chat/threads/<id:thread_id>/messages")
@blueprint.operation("The thread's messages after the message `after`, oldest first, for polling; the business has now read them",
                     query=ChatSinceArgsSchema, response=ChatThreadDetailSchema, dump=True)
def messages_since(args, thread_id):
    return chat.messages_since(thread_id, args["after"])
