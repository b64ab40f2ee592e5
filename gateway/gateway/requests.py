"""Reading request input through schemas: malformed or invalid input becomes InvalidInput."""
from flask import request
from marshmallow import EXCLUDE, RAISE, ValidationError

from shared.errors import InvalidInput, NotFound
from shared.settings_store import validation_error


def json_object():
    """Return the request's JSON body, which must be an object."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("The request body must be a JSON object.",
                           {"_schema": ["Send a JSON object with Content-Type: application/json."]})
    return body


def load_json(schema_class, **options):
    """Validate the JSON body with ``schema_class``; unknown fields are refused."""
    try:
        return schema_class(unknown=RAISE, **options).load(json_object())
    except ValidationError as error:
        raise validation_error(error) from None


def path_id(text, what):
    """Return the id in a URL as a number; anything else names nothing (404)."""
    # Plain <name> path parameters, not <int:name>: the OpenAPI builder documents only those.
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise NotFound(f"No such {what}.")
    return int(text)


def load_query(schema_class):
    """Validate the query string with ``schema_class``; other parameters are ignored."""
    try:
        return schema_class(unknown=EXCLUDE).load(request.args)
    except ValidationError as error:
        raise validation_error(error) from None
