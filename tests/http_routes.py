"""Which of the gateway's routes take an id, and where: read from the app itself, not listed by hand.

An id reaches a route three ways, and each is found where the route declares it:
- in the URL: the rule's arguments (``<id:invoice_id>``, ``<int:client_id>``, ``<token>``);
- in an API request's body or query: the fields of the schemas the operation reads (flask-smorest keeps
  them on the view), nested lists of objects included;
- in a page's form: the form values a view (and the gateway.web helpers it calls) reads by a literal name.

Every argument or field whose name looks like an id must be named in ``ID_ARGUMENTS`` (what kind of thing
it names), every other URL argument in ``NOT_IDS``; ``problems`` lists what is in neither, so a new kind of id
fails the matrix until it is taught here instead of going untested.
"""
import ast
import inspect
import re
import textwrap
from dataclasses import dataclass, field

from marshmallow import Schema, fields as ma_fields

# Argument or field name -> the kind of thing it names (a key of the victim's objects).
ID_ARGUMENTS = {
    "invoice_id": "invoice", "invoice_ids": "invoice", "method_id": "method", "payment_method_id": "method",
    "account_id": "account", "client_id": "account", "client_ids": "account", "parent_id": "account",
    "portal_user_id": "portal_user", "payment_id": "payment", "job_id": "job", "alert_ids": "alert",
    "run_id": "run", "field_id": "field", "message_id": "message", "thread_id": "chat_thread",
    "document_id": "document", "estimate_id": "estimate", "service_id": "service", "visit_id": "visit",
    "request_id": "service_request", "announcement_id": "announcement", "account_ids": "account",
    "item_ids": "feed_item",
    "ticket_id": "ticket", "attachment_id": "attachment", "category_id": "category", "assignee_id": "staff_member",
    "token": lambda rule: "invitation" if "/invitation" in rule else "reset",  # a link's secret
    "method": "method",  # the pay forms' choice of a card or bank account on file (FORM_IDS)
}
# Page forms that read an id under a name that does not look like one.
FORM_IDS = {"portal.billing.pay": ["method"], "portal.billing.review_payment": ["method"],
            "portal.prepayment.make_prepayment": ["method"],
            # The announcement form's chosen clients, read through gateway.web.forms with the other inputs.
            "staff.announcements.publish": ["account_ids"], "staff.announcements.save": ["account_ids"]}
# URL arguments and fields whose names look like ids but name no object of a business, and why.
NOT_IDS = {"slug": "the business of a portal URL: the caller's own", "tab": "a settings tab's name",
           "kind": "a kind of client email (invitation, receipt, invoice, visit_reminder): the caller's own business's",
           "filename": "a static file's path",
           "purpose": "an app icon's kind (any, maskable), the same for every business",
           "size": "an app icon's size in pixels",
           "colour": "the business's brand colour in its stylesheet's address, public like the portal's look",
           "feed_token": "the secret of a client's calendar address (/calendar/<token>.ics): the whole credential, read "
                         "by calendar apps without a session, good for whoever holds it and tied to no business in the "
                         "URL; tests/test_services_tab_api.py checks it opens only that client's visits, that a new "
                         "address or a revocation ends it (404) and that a wrong shape is 404",
           "reset_link": "the secret of a staff password reset link (/staff/reset/...): the whole credential, good for "
                         "whoever holds it (it proves the staff member's mailbox) and tied to no business in the URL; "
                         "tests/test_staff_credentials.py checks it is single-use, the latest only, and 404 otherwise"}
NOT_ID_FIELDS = {"before_id": "the feed's paging cursor: items of the caller's own account older than it; another "
                              "account's item id only pages the caller's own feed (notifications filters by the "
                              "passport's account first: services/notifications/tests/test_feed.py)",
                 "reference_id": "what a client says a new ticket is about (a visit or invoice, from the link of its "
                                "card): a visit is checked with billing as the client (another account's is not "
                                "found: tests/test_service_requests.py), an invoice kept as the client's words",
                 "token": "a card or bank account the processor's hosted form just tokenised (nothing stored yet), "
                          "or the pending token of a staff sign-in's second step (the credential itself)"}
ID_LIKE = re.compile(r"(^|_)(id|ids|token)$")
# Form reads of a page: ``request.form.get("x")``, ``form.getlist("x")``, ``values.get("x")``, ``chosen_ids("x")``;
# a page drawn for GET reads its query only (what it reads from the form is for drawing a posted form again).
FORM_SOURCES = {"POST": {"form", "values", "args"}, "GET": {"values", "args"}}
WRITES = {"POST", "PUT", "PATCH"}


@dataclass
class Route:
    rule: str
    method: str
    endpoint: str
    api: bool
    path_ids: list
    body_ids: list = field(default_factory=list)  # top-level fields; nested ones in nested_ids
    query_ids: list = field(default_factory=list)
    nested_ids: list = field(default_factory=list)  # "allocations[].invoice_id"
    has_body: bool = False
    headers: list = field(default_factory=list)  # header names the operation reads (Idempotency-Key)

    @property
    def audience(self):
        return "portal" if self.rule.startswith(("/p/", "/api/v1/portal/")) else "staff"

    @property
    def takes_ids(self):
        return bool(self.path_ids or self.body_ids or self.query_ids or self.nested_ids)

    @property
    def slots(self):
        """Every place an id goes, as ``(where, name)``."""
        return [("path", name) for name in self.path_ids] + [("body", name) for name in self.body_ids] + \
            [("query", name) for name in self.query_ids] + [("nested", name) for name in self.nested_ids]

    @property
    def name(self):
        return f"{self.method} {self.rule}"


def kind_of(slot, rule):
    """The kind of thing a slot names: ``invoice_id``, ``allocations[].invoice_id`` and ``apply-<invoice_id>``
    all name an invoice."""
    name = [word for word in re.findall(r"[a-z][a-z_]*", slot) if word in ID_ARGUMENTS][-1]
    kind = ID_ARGUMENTS[name]
    return kind(rule) if callable(kind) else kind


def routes(app):
    """Every (rule, method) of ``app`` as a Route, with the ids it takes; and the problems found."""
    found, problems = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            route = Route(rule.rule, method, rule.endpoint, rule.rule.startswith("/api/"), [])
            for name in sorted(rule.arguments):
                if name in ID_ARGUMENTS:
                    route.path_ids.append(name)
                elif name not in NOT_IDS:
                    problems.append(f"{route.name}: URL argument {name!r} is neither in ID_ARGUMENTS nor NOT_IDS")
            if route.api:
                read_api_arguments(route, view)
            else:
                read = sorted(form_fields_read(view, FORM_SOURCES.get(method, FORM_SOURCES["POST"]))
                              | set(FORM_IDS.get(rule.endpoint, ())))
                route.has_body = method in WRITES
                setattr(route, "body_ids" if route.has_body else "query_ids", read)
            unknown = [name for name in route.body_ids + route.query_ids + route.nested_ids
                       if name.split(".")[-1] not in ID_ARGUMENTS]
            problems += [f"{route.name}: id field {name!r} is not in ID_ARGUMENTS" for name in unknown]
            found.append(route)
    return found, problems


def read_api_arguments(route, view):
    """Fill ``route`` with the id fields of the schemas an API view reads."""
    for parameter in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
        schema = parameter["schema"]
        schema = schema() if isinstance(schema, type) else schema
        location = parameter.get("in", "json")
        if location == "headers":
            route.headers += [item.data_key or name for name, item in schema.fields.items()]
            continue
        if location in ("json", "optional_json"):
            route.has_body = True
        top, nested = id_fields(schema)
        (route.query_ids if location == "query" else route.body_ids).extend(top)
        route.nested_ids.extend(nested)


def id_fields(schema):
    """``(top-level id fields, nested ones as "list[].name")`` of a marshmallow schema."""
    top, nested = [], []
    for name, item in schema.fields.items():
        name = item.data_key or name
        if ID_LIKE.search(name) and name not in NOT_ID_FIELDS:
            top.append(name)
        inner = getattr(item, "inner", None)
        inner_schema = getattr(inner or item, "schema", None)
        if isinstance(inner or item, ma_fields.Nested) and isinstance(inner_schema, Schema):
            nested += [f"{name}[].{sub}" for sub in id_fields(inner_schema)[0]]
    return top, nested


def form_fields_read(view, sources, depth=3):
    """The id-like form values a page's view reads by a literal name, in its code and the gateway.web helpers
    it calls (values read under computed names are invisible here: such a form is described in BODIES)."""
    found, seen = set(), set()

    def visit(function, depth):
        function = inspect.unwrap(function)
        if not inspect.isfunction(function) or function in seen or \
                not function.__module__.startswith("gateway.web"):
            return
        seen.add(function)
        for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(function)))):
            if isinstance(node, ast.Call) and reads_form(node, sources, function.__globals__):
                found.add(node.args[0].value)
            if depth and isinstance(node, ast.Name) and node.id in function.__globals__:
                visit(function.__globals__[node.id], depth - 1)
            if depth and isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                module = function.__globals__.get(node.value.id)
                if inspect.ismodule(module):
                    visit(getattr(module, node.attr, None), depth - 1)

    visit(view, depth)
    return found


def reads_form(call, sources, names):
    if not (call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)
            and ID_LIKE.search(call.args[0].value) and call.args[0].value not in NOT_ID_FIELDS):
        return False
    if isinstance(call.func, ast.Name):  # a helper reading the form, such as chosen_ids("invoice_ids")
        return inspect.isfunction(names.get(call.func.id))  # not a class, such as Field("payment_id", ...)
    if isinstance(call.func, ast.Attribute) and call.func.attr in ("get", "getlist"):
        receiver = call.func.value
        name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", None)
        return name in sources
    return False
