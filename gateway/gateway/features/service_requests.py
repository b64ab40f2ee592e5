"""Service requests: a client asks to move or cancel a visit or for a new service; staff accept or decline.
Billing owns the rules (settings, the cut-off, one pending request at a time) and the outcome; tickets turns each
request into a ticket. A refusal tells the client how to reach the business instead (its phone and email, from
its portal profile), since the gateway is what knows the business's profile."""
from datetime import date, time

from flask import g

from gateway.services import rpc
from shared.errors import Conflict, PermissionDenied
from shared.i18n import _


def billing(method, *args):
    return rpc().call("billing", method, *args)


def as_sent(values):
    """``values`` with dates and times as text, as billing reads them."""
    if isinstance(values, dict):
        return {key: as_sent(value) for key, value in values.items()}
    if isinstance(values, list):
        return [as_sent(value) for value in values]
    if isinstance(values, time):
        return values.strftime("%H:%M")
    return values.isoformat() if isinstance(values, date) else values


def reach_us(business=None):
    """How to reach the business instead: "Call us on … or email …." (None when it gave neither)."""
    business = business or g.get("business") or g.get("portal_tenant") or {}
    phone, email = business.get("contact_phone"), business.get("contact_email")
    if phone and email:
        return _("To ask anyway, call us on %(phone)s or email %(email)s.", phone=phone, email=email)
    if phone:
        return _("To ask anyway, call us on %(phone)s.", phone=phone)
    if email:
        return _("To ask anyway, email %(email)s.", email=email)
    return None


def _with_contact(call, with_contact=True):
    """Run ``call``; a refusal (too late, turned off, already asked) also says how to reach the business (the pages
    show the business's phone and email beside the message themselves)."""
    if not with_contact:
        return call()
    try:
        return call()
    except (Conflict, PermissionDenied) as error:
        contact = reach_us()
        if contact is None:
            raise
        raise type(error)(f"{error.message} {contact}", error.fields) from None


# --- clients ------------------------------------------------------------------------------------

def ask_about_visit(visit_id, request, with_contact=True):
    """``request``: ``{kind: reschedule|cancel, preferred_dates, note}``."""
    return _with_contact(lambda: billing("request_visit_change", visit_id, as_sent(request)), with_contact)


def visit_options(visit_id):
    """What the client may ask about a visit of their account, and until when."""
    return billing("my_visit_request_options", visit_id)


def offered_services():
    return billing("my_offered_services")


def ask_for_service(request, with_contact=True):
    """``request``: ``{service_id, preferred_dates, note}``."""
    return _with_contact(lambda: billing("request_service", as_sent(request)), with_contact)


def visit_reference(visit_id):
    """``{kind: "visit", id, label}`` of a visit of the client's account (another's is not found)."""
    return billing("my_visit_reference", visit_id)


# --- staff --------------------------------------------------------------------------------------

def list_requests(filters):
    return billing("list_service_requests", {key: value for key, value in filters.items() if value is not None})


def get_request(request_id):
    return billing("get_service_request", request_id)


def decide(request_id, decision):
    return billing("decide_service_request", request_id, as_sent(decision))
