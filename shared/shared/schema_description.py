"""Describe a marshmallow schema as JSON Schema, for OpenAPI and for forms built from it."""
from apispec.ext.marshmallow.openapi import OpenAPIConverter
from marshmallow import fields

from shared.fields import unique
from shared.i18n import _


def distinct_items(converter, field, **kwargs):
    """An apispec attribute function: a list that ``shared.fields.unique`` checks is documented ``uniqueItems``."""
    return {"uniqueItems": True} if isinstance(field, fields.List) and unique in field.validators else {}


# Text without NUL (see shared.validation.refuse_nul), in the syntax Python and JSON Schema share.
NO_NUL = "^[^\\x00]*$"


def text_without_nul(converter, field, ret=None, **kwargs):
    """An apispec attribute function: a string field with no pattern of its own is documented as NUL-free.

    Every pattern of its own (shared/fields.py) already leaves NUL out.
    """
    return {"pattern": NO_NUL} if isinstance(field, fields.String) and "pattern" not in (ret or {}) else {}


_converter = OpenAPIConverter(openapi_version="3.0.3", schema_name_resolver=lambda schema: None,
                              spec=None)
_converter.add_attribute_function(distinct_items)
_converter.add_attribute_function(text_without_nul)


def describe(schema_class):
    """Return JSON Schema for ``schema_class``; each field's label and help (marked with N_) become title/description,
    in the current language."""
    schema = schema_class()
    description = _converter.schema2jsonschema(schema)
    for name, field in schema.fields.items():
        prop = description["properties"].get(field.data_key or name)
        if prop is None:
            continue
        label, help_text = field.metadata.get("label"), field.metadata.get("help")
        if label is not None:
            prop["title"] = _(label)
        if help_text is not None:
            prop["description"] = _(help_text)
    return description
