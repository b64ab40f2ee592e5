"""Staff API schemas: changes to a settings tab."""
from marshmallow import INCLUDE, Schema


class SettingsChangesSchema(Schema):
    """Some settings of one tab, by name; the service that owns the tab validates them."""

    class Meta:
        unknown = INCLUDE
