"""Client portal API, chat: the account's conversations with the business."""
from gateway.api.blueprints import CLIENT, ApiBlueprint
from gateway.features import chat
from gateway.schemas.common import page_of
from gateway.schemas.portal.chat import (ChatMessagePageArgsSchema, ChatMessageSchema, ChatReplySchema,
                                         ChatSinceArgsSchema, ChatThreadDetailSchema, ChatThreadListArgsSchema,
                                         NewChatThreadSchema, PortalChatThreadListSchema)
from shared.errors import PermissionDenied

blueprint = ApiBlueprint("chat", __name__, tag="portal chat", caller=CLIENT)


@blueprint.get("/chat/threads")
@blueprint.operation("A page of the account's chat threads, newest activity first (`next` is the cursor of the page "
                     "after), with unread counts and whether you may start a new one",
                     query=ChatThreadListArgsSchema, response=PortalChatThreadListSchema, dump=True)
def list_threads(args):
    return chat.my_threads(page_of(args))


@blueprint.post("/chat/threads")
@blueprint.operation("Start a chat thread with the business (subject on one line, up to 200 characters; the first "
                     "message in plain text, up to 4000). 403 when the business takes no new chats",
                     body=NewChatThreadSchema, status=201, response=ChatThreadDetailSchema, dump=True,
                     raises=[PermissionDenied])
def start_thread(body):
    return chat.start_my_thread(body["subject"], body["body"])


@blueprint.get("/chat/threads/<id:thread_id>")
@blueprint.operation("One thread with a page of its messages, oldest first: the newest, or those before `cursor` "
                     "(`next` is the cursor of earlier ones); you have now read it",
                     query=ChatMessagePageArgsSchema, response=ChatThreadDetailSchema, dump=True)
def get_thread(args, thread_id):
    return chat.my_thread(thread_id, page_of(args))


@blueprint.post("/chat/threads/<id:thread_id>/messages")
@blueprint.operation("Reply in a thread (plain text, up to 4000 characters); allowed even when new chats are off",
                     body=ChatReplySchema, status=201, response=ChatMessageSchema, dump=True)
def reply(body, thread_id):
    return chat.reply_mine(thread_id, body["body"])


@blueprint.get("/chat/threads/<id:thread_id>/messages")
@blueprint.operation("The thread's messages after the message `after`, oldest first, for polling; you have now read them",
                     query=ChatSinceArgsSchema, response=ChatThreadDetailSchema, dump=True)
def messages_since(args, thread_id):
    return chat.my_messages_since(thread_id, args["after"])
