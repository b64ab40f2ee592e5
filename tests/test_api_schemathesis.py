"""Schemathesis over the published OpenAPI document (draft)."""
import re
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks

from tests.portal_helpers import bearer, registered_client

pytestmark = pytest.mark.backends("sqlite")

CHECKS = [schemathesis.checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance,
          checks.positive_data_acceptance, checks.negative_data_rejection]
SIGN_OUT = re.compile(r"/sessions/current$")
EXAMPLES = 10


@pytest.fixture(scope="module")
def callers(system):
    tenant, owner = system.new_tenant(slug="schemathesis")
    _, session = registered_client(system, tenant, email="fuzzed@example.com")
    return tenant, bearer(system.staff_token(owner)), bearer(session["token"])


def run_operation(operation, mode, tenant, headers):
    fixed = {"slug": tenant["slug"]} if "{slug}" in operation.path else None

    @seed(zlib.crc32(f"{operation.label} {mode}".encode()))
    @settings(max_examples=EXAMPLES, database=None, deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_api(callers, system):
    tenant, staff, client = callers
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", system.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda operation: bool(SIGN_OUT.search(operation.path)))
    failures = []
    for operation in operations:
        headers = client if operation.path.startswith("/api/v1/portal/") else staff
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                run_operation(operation, mode, tenant, headers)
            except Unsatisfiable:
                pass  # nothing to break in it
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"=== {operation.label} {mode.value}\n{error}")
    print("\n\n".join(failures))
    assert not failures, len(failures)
