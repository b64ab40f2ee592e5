"""Reading request input through schemas: malformed or invalid input becomes InvalidInput."""
from flask import request
from marshmallow import RAISE, ValidationError

from shared.errors import InvalidInput
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
