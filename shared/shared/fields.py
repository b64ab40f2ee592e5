"""Marshmallow fields every service's schemas use."""
from marshmallow import fields


class StrictBoolean(fields.Boolean):
    """A boolean that accepts only true or false, not 1, 0 or strings."""

    def __init__(self, **kwargs):
        super().__init__(truthy={True}, falsy={False}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        # 1 and 0 would otherwise pass, since they equal True and False in Python.
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
