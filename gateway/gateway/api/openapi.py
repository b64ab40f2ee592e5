"""The OpenAPI document: flask-smorest builds it from the API blueprints; the errors a route's shape implies
are derived here, and the settings tabs' JSON Schemas are added as their services describe them."""
import copy
import http

from apispec import BasePlugin
from flask_smorest import Api

from gateway import VERSION, errors
from gateway.api.blueprints import IdConverter, id_parameter
from gateway.schemas.common import ErrorSchema
from shared.schema_description import distinct_items, text_without_nul

DESCRIPTION = ("Client-portal and staff API. Errors share one body: `{\"error\": {\"code\", \"message\", "
               "\"fields\"}}`; `fields` maps each field (or header) at fault to its messages.")
SETTINGS_PATH = "/api/v1/staff/settings/{tab}"
# Any route calls a service, and any service can be down (503) or too slow (504).
ALWAYS = (http.HTTPStatus.SERVICE_UNAVAILABLE, http.HTTPStatus.GATEWAY_TIMEOUT)


def implied_statuses(path, operation):
    """Return the error statuses an operation can give by its shape alone."""
    statuses = list(ALWAYS)
    if "{" in path:  # an id or slug that names nothing
        statuses.append(http.HTTPStatus.NOT_FOUND)
    if "security" in operation:  # no session, or a cookie without its CSRF token or the rights
        statuses += [http.HTTPStatus.UNAUTHORIZED, http.HTTPStatus.FORBIDDEN]
    if "requestBody" in operation:
        statuses += [http.HTTPStatus.BAD_REQUEST, http.HTTPStatus.REQUEST_ENTITY_TOO_LARGE]
    if any(parameter.get("in") in ("query", "header") for parameter in operation.get("parameters", [])):
        statuses.append(http.HTTPStatus.BAD_REQUEST)
    return statuses


class ImpliedErrors(BasePlugin):
    """Document, on every operation, the errors its shape implies (see ``implied_statuses``)."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in implied_statuses(path, operation):
                if status.value not in responses and str(status.value) not in responses:
                    responses[status.value] = status.name


class PorticoApi(Api):
    """flask-smorest's Api with the gateway's error body; gateway/errors.py answers every error."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error):
        return errors.handle_http_error(error)


def create_api(app):
    """Return the app's Api; register the API blueprints with its ``register_blueprint``."""
    app.config.setdefault("OPENAPI_URL_PREFIX", None)  # gateway.api.docs serves the document
    api = PorticoApi(app, spec_kwargs={
        "title": "Portico API", "version": VERSION, "openapi_version": "3.0.3",
        "info": {"description": DESCRIPTION}, "extra_plugins": [ImpliedErrors()]})
    api.ma_plugin.converter.add_attribute_function(distinct_items)
    api.ma_plugin.converter.add_attribute_function(text_without_nul)
    # Every 429 says when to ask again (flask-smorest registers each status's answer lazily).
    too_many = api.spec.components.responses_lazy[http.HTTPStatus.TOO_MANY_REQUESTS.name]
    too_many.setdefault("headers", {})["Retry-After"] = {
        "description": "Seconds to wait before asking again.", "schema": {"type": "integer", "minimum": 1}}
    # A 409 that asking again clears (request_in_progress: the same Idempotency-Key's first request is
    # still under way) says when; other conflicts carry no Retry-After.
    conflict = api.spec.components.responses_lazy[http.HTTPStatus.CONFLICT.name]
    conflict.setdefault("headers", {})["Retry-After"] = {
        "description": "With request_in_progress: seconds to wait before sending the same request again.",
        "schema": {"type": "integer", "minimum": 1}}
    app.url_map.converters["id"] = IdConverter
    api.register_converter(IdConverter, id_parameter)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme("cookie", {
        "type": "apiKey", "in": "cookie",
        "name": "__Host-portico_staff" if app.config["SECURE_COOKIES"] else "portico_staff",
        "description": "The staff pages' session; a state-changing call also sends X-CSRF-Token."})
    return api


def document(api, settings_descriptions):
    """Return the OpenAPI document with ``settings_descriptions`` (tab -> JSON Schema) as the settings bodies."""
    spec = only_null(copy.deepcopy(api.spec.to_dict()))
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for tab, description in settings_descriptions.items():
        schemas[settings_schema_name(tab)] = description
    one_path_per_tab(spec, sorted(settings_descriptions))
    return spec


def one_path_per_tab(spec, tabs):
    """Document ``/settings/{tab}`` as one path per tab, each with that tab's schema as its body.

    One path with a body of "any tab's schema" would let a client send one tab's settings to another, which
    the owner refuses as unknown fields: the document would promise what the server does not take.
    """
    item = spec["paths"].pop(SETTINGS_PATH)
    for tab in tabs:
        schema = {"$ref": f"#/components/schemas/{settings_schema_name(tab)}"}
        operations = copy.deepcopy({method: operation for method, operation in item.items() if method != "parameters"})
        operations["patch"]["requestBody"]["content"]["application/json"]["schema"] = schema
        spec["paths"][SETTINGS_PATH.replace("{tab}", tab)] = operations


def only_null(node):
    """Make apispec's ``{"type": "object", "nullable": true}`` branch of a nullable nested object accept null only.

    apispec 6 writes an optional nested object as ``anyOf: [{$ref}, {type: object, nullable: true}]``, whose second
    branch would take any object at all, ``{}`` included; ``enum: [null]`` keeps it to null, as the server reads it.
    """
    if isinstance(node, dict):
        if node.get("nullable") is True and node.get("type") == "object" and set(node) == {"type", "nullable"}:
            node["enum"] = [None]
        for value in node.values():
            only_null(value)
    elif isinstance(node, list):
        for value in node:
            only_null(value)
    return node


def settings_schema_name(tab):
    return f"{tab.capitalize()}Settings"
