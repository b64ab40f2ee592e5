"""Loading input through marshmallow schemas: anything invalid becomes InvalidInput with per-field messages."""
from marshmallow import ValidationError

from shared.errors import InvalidInput


def flatten_messages(messages):
    """Turn marshmallow's nested messages into ``{"field.inner": ["message", ...]}``."""
    if not isinstance(messages, dict):
        return {"_schema": [str(message) for message in messages]}
    flat = {}
    for field, value in messages.items():
        if isinstance(value, dict):
            for inner, inner_messages in flatten_messages(value).items():
                flat[f"{field}.{inner}"] = inner_messages
        else:
            flat[str(field)] = [str(message) for message in value]
    return flat


def validation_error(error, message="Some fields are not valid."):
    """Map a marshmallow ValidationError to InvalidInput with per-field messages."""
    return InvalidInput(message, flatten_messages(error.messages))


def load_or_raise(schema_class, data, **schema_options):
    """Load ``data`` with a new ``schema_class(**schema_options)``; raise InvalidInput when it is not valid."""
    try:
        return schema_class(**schema_options).load(data)
    except ValidationError as error:
        raise validation_error(error) from None
