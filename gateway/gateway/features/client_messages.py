"""The messages a business sends its clients: the email templates staff edit (receipt, invoice, visit reminder;
the invitation has its own page too), emailing an invoice with a pay link, and each client's channel choices.

Notifications holds the templates and the preferences; billing decides an invoice may be emailed.
"""
from gateway.services import rpc

# The kinds edited on the generic editor; the invitation keeps its own page (invitation_email.py).
EDITABLE_KINDS = ("receipt", "invoice", "visit_reminder")


def message_templates():
    return rpc().call("notifications", "list_message_templates")


def message_template(kind):
    return rpc().call("notifications", "get_message_template", kind)


def change_message_template(kind, template):
    """Store the template; notifications sanitises the HTML and refuses unknown placeholders."""
    return rpc().call("notifications", "update_message_template", kind, template)


def reset_message_template(kind):
    return rpc().call("notifications", "reset_message_template", kind)


def preview_message_template(kind):
    return rpc().call("notifications", "preview_message_template", kind)


def send_sample(kind, to):
    rpc().call("notifications", "send_sample_message", kind, to)


def email_invoice(invoice_id, to=None):
    """Email an open invoice with its pay link (to ``to``, or the client's contact email)."""
    return rpc().call("billing", "email_invoice", invoice_id, to)


def my_message_preferences():
    return rpc().call("notifications", "my_message_preferences")


def change_my_message_preferences(prefs):
    return rpc().call("notifications", "set_my_message_preferences", prefs)
