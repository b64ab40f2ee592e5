"""The invitation email the business sends clients, as staff write it."""
from gateway.services import rpc


def invitation_template():
    return rpc().call("notifications", "get_invitation_template")


def change_invitation_template(template):
    """Store the template; notifications sanitises the HTML and returns what it stored."""
    return rpc().call("notifications", "update_invitation_template", template)


def send_sample(to):
    """Send the stored invitation to ``to``, with a link that does not work."""
    rpc().call("notifications", "send_sample_invitation", to)
