"""Notifications' migrations on both backends: messages that held a plain secret lose it; the invitation's
welcome-document notes make the table the model describes."""
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from notifications.models import Base
from portico_testing import Databases


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    databases = Databases(request.param, tmp_path, services=("notifications",))
    request.addfinalizer(databases.drop)
    engine = sa.create_engine(databases.urls["notifications"])
    yield databases.alembic_config("notifications"), engine
    engine.dispose()


def add_message(connection, kind, status, text, html):
    connection.execute(sa.text(
        "INSERT INTO messages (tenant_id, kind, channel, recipient, subject, text, html, status, attempts, "
        "next_attempt_at, created_at) VALUES (1, :kind, 'email', 'ann@client.example', 'Hi', :text, :html, "
        ":status, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
        {"kind": kind, "status": status, "text": text, "html": html})


def test_messages_with_a_plain_secret_lose_it_and_the_waiting_ones_fail(database):
    config, engine = database
    command.upgrade(config, "0003")
    with engine.begin() as connection:
        add_message(connection, "invitation", "sent", "Set up: http://x/p/a/invitation/tok-sent", "<a>tok-sent</a>")
        add_message(connection, "login_code", "pending", "Your code is 246810.", None)
        add_message(connection, "payment_receipt", "sent", "Thank you for paying $25.00.", "<p>Thanks</p>")

    command.upgrade(config, "head")

    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT kind, status, text, html, last_error, sealed_secret FROM messages ORDER BY id")).all()
    invitation, code, receipt = rows
    assert "tok-sent" not in str(rows) and "246810" not in str(rows)
    assert (invitation.status, invitation.html, invitation.sealed_secret) == ("sent", None, None)
    assert code.status == "failed" and "Ask for a new one" in code.last_error
    assert (receipt.text, receipt.html) == ("Thank you for paying $25.00.", "<p>Thanks</p>")
    command.downgrade(config, "0003")
    with engine.connect() as connection:
        assert "sealed_secret" not in {column["name"] for column in sa.inspect(connection).get_columns("messages")}


def test_the_invitation_document_notes_match_the_model_and_go_away_on_downgrade(database):
    config, engine = database
    command.upgrade(config, "head")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [item for item in differences if "invitation_document_notes" in repr(item)] == []
    command.downgrade(config, "0005")
    with engine.connect() as connection:
        assert "invitation_document_notes" not in sa.inspect(connection).get_table_names()


def test_the_announcement_tables_match_the_model_and_go_away_on_downgrade(database):
    config, engine = database
    command.upgrade(config, "head")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [item for item in differences if "announcement" in repr(item)] == []
    command.downgrade(config, "0007")
    with engine.connect() as connection:
        assert not [name for name in sa.inspect(connection).get_table_names() if name.startswith("announcement")]


def test_the_invitation_template_moves_to_the_message_templates_and_back(database):
    config, engine = database
    command.upgrade(config, "0007")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO invitation_templates (tenant_id, subject, html, updated_by, updated_at) "
            "VALUES (3, 'Welcome', '<p>Hi</p>', 5, CURRENT_TIMESTAMP)"))
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT tenant_id, kind, subject, html, updated_by FROM message_templates"))
        assert [tuple(row) for row in rows] == [(3, "invitation", "Welcome", "<p>Hi</p>", 5)]
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        tables = ("message_templates", "message_preferences", "invitation_templates")
        assert [item for item in differences if any(table in repr(item) for table in tables)] == []
    command.downgrade(config, "0007")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT tenant_id, subject FROM invitation_templates"))
        assert [tuple(row) for row in rows] == [(3, "Welcome")]
        assert "message_templates" not in sa.inspect(connection).get_table_names()
