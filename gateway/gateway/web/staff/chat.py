"""Staff pages: the chat inbox (every thread with the business's clients, newest activity first, by client or
unread), starting a thread with a client, one thread with its reply form; and the unread count beside "Chat" in
the navigation. An open thread shows new messages as they come (static/chat.js polls ``thread_messages``)."""
import logging

from flask import Blueprint, g, redirect, render_template, request, url_for

from gateway.errors import status_of
from gateway.features import chat
from gateway.features.clients import client_names, first_clients
from gateway.web.chat_pages import (after_argument, body_field, new_messages, reply_field, subject_field,
                                   submitted)
from gateway.web.paging import cursor_page
from gateway.web.staff.base import staff_page
from gateway.web.staff.billing_inputs import client_input, whole_number
from shared.errors import InvalidInput, NotFound, PorticoError
from shared.fields import MAX_ID
from shared.i18n import N_, _

log = logging.getLogger(__name__)

blueprint = Blueprint("chat", __name__)
COUNT_TIMEOUT_SECONDS = 1.0  # the navigation waits this long for the count, then shows the page without it
CHOOSE_A_CLIENT = N_("Choose a client.")


@blueprint.app_template_global()
def unread_staff_chat_count():
    """How many client messages no one at the business has read; None when tickets cannot say."""
    if "unread_staff_chat" not in g:
        try:
            g.unread_staff_chat = chat.unread(timeout=COUNT_TIMEOUT_SECONDS)
        except PorticoError as error:
            log.warning("staff navigation without the unread chat count: %s", error)
            g.unread_staff_chat = None
    return g.unread_staff_chat


def filters_of(args):
    """The inbox's filters from the query string; a client that is not a number is ignored."""
    text = args.get("client", "")
    account_id = int(text) if text.isdigit() and 0 < int(text) <= MAX_ID else None
    return {"account_id": account_id, "unread_only": args.get("unread") == "1"}


def render_inbox(start_inputs=None, summary=(), status=200):
    listing = first_clients()
    filters = filters_of(request.args)
    found = chat.threads({**filters, **cursor_page()})
    g.unread_staff_chat = found["unread"]
    names = client_names({thread["account_id"] for thread in found["threads"]}, listing)
    chosen = request.args.get("client", "")
    inputs = start_inputs or [client_input("account_id", _("Client"), listing, chosen), subject_field(),
                              body_field()]
    return render_template("staff/chat.html", threads=found["threads"], total=found["total"], names=names,
                           next_cursor=found["next"],
                           filter_client=client_input("client", _("Client"), listing, chosen), filters=filters,
                           inputs=inputs, summary=list(summary)), status


@blueprint.get("/chat")
@staff_page
def inbox():
    return render_inbox()


@blueprint.post("/chat")
@staff_page
def start_thread():
    inputs = [client_input("account_id", _("Client"), first_clients(), request.form.get("account_id", "")),
              subject_field(), body_field()]
    errors = submitted(inputs[1:])
    try:
        account_id = whole_number(request.form.get("account_id", ""), _(CHOOSE_A_CLIENT), largest=MAX_ID)
    except ValueError as error:
        errors["account_id"] = [str(error)]
    if errors:
        return render_inbox(inputs, summary_of(inputs, errors), 400)
    try:
        started = chat.start_thread(account_id, inputs[1].value, inputs[2].value)
    except NotFound:
        return render_inbox(inputs, summary_of(inputs, {"account_id": [
            _("There is no such client. Choose one from the list.")]}), 404)
    except InvalidInput as error:
        return render_inbox(inputs, summary_of(inputs, error.fields or {"body": [error.message]}), status_of(error))
    return redirect_to_thread(started["thread"]["id"])


def summary_of(inputs, errors):
    """Put each message beside its input; return the error summary."""
    by_name = {item.name: item for item in inputs}
    for name, texts in errors.items():
        by_name.get(name, inputs[-1]).errors.extend(texts)
    return [(f"#{item.input_id}", f"{item.label}: {text}") for item in inputs for text in item.errors]


def redirect_to_thread(thread_id, anchor=None):
    return redirect(url_for(".thread", thread_id=thread_id, _anchor=anchor), 303)


def render_thread(opened, inputs=None, summary=(), status=200):
    g.pop("unread_staff_chat", None)  # opening the thread read it: count again
    names = client_names({opened["thread"]["account_id"]})
    return render_template("staff/chat_thread.html", thread=opened["thread"], messages=opened["messages"],
                           next_cursor=opened["next"],
                           client_name=names.get(opened["thread"]["account_id"]),
                           inputs=inputs or [reply_field()], summary=list(summary)), status


@blueprint.get("/chat/<int:thread_id>")
@staff_page
def thread(thread_id):
    return render_thread(chat.thread(thread_id, cursor_page()))


@blueprint.post("/chat/<int:thread_id>")
@staff_page
def reply(thread_id):
    inputs = [reply_field()]
    errors = submitted(inputs)
    if not errors:
        try:
            chat.reply(thread_id, inputs[0].value)
            return redirect_to_thread(thread_id, "reply")
        except InvalidInput as error:
            errors = error.fields or {"body": [error.message]}
    return render_thread(chat.thread(thread_id), inputs, summary_of(inputs, errors), 400)


@blueprint.get("/chat/<int:thread_id>/messages")
@staff_page
def thread_messages(thread_id):
    """New messages after ``after``, as JSON, for the open page's script (read by the business now)."""
    return new_messages(chat.messages_since(thread_id, after_argument()), "staff")
