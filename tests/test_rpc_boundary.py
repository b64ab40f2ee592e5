"""Every RPC entrypoint of every service decides who calls from a verified passport, and from nothing else.

The entrypoints come from the service classes themselves, so a new one is covered (or this test
fails until it is given arguments below). Each is called over the real broker:
- with no passport, a forged one (another key) and an expired one: refused as unauthenticated;
- with a valid passport of another business (its owner, its client) but business A's ids: refused, or
  answered without a trace of A;
- as a visitor of A (before signing in): refused, unless it is one of the sign-in calls visitors make;
and afterwards A's rows in every service's database are as they were.
"""
import uuid
from datetime import date, timedelta

import pytest

from accounts.service import AccountsService
from billing.service import BillingService
from notifications.service import NotificationsService
from portico_testing import Passports, images, wait_for
from portico_testing.documents import PDF
from portico_testing.inprocess import staff as staff_claims
from shared.errors import InvalidInput, NotFound, PermissionDenied, PorticoError, Unauthenticated, from_remote
from shared.passport import PassportSigner
from tests.portal_helpers import as_staff, create_client, invite, new_email, registered_client, reset_token, uploaded
from tests.test_deadlines import card_token
from tickets.service import TicketsService

pytestmark = pytest.mark.backends("postgresql")

SERVICES = {"accounts": AccountsService, "billing": BillingService, "notifications": NotificationsService,
            "tickets": TicketsService}
# Entrypoints anyone may call: they read no identity (a credential in the arguments is what they check).
PUBLIC = {("accounts", name) for name in ("find_tenant", "sign_in_staff", "resolve_staff_session",
                                          "sign_out_staff", "describe_settings", "verify_staff_code",
                                          "begin_staff_totp", "confirm_staff_totp", "request_staff_password_reset",
                                          "check_staff_reset", "reset_staff_password", "find_mail_sender")} | {
    (service, name) for service in SERVICES for name in ("ping", "describe_settings")} | {
    ("tickets", "open_ticket_from_mail"),  # mail to a support address: tests/test_support_mail.py
    # A calendar app reading a client's secret address: the token is the credential (found by its hash, only that
    # account's upcoming visits; unknown or revoked is NotFound): tests/test_services_tab_api.py.
    ("billing", "calendar_feed"),
    # Stripe's webhook events: Stripe's signature over the body, checked by billing itself, is the credential
    # (services/billing/tests/test_stripe_events.py, tests/test_payment_processor.py).
    ("billing", "apply_stripe_event")}
# What a visitor (anyone at the portal before signing in) calls; every other entrypoint refuses them.
FOR_VISITORS = {("accounts", name) for name in (
    "get_tenant", "get_portal_config", "get_logo", "sign_in_client", "request_login_code", "verify_login_code",
    "check_invitation", "accept_invitation", "request_password_reset", "check_reset", "reset_password",
    "resolve_client_session", "switch_account", "sign_out_client")} | {("notifications", "get_branding")}
MARKERS = ("Alpha Lawn", "Alpha Client", "alpha-hedge")  # A's own words: none may reach another caller
REFUSED = (PermissionDenied, NotFound, InvalidInput, Unauthenticated)
STRONG = "a brand new passphrase of mine"


def rpc_entrypoints():
    """``(service, method, callers)`` of every RPC entrypoint, read from the service classes."""
    for service, cls in SERVICES.items():
        for name in dir(cls):
            callers = getattr(getattr(cls, name), "callers", None)
            if callers is not None:
                yield service, name, callers


def arguments(a):
    """Arguments for each entrypoint that name business A's things wherever an entrypoint takes an id."""
    due = (date.today() + timedelta(days=9)).isoformat()
    line = [{"description": "Intruder", "unit_price": 100}]
    pay = {"invoice_ids": [a.invoice_id], "payment_method_id": a.method_id, "receipt_to": "x@intruder.example"}
    return {
        ("accounts", "get_tenant"): (), ("accounts", "get_portal_config"): (), ("accounts", "get_logo"): (),
        ("accounts", "set_logo"): (a.upload,), ("accounts", "remove_logo"): (),
        ("accounts", "add_staff_user"): ({"email": new_email(), "name": "Ivy Intruder", "password": STRONG},),
        ("accounts", "list_staff_users"): (), ("accounts", "list_clients"): (), ("accounts", "list_custom_fields"): (),
        ("accounts", "create_client"): ({"name": "Intruder", "parent_id": a.client_id},),
        ("accounts", "update_client"): (a.client_id, {"name": "Renamed"}), ("accounts", "get_client"): (a.client_id,),
        ("accounts", "create_custom_field"): ({"key": "intruder", "label": "Intruder", "type": "text"},),
        ("accounts", "delete_custom_field"): (a.field_id,),
        ("accounts", "set_custom_field_values"): (a.client_id, {"gate_code": "0000"}),
        ("accounts", "list_portal_users"): (), ("accounts", "invite_clients"): ([a.client_id],),
        ("accounts", "send_password_resets"): ([a.client_id],),
        ("accounts", "link_portal_user"): (a.portal_user_id, a.client_id, "manage"),
        ("accounts", "sign_in_client"): ({"login": a.email, "password": a.password},),
        ("accounts", "request_login_code"): ({"login": a.email},),
        ("accounts", "verify_login_code"): ("no-such-attempt", "123456"),
        ("accounts", "check_invitation"): (a.invitation,), ("accounts", "accept_invitation"): (a.invitation,
                                                                                            {"password": STRONG}),
        ("accounts", "request_password_reset"): ({"login": a.email},), ("accounts", "check_reset"): (a.reset,),
        ("accounts", "reset_password"): (a.reset, {"password": STRONG}),
        ("accounts", "resolve_client_session"): (a.session,), ("accounts", "switch_account"): (a.session, a.client_id),
        ("accounts", "sign_out_client"): (a.session,), ("accounts", "get_my_account"): (),
        ("accounts", "get_my_names"): (),
        ("accounts", "update_my_account"): ({"phone": "+1 555 010 0111"},),
        ("accounts", "change_my_password"): ({"current_password": a.password, "new_password": STRONG},),
        ("accounts", "request_email_change"): ({"email": new_email()},),
        ("accounts", "confirm_email_change"): ({"code": "123456"},),
        ("accounts", "set_security_answers"): ({"answers": []},),
        ("accounts", "get_staff_security"): (), ("accounts", "disable_staff_totp"): ({"password": a.password},),
        ("accounts", "change_staff_password"): ({"current_password": a.password, "new_password": STRONG},),
        ("accounts", "get_settings"): ("general",), ("accounts", "update_settings"): ("general", {"home_tab_enabled":
                                                                                                 False}),
        ("accounts", "create_tenant"): ({"slug": "intruders", "display_name": "Intruders", "owner": {
            "email": new_email(), "name": "Ivy", "password": STRONG}},),
        ("billing", "create_job"): ({"account_id": a.client_id, "title": "Intruder"},),
        ("billing", "create_invoice"): ({"account_id": a.client_id, "due_date": due, "lines": line},),
        ("billing", "list_invoices"): (), ("billing", "get_invoice"): (a.invoice_id,),
        ("billing", "payment_processor"): (),
        # The system's processor is the sandbox: a setup in Stripe's fields is refused before it is asked (its
        # rules against the Stripe stand-in: services/billing/tests/test_stripe_setup.py).
        ("billing", "start_method_setup"): (["paypal"],),
        ("billing", "finish_method_setup"): ("seti_000000000000000000000001",),
        ("billing", "confirm_payment"): (a.payment_id,),
        ("billing", "void_invoice"): (a.invoice_id,),
        ("billing", "refund_payment"): (a.invoice_id, uuid.uuid4().hex, {"payment_id": a.payment_id, "amount": 100,
                                                                         "destination": "credit"}), ("billing", "invoice_pdf"): (a.invoice_id, "Intruders"),
        ("billing", "account_billing"): (a.client_id,), ("billing", "set_autopay_lock"): (a.client_id, True),
        ("billing", "apply_prepayment"): ({"payment_id": a.payment_id, "allocations": [
            {"invoice_id": a.invoice_id, "amount": 100}]},),
        ("billing", "autopay_statuses"): ([a.client_id],), ("billing", "invoices_to_charge"): (),
        ("billing", "start_charge_run"): ([a.invoice_id],), ("billing", "get_charge_run"): (a.run_id,),
        ("billing", "autopay_schedule"): (),
        ("billing", "my_summary"): (), ("billing", "my_invoices"): (), ("billing", "my_history"): (),
        ("billing", "my_invoice_pdf"): (a.invoice_id, "Intruders"), ("billing", "quote_payment"): (pay,),
        ("billing", "pay_invoices"): ("intruder-key-1", pay),
        ("billing", "make_prepayment"): ("intruder-key-2", {"amount": 1_000, "payment_method_id": a.method_id,
                                                            "receipt_to": "x@intruder.example"}),
        ("billing", "find_payment"): (a.payment_id,), ("billing", "my_payment_methods"): (),
        ("billing", "add_payment_method"): (a.spare_card,), ("billing", "remove_payment_method"): (a.method_id,),
        ("billing", "replace_payment_method"): (a.method_id, a.spare_card), ("billing", "my_autopay"): (),
        ("billing", "enroll_autopay"): (a.method_id, True), ("billing", "cancel_autopay"): (),
        ("billing", "create_estimate"): ({"account_id": a.client_id, "title": "Intruder", "lines": line},),
        ("billing", "update_estimate"): (a.estimate_id, {"title": "Intruder"}),
        ("billing", "send_estimate"): (a.estimate_id,), ("billing", "list_estimates"): (),
        ("billing", "get_estimate"): (a.estimate_id,), ("billing", "estimate_pdf"): (a.estimate_id, "Intruders"),
        ("billing", "my_estimates"): (), ("billing", "get_my_estimate"): (a.estimate_id,),
        ("billing", "my_estimate_pdf"): (a.estimate_id, "Intruders"),
        ("billing", "decide_estimate"): (a.estimate_id, {"decision": "approved"}),
        ("billing", "get_settings"): ("billing",), ("billing", "update_settings"): ("billing", {"show_estimates":
                                                                                               False}),
        ("notifications", "list_my_alerts"): (), ("notifications", "count_my_unread_alerts"): (),
        ("notifications", "mark_alerts_read"): ([a.alert_id],), ("notifications", "get_branding"): (),
        ("notifications", "get_invitation_template"): (), ("notifications", "list_outbox"): (),
        ("notifications", "update_invitation_template"): ({"subject": "Intruder", "html": "<p>Hi</p>"},),
        ("notifications", "send_sample_invitation"): ("x@intruder.example",),
        ("notifications", "get_outbox_message"): (a.message_id,), ("notifications", "support_address"): (),
        ("notifications", "get_settings"): ("alerts",), ("notifications", "update_settings"): ("alerts", {}),
        ("notifications", "list_audit"): (a.client_id, {"limit": 500}),
        **feed_arguments(a),
        **message_arguments(a),
        ("tickets", "get_settings"): ("tickets",), ("tickets", "update_settings"): ("tickets", {}),
        ("tickets", "account_documents"): (a.client_id,), ("tickets", "document_file"): (a.document_id,),
        ("tickets", "share_document"): (a.client_id, {"upload_id": a.upload, "title": "Intruder"}),
        ("tickets", "delete_document"): (a.document_id,), ("tickets", "my_documents"): (),
        ("tickets", "my_document_file"): (a.document_id,), ("tickets", "done_uploading"): (),
        ("tickets", "upload_my_document"): ({"upload_id": a.upload, "title": "Intruder"},),
        ("tickets", "invitation_document"): (), ("tickets", "remove_invitation_document"): (),
        ("tickets", "attach_invitation_document"): ({"upload_id": a.upload, "title": "Intruder"},),
        **chat_arguments(a),
        **ticket_arguments(a),
        **job_arguments(a),
        **batch_arguments(a),
    }


def batch_arguments(a):
    """Each service's batch, of reads that name A's things or act for whoever calls (each checked as if alone)."""
    def batch(*calls):
        return ([{"method": method, "args": list(args)} for method, *args in calls],)
    return {("accounts", "batch"): batch(("get_client", a.client_id), ("list_staff_users",)),
            ("billing", "batch"): batch(("account_billing", a.client_id), ("my_summary",)),
            ("tickets", "batch"): batch(("my_tickets", "open"), ("count_my_unread_chat",)),
            ("notifications", "batch"): batch(("list_my_alerts",), ("my_feed",))}


def feed_arguments(a):
    """Announcements (staff write, clients read and dismiss) and the client's feed (notifications)."""
    chosen = {"title": "Intruder", "html": "<p>Intruder</p>", "audience": "accounts", "account_ids": [a.client_id],
              "starts_on": date.today().isoformat()}
    return {("notifications", "list_announcements"): (), ("notifications", "get_announcement"): (a.announcement_id,),
            ("notifications", "create_announcement"): (chosen,),
            ("notifications", "update_announcement"): (a.announcement_id, chosen),
            ("notifications", "withdraw_announcement"): (a.announcement_id,),
            ("notifications", "my_announcements"): (),
            ("notifications", "dismiss_announcement_notice"): (a.announcement_id,),
            ("notifications", "my_feed"): (), ("notifications", "my_feed_unread_count"): (),
            ("notifications", "mark_feed_read"): ([a.feed_item_id],), ("notifications", "mark_all_feed_read"): ()}
def message_arguments(a):
    intruder = {"subject": "Intruder", "html": "<p>Hi</p>"}
    return {("billing", "email_invoice"): (a.invoice_id, "x@intruder.example"),
            ("notifications", "list_message_templates"): (),
            ("notifications", "get_message_template"): ("receipt",),
            ("notifications", "update_message_template"): ("receipt", intruder),
            ("notifications", "reset_message_template"): ("receipt",),
            ("notifications", "preview_message_template"): ("receipt",),
            ("notifications", "send_sample_message"): ("receipt", "x@intruder.example"),
            ("notifications", "my_message_preferences"): (),
            ("notifications", "set_my_message_preferences"): ({"receipts": {"email": False, "sms": True}},)}


def job_arguments(a):
    return {("billing", "list_services"): (), ("billing", "create_service"): ({"name": "Intruder", "price": 1},),
            ("billing", "update_service"): (a.service_id, {"price": 1}),
            ("billing", "list_jobs"): ({"account_id": a.client_id},), ("billing", "get_job"): (a.job_id,),
            ("billing", "schedule_job"): (a.waiting_job_id, {"start_on": date.today().isoformat()}),
            ("billing", "pause_job"): (a.job_id, {"reason": "Intruder"}), ("billing", "resume_job"): (a.job_id,),
            ("billing", "cancel_job"): (a.job_id,),
            ("billing", "set_job_client_status"): (a.job_id, {"client_status": "Intruder"}),
            ("billing", "complete_visit"): (a.visit_id,), ("billing", "skip_visit"): (a.visit_id,),
            ("billing", "cancel_visit"): (a.visit_id,),
            ("billing", "move_visit"): (a.visit_id, {"scheduled_on": date.today().isoformat()}),
            ("billing", "set_visit_notes"): (a.visit_id, {"notes": "Intruder"}),
            ("billing", "my_services"): (), ("billing", "my_visit"): (a.visit_id,), ("billing", "my_next_visit"): (),
            ("billing", "my_tab_bar"): (), ("billing", "make_my_calendar"): ("Intruders",),
            ("billing", "revoke_my_calendar"): (),
            **request_arguments(a)}


def request_arguments(a):
    later = (date.today() + timedelta(days=9)).isoformat()
    return {("billing", "request_visit_change"): (a.visit_id, {"kind": "cancel"}),
            ("billing", "my_offered_services"): (),
            ("billing", "request_service"): ({"service_id": a.service_id, "preferred_dates": [later]},),
            ("billing", "my_visit_reference"): (a.visit_id,), ("billing", "my_visit_request_options"): (a.visit_id,),
            ("billing", "list_service_requests"): (), ("billing", "get_service_request"): (a.request_id,),
            ("billing", "decide_service_request"): (a.request_id, {"outcome": "decline", "reason": "Intruder"})}


def ticket_arguments(a):
    intruder = {"body": "Intruder"}
    return {
        ("tickets", "my_ticket_options"): (), ("tickets", "my_tickets"): ("open",),
        ("tickets", "my_ticket"): (a.ticket_id,), ("tickets", "reply_to_my_ticket"): (a.ticket_id, intruder),
        ("tickets", "open_my_ticket"): ({"category_id": a.category_id, **intruder},),
        ("tickets", "my_ticket_attachment"): (a.ticket_id, a.attachment_id),
        ("tickets", "ticket_categories"): (), ("tickets", "create_ticket_category"): ({"name": "Intruder"},),
        ("tickets", "update_ticket_category"): (a.category_id, {"name": "Intruder"}),
        ("tickets", "list_tickets"): (), ("tickets", "ticket_counts"): (), ("tickets", "get_ticket"): (a.ticket_id,),
        ("tickets", "reply_to_ticket"): (a.ticket_id, intruder),
        ("tickets", "assign_ticket"): (a.ticket_id, {"assignee_id": a.owner_id}),
        ("tickets", "set_ticket_status"): (a.ticket_id, {"status": "closed"}),
        ("tickets", "open_ticket_for_client"): ({"account_id": a.client_id, "category_id": a.category_id, **intruder},),
        ("tickets", "ticket_attachment"): (a.ticket_id, a.attachment_id),
    }


def chat_arguments(a):
    message, thread = {"body": "Intruder"}, {"subject": "Intruder", "body": "Intruder"}
    return {("tickets", "list_my_chat_threads"): (), ("tickets", "count_my_unread_chat"): (),
            ("tickets", "start_my_chat_thread"): (thread,), ("tickets", "get_my_chat_thread"): (a.thread_id,),
            ("tickets", "reply_my_chat_thread"): (a.thread_id, message),
            ("tickets", "my_chat_messages_since"): (a.thread_id, 0),
            ("tickets", "list_chat_threads"): ({"account_id": a.client_id},), ("tickets", "count_unread_chat"): (),
            ("tickets", "start_chat_thread"): ({"account_id": a.client_id, **thread},),
            ("tickets", "get_chat_thread"): (a.thread_id,), ("tickets", "reply_chat_thread"): (a.thread_id, message),
            ("tickets", "chat_messages_since"): (a.thread_id, 0)}


class Objects:
    """Business A's things, one of each kind an entrypoint can name."""


class _Any:
    """Stands for A's objects when only the table's keys matter."""

    def __getattr__(self, name):
        return 1


def business_a(system):
    """A business with a registered client, an invoice, a card, a payment, a charge run, an alert, a message."""
    tenant, _ = system.new_tenant(slug="alpha-boundary", display_name="Alpha Lawn Care")
    a = Objects()
    a.tenant, a.upload, a.password = tenant, uploaded(system, images.image("PNG")), "lemon meadow quietly orbits"
    client, session = registered_client(system, tenant, name="Alpha Client One")
    a.client_id, a.email, a.session = client["id"], client["email"], session["token"]
    a.portal_user_id = session["portal_user"]["id"]
    a.field_id = as_staff(system, tenant, "create_custom_field",
                          {"key": "gate_code", "label": "Gate code", "type": "text"})["id"]
    a.invitation = invite(system, tenant, create_client(system, tenant, name="Alpha Client Two"))
    as_staff(system, tenant, "send_password_resets", [a.client_id])
    a.reset = reset_token(system, a.email)
    a.document_id = system.rpc.call("tickets", "share_document", a.client_id, {
        "upload_id": uploaded(system, PDF), "title": "alpha-hedge letter"}, context=system.context(tenant))["id"]
    system.rpc.call("tickets", "attach_invitation_document", {"upload_id": uploaded(system, PDF),
                                                              "title": "alpha-hedge welcome"},
                    context=system.context(tenant))
    money_and_alerts(system, a)
    field_service(system, a)
    a.thread_id = system.rpc.call("tickets", "start_chat_thread", {
        "account_id": a.client_id, "subject": "alpha-hedge chat", "body": "Alpha Lawn Care says hello"},
        context=system.context(tenant))["thread"]["id"]
    a_ticket(system, a)
    return a


def a_ticket(system, a):
    """A's ticket, opened by its client with a photo, its category, and the photo's id."""
    client = system.client_context(a.tenant, a.portal_user_id, a.client_id)
    a.owner_id = a.tenant["owner"]["id"]
    a.category_id = system.rpc.call("tickets", "my_ticket_options", context=client)["categories"][0]["id"]
    opened = system.rpc.call("tickets", "open_my_ticket", {
        "category_id": a.category_id, "body": "alpha-hedge gate left open",
        "attachments": [{"blob_id": uploaded(system, images.image("PNG")), "filename": "gate.png"}]}, context=client)
    a.ticket_id = opened["id"]
    a.attachment_id = system.rpc.call("tickets", "my_ticket", a.ticket_id, context=client)["messages"][0][
        "attachments"][0]["id"]


def field_service(system, a):
    """A's service list, a weekly job with its visits, and a job waiting on the list."""
    billing = lambda method, *args: system.rpc.call("billing", method, *args, context=system.context(a.tenant))  # noqa
    a.service_id = billing("create_service", {"name": "alpha-hedge mowing", "price": 4_000,
                                              "recurrence": "weekly"})["id"]
    job = billing("create_job", {"account_id": a.client_id, "service_id": a.service_id,
                                 "schedule": {"start_on": (date.today() + timedelta(days=3)).isoformat()}})
    a.job_id, a.visit_id = job["id"], job["visits"][0]["id"]
    a.waiting_job_id = billing("create_job", {"account_id": a.client_id, "title": "alpha-hedge aeration"})["id"]
    a.request_id = system.rpc.call("billing", "request_visit_change", job["visits"][1]["id"], {
        "kind": "reschedule", "preferred_dates": [(date.today() + timedelta(days=12)).isoformat()]},
        context=system.client_context(a.tenant, a.portal_user_id, a.client_id))["id"]


def money_and_alerts(system, a):
    staff, client = system.context(a.tenant), system.client_context(a.tenant, a.portal_user_id, a.client_id)
    billing = lambda method, *args, context=staff: system.rpc.call("billing", method, *args, context=context)  # noqa
    system.rpc.call("notifications", "update_settings", "alerts", {"payment_made": [a.tenant["owner"]["id"]]},
                    context=staff)
    billing("update_settings", "billing", {"autopay_enabled": True})
    a.method_id = billing("add_payment_method", card_token(system), context=client)["id"]
    a.spare_card = card_token(system)
    due = (date.today() + timedelta(days=9)).isoformat()
    invoice = lambda description: billing("create_invoice", {  # noqa: E731
        "account_id": a.client_id, "due_date": due, "lines": [{"description": description, "unit_price": 4_200}]})
    a.invoice_id = invoice("alpha-hedge trimming")["id"]
    paid = billing("pay_invoices", "alpha-paid-1", {"invoice_ids": [invoice("alpha-hedge edging")["id"]],
                                                    "payment_method_id": a.method_id, "receipt_to": a.email},
                   context=client)
    a.payment_id = paid["payment"]["id"]
    billing("enroll_autopay", a.method_id, True, context=client)
    a.run_id = billing("start_charge_run", [invoice("alpha-hedge autopay")["id"]])["id"]
    a.estimate_id = billing("send_estimate", billing("create_estimate", {
        "account_id": a.client_id, "title": "alpha-hedge estimate", "lines": [{"description": "alpha-hedge",
                                                                               "unit_price": 9_900}]})["id"])["id"]
    a.alert_id = wait_for(lambda: system.rpc.call("notifications", "list_my_alerts", context=staff),
                          message="the payment's alert")[0]["id"]
    a.message_id = system.rpc.call("notifications", "list_outbox", context=staff)["items"][0]["id"]
    a.announcement_id = system.rpc.call("notifications", "create_announcement", {
        "title": "alpha-hedge news", "html": "<p>alpha-hedge</p>", "audience": "accounts",
        "account_ids": [a.client_id], "starts_on": date.today().isoformat()}, context=staff)["id"]
    a.feed_item_id = wait_for(lambda: system.rpc.call("notifications", "my_feed", context=client)["items"],
                              message="the client's feed")[0]["id"]


@pytest.fixture(scope="module")
def alpha(system):
    return business_a(system)


@pytest.fixture(scope="module")
def bravo(system):
    """Another business's owner and client: valid passports, none of them A's."""
    tenant, _ = system.new_tenant(slug="bravo-boundary", display_name="Bravo Pools")
    client, session = registered_client(system, tenant, name="Bravo Client")
    return {"owner": system.context(tenant),
            "client": system.client_context(tenant, session["portal_user"]["id"], client["id"])}


# --- what business A holds, table by table ------------------------------------------------------------

# Throttling counters are keyed by a hash of their bucket, not by business (the throttling of each business's
# own sign-in buckets is checked where it is decided); processed events are the services' own bookkeeping.
NOT_A_BUSINESS_ROWS = {"throttle_counters", "processed_events", "alembic_version"}


def rows_of(system, tenant_id, settle=False):
    """Every row of every service database that belongs to ``tenant_id`` (all rows of a table without one);
    with ``settle``, once the events of setting up have run their course."""
    read = system.databases.settled_rows if settle else system.databases.rows
    return read([tenant_id], skip_tables=NOT_A_BUSINESS_ROWS)


def call(system, service, method, args, context):
    """Return the answer or the error of one call; a batch every call of which was refused, the first refusal."""
    try:
        answer = system.rpc.call(service, method, *args, context=context)
    except PorticoError as error:
        return error
    if method == "batch":
        errors = [from_remote(item["error"]) or item["error"] for item in answer if item.get("error")]
        if len(errors) == len(answer):
            return errors[0]
    return answer


# --- the tests ----------------------------------------------------------------------------------------

def test_every_entrypoint_is_named_public_or_given_arguments_here():
    public = {(service, name) for service, name, callers in rpc_entrypoints() if callers == "public"}
    guarded = {(service, name) for service, name, callers in rpc_entrypoints() if callers != "public"}
    assert public == PUBLIC
    assert guarded == set(arguments(_Any()))


def test_no_passport_a_forged_one_or_an_expired_one_is_refused_everywhere(system, alpha):
    owner = staff_claims(alpha.tenant["id"], alpha.tenant["owner"]["id"])
    forged = Passports().context(owner)
    expired = {"passport": PassportSigner(system.passports.private_key, lifetime=-1).issue(owner)}
    plain = {"tenant_id": alpha.tenant["id"], "actor": {"kind": "staff", "id": owner.actor_id}}
    for (service, method), args in arguments(alpha).items():
        for context in (None, plain, forged, expired):
            answer = call(system, service, method, args, context)
            assert isinstance(answer, Unauthenticated), (service, method, context, answer)


def test_another_business_reaches_nothing_of_a_and_changes_nothing(system, alpha, bravo):
    before = rows_of(system, alpha.tenant["id"], settle=True)
    for (service, method), args in arguments(alpha).items():
        for who, context in bravo.items():
            answer = call(system, service, method, args, context)
            if isinstance(answer, PorticoError):
                assert isinstance(answer, REFUSED), (service, method, who, answer)
            else:
                text = repr(answer)
                assert not any(marker in text for marker in MARKERS), (service, method, who, answer)
    assert rows_of(system, alpha.tenant["id"]) == before


def test_a_visitor_makes_only_the_calls_of_someone_signing_in(system, alpha):
    visitor = system.visitor_context(alpha.tenant)
    for (service, method), args in arguments(alpha).items():
        if (service, method) in FOR_VISITORS:
            continue
        answer = call(system, service, method, args, visitor)
        assert isinstance(answer, PermissionDenied), (service, method, answer)
