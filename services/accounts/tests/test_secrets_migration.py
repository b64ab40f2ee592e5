"""The migration that removes the events which kept a one-time code or link in plain text (both backends)."""
import json

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from portico_testing import Databases


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, monkeypatch):
    monkeypatch.setenv("BLOB_STORE_URL", f"file://{tmp_path}/blobs")  # 0003 reaches the store
    databases = Databases(request.param, tmp_path, services=("accounts",))
    request.addfinalizer(databases.drop)
    engine = create_engine(databases.urls["accounts"])
    yield databases.alembic_config("accounts"), engine
    engine.dispose()


def add_event(connection, event_id, event_type, data, sent):
    connection.execute(text(
        "INSERT INTO outbox (event_id, event_type, tenant_id, body, headers, created_at, sent_at, attempts) "
        "VALUES (:id, :type, 1, :body, '{}', CURRENT_TIMESTAMP, :sent, 0)"),
        {"id": event_id, "type": event_type, "body": json.dumps({"event_id": event_id, "data": data}),
         "sent": "2030-01-01 00:00:00" if sent else None})


def test_events_with_a_plain_secret_are_removed_and_the_others_kept(database):
    config, engine = database
    command.upgrade(config, "0003")
    with engine.begin() as connection:
        add_event(connection, "e-code", "login_code_issued", {"code": "246810"}, sent=True)
        add_event(connection, "e-link", "portal_invitation_issued", {"token": "tok-plain"}, sent=False)
        add_event(connection, "e-profile", "tenant_profile_updated", {"slug": "acme"}, sent=True)

    command.upgrade(config, "head")

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT event_id, body FROM outbox")).all()
    assert [row.event_id for row in rows] == ["e-profile"]
    assert "246810" not in str(rows) and "tok-plain" not in str(rows)
    command.downgrade(config, "0003")
