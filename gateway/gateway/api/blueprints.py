"""The JSON API's blueprints: webargs reads each request, flask-smorest documents it in OpenAPI.

A view declares what it reads (``query``, ``body``, ``headers``), what it answers (``answers`` for
the services' data as it is, or flask-smorest's ``response`` to shape it with the schema) and the
errors beyond those its shape implies (``raises``); gateway/api/openapi.py derives the rest.
"""
import http

from flask_smorest import Blueprint
from marshmallow import ValidationError
from webargs import core
from webargs.flaskparser import FlaskParser
from werkzeug.routing import BaseConverter

from gateway.auth import authenticate_staff, signed_in
from gateway.errors import status_for
from gateway.portal_auth import authenticate_client
from shared.errors import InvalidInput
from shared.validation import validation_error

# Who may call: a staff bearer token or the staff cookie (with its CSRF token); a client's bearer token.
STAFF_SECURITY = [{"bearer": []}, {"cookie": []}]
CLIENT_SECURITY = [{"bearer": []}]


class RequestParser(FlaskParser):
    """webargs' Flask parser, refusing bad input with the gateway's own 400 body."""

    DEFAULT_VALIDATION_STATUS = 400
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "optional_json": None}
    __location_map__ = {**FlaskParser.__location_map__, "optional_json": "load_optional_json"}

    def load_json(self, req, schema):
        """Return the request's JSON body, which must be an object."""
        body = req.get_json(silent=True)
        if not isinstance(body, dict):
            raise InvalidInput("The request body must be a JSON object.",
                               {"_schema": ["Send a JSON object with Content-Type: application/json."]})
        return body

    def load_optional_json(self, req, schema):
        """Return the JSON body as ``load_json`` does, or nothing when the request has no body."""
        return self.load_json(req, schema) if req.get_data(cache=True) else core.missing

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        # webargs files the messages under the location they came from; the error body names fields alone.
        [messages] = error.messages.values()
        raise validation_error(ValidationError(messages))


class IdConverter(BaseConverter):
    """An id in a URL: up to 18 digits, given to the view as a number; anything else names nothing (404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(int(value))


def id_parameter(converter):
    """Document an ``<id:...>`` path parameter."""
    return {"type": "integer", "minimum": 0, "maximum": 10 ** 18 - 1}


class ApiBlueprint(Blueprint):
    """A blueprint of API routes, each documented in /api/v1/openapi.json under ``tag``."""

    ARGUMENTS_PARSER = RequestParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "optional_json": "application/json"}

    def __init__(self, name, import_name, tag, **options):
        super().__init__(name, import_name, **options)
        self.tag = tag

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, *,
                     parameters=None, tags=None, **options):
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, parameters=parameters,
                             tags=tags or [self.tag], **options)

    def query(self, schema):
        """Read the query string with ``schema``; parameters it does not name are ignored."""
        return self.arguments(schema, location="query")

    def body(self, schema, optional=False):
        """Read the JSON body with ``schema``; unknown fields are refused; ``optional`` lets it be left out."""
        return self.arguments(schema, location="optional_json" if optional else "json", required=not optional)

    def headers(self, schema):
        return self.arguments(schema, location="headers")

    def answers(self, status, schema=None, description=None):
        """Document the answer the view returns as it is (the services' data, unshaped)."""
        return self.alt_response(status, schema=schema, success=True,
                                 description=description or http.HTTPStatus(status).phrase)

    def raises(self, *error_classes):
        """Document the statuses of errors this route can give beyond those its shape implies."""

        def decorate(view):
            for error_class in error_classes:
                status = http.HTTPStatus(status_for(error_class))
                view = self.alt_response(status.value, response=status.name)(view)
            return view

        return decorate


def needs(authenticate, security):
    """A view decorator: run the view once ``authenticate()`` found the caller; document ``security``."""

    def decorate(view):
        return Blueprint.doc(security=security)(signed_in(authenticate)(view))

    return decorate


staff_required = needs(authenticate_staff, STAFF_SECURITY)
client_required = needs(authenticate_client, CLIENT_SECURITY)

