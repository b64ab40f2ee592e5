"""The business itself: its portal details and its logo."""
import base64

from flask import g

from gateway.services import rpc


def portal_config():
    """Return the business's portal details (profile and sign-in settings), asked once per request."""
    if "business" not in g:
        g.business = rpc().call("accounts", "get_portal_config")
    return g.business


def logo():
    """Return ``(image bytes, content type)`` of the business's logo; raise NotFound when there is none."""
    image = rpc().call("accounts", "get_logo")
    return base64.b64decode(image["content_base64"]), image["content_type"]


def store_logo(data, content_type):
    """Hand the image to accounts, which checks it really is a small PNG, JPEG, GIF or WebP."""
    return rpc().call("accounts", "set_logo", base64.b64encode(data).decode("ascii"), content_type)


def remove_logo():
    rpc().call("accounts", "remove_logo")
