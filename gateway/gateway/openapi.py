"""OpenAPI for the HTTP API, generated from the views' declared schemas and the services' settings."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app

from gateway import VERSION
from gateway.schemas import ErrorSchema
from gateway.services import SETTINGS_TABS

METHODS = ("get", "post", "put", "patch", "delete")


def documented(summary, body=None, response=None, status=200, auth=True, tag=None, body_ref=None):
    """Attach what the OpenAPI document says about a view."""

    def decorate(view):
        view.openapi = {"summary": summary, "body": body, "response": response, "status": status,
                        "auth": auth, "tag": tag, "body_ref": body_ref}
        return view

    return decorate


def _path(rule):
    """Flask's ``/x/<int:id>`` as OpenAPI's ``/x/{id}``."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)


def build_spec(settings_descriptions):
    """Return the OpenAPI document; ``settings_descriptions`` maps tab -> JSON Schema."""
    spec = APISpec(title="Portico API", version=VERSION, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Client-portal and staff API. Errors share one body: "
                                        "`{\"error\": {\"code\", \"message\", \"fields\"}}`."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("cookie", {"type": "apiKey", "in": "cookie",
                                               "name": "portico_staff"})
    spec.components.schema("Error", schema=ErrorSchema)
    for tab, description in settings_descriptions.items():
        spec.components.schema(f"{tab.capitalize()}Settings", component=description)
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        view = current_app.view_functions[rule.endpoint]
        doc = getattr(view, "openapi", None)
        if doc is None:
            continue
        operations = {}
        for method in METHODS:
            if method.upper() not in rule.methods:
                continue
            operation = {
                "summary": doc["summary"],
                "tags": [doc["tag"] or rule.rule.split("/")[3 if rule.rule.startswith("/api/") else 1]],
                "responses": {
                    str(doc["status"]): {"description": "Success"} if doc["response"] is None else {
                        "description": "Success",
                        "content": {"application/json": {"schema": doc["response"]}}},
                    "default": {"description": "Error",
                                "content": {"application/json": {"schema": "Error"}}},
                },
            }
            if doc["auth"]:
                operation["security"] = [{"bearer": []}, {"cookie": []}]
            if doc["body"] is not None:
                operation["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": doc["body"]}}}
            elif doc["body_ref"] == "settings":
                operation["requestBody"] = {"required": True, "content": {"application/json": {
                    "schema": {"oneOf": [{"$ref": f"#/components/schemas/{tab.capitalize()}Settings"}
                                         for tab in settings_descriptions]}}}}
            operations[method] = operation
        parameters = [{"name": argument, "in": "path", "required": True,
                       "schema": {"type": "string", **({"enum": sorted(SETTINGS_TABS)}
                                                       if argument == "tab" else {})}}
                      for argument in sorted(rule.arguments)]
        spec.path(path=_path(rule), operations=operations, parameters=parameters or None)
    return spec.to_dict()
