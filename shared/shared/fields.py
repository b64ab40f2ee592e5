"""Marshmallow fields and validators every service's schemas use."""
from marshmallow import ValidationError, fields, validate

from shared.money import MAX_MINOR_UNITS

# A name or label: no blank text, no spaces at either end.
TRIMMED = validate.Regexp(r"^\S(?:.*\S)?$", error="Must not be blank or start or end with spaces.")


class StrictBoolean(fields.Boolean):
    """A boolean that accepts only true or false, not 1, 0 or strings."""

    def __init__(self, **kwargs):
        super().__init__(truthy={True}, falsy={False}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        # 1 and 0 would otherwise pass, since they equal True and False in Python.
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def switch(default, label, help_text):
    """A setting that is on or off, shown on its settings tab as a checkbox with ``label`` and ``help_text``."""
    return StrictBoolean(load_default=default, metadata={"label": label, "help": help_text})


def money_field(minimum=0, **options):
    """An amount in integer minor units, from ``minimum`` to MAX_MINOR_UNITS; floats and strings are refused."""
    return fields.Integer(strict=True, validate=validate.Range(min=minimum, max=MAX_MINOR_UNITS), **options)


def unique(values):
    """Refuse a list that names a value twice."""
    if len(set(values)) != len(values):
        raise ValidationError("List each value only once.")
