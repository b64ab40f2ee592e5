"""/api/v1/openapi.json describes the API completely: every route, parameter and answer, checked from the
app's own route table and by calling every route, so that a route, a filter or a status cannot go missing.

Schemathesis is to run over this document next; these checks keep it accurate in the meantime.
"""
import re

import pytest

from billing.schemas import InvoiceFiltersSchema
from tests.portal_helpers import bearer, registered_client

pytestmark = pytest.mark.backends("sqlite")  # what is checked is the gateway's, the same on every backend

API_BLUEPRINTS = ("health", "staff_api", "portal_api")
DOCUMENTS = {"/api/v1/openapi.json"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
STAFF_LIST = "/api/v1/staff/invoices"
CLIENT_LIST = "/api/v1/portal/{slug}/invoices"
# A client's invoice list is always their own account's, and autopay is how staff pick invoices to charge.
NOT_A_CLIENT_FILTER = {"account_id", "autopay"}
# Signing out ends the session the later calls use: it is tried last.
SIGN_OUT = re.compile(r"/sessions/current$")
SETTINGS_TAB = "general"


@pytest.fixture(scope="module")
def spec(system):
    response = system.http.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def callers(system):
    """A business with its staff member's and a signed-in client's headers."""
    tenant, owner = system.new_tenant()
    _, session = registered_client(system, tenant, email="documented@example.com")
    return tenant, bearer(system.staff_token(owner)), bearer(session["token"])


def api_routes(app):
    """Return ``(rule, method)`` for every route of the JSON API, from the app's route table."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in API_BLUEPRINTS:
            routes += [(rule, method) for method in METHODS if method in rule.methods]
        elif rule.rule.startswith("/api/v1/"):
            assert rule.rule in DOCUMENTS, f"{rule.rule} is an API route outside the API blueprints"
    assert len(routes) > 50
    return sorted(routes, key=lambda route: (bool(SIGN_OUT.search(route[0].rule)), route[0].rule, route[1]))


def openapi_path(rule):
    """The rule's path in the document; the settings tabs are documented one path each (the General tab stands
    for them all here)."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule).replace("{tab}", SETTINGS_TAB)


def operation(spec, rule, method):
    return spec["paths"][openapi_path(rule)][method.lower()]


def url(rule, slug, an_id):
    """The rule's URL with every path parameter filled in: the business's slug, ``an_id``, a tab, a token."""
    values = {"slug": slug, "tab": "general", "token": "not-a-real-token"}
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda found: values.get(found[2], str(an_id)), rule.rule)


def call(system, rule, method, slug, an_id, headers=None, query=None):
    return system.http.open(url(rule, slug, an_id), method=method, headers=headers or {}, query_string=query,
                            json={} if method != "GET" else None)


def documented(spec, rule, method):
    return {int(status) for status in operation(spec, rule, method)["responses"]}


def test_every_api_route_is_documented_with_its_path_parameters(system, spec):
    for rule, method in api_routes(system.app):
        item = spec["paths"].get(openapi_path(rule))
        assert item is not None and method.lower() in item, (method, rule.rule)
        named = {parameter["name"] for parameter in item.get("parameters", []) if parameter["in"] == "path"}
        assert named == set(rule.arguments) - {"tab"}, (method, rule.rule)


def test_every_operation_lists_the_errors_its_shape_implies(system, spec):
    for rule, method in api_routes(system.app):
        statuses, found = documented(spec, rule, method), operation(spec, rule, method)
        assert {503, 504} <= statuses, (method, rule.rule)  # any service can be down or slow
        if rule.arguments:
            assert 404 in statuses, (method, rule.rule)
        if "requestBody" in found or found.get("parameters"):
            assert 400 in statuses, (method, rule.rule)
        if "security" in found:
            assert {401, 403} <= statuses, (method, rule.rule)


def undocumented(spec, rule, method, response):
    """Return what is wrong when ``response`` gave a status the operation does not document, else nothing."""
    if response.status_code not in documented(spec, rule, method):
        return [(method, rule.rule, response.status_code, response.get_json())]
    return []


def test_every_answer_to_an_anonymous_caller_is_documented(system, spec, callers):
    tenant, _, _ = callers
    wrong = [problem for rule, method in api_routes(system.app)
             for problem in undocumented(spec, rule, method, call(system, rule, method, tenant["slug"], 1))]
    assert wrong == []


def test_every_answer_to_a_signed_in_caller_is_documented(system, spec, callers):
    tenant, staff, client = callers
    wrong = []
    for rule, method in api_routes(system.app):
        headers = client if rule.endpoint.startswith("portal_api.") else staff
        for an_id in (1, 999_999_999):
            wrong += undocumented(spec, rule, method, call(system, rule, method, tenant["slug"], an_id, headers))
    assert wrong == []


def test_every_answer_to_a_bad_query_is_documented(system, spec, callers):
    tenant, staff, client = callers
    for rule, method in api_routes(system.app):
        names = [parameter["name"] for parameter in operation(spec, rule, method).get("parameters", [])
                 if parameter["in"] == "query"]
        if names:
            headers = client if rule.endpoint.startswith("portal_api.") else staff
            response = call(system, rule, method, tenant["slug"], 1, headers, {name: "x!" for name in names})
            assert response.status_code == 400, (method, rule.rule, response.get_json())
            assert 400 in documented(spec, rule, method)


def test_a_route_that_needs_an_idempotency_key_documents_the_header(system, spec, callers):
    tenant, staff, client = callers
    needing = []
    for rule, method in api_routes(system.app):
        if method == "GET" or SIGN_OUT.search(rule.rule):
            continue
        headers = client if rule.endpoint.startswith("portal_api.") else staff
        answer = call(system, rule, method, tenant["slug"], 999_999_999, headers).get_json() or {}
        if "Idempotency-Key" in answer.get("error", {}).get("fields", {}):
            needing.append(openapi_path(rule))
            headers = {parameter["name"]: parameter for parameter in operation(spec, rule, method)["parameters"]
                       if parameter["in"] == "header"}
            assert headers["Idempotency-Key"]["required"], rule.rule
    assert sorted(needing) == ["/api/v1/portal/{slug}/payments", "/api/v1/portal/{slug}/prepayments",
                               "/api/v1/staff/invoices/{invoice_id}/refunds"]


def test_both_invoice_lists_document_every_filter_billing_takes(spec):
    filters = set(InvoiceFiltersSchema().fields)

    def query_parameters(path):
        return {parameter["name"] for parameter in spec["paths"][path]["get"]["parameters"]
                if parameter["in"] == "query"}

    assert filters <= query_parameters(STAFF_LIST)
    assert filters - NOT_A_CLIENT_FILTER <= query_parameters(CLIENT_LIST)


def test_every_query_the_views_read_is_documented(system, spec):
    for rule, method in api_routes(system.app):
        view = system.app.view_functions[rule.endpoint]
        read = [parameter["schema"] for parameter in getattr(view, "_apidoc", {}).get("arguments", {}).get(
            "parameters", []) if parameter["in"] == "query"]
        names = {field.data_key or name for schema in read
                 for name, field in (schema() if isinstance(schema, type) else schema).fields.items()}
        documented_names = {parameter["name"] for parameter in operation(spec, rule, method).get("parameters", [])
                            if parameter["in"] == "query"}
        assert names <= documented_names, (method, rule.rule)
