"""The migration that adds staff credentials (two-step sign-in, reset links, pending sessions), up and down."""
import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from portico_testing import Databases

REVISION = "0006"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, monkeypatch):
    monkeypatch.setenv("BLOB_STORE_URL", f"file://{tmp_path}/blobs")
    databases = Databases(request.param, tmp_path, services=("accounts",))
    request.addfinalizer(databases.drop)
    engine = create_engine(databases.urls["accounts"])
    yield databases.alembic_config("accounts"), engine
    engine.dispose()


def schema(engine):
    with engine.connect() as connection:
        found = inspect(connection)
        return {table: {column["name"] for column in found.get_columns(table)} for table in found.get_table_names()}


def test_staff_credentials_come_and_go_with_their_revision(database):
    config, engine = database
    command.upgrade(config, REVISION)
    tables = schema(engine)
    assert {"totp_pending_secret", "totp_secret", "totp_last_step"} <= tables["staff_users"]
    assert "pending_step" in tables["staff_sessions"]
    assert tables["staff_recovery_codes"] == {"id", "user_id", "code_hash", "used_at"}
    assert tables["staff_password_resets"] == {"id", "user_id", "token_hash", "created_at", "expires_at", "used_at"}

    command.downgrade(config, "-1")

    tables = schema(engine)
    assert "staff_recovery_codes" not in tables and "staff_password_resets" not in tables
    assert "totp_secret" not in tables["staff_users"] and "pending_step" not in tables["staff_sessions"]
    command.upgrade(config, "head")
