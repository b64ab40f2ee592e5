"""Describe a marshmallow schema as JSON Schema, for OpenAPI and for forms built from it."""
from apispec.ext.marshmallow.openapi import OpenAPIConverter

_converter = OpenAPIConverter(openapi_version="3.0.3", schema_name_resolver=lambda schema: None,
                              spec=None)


def describe(schema_class):
    """Return JSON Schema for ``schema_class``; each field's label and help become title/description."""
    schema = schema_class()
    description = _converter.schema2jsonschema(schema)
    for name, field in schema.fields.items():
        prop = description["properties"].get(field.data_key or name)
        if prop is None:
            continue
        if "label" in field.metadata:
            prop["title"] = field.metadata["label"]
        if "help" in field.metadata:
            prop["description"] = field.metadata["help"]
    return description
