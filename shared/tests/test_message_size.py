"""A body over 64 KiB is refused by whoever would publish it: a service's answer, an event (the gateway's requests:
tests/test_staff_clients_api.py)."""
import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import func, select
from sqlalchemy.orm import DeclarativeBase

from portico_testing.inprocess import caller_context, outbox_writer, sqlite_session, staff
from shared.context import CallContext, public_rpc
from shared.errors import AnswerTooLarge, MessageTooLarge
from shared.events import TENANT_PROFILE_UPDATED
from shared.message_size import MAX_MESSAGE_BYTES, encoded_size, refuse_oversize
from shared.tables import PlatformTables


class Base(DeclarativeBase):
    pass


tables = PlatformTables(Base.metadata)


class EchoService:
    name = "echo"
    ctx = CallContext()

    @public_rpc
    def echo(self, text):
        return text


def test_the_limit_is_64_kib_inclusive():
    refuse_oversize(MAX_MESSAGE_BYTES, "A body")
    with pytest.raises(MessageTooLarge) as refused:
        refuse_oversize(MAX_MESSAGE_BYTES + 1, "A body")
    assert "65,537 bytes" in refused.value.message and "65,536" in refused.value.message


def test_a_body_is_measured_as_it_is_sent_escapes_and_all():
    assert encoded_size({"a": "é"}) == len('{"a": "\\u00e9"}')


def test_an_answer_over_the_limit_is_refused_by_the_service_that_would_send_it():
    service = worker_factory(EchoService, ctx=caller_context(staff(1)))
    fits = "x" * (MAX_MESSAGE_BYTES - 100)
    assert service.echo(fits) == fits
    with pytest.raises(AnswerTooLarge) as refused:
        service.echo("x" * MAX_MESSAGE_BYTES)
    assert "echo.echo" in refused.value.message


def test_an_event_over_the_limit_is_refused_before_anything_is_written():
    profile = {"tenant_id": 1, "slug": "acme", "display_name": "Acme"}
    with sqlite_session(Base.metadata) as session:
        writer = outbox_writer(tables, staff(1))
        writer.add(session, TENANT_PROFILE_UPDATED, profile)
        with pytest.raises(MessageTooLarge) as refused:
            writer.add(session, TENANT_PROFILE_UPDATED, {**profile, "display_name": "A" * MAX_MESSAGE_BYTES})
        assert "tenant_profile_updated event" in refused.value.message
        assert session.scalar(select(func.count()).select_from(tables.outbox)) == 1

