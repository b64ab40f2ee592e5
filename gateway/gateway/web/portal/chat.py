"""Client portal: the Messages tab, the account's chat threads with the business, and the unread count beside
it in the navigation. An open thread shows new messages as they come (static/chat.js polls ``thread_messages``);
without scripts a reload shows them."""
from flask import Blueprint, g

from gateway.errors import status_of
from gateway.features import chat, tab_bar
from gateway.portal_auth import client_required
from gateway.web.chat_pages import (after_argument, body_field, new_messages, reply_field, subject_field,
                                   submitted)
from gateway.web.paging import cursor_page
from gateway.web.portal.base import go, page, show_errors
from shared.errors import InvalidInput, PermissionDenied

blueprint = Blueprint("chat", __name__)


@blueprint.app_template_global()
def unread_chat_count():
    """How many messages from the business the client has not read; None when tickets cannot say."""
    return tab_bar.unread_chat()


def render_list(inputs=None, summary=(), status=200):
    listing = chat.my_threads(cursor_page())
    g.unread_chat = listing["unread"]
    return page("chat.html", status, tab="chat", threads=listing["threads"], can_start=listing["can_start"],
                next_cursor=listing["next"],
                inputs=inputs or [subject_field(), body_field()], summary=list(summary))


@blueprint.get("/chat")
@client_required
def thread_list():
    return render_list()


@blueprint.post("/chat")
@client_required
def start_thread():
    inputs = [subject_field(), body_field()]
    errors = submitted(inputs)
    if errors:
        return render_list(inputs, show_errors(inputs, errors), 400)
    try:
        started = chat.start_my_thread(inputs[0].value, inputs[1].value)
    except (InvalidInput, PermissionDenied) as error:
        return render_list(inputs, show_errors(inputs, error.fields or {"subject": [error.message]}),
                           status_of(error))
    return go(".thread", thread_id=started["thread"]["id"])


def render_thread(opened, inputs=None, summary=(), status=200):
    g.pop("unread_chat", None)  # opening the thread read it: count again
    return page("chat_thread.html", status, tab="chat", thread=opened["thread"], messages=opened["messages"],
                next_cursor=opened["next"], inputs=inputs or [reply_field()], summary=list(summary))


@blueprint.get("/chat/<int:thread_id>")
@client_required
def thread(thread_id):
    return render_thread(chat.my_thread(thread_id, cursor_page()))


@blueprint.post("/chat/<int:thread_id>")
@client_required
def reply(thread_id):
    inputs = [reply_field()]
    errors = submitted(inputs)
    if not errors:
        try:
            chat.reply_mine(thread_id, inputs[0].value)
            return go(".thread", thread_id=thread_id, _anchor="reply")
        except InvalidInput as error:
            errors = error.fields or {"body": [error.message]}
    return render_thread(chat.my_thread(thread_id), inputs, show_errors(inputs, errors), 400)


@blueprint.get("/chat/<int:thread_id>/messages")
@client_required
def thread_messages(thread_id):
    """New messages after ``after``, as JSON, for the open page's script (also read by the client now)."""
    return new_messages(chat.my_messages_since(thread_id, after_argument()), "client")
