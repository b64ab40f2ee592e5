"""What the portal's and the staff's chat pages share: reading a message form, and the new messages a page
polls for (JSON for static/chat.js, which adds them to the open thread without a reload)."""
from flask import jsonify, request

from gateway.web.forms import Field
from shared.errors import InvalidInput
from shared.fields import MAX_ID

SUBJECT_MAX, BODY_MAX = 200, 4000  # as tickets allows


def subject_field():
    return Field("subject", "text", "Subject", "What the conversation is about, on one line.", required=True)


def body_field(label="Message"):
    return Field("body", "textarea", label, "Plain text, up to 4000 characters.", required=True)


def submitted(inputs):
    """Fill ``inputs`` with what was sent; return the errors of those left blank."""
    errors = {}
    for item in inputs:
        item.value = request.form.get(item.name, "")
        if not item.value.strip():
            errors[item.name] = [f"Enter a {item.label.lower()}."]
    return errors


def after_argument():
    """The ``after`` query argument: the id of the last message the page shows (0, all of them, when left out)."""
    text = request.args.get("after", "0")
    if not text.isdigit() or len(text) > 18 or int(text) > MAX_ID:
        raise InvalidInput("Say after which message.", {"after": ["Not a message number."]})
    return int(text)


def new_messages(answer, own_kind):
    """The JSON a polling page reads: each message with whether it is the page viewer's side's."""
    return jsonify({"messages": [{"id": message["id"], "body": message["body"], "created_at": message["created_at"],
                                  "own": message["author_kind"] == own_kind} for message in answer["messages"]]})
