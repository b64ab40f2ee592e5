"""One-time secrets sealed for the bus and the databases: opened only with the key, only for what they were sealed for."""
import json

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import DeclarativeBase

from portico_testing.inprocess import outbox_writer, sqlite_session, staff
from shared.events import LOGIN_CODE_ISSUED, TENANT_PROFILE_UPDATED
from shared.sealing import SecretBox, Unsealable, new_key, open_secrets
from shared.tables import PlatformTables


class Base(DeclarativeBase):
    pass


tables = PlatformTables(Base.metadata)
CODE = {"portal_user_id": 7, "channel": "email", "to": "ann@client.example", "code": "246810",
        "expires_at": "2030-01-01T00:00:00+00:00"}


def test_a_secret_opens_with_its_key_for_its_binding_only():
    box = SecretBox(new_key())
    sealed = box.seal("246810", ["login_code_issued", "event-1", "code"])

    assert "246810" not in sealed
    assert box.open(sealed, ["login_code_issued", "event-1", "code"]) == "246810"
    with pytest.raises(Unsealable):
        box.open(sealed, ["login_code_issued", "event-2", "code"])
    with pytest.raises(Unsealable):
        SecretBox(new_key()).open(sealed, ["login_code_issued", "event-1", "code"])
    with pytest.raises(Unsealable):
        box.open(sealed[:-4] + "AAAA", ["login_code_issued", "event-1", "code"])


def test_rotation_the_first_key_seals_and_every_key_opens():
    old, new = new_key(), new_key()
    sealed_before = SecretBox(old).seal("tok", "b")
    rotated = SecretBox(f"{new}, {old}")

    assert rotated.open(sealed_before, "b") == "tok"
    assert SecretBox(new).open(rotated.seal("tok", "b"), "b") == "tok"


def test_a_missing_or_malformed_key_is_refused(monkeypatch):
    monkeypatch.delenv("MESSAGE_SECRETS_KEYS", raising=False)
    with pytest.raises(RuntimeError, match="MESSAGE_SECRETS_KEYS"):
        SecretBox.from_env()
    for bad in ("", "not-a-key"):
        with pytest.raises(ValueError, match="MESSAGE_SECRETS_KEYS"):
            SecretBox(bad)
    assert "=" not in repr(SecretBox(new_key()))


def test_the_outbox_writes_a_contracts_secret_fields_sealed_and_nothing_else_changes():
    box = SecretBox(new_key())
    with sqlite_session(Base.metadata) as session:
        writer = outbox_writer(tables, staff(1), box=box)
        writer.add(session, LOGIN_CODE_ISSUED, CODE)
        writer.add(session, TENANT_PROFILE_UPDATED, {"tenant_id": 1, "slug": "acme", "display_name": "Acme"})
        code_row, profile_row = session.execute(select(tables.outbox).order_by(tables.outbox.c.id)).all()

        assert "246810" not in json.dumps(code_row.body) + json.dumps(code_row.headers)
        assert {**code_row.body["data"], "code": None} == {**CODE, "code": None}
        assert open_secrets(box, LOGIN_CODE_ISSUED, code_row.body, code_row.body["data"])["code"] == "246810"
        assert profile_row.body["data"]["display_name"] == "Acme"
        with pytest.raises(RuntimeError, match="no key"):
            outbox_writer(tables, staff(1), box=None).add(session, LOGIN_CODE_ISSUED, CODE)


def test_events_of_several_contracts_go_in_one_insert_each_checked_and_sealed_as_alone():
    box = SecretBox(new_key())
    profile = {"tenant_id": 1, "slug": "acme", "display_name": "Acme"}
    with sqlite_session(Base.metadata) as session:
        inserts = []
        listen_for_inserts(session, inserts)
        bodies = outbox_writer(tables, staff(1), box=box).add_each(
            session, [(LOGIN_CODE_ISSUED, CODE), (TENANT_PROFILE_UPDATED, profile)])
        code_row, profile_row = session.execute(select(tables.outbox).order_by(tables.outbox.c.id)).all()

        assert len(inserts) == 1
        assert [code_row.event_type, profile_row.event_type] == [LOGIN_CODE_ISSUED.name, TENANT_PROFILE_UPDATED.name]
        assert [code_row.body, profile_row.body] == bodies and code_row.event_id != profile_row.event_id
        assert {code_row.tenant_id, profile_row.tenant_id} == {1}
        assert "246810" not in json.dumps(code_row.body)
        assert open_secrets(box, LOGIN_CODE_ISSUED, code_row.body, code_row.body["data"])["code"] == "246810"
        assert profile_row.body["data"] == profile
        with pytest.raises(ValueError, match="does not match its contract"):
            outbox_writer(tables, staff(1), box=box).add_each(
                session, [(TENANT_PROFILE_UPDATED, profile), (LOGIN_CODE_ISSUED, {"channel": "email"})])
        with pytest.raises(RuntimeError, match="no key"):
            outbox_writer(tables, staff(1), box=None).add_each(
                session, [(TENANT_PROFILE_UPDATED, profile), (LOGIN_CODE_ISSUED, CODE)])


def listen_for_inserts(session, inserts):
    def record(_connection, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO outbox"):
            inserts.append(statement)

    event.listen(session.get_bind(), "before_cursor_execute", record)
