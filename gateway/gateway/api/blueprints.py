"""The JSON API's blueprints: webargs reads each request, flask-smorest documents it in OpenAPI.

A view declares, with ``ApiBlueprint.operation``, what it reads, what it answers and the errors beyond
those its shape implies; gateway/api/openapi.py derives the rest.
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
from shared.fields import MAX_ID
from shared.i18n import _
from shared.validation import refuse_nul, validation_error


class RequestParser(FlaskParser):
    """webargs' Flask parser, refusing bad input with the gateway's own 400 body."""

    DEFAULT_VALIDATION_STATUS = 400
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "optional_json": None}
    __location_map__ = {**FlaskParser.__location_map__, "optional_json": "load_optional_json"}

    def load_json(self, req, schema):
        """Return the request's JSON body, which must be an object without NUL characters in its text."""
        body = req.get_json(silent=True)
        if not isinstance(body, dict):
            raise InvalidInput(_("The request body must be a JSON object."),
                               {"_schema": [_("Send a JSON object with Content-Type: application/json.")]})
        refuse_nul(body)
        return body

    def load_querystring(self, req, schema):
        refuse_nul({name: "".join(req.args.getlist(name)) for name in req.args})
        return super().load_querystring(req, schema)

    def load_form(self, req, schema):
        refuse_nul({name: "".join(req.form.getlist(name)) for name in req.form})
        return super().load_form(req, schema)

    def load_optional_json(self, req, schema):
        """Return the JSON body as ``load_json`` does, or nothing when the request has no body."""
        return self.load_json(req, schema) if req.get_data(cache=True) else core.missing

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        # webargs files the messages under the location they came from; the error body names fields alone. Its
        # messages are marshmallow's, in English: gateway/errors.py gives them in the request's language.
        [messages] = error.messages.values()
        raise validation_error(ValidationError(messages))


class IdConverter(BaseConverter):
    """An id in a URL: 1 to 18 digits (at most MAX_ID), given to the view as a number; anything else names
    nothing (404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(int(value))


def id_parameter(converter):
    """Document an ``<id:...>`` path parameter."""
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


class ApiBlueprint(Blueprint):
    """A blueprint of API routes for one kind of ``caller``, each documented in /api/v1/openapi.json under ``tag``.

    ``caller`` is ``STAFF`` or ``CLIENT``: an operation lets in only a signed-in caller of that kind unless it
    is declared ``public``.
    """

    ARGUMENTS_PARSER = RequestParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "optional_json": "application/json"}

    def __init__(self, name, import_name, tag, caller=None, **options):
        super().__init__(name, import_name, **options)
        self.tag = tag
        self.caller = caller

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, *,
                     parameters=None, tags=None, **options):
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, parameters=parameters,
                             tags=tags or [self.tag], **options)

    def operation(self, summary, *, status=200, response=None, dump=False, query=None, headers=None, body=None,
                  optional_body=False, raises=(), public=False, **doc):
        """Declare what a view reads, what it answers and the errors beyond those its shape implies.

        The caller is checked first, then the headers, the body and the query are read (and passed to the
        view in that order); ``dump`` shapes the view's answer with ``response``, else it goes out as it is.
        """
        steps = [] if public else [self.caller_check()]
        steps.append(self.doc(summary=summary, **doc))
        for location, schema in (("headers", headers), ("optional_json" if optional_body else "json", body),
                                 ("query", query)):
            if schema is not None:
                steps.append(self.arguments(schema, location=location, required=not optional_body))
        steps.append(self.response(status, response) if dump else self.alt_response(
            status, schema=response, success=True, description=http.HTTPStatus(status).phrase))
        steps += [self.alt_response(error.value, response=error.name)
                  for error in (http.HTTPStatus(status_for(error_class)) for error_class in raises)]

        def decorate(view):
            for step in reversed(steps):
                view = step(view)
            return view

        return decorate

    def caller_check(self):
        """Return a decorator that runs the view only for a signed-in caller, documenting how to sign in."""
        authenticate, security = self.caller
        return lambda view: self.doc(security=security)(signed_in(authenticate)(view))


# How the document describes an answer that is a PDF document.
PDF_ANSWER = {200: {"description": "A PDF document",
                    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}
# Who may call: a staff bearer token or the staff cookie (with its CSRF token); a client's bearer token.
STAFF = (authenticate_staff, [{"bearer": []}, {"cookie": []}])
CLIENT = (authenticate_client, [{"bearer": []}])
