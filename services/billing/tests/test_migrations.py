"""Billing's migrations on both backends: the schema they make, and what they do to rows already there."""
import pytest
import sqlalchemy as sa
from alembic import command

from portico_testing import Databases

CREATED = "2030-01-05 10:00:00"


@pytest.fixture(params=["sqlite", "postgresql"])
def billing_database(request, tmp_path):
    databases = Databases(request.param, tmp_path, services=("billing",))
    engine = sa.create_engine(databases.urls["billing"])
    yield databases.alembic_config("billing"), engine
    engine.dispose()
    databases.drop()


def columns(engine, table):
    with engine.connect() as connection:
        return {column["name"] for column in sa.inspect(connection).get_columns(table)}


def test_claims_get_a_lease_and_keys_whose_payment_exists_wait_for_its_outcome(billing_database):
    config, engine = billing_database
    command.upgrade(config, "0004")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO payments (tenant_id, account_id, kind, source, method_kind, amount, unapplied, status, "
            "idempotency_key, created_at) VALUES (1, 5, 'payment', 'portal', 'card', 100, 0, 'pending', "
            "'1:with-payment', :at)"), {"at": CREATED})
        for key, state in (("with-payment", "processing"), ("died-early", "processing"), ("answered", "done")):
            connection.execute(sa.text(
                "INSERT INTO idempotency_records (tenant_id, key, request_hash, state, created_at) "
                "VALUES (1, :key, 'h', :state, :at)"), {"key": key, "state": state, "at": CREATED})

    command.upgrade(config, "head")

    assert "receipt_to" in columns(engine, "payments")
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT key, state, claim_token, lease_expires_at = created_at FROM idempotency_records ORDER BY key"
        )).all()
    assert [tuple(row) for row in rows] == [("answered", "done", "", True), ("died-early", "claimed", "", True),
                                            ("with-payment", "paying", "", True)]
    command.downgrade(config, "0004")
    assert not {"claim_token", "lease_expires_at"} & columns(engine, "idempotency_records")
    assert "receipt_to" not in columns(engine, "payments")
    with engine.connect() as connection:
        states = connection.execute(sa.text("SELECT key, state FROM idempotency_records ORDER BY key")).all()
    assert [tuple(row) for row in states] == [("answered", "done"), ("died-early", "processing"),
                                              ("with-payment", "processing")]
    command.upgrade(config, "head")


def test_the_field_service_tables_match_the_models_and_go_away_on_downgrade(billing_database):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from billing.models import Base

    config, engine = billing_database
    command.upgrade(config, "0007")
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO jobs (tenant_id, account_id, title, status, autopay, created_at) "
                                   "VALUES (1, 5, 'Mowing', 'scheduled', false, :at)"), {"at": CREATED})
    command.upgrade(config, "head")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        job = connection.execute(sa.text("SELECT price, recurrence, bills_per_visit, origin FROM jobs")).one()
    assert differences == []
    assert tuple(job) == (0, "once", True, "staff")
    command.downgrade(config, "0007")
    assert "visits" not in sa.inspect(engine).get_table_names()
    assert "recurrence" not in columns(engine, "jobs")


def test_kept_pdfs_get_a_language_and_going_back_keeps_the_english_ones(billing_database):
    config, engine = billing_database
    command.upgrade(config, "head")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO invoices (id, tenant_id, account_id, number, issue_date, due_date, total, balance, status, "
            "autopay, created_at) VALUES (1, 1, 5, 1001, '2030-01-05', '2030-02-05', 100, 100, 'open', false, "
            "'2030-01-05 10:00:00')"))
        for language, blob in (("en", "b_en"), ("es", "b_es")):
            connection.execute(sa.text(
                "INSERT INTO invoice_documents (tenant_id, invoice_id, audience, language, fingerprint, blob_id, "
                "rendered_at) VALUES (1, 1, 'client', :language, 'f', :blob, '2030-01-05 10:00:00')"),
                {"language": language, "blob": blob})

    command.downgrade(config, "0013_business_looks")
    with engine.connect() as connection:
        kept = connection.execute(sa.text("SELECT audience, blob_id FROM invoice_documents")).all()
    assert [tuple(row) for row in kept] == [("client", "b_en")]
    assert "default_language" not in columns(engine, "business_looks")

    command.upgrade(config, "head")
    with engine.connect() as connection:
        languages = connection.execute(sa.text("SELECT language FROM invoice_documents")).scalars().all()
    assert languages == ["en"]
