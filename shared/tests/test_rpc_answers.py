"""A service's answer as it is published: nameko's body, encoded once; a result JSON cannot carry is an error."""
import json
import sys

from shared.errors import PermissionDenied
from shared.rpc_entrypoint import answer


def test_a_result_is_answered_as_nameko_answers_it():
    body, result, exc_info = answer({"total": 1250, "when": "2026-12-03"}, None)

    assert json.loads(body) == {"result": {"total": 1250, "when": "2026-12-03"}, "error": None}
    assert result == {"total": 1250, "when": "2026-12-03"} and exc_info is None


def test_an_error_is_answered_with_its_type_and_message():
    try:
        raise PermissionDenied("Only staff can do this.")
    except PermissionDenied:
        raised = sys.exc_info()

    body, result, exc_info = answer(None, raised)

    error = json.loads(body)["error"]
    assert error["exc_type"] == "PermissionDenied" and error["value"] == "Only staff can do this."
    assert result is None and exc_info is raised


def test_a_result_json_cannot_carry_is_answered_as_an_error():
    body, result, exc_info = answer({"not json": object()}, None)

    decoded = json.loads(body)
    assert decoded["result"] is None and decoded["error"]["exc_type"] == "UnserializableValueError"
    assert result is None and exc_info is not None  # the worker is reported as failed, as nameko does
