"""The invitation email the business sends clients, as staff write it, and the welcome document it offers.

Notifications holds the email; tickets holds the welcome document (a document of the business), which each
new client finds in Documents at their first sign-in.
"""
from gateway.features.documents import hand_over, uploaded_document
from gateway.services import rpc
from shared.errors import invalid
from shared.i18n import _


def invitation_template():
    return rpc().call("notifications", "get_invitation_template")


def change_invitation_template(template):
    """Store the template; notifications sanitises the HTML and returns what it stored."""
    return rpc().call("notifications", "update_invitation_template", template)


def send_sample(to):
    """Send the stored invitation to ``to``, with a link that does not work."""
    rpc().call("notifications", "send_sample_invitation", to)


def invitation_document():
    """``{documents_enabled, document}``: the welcome document attached to the invitation, or null."""
    return rpc().call("tickets", "invitation_document")


def uploaded_invitation_document(from_page=False):
    """Return ``(document, bytes)`` of the upload of a welcome document: a file and its title, no folder."""
    document, data = uploaded_document(from_page=from_page)
    if document.pop("folder"):
        raise invalid("folder", _("The invitation's document goes in no folder."))
    document.pop("done")
    return document, data


def attach_invitation_document(document, data):
    return hand_over("attach_invitation_document", (), document, data)


def remove_invitation_document():
    return rpc().call("tickets", "remove_invitation_document")
