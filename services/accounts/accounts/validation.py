"""Interim: load input or raise InvalidInput (replaced by shared.validation once it is on main)."""
from marshmallow import ValidationError

from shared.settings_store import validation_error


def load_or_raise(schema_class, data, **schema_options):
    try:
        return schema_class(**schema_options).load(data)
    except ValidationError as error:
        raise validation_error(error) from None
