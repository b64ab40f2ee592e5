"""A batch runs only the service's batchable entrypoints, each under the same checks as a direct call, each on its own:
one call's refusal or failure is its answer alone, and what it left uncommitted is undone before the next runs."""
import time

import pytest
from sqlalchemy import event, func, select

from portico_testing.example_service import Base, ExampleService
from portico_testing.inprocess import client, postgresql_session, service_worker, sqlite_session, staff
from shared.batch import MAX_CALLS, batchable
from shared.context import DEADLINE_KEY, Context, tenant_rpc
from shared.errors import CallExpired, InvalidInput, NotBatched, PermissionDenied, Unauthenticated, from_remote
from shared.message_size import MAX_MESSAGE_BYTES, encoded_size
from shared.settings_store import update_settings


class BatchService(ExampleService):
    @batchable
    @tenant_rpc
    def whoami(self):
        return {"tenant_id": self.ctx.tenant_id, "kind": self.ctx.claims.actor_kind}

    @batchable
    @tenant_rpc
    def change_then_fail(self):
        """Writes the business's settings, commits nothing, then fails."""
        update_settings(self.db, self.tables.tenant_settings, self.ctx.tenant_id, self.settings_tabs, "example",
                        {"enabled": False})
        raise InvalidInput("enabled: refused after writing")

    @batchable
    @tenant_rpc
    def catch_up(self):
        """Idempotent work on the way to a read, committed as such a read commits it (a feed caught up)."""
        update_settings(self.db, self.tables.tenant_settings, self.ctx.tenant_id, self.settings_tabs, "example",
                        {"enabled": False})
        self.db.commit()
        return "caught up"

    @batchable
    @tenant_rpc
    def crash(self):
        raise ValueError("secret detail 4111111111111111")

    @batchable
    @tenant_rpc
    def big(self, size):
        return "x" * size

    @batchable
    def helper(self):
        """Marked, but not an entrypoint: it has no guard, so no batch may run it."""
        return "ran"


@pytest.fixture(params=[sqlite_session, postgresql_session], ids=["sqlite", "postgresql"])
def session(request):
    with request.param(Base.metadata) as session:
        yield session


def answers(service, *calls):
    """The batch's answers: each a result or the error a caller rebuilds."""
    found = service.batch([{"method": method, "args": list(args)} for method, *args in calls])
    assert len(found) == len(calls)
    return [from_remote(item["error"]) or item["error"] if "error" in item else item["result"] for item in found]


def settings_rows(session):
    table = BatchService.tables.tenant_settings
    return session.scalar(select(func.count()).select_from(table))


def test_each_call_runs_as_its_caller_and_answers_in_order(session):
    service = service_worker(BatchService, session, staff(7))
    assert answers(service, ("whoami",), ("get_settings", "example")) == [
        {"tenant_id": 7, "kind": "staff"}, {"enabled": True}]


def test_a_method_not_marked_batchable_is_refused_unrun(session):
    service = service_worker(BatchService, session, staff(1))
    refused, after = answers(service, ("update_settings", "example", {"enabled": False}), ("get_settings", "example"))
    assert isinstance(refused, NotBatched) and "update_settings" in refused.message
    assert after == {"enabled": True} and settings_rows(session) == 0


@pytest.mark.parametrize("method", ["helper", "batch", "ping", "_settings", "db", "no_such_method", 5, None])
def test_only_a_marked_entrypoint_can_be_batched(session, method):
    service = service_worker(BatchService, session, staff(1))
    assert isinstance(answers(service, (method,), ("whoami",))[0], NotBatched)


def test_a_failing_call_is_its_own_answer_and_its_changes_are_rolled_back(session):
    service = service_worker(BatchService, session, staff(1))
    failed, after, crashed, last = answers(service, ("change_then_fail",), ("get_settings", "example"), ("crash",),
                                           ("whoami",))
    assert isinstance(failed, InvalidInput) and after == {"enabled": True} and settings_rows(session) == 0
    # An unexpected error names its type only: its text may hold anything.
    assert crashed == {"exc_type": "ValueError", "exc_path": None, "exc_args": [], "value": ""}
    assert last == {"tenant_id": 1, "kind": "staff"}


def test_what_a_call_commits_stays_committed(session):
    service = service_worker(BatchService, session, staff(1))
    assert answers(service, ("catch_up",), ("get_settings", "example"), ("crash",)) == [
        "caught up", {"enabled": False}, {"exc_type": "ValueError", "exc_path": None, "exc_args": [], "value": ""}]
    assert service.get_settings("example") == {"enabled": False} and settings_rows(session) == 1


def settings_reads(session):
    """The statements that read a settings tab, counted while the test runs."""
    reads = []
    event.listen(session.get_bind(), "before_cursor_execute",
                 lambda *args: reads.append(args[2]) if "FROM tenant_settings" in args[2] else None)
    return reads


def test_a_batch_reads_a_settings_tab_once(session):
    service = service_worker(BatchService, session, staff(1))
    reads = settings_reads(session)
    assert answers(service, ("get_settings", "example"), ("get_settings", "example"), ("whoami",)) == [
        {"enabled": True}, {"enabled": True}, {"tenant_id": 1, "kind": "staff"}]
    assert len(reads) == 1
    service.get_settings("example"), service.get_settings("example")  # on their own: each reads
    assert len(reads) == 3


def test_settings_kept_by_a_batch_never_carry_a_failed_calls_change(session):
    service = service_worker(BatchService, session, staff(1))
    assert answers(service, ("get_settings", "example"), ("change_then_fail",), ("get_settings", "example"),
                   ("catch_up",), ("get_settings", "example"))[2:] == [{"enabled": True}, "caught up",
                                                                       {"enabled": False}]


def test_each_call_makes_its_own_access_checks(session):
    service = service_worker(BatchService, session, client(1, 5, 9))
    refused, mine = answers(service, ("get_settings", "example"), ("whoami",))
    assert isinstance(refused, PermissionDenied) and mine == {"tenant_id": 1, "kind": "client"}


def test_no_passport_refuses_the_whole_batch(session):
    with pytest.raises(Unauthenticated):
        service_worker(BatchService, session).batch([{"method": "whoami"}])


def test_a_call_whose_deadline_passed_is_not_run(session):
    past = Context({DEADLINE_KEY: int(time.time() * 1000) - 1}, claims=staff(1))
    service = service_worker(BatchService, session)
    service.service.ctx = past
    with pytest.raises(CallExpired):  # the batch's own guard checks first
        service.batch([{"method": "whoami"}])


def test_arguments_that_do_not_fit_refuse_that_call_only(session):
    service = service_worker(BatchService, session, staff(1))
    wrong, right = answers(service, ("get_settings", "example", "extra"), ("get_settings", "example"))
    assert isinstance(wrong, InvalidInput) and right == {"enabled": True}
    odd = service.batch([{"method": "whoami", "args": "x"}, {"method": "whoami", "sudo": True}, "whoami"])
    assert all(from_remote(item["error"]).__class__ is InvalidInput for item in odd)


def test_a_batch_is_a_short_list(session):
    service = service_worker(BatchService, session, staff(1))
    for calls in ([], {"method": "whoami"}, [{"method": "whoami"}] * (MAX_CALLS + 1)):
        with pytest.raises(InvalidInput):
            service.batch(calls)


def test_answers_that_do_not_fit_one_reply_are_sent_back_to_be_asked_alone(session):
    service = service_worker(BatchService, session, staff(1))
    half = MAX_MESSAGE_BYTES // 2
    first, second, small = answers(service, ("big", half), ("big", half), ("whoami",))
    assert first == "x" * half and isinstance(second, NotBatched) and small["kind"] == "staff"



# {"result": "x..."} is 14 bytes more than its string: sizes around a sixteenth of a message fill the reply.
@pytest.mark.parametrize("size", [MAX_MESSAGE_BYTES // MAX_CALLS - 14 - margin for margin in range(0, 12)])
def test_a_full_batch_still_fits_one_message_without_being_measured_again(session, size):
    """The batch keeps its answers within one reply, so neither it nor its calls measure them a second time."""
    service = service_worker(BatchService, session, staff(1))
    reply = {"result": service.batch([{"method": "big", "args": [size]}] * MAX_CALLS), "error": None}
    assert encoded_size(reply) <= MAX_MESSAGE_BYTES
    assert any("result" in answer for answer in reply["result"])
