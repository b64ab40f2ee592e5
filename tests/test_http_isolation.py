"""Every route of the gateway that takes an id refuses another account's and another business's ids.

The routes come from the gateway's own route table (tests/http_routes.py): every rule with an id in its URL,
and every API operation or page form that reads an id, is called, with every method it answers:
- as business B's owner, with business A's ids (staff API and pages);
- as A's client one, with A's client two's ids (portal API and pages of A);
- as B's client, with A's ids, at B's portal (a link token of A's included);
once for each place the route takes an id, with the other's id there and the caller's own everywhere else.
Each call carries a valid session, CSRF token, Origin and Idempotency-Key, and every feature is turned on, so
what refuses it is the check of that id. The answer is 403 or 404 and speaks of the kind of thing sent
("No such invoice."); never a success, a redirect or a server error. A few routes answer otherwise by design
(``REFUSED_AS_INPUT``: 400, ``ANSWERED_AS_NOTHING``: 200, each with its reason), and then their answer must be
exactly the one an id that names nothing gets. Afterwards every row of every service's database is as it was.
"""
import re
import uuid
from datetime import date, timedelta

import pytest
from marshmallow import Schema, fields

from gateway.app import create_app
from portico_testing import images, row_changes, wait_for
from portico_testing.documents import PDF
from tests.http_routes import kind_of, routes
from tests.portal_helpers import (as_staff, create_client, invite, new_address, registered_client, reset_token,
                                  uploaded)
from tests.test_deadlines import card_token

pytestmark = pytest.mark.backends("postgresql")

STRONG = "a brand new passphrase of mine"
DUE = (date.today() + timedelta(days=9)).isoformat()
SOON = (date.today() + timedelta(days=2)).isoformat()
ORIGIN = "http://localhost"
CSRF_REFUSAL = "The form has expired"
SLUGS = ("alpha-matrix", "bravo-matrix")  # businesses A and B


class Body:
    """A valid body built by ``build(ids, victim)``: ``ids`` maps each of ``slots`` (places an id goes that the
    generator cannot fill by name, such as a nested list's) to the id chosen for it; ``victim`` holds extras."""

    def __init__(self, build, slots=()):
        self.build, self.slots = build, slots


def new_card_form(card):
    return {"method": "new-card", **{f"card_{part}": str(card[part]) for part in
                                     ("token", "brand", "last4", "exp_month", "exp_year")}}


INTRUDING_ANNOUNCEMENT = {"title": "Intruder", "html": "<p>Intruder</p>", "audience": "accounts", "starts_on": SOON}


# What a valid request of each route holds besides the ids the generator fills in (``v``: the victim's
# objects, ``new_card``: a freshly tokenised card). Every route that takes an id and reads a body is here.
BODIES = {
    "portal_api.autopay.enroll_autopay": {"consent": True},
    "portal_api.sign_in.accept_invitation": {"password": STRONG},
    "portal_api.sign_in.reset_password": {"password": STRONG},
    "portal_api.payment_methods.replace_payment_method": Body(lambda ids, v: v["new_card"]),
    "portal_api.payments.pay_invoices": {}, "portal_api.payments.quote_payment": {},
    "portal_api.payments.make_prepayment": {"amount": 1_000},
    "portal_api.sign_in.switch_account": {},
    "staff_api.client_billing.put_autopay_lock": {"locked": True},
    "staff_api.alerts.post_alerts_read": {}, "staff_api.charge_runs.post_charge_run": {},
    "staff_api.clients.create_client": {"name": "Ivy Intruder"},
    "staff_api.clients.update_client": {"name": "Renamed by an intruder"},
    "staff_api.clients.set_custom_field_values": {},
    "staff_api.invoices.post_invoice": {"due_date": DUE, "lines": [{"description": "Intruder", "unit_price": 100}]},
    "staff_api.invoices.post_invoice_void": {}, "staff_api.invoices.post_invoice_email": {},
    "staff_api.invoices.post_invoice_refund": {"amount": 100, "destination": "credit"},
    "staff.invoice_refund.refund_invoice": Body(lambda ids, v: {"amount": "1.00", "destination": "credit",
                                                                "key": uuid.uuid4().hex, "confirm": "yes"}),
    "staff.invoice.email_invoice": {}, "staff_api.jobs.post_job": {"title": "Intruder job"},
    "staff_api.jobs.patch_service": {"price": 1}, "staff_api.jobs.schedule_job": {"start_on": SOON},
    "staff_api.jobs.pause_job": {"reason": "Intruder"}, "staff_api.jobs.resume_job": {},
    "staff_api.jobs.put_client_status": {"client_status": "Intruder"}, "staff_api.jobs.complete_visit": {},
    "staff_api.jobs.put_visit_date": {"scheduled_on": SOON}, "staff_api.jobs.put_visit_notes": {"notes": "Intruder"},
    "staff.jobs.schedule": {"start_on": SOON}, "staff.jobs.pause": {"reason": "Intruder"}, "staff.jobs.resume": {},
    "staff.jobs.cancel": {}, "staff.jobs.client_status": {"status_choice": "Completed"},
    "staff.jobs.complete_visit": {"notes": "Intruder"}, "staff.jobs.skip_visit": {}, "staff.jobs.cancel_visit": {},
    "staff.jobs.move_visit": {"scheduled_on": SOON}, "staff.jobs.visit_notes": {"notes": "Intruder"},
    "staff.service_list.save_changes": {"name": "Intruder", "price": "1.00", "recurrence": "once"},
    "staff.service_list.set_active": {"active": "false"}, "staff.clients.add_job": {"title": "Intruder job"},
    "staff_api.portal_users.invite_clients": {}, "staff_api.portal_users.send_password_resets": {},
    "staff_api.portal_users.link_portal_user": {"rights": "manage"},
    "staff_api.client_billing.apply_prepayment": Body(lambda ids, v: {"allocations": [
        {"invoice_id": ids["allocations[].invoice_id"], "amount": 100}]}, slots=["allocations[].invoice_id"]),
    "portal.autopay.enroll_autopay": {"consent": "yes"},
    "portal.methods.remove_method": {},
    "portal.methods.replace_method": Body(lambda ids, v: new_card_form(v["new_card"])),
    "portal.billing.pay": Body(lambda ids, v: {"idempotency_key": uuid.uuid4().hex}),
    "portal.billing.review_payment": {},
    "portal.prepayment.make_prepayment": Body(lambda ids, v: {"amount": "10.00",
                                                              "idempotency_key": uuid.uuid4().hex}),
    "portal.links.accept_invitation": {"password": STRONG}, "portal.links.submit_reset": {"password": STRONG},
    "portal.home.switch": {}, "portal.bank_check.confirm_payment": {},
    "staff.alerts.mark_all_read": {}, "staff.charge_runs.start_charge_run": {},
    "staff.clients.update_client": {"name": "Renamed by an intruder"},
    "staff.client_billing.autopay_lock": {"locked": "true"},
    # The Apply prepayment form names each invoice in its inputs' names: apply-<invoice id>.
    "staff.client_billing.apply_prepayment": Body(lambda ids, v: {f"apply-{ids['apply-<invoice_id>']}": "1.00"},
                                                  slots=["apply-<invoice_id>"]),
    "staff.clients.save_custom_fields": {}, "staff.clients.invite_client": {},
    "staff.clients.send_password_reset": {},
    "staff.clients.add_property": {"property_name": "Intruder's lake house"},
    "staff.custom_fields.delete_custom_field": {},
    "staff.invoices.create_invoice": {"due_date": DUE, "line-0-description": "Intruder", "line-0-quantity": "1",
                                      "line-0-unit_price": "1.00"},
    "staff.invoice.void_invoice": {}, "staff.portal_users.bulk_portal_action": {"action": "invite"},
    "portal_api.chat.reply": {"body": "Intruder"}, "portal.chat.reply": {"body": "Intruder"},
    "staff_api.chat.reply": {"body": "Intruder"}, "staff.chat.reply": {"body": "Intruder"},
    "staff_api.chat.start_thread": {"subject": "Intruder", "body": "Intruder"},
    "staff.chat.start_thread": {"subject": "Intruder", "body": "Intruder"},
    "staff_api.tickets.assign": {}, "staff_api.tickets.set_status": {"status": "closed"},
    "staff_api.tickets.change_category": {"name": "Renamed by an intruder"},
    "staff.tickets.assign": {}, "staff.tickets.set_status": {"status": "closed"},
    "staff.tickets.reply": {"body": "An intruder's reply"}, "portal.tickets.reply": {"body": "An intruder's reply"},
    # The open-a-ticket form is read by gateway.ticket_files (the API's reader too), out of the generator's sight.
    "portal.tickets.open_ticket": Body(lambda ids, v: {"category_id": ids["category_id"], "body": "Intruder"},
                                       slots=["category_id"]),
    "staff.documents.share": {"title": "Intruder"}, "staff.documents.delete": {},
    "staff_api.estimates.post_estimate": {"title": "Intruder", "lines": [{"description": "Intruder",
                                                                           "unit_price": 100}]},
    "staff_api.estimates.patch_estimate": {"title": "Renamed by an intruder"},
    "staff_api.estimates.send_estimate": {},
    "portal_api.estimates.decide": {"decision": "approved", "note": "Intruder"},
    "portal.estimates.decide": {"decision": "approved", "note": "Intruder"},
    "staff.estimates.create_estimate": {"title": "Intruder", "line-0-description": "Intruder",
                                        "line-0-quantity": "1", "line-0-unit_price": "1.00"},
    "staff.estimates.send_estimate": {},
    "staff.ticket_categories.rename_category": {"name": "Renamed by an intruder"},
    "staff.ticket_categories.move_category": {"direction": "up"},
    "staff.ticket_categories.set_visibility": {"hidden": "true"},
    # The page reads the form through gateway.ticket_files, as the portal's does.
    "staff.ticket_new.open_ticket": Body(lambda ids, v: {"category_id": ids["category_id"], "body": "Intruder"},
                                        slots=["category_id"]),
    "portal_api.service_requests.ask_about_visit": {"kind": "cancel"},
    "portal_api.service_requests.ask_for_service": {"preferred_dates": [DUE]},
    "portal.service_requests.send_reschedule": {"preferred_date_1": DUE},
    "portal.service_requests.send_cancel": {},
    "portal.service_requests.send_service_request": {"preferred_date_1": DUE},
    "staff_api.service_requests.decide": {"outcome": "decline", "reason": "An intruder's reason"},
    "staff.service_requests.decide": {"outcome": "decline", "reason": "An intruder's reason"},
    "staff_api.announcements.create_announcement": INTRUDING_ANNOUNCEMENT,
    "staff_api.announcements.update_announcement": INTRUDING_ANNOUNCEMENT,
    "staff.announcements.publish": INTRUDING_ANNOUNCEMENT, "staff.announcements.save": INTRUDING_ANNOUNCEMENT,
    "staff.announcements.withdraw": {}, "portal_api.feed.mark_feed_read": {}, "portal.feed.mark_read": {},
    "portal.feed.dismiss": {},
}
# Routes whose answer to a foreign id is not 403/404, and why. Their answer must be exactly the one the same
# request gets with ids that name nothing at all (NOWHERE): it tells the caller nothing about the other's data.
NOWHERE = 999_999_999
REFUSED_AS_INPUT = {  # 400: the id is a value of a form or body, refused with a message on its field
    "staff_api.charge_runs.post_charge_run": "invoice_ids: only invoices awaiting an autopay charge may be "
                                             "charged; another business's invoice is refused as one that is not",
    "staff.charge_runs.start_charge_run": "the page's twin of the above, the list drawn again with the message",
    "staff.invoices.create_invoice": "the New invoice form's client chooser: 'There is no such client', the "
                                     "form drawn again (its API twin answers 404)",
    "staff_api.tickets.assign": "assignee_id: 'Choose a member of your staff', as for an id that is no one's",
    "staff.tickets.assign": "the page's twin of the above, the ticket drawn again with the message",
    "portal.tickets.open_ticket": "category_id: 'Choose one of the categories offered', the form drawn again",
    "portal_api.service_requests.ask_for_service": "service_id: 'Choose one of the services offered', as for a "
                                                   "service that is not offered",
    "portal.service_requests.send_service_request": "the page's twin of the above, the form drawn again",
    "staff_api.invoices.post_invoice_refund": "payment_id: 'Choose a payment that went through and paid this "
                                              "invoice', as for any payment that paid nothing on it",
    "staff.invoice_refund.refund_invoice": "the page's twin of the above, the invoice drawn again with the message",
}
ANSWERED_AS_NOTHING = {  # 200 that acts on nothing
    "staff_api.invoices.list_invoices": "a filter of one's own invoices by client: another's client finds none",
    "staff.invoices.invoice_list": "the page's twin of the above",
    "staff_api.estimates.list_estimates": "a filter of one's own estimates by client: another's client has none",
    "staff_api.chat.list_threads": "a filter of one's own chat threads by client: another's client has none",
    "staff.chat.inbox": "the chat inbox, whose start form names a client: the page is drawn as for any id",
    "staff_api.portal_users.invite_clients": "a bulk action answered client by client: a foreign id's row "
                                             "says 'No such client.', as for one that was deleted",
    "staff_api.portal_users.send_password_resets": "the same for password resets",
    "staff.portal_users.bulk_portal_action": "the page's twin of both",
    "staff_api.tickets.inbox": "a filter of one's own tickets by category, assignee or client: another's finds none",
    "staff.tickets.inbox": "the page's twin of the above",
    "staff_api.service_requests.list_requests": "a filter of one's own service requests by client: another's "
                                                "client has none",
}


# --- the two businesses ----------------------------------------------------------------------------------

def client_with_money(system, tenant, name):
    """A registered client of ``tenant`` with a card, an open invoice, a paid one, a prepayment and a job."""
    client, session = registered_client(system, tenant, name=name)
    me = system.client_context(tenant, session["portal_user"]["id"], client["id"])
    staff = system.context(tenant)
    billing = lambda method, *args, context=staff: system.rpc.call("billing", method, *args,  # noqa: E731
                                                                   context=context)
    invoice = lambda text: billing("create_invoice", {  # noqa: E731
        "account_id": client["id"], "due_date": DUE, "lines": [{"description": text, "unit_price": 4_200}]})["id"]
    found = {"account": client["id"], "email": client["email"], "portal_user": session["portal_user"]["id"],
             "session": session, "context": me, "tenant": tenant}
    found["method"] = billing("add_payment_method", card_token(system), context=me)["id"]
    found["invoice"] = invoice(f"{name} hedge trimming")
    billing("pay_invoices", uuid.uuid4().hex, {"invoice_ids": [invoice(f"{name} edging")], "receipt_to":
                                               client["email"], "payment_method_id": found["method"]}, context=me)
    found["payment"] = billing("make_prepayment", uuid.uuid4().hex, {
        "amount": 5_000, "payment_method_id": found["method"], "receipt_to": client["email"]},
        context=me)["payment"]["id"]
    found["service"] = billing("create_service", {"name": f"{name} mowing", "price": 4_500,
                                                  "recurrence": "weekly"})["id"]
    job = billing("create_job", {"account_id": client["id"], "service_id": found["service"], "schedule": {
        "start_on": SOON, "window_start": "09:00", "window_end": "11:00"}})
    found["job"], found["visit"] = job["id"], job["visits"][0]["id"]
    found["waiting_job"] = billing("create_job", {"account_id": client["id"], "title": f"{name} aeration",
                                                  "price": 9_000})["id"]
    found["estimate"] = billing("send_estimate", billing("create_estimate", {
        "account_id": client["id"], "title": f"{name} aeration",
        "lines": [{"description": f"{name} aeration", "unit_price": 9_900}]})["id"])["id"]
    found["document"] = system.rpc.call("tickets", "share_document", client["id"], {
        "upload_id": uploaded(system, PDF), "title": f"{name} engagement letter"}, context=staff)["id"]
    found["chat_thread"] = system.rpc.call("tickets", "start_chat_thread", {
        "account_id": client["id"], "subject": f"{name} chat", "body": f"{name}, hello"}, context=staff)["thread"]["id"]
    found["announcement"] = system.rpc.call("notifications", "create_announcement", {
        "title": f"{name} news", "html": f"<p>{name}, hello</p>", "audience": "accounts",
        "account_ids": [client["id"]], "starts_on": date.today().isoformat()}, context=staff)["id"]
    found["feed_item"] = wait_for(lambda: system.rpc.call("notifications", "my_feed", context=me)["items"],
                                  message="the client's feed")[-1]["id"]
    return {**found, **ticket_of(system, tenant, me, name)}


def ticket_of(system, tenant, me, name):
    """The client's ticket with a photo, the business's category it is under, and its owner (a staff member)."""
    options = system.rpc.call("tickets", "my_ticket_options", context=me)
    category = options["categories"][0]["id"]
    opened = system.rpc.call("tickets", "open_my_ticket", {
        "category_id": category, "body": f"{name} gate left open",
        "attachments": [{"blob_id": uploaded(system, images.image("PNG")), "filename": "gate.png"}]}, context=me)
    ticket = system.rpc.call("tickets", "my_ticket", opened["id"], context=me)
    return {"ticket": opened["id"], "attachment": ticket["messages"][0]["attachments"][0]["id"],
            "category": category, "staff_member": tenant["owner"]["id"]}


def business(system, slug, name):
    tenant, credentials = system.new_tenant(slug=slug, display_name=name)
    staff = system.context(tenant)
    system.rpc.call("notifications", "update_settings", "alerts", {"payment_made": [tenant["owner"]["id"]]},
                    context=staff)
    # Every feature a route of the matrix uses is on, so a refusal is never that of a feature turned off.
    system.rpc.call("billing", "update_settings", "billing", {
        "autopay_enabled": True, "prepayments_enabled": True, "allow_partial_payments": True}, context=staff)
    return tenant, credentials, staff


def business_objects(system, tenant, staff, one, invited_name):
    """What a business has beside its clients' own: a visit change asked by client ``one`` (enrolled in autopay),
    a custom field, a charge run, an open invitation, an alert, a sent message and a password reset link."""
    system.rpc.call("billing", "enroll_autopay", one["method"], True, context=one["context"])
    autopay_invoice = system.rpc.call("billing", "create_invoice", {
        "account_id": one["account"], "due_date": DUE, "lines": [{"description": "Autopay", "unit_price": 900}]},
        context=staff)["id"]
    shared = {
        "service_request": system.rpc.call("billing", "request_visit_change", one["visit"], {
            "kind": "reschedule", "preferred_dates": [DUE]}, context=one["context"])["id"],
        "field": as_staff(system, tenant, "create_custom_field", {"key": "gate_code", "label": "Gate code",
                                                                  "type": "text"})["id"],
        "run": system.rpc.call("billing", "start_charge_run", [autopay_invoice], context=staff)["id"],
        "invitation": invite(system, tenant, create_client(system, tenant, name=invited_name)),
        "alert": wait_for(lambda: system.rpc.call("notifications", "list_my_alerts", context=staff),
                          message="a payment's alert")[0]["id"],
        "message": system.rpc.call("notifications", "list_outbox", context=staff)["items"][0]["id"],
    }
    as_staff(system, tenant, "send_password_resets", [one["account"]])
    shared["reset"] = reset_token(system, one["email"])
    return shared


@pytest.fixture(scope="module")
def world(system):
    """Business A (two clients with money, a field, a charge run, an alert, a message, open links) and B."""
    tenant, credentials, staff = business(system, SLUGS[0], "Alpha Matrix Lawns")
    one, two = (client_with_money(system, tenant, f"Alpha Matrix {n}") for n in ("One", "Two"))
    shared = business_objects(system, tenant, staff, one, "Alpha Matrix Three")
    bravo, bravo_credentials, _ = business(system, SLUGS[1], "Bravo Matrix Pools")
    bravo_client = client_with_money(system, bravo, "Bravo Matrix Client")
    new_card = card_token(system)
    victims = {"alpha": {**one, **shared, "new_card": new_card},
               # A link's token is itself the credential: whoever holds it may use it, so a client of the
               # same business gets no other client's links to try.
               "client two": {**two, "invitation": None, "reset": None, "new_card": new_card,
                              # The business's categories, staff and services are client one's as much as two's.
                              "category": None, "staff_member": None, "service": None}}
    return {"alpha": tenant, "alpha credentials": credentials, "bravo": bravo,
            "bravo credentials": bravo_credentials, "one": one, "two": two, "bravo client": bravo_client,
            "victims": victims}


class Caller:
    """One signed-in caller: API headers, and a browser-like test client with its cookie and CSRF token; the
    caller's ``own`` objects and the ``victim``'s, and words of the victim's that must not reach the caller."""

    def __init__(self, system, name, audience, slug, session, own, victim, markers):
        self.name, self.audience, self.slug, self.markers = name, audience, slug, markers
        self.own, self.victim = own, victim
        token, self.csrf = session["token"], session["csrf_token"]
        self.api_headers = {"Authorization": f"Bearer {token}"}
        self.api, self.browser = system.app.test_client(), system.app.test_client()
        # The cookies as a browser keeps them (Secure, __Host-): the staff's, or the one named for this portal.
        cookie = "__Host-portico_staff" if audience == "staff" else f"__Host-portico_client_{slug}"
        self.browser.set_cookie(cookie, token)

    def aiming_at(self, victim):
        """The same caller, aiming at other objects."""
        other = Caller.__new__(Caller)
        other.__dict__.update(self.__dict__, victim=victim)
        return other


@pytest.fixture(scope="module")
def callers(system, world):
    response = system.http.post("/api/v1/staff/sessions", json=world["bravo credentials"],
                                environ_base=new_address())
    assert response.status_code == 201, response.get_json()
    one, bravo_client, alpha = world["one"], world["bravo client"], world["victims"]["alpha"]
    return [
        Caller(system, "B's owner", "staff", None, response.get_json(), bravo_client, alpha, ["Alpha Matrix"]),
        Caller(system, "A's client one", "portal", SLUGS[0], one["session"], one,
               world["victims"]["client two"], ["Alpha Matrix Two"]),
        Caller(system, "B's client", "portal", SLUGS[1], bravo_client["session"], bravo_client, alpha,
               ["Alpha Matrix"]),
    ]


# --- the requests ------------------------------------------------------------------------------------------

def slots_of(route):
    """Every place ``route`` takes an id: the generator's, and those a body in BODIES declares."""
    template = BODIES.get(route.endpoint)
    declared = [("body", slot) for slot in template.slots] if isinstance(template, Body) else []
    return [slot for slot in route.slots if slot[0] != "nested"] + declared


def value_of(slot, route, objects):
    """The id ``objects`` hold for ``slot`` of ``route`` (a list for a field of several)."""
    key = kind_of(slot, route.rule)
    if key not in objects:
        raise LookupError(f"{route.name}: no {key!r} for {slot!r}; teach world() to make one")
    value = objects[key]
    return [value] if slot.endswith("_ids") and value is not None else value


def request_for(app, route, caller, foreign):
    """``(path, keyword arguments of the test client's open)`` for ``route`` called by ``caller`` with the
    victim's id in slot ``foreign`` and the caller's own ids in any other; None when the victim has no such
    thing for this caller (a link token within one business)."""
    ids = {name: value_of(name, route, caller.victim if (where, name) == foreign else caller.own)
           for where, name in slots_of(route)}
    if ids[foreign[1]] is None:
        return None
    rule = next(rule for rule in app.url_map.iter_rules(route.endpoint) if rule.rule == route.rule)
    values = {name: ids[name] for name in route.path_ids}
    if "slug" in rule.arguments:
        values["slug"] = caller.slug
    path = rule.build(values, append_unknown=False)[1]
    body = {}
    if route.has_body:
        template = BODIES[route.endpoint]  # a KeyError here: teach BODIES this route's valid body
        body = template.build(ids, caller.victim) if isinstance(template, Body) else dict(template)
        body.update({name: ids[name] for name in route.body_ids})
    headers = {"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"} if route.method != "GET" else {}
    headers.update({name: uuid.uuid4().hex for name in route.headers})
    arguments = {"method": route.method, "query_string": {name: ids[name] for name in route.query_ids},
                 "headers": headers, "environ_base": new_address()}
    if route.api:
        headers.update(caller.api_headers)
        if route.has_body:
            arguments["json"] = body
    elif route.method != "GET":
        headers["X-CSRF-Token"] = caller.csrf
        arguments["data"] = {**{name: [str(item) for item in value] if isinstance(value, list) else str(value)
                                for name, value in body.items()}, "csrf_token": caller.csrf}
    return path, arguments


def matrix(app, callers):
    """``(route, caller, slot)`` for every route that takes an id, each caller of its audience, and each place
    the route takes an id (the victim's id there, the caller's own everywhere else)."""
    found, problems = routes(app)
    assert not problems, "Teach tests/http_routes.py these ids:\n" + "\n".join(problems)
    for route in found:
        if route.takes_ids:
            for caller in callers:
                if caller.audience == route.audience:
                    for slot in slots_of(route):
                        yield route, caller, slot


def send(caller, path, arguments):
    """API calls carry the bearer token alone; page requests go with the browser's cookie."""
    return (caller.api if "Authorization" in arguments["headers"] else caller.browser).open(path, **arguments)


# --- every database, table by table ----------------------------------------------------------------------

# Failure counters and processed events are bookkeeping of sign-in and delivery; a session's last-seen time
# moves on every request by design.
NOT_COMPARED = {"throttle_counters", "processed_events"}
# A ticket's unread markers are cleared whenever its own side is shown it, as a form drawn again with a message
# (another's staff member named as assignee) shows the caller's own ticket.
MOVING_COLUMNS = {"last_seen_at", "staff_unread", "client_unread"}


def snapshot(system, settle=False):
    """Every row of every table of every service database; of a table with a business column, the rows of the
    two businesses here (the System is shared with other modules, whose late events are theirs). With
    ``settle``, once the events of setting up have run their course."""
    tenants = [system.rpc.call("accounts", "find_tenant", slug)["id"] for slug in SLUGS]
    read = system.databases.settled_rows if settle else system.databases.rows
    return read(tenants, skip_tables=NOT_COMPARED, skip_columns=MOVING_COLUMNS)


# --- the answers ------------------------------------------------------------------------------------------

# What a refusal of each kind of id says, so that it is known to refuse the foreign id and not another.
REFUSAL_WORDS = {"invoice": "invoice", "method": "payment method", "account": ("client", "account"),
                 "portal_user": "portal user", "payment": "payment", "job": "job", "alert": "alert",
                 "run": "charge run", "field": "custom field", "message": "message", "invitation": "link",
                 "chat_thread": "chat thread", "document": "document", "estimate": "estimate", "service": "service",
                 "visit": "visit",
                 "reset": "link", "ticket": "ticket", "attachment": "file", "category": "categor",
                 "staff_member": "staff", "visit": "visit", "service_request": "request", "service": "service",
                 "announcement": "announcement", "feed_item": "notification"}


def verdict(system, route, caller, slot, response):
    """Why ``response`` is not a refusal of the foreign id, or None when it is one."""
    status, text = response.status_code, response.get_data(as_text=True)
    if CSRF_REFUSAL in text or status == 401:
        return f"{status}: refused before the ownership check (session or CSRF), so the check went untested"
    leaked = [marker for marker in caller.markers if marker in text]
    if leaked:
        return f"{status}: the answer shows {leaked}"
    words = REFUSAL_WORDS[kind_of(slot[1], route.rule)]
    if status in (400, 403, 404) and not any(word in text.lower() for word in (
            (words,) if isinstance(words, str) else words)):
        return f"{status}, but not about the {slot[1]} sent: {gist(response)}"
    if status in (403, 404):
        return None
    if (status, route.endpoint) in {(400, name) for name in REFUSED_AS_INPUT} | \
            {(200, name) for name in ANSWERED_AS_NOTHING}:
        nowhere = caller.aiming_at({key: NOWHERE if type(value) is int else value
                                    for key, value in caller.victim.items()})
        other = send(nowhere, *request_for(system.app, route, nowhere, slot))
        if (other.status_code, normal(other)) == (status, normal(response)):
            return None
        return f"{status}: differs from the answer to ids that name nothing ({other.status_code}): " \
               f"{gist(response)} || {gist(other)}"
    return f"{status}: {gist(response)}"


def normal(response):
    """An answer without what differs from one request to the next (ids echoed, nonces, tokens)."""
    text = response.get_data(as_text=True)
    text = re.sub(r'"(\w+_id)": ?[0-9]+', r'"\1": 0', text)  # JSON: "client_id": 12
    text = re.sub(r"#[0-9]+\b", "#0", text)  # pages: Client #12
    return re.sub(r'(nonce|value|name)="[^"]*"', r"\1=''", text)


def gist(response):
    """What an answer says, in a line: a JSON error as it is, a page's title and the start of its main part."""
    if response.is_json:
        return response.get_data(as_text=True)[:300]
    if not response.mimetype.startswith("text/html"):
        return f"{response.mimetype}, {len(response.get_data())} bytes, Location {response.location}"
    text = response.get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    main = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text.split("<main", 1)[-1]))
    return f"{title[1] if title else ''} | {main[:250]} | Location {response.location}"


# --- the tests ---------------------------------------------------------------------------------------------

class WidgetSchema(Schema):
    widget_id = fields.Integer()


def test_a_route_taking_an_id_the_generator_does_not_know_fails_the_matrix(tmp_path):
    """A new kind of id, in a URL or in an API body, is reported until ID_ARGUMENTS is taught it."""
    app = create_app({"TESTING": True, "AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/",
                      "BLOB_STORE_URL": f"file://{tmp_path}/blobs"})
    try:
        assert routes(app)[1] == []

        def answer(**_):
            return ""

        answer._apidoc = {"arguments": {"parameters": [{"in": "json", "schema": WidgetSchema}]}}
        app.add_url_rule("/staff/widgets/<int:gizmo_id>", "staff.widgets.gizmo", answer)
        app.add_url_rule("/api/v1/staff/widgets", "staff_api.widgets.post_widget", answer, methods=["POST"])
        assert routes(app)[1] == [
            "POST /api/v1/staff/widgets: id field 'widget_id' is not in ID_ARGUMENTS",
            "GET /staff/widgets/<int:gizmo_id>: URL argument 'gizmo_id' is neither in ID_ARGUMENTS nor NOT_IDS"]
    finally:
        app.extensions["rpc"].close()


def test_every_route_that_takes_an_id_is_known_and_can_be_filled(system, callers):
    found, problems = routes(system.app)
    assert not problems, "Teach tests/http_routes.py these ids:\n" + "\n".join(problems)
    taking = [route for route in found if route.takes_ids]
    assert len(taking) >= 60, [route.name for route in taking]  # the generator still sees the routes
    missing = [route.name for route in taking if route.has_body and route.endpoint not in BODIES]
    assert not missing, f"Teach BODIES a valid body for {missing}"
    unfilled = [(route.name, name) for route in taking for where, name in route.slots
                if where == "nested" and ("body", name) not in slots_of(route)]
    assert not unfilled, f"Teach BODIES to fill these nested ids (a Body naming them in slots): {unfilled}"
    for route, caller, slot in matrix(system.app, callers):
        request_for(system.app, route, caller, slot)


def test_the_rightful_callers_reach_what_the_intruders_are_refused(system, world, callers):
    """The same generated reads, by A's owner and by client two, answer 200: the ids and URLs are right."""
    owner = system.http.post("/api/v1/staff/sessions", json=world["alpha credentials"],
                             environ_base=new_address()).get_json()
    alpha, two = callers[0].victim, callers[1].victim
    rightful = {"B's owner": Caller(system, "A's owner", "staff", None, owner, alpha, alpha, []),
                "A's client one": Caller(system, "A's client two", "portal", SLUGS[0], two["session"], two,
                                         two, [])}
    checked = 0
    for route, caller, slot in matrix(system.app, callers):
        if route.method == "GET" and caller.name in rightful:
            built = request_for(system.app, route, rightful[caller.name], slot)
            if built is not None:
                response = send(rightful[caller.name], *built)
                assert response.status_code == 200, (route.name, response.get_data(as_text=True)[:300])
                checked += 1
    assert checked >= 15


def test_every_id_of_another_account_or_business_is_refused_and_nothing_changes(system, world, callers):
    before = snapshot(system, settle=True)
    failures, calls = [], 0
    for route, caller, slot in matrix(system.app, callers):
        built = request_for(system.app, route, caller, slot)
        if built is None:
            continue
        calls += 1
        response = send(caller, *built)
        problem = verdict(system, route, caller, slot, response)
        if problem:
            failures.append(f"{caller.name}: {route.name} ({built[0]}), another's {slot[1]} -> {problem}")
    changed = row_changes(before, snapshot(system))
    assert not failures and not changed, f"{len(failures)} of {calls} calls were not refused:\n" + \
        "\n".join(failures) + f"\nchanged rows (before, after) by table: {changed}"
    assert calls >= 80


def test_without_a_session_every_route_that_takes_an_id_asks_to_sign_in_and_nothing_changes(system, callers):
    """No session at all: the API answers 401, a page sends to its sign-in page, a link of A's at B's portal is
    not found; nothing changes."""
    before = snapshot(system, settle=True)
    failures = []
    for route, caller, slot in matrix(system.app, callers):
        if caller.name == "A's client one":
            continue  # a visitor of A's portal holding A's link is whom the link is for
        visitor = caller.aiming_at(caller.victim)
        visitor.api_headers, visitor.csrf = {}, ""
        visitor.api, visitor.browser = system.app.test_client(), system.app.test_client()
        built = request_for(system.app, route, visitor, slot)
        response = visitor.browser.open(built[0], **built[1])
        sign_in = "/staff/sign-in" if caller.audience == "staff" else f"/p/{caller.slug}/sign-in"
        expected = 404 if slot[1] == "token" else 401 if route.api else 303
        if response.status_code != expected or (expected == 303 and not response.location.startswith(sign_in)):
            failures.append(f"{route.name}, {slot[1]}: {response.status_code} {gist(response)}")
    assert not failures, "\n".join(failures)
    assert row_changes(before, snapshot(system)) == {}


def test_a_client_session_of_a_is_no_session_at_bs_portal(system, world, callers):
    """A's client one's token, sent to B's portal (bearer, or the cookie copied to B's path) with B's client's
    ids: the API answers 401 and a page sends to B's sign-in page; nothing changes."""
    one = world["one"]
    bravo = {**world["bravo client"], "invitation": None, "reset": None, "new_card": world["victims"]["alpha"][
        "new_card"]}
    stray = Caller(system, "A's client one at B", "portal", SLUGS[1], one["session"], bravo, bravo, ["Bravo Matrix"])
    before = snapshot(system, settle=True)
    failures = []
    for route, caller, slot in matrix(system.app, [stray]):
        built = request_for(system.app, route, stray, slot)
        if built is None:
            continue
        response = send(stray, *built)
        expected = 401 if route.api else 303
        if response.status_code != expected or (
                expected == 303 and not response.location.startswith(f"/p/{SLUGS[1]}/sign-in")):
            failures.append(f"{route.name}, {slot[1]}: {response.status_code} {gist(response)}")
    assert not failures, "\n".join(failures)
    assert row_changes(before, snapshot(system)) == {}
