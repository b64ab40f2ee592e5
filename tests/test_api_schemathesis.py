"""Schemathesis over the published OpenAPI document: every operation, against the gateway over a real System.

Each operation is called with Schemathesis' generated requests, schema-valid ("positive") and schema-invalid
("negative"), as a staff owner (staff operations) or as a signed-in client (portal operations) of a business
made for this test; an operation whose path names ids is also called with ids of things the business has
(its client, an invoice, a custom field, an outbox message), since a generated id almost never names one.
Every operation is also called a couple of times with the other audience's credentials (a client's token on
staff operations, the staff owner's on portal ones). Every answer must be: no 5xx; a status, content type, headers and body the document
states for the operation; a 4xx for a request the document says is invalid; and, for a request the document
says is valid, no 400 unless the refusal is one of STATE_RULES (a rule over the business's data or across
fields, which JSON Schema cannot state).

Cost: EXAMPLES requests per operation and mode (about 80 operations, two modes, so about 2,400 requests),
with a seed per operation, so a run makes the same requests every time: 35 to 70 seconds per backend on two
cores (the two backends run in their own lanes). 50 examples per operation found nothing more than 15 did.
"""
import io
import json
import re
import zlib
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks

from shared.validation import NUL_MESSAGE
from tests.portal_helpers import bearer, registered_client

# What the document says is the gateway's, the same on every backend; what the services do with input is not
# (SQLite cannot bind an integer over 64 bits, PostgreSQL's driver refuses text with NUL in it).
pytestmark = pytest.mark.backends("sqlite", both=("test_every_operation_answers_as_documented",
                                                  "test_text_with_nul_is_refused_before_any_database"))

EXAMPLES = 15
REAL_ID_EXAMPLES = 5
OTHER_CALLER_EXAMPLES = 2
CHECKS = [schemathesis.checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance, checks.negative_data_rejection]
TEXT_CHECKS = [check for check in CHECKS if check is not checks.negative_data_rejection]
# Signing out ends the session every later call uses: those operations run last (nothing is left out).
SIGN_OUT = re.compile(r"/sessions/current$")
# The fields a schema-valid request may still be refused on (400), per operation, and why no schema can say it.
# BODY_KEYS: any key of the body, where the body maps the business's own custom field keys to values.
BODY_KEYS = "the body's keys"
STATE_RULES = {
    # A word in braces in a client email's subject or HTML must be one of the placeholders that email fills.
    "PUT /api/v1/staff/invitation-template": {"subject", "html"},
    "PUT /api/v1/staff/message-templates/{kind}": {"subject", "html"},
    # Custom field keys must name the business's custom fields, and each value must fit its field's type.
    "PUT /api/v1/staff/clients/{client_id}/custom-fields": BODY_KEYS,
    "PATCH /api/v1/portal/{slug}/account": {"custom_fields"},
    # Only the code sent to the new address works.
    "POST /api/v1/portal/{slug}/account/email-change/confirm": {"code"},
    # The current password must be the client's; the new one must meet the business's minimum length and
    # not be a common password.
    "POST /api/v1/portal/{slug}/account/password": {"current_password", "new_password"},
    "POST /api/v1/staff/me/password": {"current_password", "new_password"},
    # A method is needed unless the credit sent covers the amount (a sum across fields); the amount is checked
    # against the invoices' balances and the business's settings.
    "POST /api/v1/portal/{slug}/payments": {"payment_method_id", "amount", "credit", "invoice_ids"},
    "POST /api/v1/portal/{slug}/payments/quote": {"payment_method_id", "amount", "credit", "invoice_ids"},
    "POST /api/v1/portal/{slug}/prepayments": {"amount"},
    # A refund names a payment that paid this invoice, and at most what it put there; money back needs a charge.
    "POST /api/v1/staff/invoices/{invoice_id}/refunds": {"payment_id", "amount", "destination"},
    # Only invoices awaiting an autopay charge can be charged.
    "POST /api/v1/staff/charge-runs": {"invoice_ids"},
    # An announcement's audience `accounts` needs `account_ids` and `everyone` names none; its end is not before its
    # start; its text must keep something readable once sanitised.
    "POST /api/v1/staff/announcements": {"account_ids", "ends_on", "html"},
    "PUT /api/v1/staff/announcements/{announcement_id}": {"account_ids", "ends_on", "html"},
    # A range's start must not be after its end; a cursor is one a page of the same list answered.
    "GET /api/v1/staff/invoices": {"amount_min", "date_from", "cursor"},
    "GET /api/v1/portal/{slug}/invoices": {"amount_min", "date_from", "cursor"},
    "GET /api/v1/staff/clients/{client_id}/history": {"until"},
    "GET /api/v1/staff/clients/{client_id}/history.csv": {"until"},
    # The due date must not be before the issue date, and the lines' total must stay under the cap.
    "POST /api/v1/staff/invoices": {"due_date", "lines"},
    # An estimate's validity date must not be already past (the business's today); the lines' total stays under
    # the cap.
    "POST /api/v1/staff/estimates": {"valid_until", "lines"},
    "PATCH /api/v1/staff/estimates/{estimate_id}": {"valid_until", "lines"},
    # Usernames and security questions need the password sign-in method; a brand colour must be dark enough for
    # white text on it (a contrast ratio computed from its value, which JSON Schema cannot state).
    "PATCH /api/v1/staff/settings/general": {"use_usernames", "security_questions_enabled", "brand_colour"},
    # Clients can decide on estimates only when they are shown.
    "PATCH /api/v1/staff/settings/billing": {"allow_estimate_decisions"},
    # Finished-uploading controls need client uploads on; categories are needed while tickets are on.
    "PATCH /api/v1/staff/settings/tickets": {"done_uploading_button", "done_uploading_checkbox", "ticket_categories"},
    # The file must be an image by its content.
    "PUT /api/v1/staff/logo": {"logo"},
    # A ticket's category must be one the business offers clients; a message must not be blank and is counted
    # as a reader counts characters (an emoji is one), under 500 when it opens a ticket; files by their content.
    "POST /api/v1/portal/{slug}/tickets": {"category_id", "body", "attachments"},
    "POST /api/v1/staff/clients/{client_id}/tickets": {"category_id", "body", "attachments"},
    "POST /api/v1/portal/{slug}/tickets/{ticket_id}/messages": {"body", "attachments"},
    "POST /api/v1/staff/tickets/{ticket_id}/messages": {"body", "attachments"},
    # A category's name is the business's only once; an assignee must be one of its staff.
    "POST /api/v1/staff/ticket-categories": {"name"},
    "PATCH /api/v1/staff/ticket-categories/{category_id}": {"name"},
    "PUT /api/v1/staff/tickets/{ticket_id}/assignee": {"assignee_id"},
    # A document must be one of the kinds allowed, by its content, and within the size cap.
    "POST /api/v1/staff/accounts/{account_id}/documents": {"file"},
    "POST /api/v1/portal/{slug}/documents": {"file"},
    "PUT /api/v1/staff/invitation-template/document": {"file"},
    # A service's name is the business's only once; an interval goes with (and only with) every_n_weeks; a job
    # needs a service or a title; a time window ends after it starts; a visit's date is within a year before and
    # two years after the business's today, and a paused job resumes today or later.
    "POST /api/v1/staff/services": {"name", "interval_weeks"},
    "PATCH /api/v1/staff/services/{service_id}": {"name", "interval_weeks"},
    "POST /api/v1/staff/jobs": {"title", "interval_weeks", "schedule"},
    "POST /api/v1/staff/jobs/{job_id}/schedule": {"start_on", "window_end"},
    "POST /api/v1/staff/jobs/{job_id}/resume": {"resume_on"},
    "PUT /api/v1/staff/visits/{visit_id}/date": {"scheduled_on", "window_end"},
    # A visit request's dates: 1 to 3, each once, for a reschedule, none for a cancellation, today or later in the
    # business's time zone; a requested service must be one the business offers.
    "POST /api/v1/portal/{slug}/services/visits/{visit_id}/requests": {"preferred_dates"},
    "POST /api/v1/portal/{slug}/services/requests": {"service_id", "preferred_dates"},
    # Declining needs a reason that is not blank; a time window ends after it starts.
    "POST /api/v1/staff/service-requests/{request_id}/decision": {"reason", "window_end", "scheduled_on"},
    # A cursor is one a page of the same list answered (its `next`), not any text of its shape.
    **{f"GET /api/v1/{path}": {"cursor"} for path in (
        "portal/{slug}/tickets", "staff/tickets", "portal/{slug}/chat/threads", "portal/{slug}/chat/threads/{thread_id}",
        "staff/chat/threads", "staff/chat/threads/{thread_id}", "portal/{slug}/documents",
        "staff/accounts/{account_id}/documents", "portal/{slug}/estimates", "staff/estimates", "staff/jobs",
        "staff/service-requests", "staff/invoices-to-charge", "staff/charge-runs/{run_id}")},
}


@pytest.fixture(scope="module")
def callers(system):
    """A throw-away business with its owner's and a signed-in client's headers."""
    tenant, owner = system.new_tenant(slug="fuzzed-business")
    _, session = registered_client(system, tenant, email="fuzzed@example.com")
    return tenant, bearer(system.staff_token(owner)), bearer(session["token"])


def field_service_ids(system, tenant, account):
    """A scheduled visit of the client's and a pending request about another: ids the service request operations
    name."""
    call = lambda method, *args, context=None: system.rpc.call(  # noqa: E731
        "billing", method, *args, context=context or system.context(tenant))
    start, preferred = (date.today() + timedelta(days=days) for days in (7, 20))
    visits = call("create_job", {"account_id": account, "title": "Weekly mowing", "recurrence": "weekly",
                                 "price": 4_500, "schedule": {"start_on": start.isoformat()}})["visits"]
    me = system.client_context(tenant, 1, account)
    asked = call("request_visit_change", visits[1]["id"], {"kind": "reschedule",
                                                           "preferred_dates": [preferred.isoformat()]}, context=me)
    return {"visit_id": visits[0]["id"], "request_id": asked["id"]}


def real_ids(system, staff, client, tenant=None):
    """Ids of things the business has, by path parameter: a generated id almost never names one, and an
    answer about a real one must match the document too."""
    account = system.http.get("/api/v1/portal/fuzzed-business/me", headers=client).get_json()["account"]["id"]
    invoice = system.http.post("/api/v1/staff/invoices", headers=staff, json={
        "account_id": account, "due_date": "2030-01-31", "lines": [{"description": "Mowing", "unit_price": 4500}]})
    field = system.http.post("/api/v1/staff/custom-fields", headers=staff, json={
        "key": "gate_code", "label": "Gate code", "type": "text"})
    [message, *_] = system.http.get("/api/v1/staff/outbox", headers=staff).get_json()["items"]
    thread = system.http.post("/api/v1/staff/chat/threads", headers=staff, json={
        "account_id": account, "subject": "Mowing", "body": "Does Friday suit you?"})
    assert invoice.status_code == 201 and field.status_code == 201, (invoice.get_json(), field.get_json())
    document = system.http.post(f"/api/v1/staff/accounts/{account}/documents", headers=staff,
                                data={"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "letter.pdf"), "title": "Letter"},
                                content_type="multipart/form-data")
    assert document.status_code == 201, document.get_json()
    assert thread.status_code == 201, thread.get_json()
    service = system.http.post("/api/v1/staff/services", headers=staff, json={"name": "Mowing", "price": 4500,
                                                                              "recurrence": "weekly"})
    next_week = (date.today() + timedelta(days=7)).isoformat()
    job = system.http.post("/api/v1/staff/jobs", headers=staff, json={
        "account_id": account, "service_id": service.get_json()["id"], "schedule": {"start_on": next_week}})
    assert job.status_code == 201, job.get_json()
    category = system.http.get("/api/v1/staff/ticket-categories", headers=staff).get_json()["items"][0]["id"]
    estimate = system.http.post("/api/v1/staff/estimates", headers=staff, json={
        "account_id": account, "title": "Aeration", "lines": [{"description": "Aeration", "unit_price": 9900}]})
    assert estimate.status_code == 201, estimate.get_json()
    sent = system.http.post(f"/api/v1/staff/estimates/{estimate.get_json()['id']}/send", headers=staff)
    assert sent.status_code == 200, sent.get_json()
    ticket = system.http.post("/api/v1/portal/fuzzed-business/tickets", headers=client, json={
        "category_id": category, "body": "The gate was left open."})
    assert ticket.status_code == 201, ticket.get_json()
    announcement = system.http.post("/api/v1/staff/announcements", headers=staff, json={
        "title": "Closed on Friday", "html": "<p>Closed.</p>", "audience": "everyone",
        "starts_on": date.today().isoformat()})
    assert announcement.status_code == 201, announcement.get_json()
    return {"announcement_id": announcement.get_json()["id"],**(field_service_ids(system, tenant, account) if tenant else {}),
            "account_id": account, "client_id": account, "invoice_id": invoice.get_json()["id"],
            "field_id": field.get_json()["id"], "message_id": message["id"], "category_id": category,
            "ticket_id": ticket.get_json()["id"], "thread_id": thread.get_json()["thread"]["id"],
            "document_id": document.get_json()["id"], "estimate_id": estimate.get_json()["id"],
            "service_id": service.get_json()["id"], "job_id": job.get_json()["id"],
            "visit_id": job.get_json()["visits"][0]["id"]}


def refused_fields(response):
    try:
        return set(json.loads(response.content)["error"]["fields"])
    except (ValueError, KeyError, TypeError):
        return set()


def check_valid_request_accepted(case, response):
    """A schema-valid request is not refused as invalid, except on one of the operation's STATE_RULES."""
    if response.status_code == 400:
        fields, allowed = refused_fields(response), STATE_RULES.get(case.operation.label, set())
        if allowed == BODY_KEYS:  # the answer names a key as sent, or its first 64 characters
            unexplained = {name for name in fields if not any(key.startswith(name) for key in case.body or ())}
        else:
            unexplained = {name.split(".")[0] for name in fields} - allowed
        assert fields and not unexplained, (
            f"schema-valid request refused on {sorted(unexplained) or 'no field'}: {response.content[:500]!r}")


def only_form_text_retyped(case):
    """Whether a negative case only changed the JSON type of multipart fields: on the wire every form field is
    text (an "object" title arrives as the text of a JSON object, a valid title), so nothing was made invalid."""
    mutations = getattr(getattr(case.meta, "phase", None), "data", None)
    mutations = getattr(mutations, "mutations", None)
    return (case.media_type == "multipart/form-data" and bool(mutations)
            and all(item.operator == "change_type" and item.parameter_location == "body" for item in mutations))


def run_operation(schema, operation, mode, tenant, headers, ids=None, examples=EXAMPLES, caller=""):
    """Run ``examples`` requests of ``operation`` in ``mode``; ``ids`` fixes its path ids to real ones."""
    fixed = {"slug": tenant["slug"], **(ids or {})} if "{slug}" in operation.path or ids else None

    @seed(zlib.crc32(f"{operation.label} {mode.value} {sorted(ids or {})} {caller}".encode()))
    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    def run(case):
        # A request generated without its credentials (or with broken ones) goes out as generated.
        sent = None if schema.is_security_param_negated(case) else headers
        response = case.call(headers=sent)
        case.validate_response(response, checks=CHECKS if not only_form_text_retyped(case) else TEXT_CHECKS,
                               headers=sent)
        if mode == GenerationMode.POSITIVE:
            check_valid_request_accepted(case, response)

    try:
        run()
    except Unsatisfiable:
        pass  # nothing in the operation can be made invalid (a path with only the business's slug)


def test_every_operation_answers_as_documented(system, callers):
    tenant, staff, client = callers
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", system.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda operation: bool(SIGN_OUT.search(operation.path)))
    assert len(operations) > 70
    known = real_ids(system, staff, client, tenant)
    failures = []
    for operation in operations:
        own, other = (client, staff) if operation.path.startswith("/api/v1/portal/") else (staff, client)
        names = set(re.findall(r"\{(\w+)\}", operation.path)) - {"slug"}
        runs = [(mode, own, None, EXAMPLES, "") for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
        if names and names <= set(known):  # and a few valid requests about things the business has
            ids = {name: known[name] for name in names}
            runs.append((GenerationMode.POSITIVE, own, ids, REAL_ID_EXAMPLES, "real ids"))
        # The other audience's credentials open nothing here, and the refusal is documented too.
        runs.append((GenerationMode.POSITIVE, other, None, OTHER_CALLER_EXAMPLES, "the other audience"))
        for mode, headers, ids, examples, variant in runs:
            try:
                run_operation(schema, operation, mode, tenant, headers, ids, examples, variant)
            except (Exception, BaseExceptionGroup) as error:  # every operation's failures, not the first only
                failures.append(f"=== {operation.label} ({mode.value} {variant})\n{error}")
    assert not failures, "\n\n".join(failures)


def integers_in(node, spec, where, seen=()):
    """Yield ``(where, schema)`` for every integer schema in ``node``, following $refs (each once per branch)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref is not None and ref not in seen:
            target = spec
            for part in ref.lstrip("#/").split("/"):
                target = target[part]
            yield from integers_in(target, spec, f"{where} -> {ref.rsplit('/', 1)[-1]}", (*seen, ref))
        if node.get("type") == "integer":
            yield where, node
        for key, value in node.items():
            if key != "$ref":
                yield from integers_in(value, spec, f"{where}.{key}", seen)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from integers_in(value, spec, f"{where}[{index}]", seen)


def test_every_integer_a_request_carries_is_bounded(system):
    """Path, query and header parameters and bodies: a minimum and a maximum that a 64-bit integer holds."""
    spec = system.http.get("/api/v1/openapi.json").get_json()
    found, unbounded = 0, []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            request = {"parameters": item.get("parameters", []) + operation.get("parameters", []),
                       "body": operation.get("requestBody", {})} if method != "parameters" else {}
            for where, schema in integers_in(request, spec, f"{method.upper()} {path}"):
                found += 1
                if not -2 ** 63 <= schema.get("minimum", -2 ** 64) <= schema.get("maximum", 2 ** 64) < 2 ** 63:
                    unbounded.append(where)
    assert found > 50 and unbounded == []


def test_text_with_nul_is_refused_before_any_database(system):
    tenant, owner = system.new_tenant()
    staff = bearer(system.staff_token(owner))
    portal = f"/api/v1/portal/{tenant['slug']}"

    sign_in = system.http.post(f"{portal}/sessions", json={"login": "a\x00b", "password": "x"})
    search = system.http.get("/api/v1/staff/clients", query_string={"q": "a\x00"}, headers=staff)
    link = system.http.get(f"{portal}/invitations/a%00b")

    assert sign_in.status_code == 400 and sign_in.get_json()["error"]["fields"] == {"login": [NUL_MESSAGE]}
    assert search.status_code == 400 and search.get_json()["error"]["fields"] == {"q": [NUL_MESSAGE]}
    assert link.status_code == 404


def test_a_method_a_path_does_not_take_answers_405_with_allow(system):
    spec = system.http.get("/api/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        methods = {method.upper() for method in item if method != "parameters"}
        other = next(method for method in ("PUT", "PATCH", "DELETE", "POST", "GET") if method not in methods)
        url = path.replace("{slug}", "fuzzed-business").replace("{token}", "x")
        url = re.sub(r"\{\w+\}", "1", url)
        response = system.http.open(url, method=other)
        if response.status_code == 404:  # a portal path of a business that is not there
            continue
        assert response.status_code == 405, (other, path, response.status_code)
        assert methods <= set(response.headers["Allow"].replace(" ", "").split(",")), (path, response.headers)
        assert response.get_json()["error"]["code"] == "method_not_allowed"
