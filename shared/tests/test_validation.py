"""Input loaded through a schema: a problem becomes InvalidInput naming each field."""
import pytest
from marshmallow import Schema, fields, validate

from shared.errors import InvalidInput
from shared.validation import load_or_raise


class Line(Schema):
    amount = fields.Integer(strict=True, validate=validate.Range(min=0))


class Invoice(Schema):
    number = fields.Integer(strict=True, required=True)
    lines = fields.List(fields.Nested(Line))


def test_valid_input_is_loaded():
    assert load_or_raise(Invoice, {"number": 7}) == {"number": 7}


def test_each_problem_is_named_by_its_field_path():
    with pytest.raises(InvalidInput) as refused:
        load_or_raise(Invoice, {"lines": [{"amount": 1}, {"amount": -1}]})
    assert refused.value.fields == {"number": ["Missing data for required field."],
                                    "lines.1.amount": ["Must be greater than or equal to 0."]}


def test_schema_options_apply():
    assert load_or_raise(Invoice, {"lines": []}, partial=True) == {"lines": []}
