"""What the portal's and the staff's chat pages share: reading a message form, and the new messages a page
polls for (JSON for static/chat.js, which adds them to the open thread without a reload)."""
from flask import jsonify, request

from gateway.web.forms import Field
from shared.errors import InvalidInput
from shared.fields import MAX_ID
from shared.i18n import _

SUBJECT_MAX, BODY_MAX = 200, 4000  # as tickets allows


def subject_field():
    return Field("subject", "text", _("Subject"), _("What the conversation is about, on one line."), required=True,
                 blank=_("Enter a subject."))


def body_field(label=None, blank=None):
    """The message's input, labelled ``label`` ("Message"), saying ``blank`` when left empty."""
    return Field("body", "textarea", label or _("Message"), _("Plain text, up to 4000 characters."), required=True,
                 blank=blank or _("Enter a message."))


def reply_field():
    return body_field(_("Your reply"), _("Enter a your reply."))


def submitted(inputs):
    """Fill ``inputs`` with what was sent; return the errors of those left blank."""
    errors = {}
    for item in inputs:
        item.value = request.form.get(item.name, "")
        if not item.value.strip():
            errors[item.name] = [item.blank or _("Enter a %(label)s.", label=item.label.lower())]
    return errors


def after_argument():
    """The ``after`` query argument: the id of the last message the page shows (0, all of them, when left out)."""
    text = request.args.get("after", "0")
    if not text.isdigit() or len(text) > 18 or int(text) > MAX_ID:
        raise InvalidInput(_("Say after which message."), {"after": [_("Not a message number.")]})
    return int(text)


def new_messages(answer, own_kind):
    """The JSON a polling page reads: each message with whether it is the page viewer's side's."""
    return jsonify({"messages": [{"id": message["id"], "body": message["body"], "created_at": message["created_at"],
                                  "own": message["author_kind"] == own_kind} for message in answer["messages"]]})
