"""Loading input through marshmallow schemas: anything invalid becomes InvalidInput with per-field messages."""
import functools

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


NUL_MESSAGE = "Text must not contain NUL characters."


def nul_fields(data, path=""):
    """Return the dotted names of the strings in ``data`` (values or keys) that hold a NUL character.

    No database stores one in text (PostgreSQL's driver refuses it outright), so input never carries one.
    """
    if isinstance(data, str):
        return [path or "_schema"] if "\x00" in data else []
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, (list, tuple)):
        items = enumerate(data)
    else:
        return []
    found = []
    for key, value in items:
        name = f"{path}.{key}" if path else str(key)
        found += [name] if isinstance(key, str) and "\x00" in key else nul_fields(value, name)
    return found


def refuse_nul(data):
    """Raise InvalidInput naming every field of ``data`` whose text holds a NUL character."""
    found = nul_fields(data)
    if found:
        raise InvalidInput("Some fields are not valid.", {name: [NUL_MESSAGE] for name in found})


def load_or_raise(schema_class, data, **schema_options):
    """Load ``data`` with ``schema_class(**schema_options)``; raise InvalidInput when it is not valid."""
    refuse_nul(data)
    try:
        return _schema(schema_class, **schema_options).load(data)
    except ValidationError as error:
        raise validation_error(error) from None


def _schema(schema_class, **schema_options):
    """One schema per class and options, kept: building one costs several times loading with it, and loading
    keeps nothing in the schema (no schema here stores state of its own)."""
    try:
        return _kept_schema(schema_class, **schema_options)
    except TypeError:  # an option that is not hashable (a context): a schema of its own
        return schema_class(**schema_options)


@functools.cache
def _kept_schema(schema_class, **schema_options):
    return schema_class(**schema_options)


def dict_get(value, key):
    """``value[key]`` of a request that may not even be an object (its schema will say so)."""
    return value.get(key) if isinstance(value, dict) else None
