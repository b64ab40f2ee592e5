"""The one place that maps errors to HTTP: status codes and the JSON error body."""
import logging

from flask import g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from gateway.rpc import RemoteFailure
from shared.errors import (AnswerTooLarge, Conflict, IdempotencyMismatch, InvalidInput, MessageTooLarge, NotFound,
                           PaymentDeclined, PermissionDenied, PorticoError, RateLimited, RequestInProgress,
                           ServiceTimeout, ServiceUnavailable, Unauthenticated)
from shared.i18n import N_, _
from shared.validation import translate_message

log = logging.getLogger(__name__)

STATUS = {
    InvalidInput: 400,
    Unauthenticated: 401,
    PaymentDeclined: 402,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    MessageTooLarge: 413,  # the request (or the event it would cause) is too large to pass on
    IdempotencyMismatch: 422,
    RateLimited: 429,
    RemoteFailure: 500,
    AnswerTooLarge: 500,  # a service's answer outgrew a message: the service must page it
    ServiceUnavailable: 503,
    ServiceTimeout: 504,
}
# What werkzeug says of the HTTP errors a person may meet (its own words, as the catalogue's messages).
HTTP_DESCRIPTIONS = (
    N_("The browser (or proxy) sent a request that this server could not understand."),
    N_("The server could not verify that you are authorized to access the URL requested. You either supplied the "
       "wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials "
       "required."),
    N_("You don't have the permission to access the requested resource. It is either read-protected or not "
       "readable by the server."),
    N_("The requested URL was not found on the server. If you entered the URL manually please check your spelling "
       "and try again."),
    N_("The method is not allowed for the requested URL."),
    N_("The data value transmitted exceeds the capacity limit."),
    N_("The server does not support the media type transmitted in the request."),
    N_("This user has exceeded an allotted request count. Try again later."),
    N_("The server encountered an internal error and was unable to complete your request. Either the server is "
       "overloaded or there is an error in the application."),
)


def status_of(error):
    """Return the HTTP status of ``error``; a refusal that says when to ask again also sets the answer's Retry-After.

    (RateLimited: 429 until the window lets another in; RequestInProgress: 409 while the first request
    with the same Idempotency-Key is under way - asked again then, the same request gets its answer.)
    """
    if isinstance(error, (RateLimited, RequestInProgress)) and error.retry_after:
        g.retry_after = error.retry_after
    return status_for(type(error))


def status_for(error_class):
    """Return the HTTP status of errors of ``error_class``."""
    for cls in error_class.__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def wants_json():
    return request.path.startswith("/api/") or request.path == "/healthz" or (
        request.accept_mimetypes.best == "application/json")


def error_response(code, message, fields, status):
    if wants_json():
        response = jsonify({"error": {"code": code, "message": message, "fields": fields}})
    else:
        response = render_template("error.html", message=message, status=status)
    return response, status


def translated(text):
    """``text`` in the request's language when the catalogue has it (a message of marshmallow's or the gateway's);
    as it is otherwise (a service's message arrives already in the caller's language)."""
    return translate_message(text) if isinstance(text, str) and text else text


def translated_messages(messages):
    """Field messages (``{"field": ["message", ...]}``, nested as marshmallow nests them) in the request's language."""
    if isinstance(messages, dict):
        return {name: translated_messages(value) for name, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [translated_messages(value) for value in messages]
    return translated(messages)


def handle_portico_error(error):
    status = status_of(error)
    if status >= 500:
        log.warning("answering %s: %s", status, error.message)
    # The one place every error body passes: the messages marshmallow and webargs gave while reading the
    # request (gateway/api/blueprints.py), untranslated until here, go out in the request's language.
    return error_response(error.code, translated(error.message), translated_messages(error.fields), status)


def handle_http_error(error):
    code = (error.name or "error").lower().replace(" ", "_")
    response, status = error_response(code, translated(error.description or error.name), {}, error.code)
    # The error's own headers go out too: a 405's Allow lists the methods the URL takes.
    return response, status, [(name, value) for name, value in error.get_headers() if name.lower() == "allow"]


def handle_unexpected(error):
    log.exception("unexpected error")
    return error_response("internal_error", _("Something went wrong on our side."), {}, 500)


def add_retry_after(response):
    """Tell a client refused with 429 or 409 (page or API) how many seconds to wait before asking again."""
    if response.status_code in (409, 429) and g.get("retry_after"):
        response.headers["Retry-After"] = str(int(g.retry_after))
    return response


def register(app):
    app.after_request(add_retry_after)
    app.register_error_handler(PorticoError, handle_portico_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
