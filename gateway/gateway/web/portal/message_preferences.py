"""Client portal pages: the Account tab's "Messages" form, how the account gets each kind of message (email, SMS)."""
from flask import Blueprint, request

from gateway.features import client_messages
from gateway.portal_auth import client_required
from gateway.web.portal.base import go
from shared.errors import ServiceTimeout, ServiceUnavailable


blueprint = Blueprint("message_preferences", __name__)


def my_preferences():
    """The account's choices for the Account tab, or None while notifications does not answer (the rest of the
    tab still works)."""
    try:
        return client_messages.my_message_preferences()
    except (ServiceUnavailable, ServiceTimeout):
        return None


def submitted(kinds):
    """Every kind's two boxes as ticked: an unticked box sends nothing, so absence means no."""
    return {item["kind"]: {"email": f"{item['kind']}.email" in request.form,
                           "sms": f"{item['kind']}.sms" in request.form} for item in kinds}


@blueprint.post("/account/message-preferences")
@client_required
def save_message_preferences():
    current = client_messages.my_message_preferences()
    client_messages.change_my_message_preferences(submitted(current["kinds"]))
    return go("portal.account.account", saved="messages", _anchor="messages")
