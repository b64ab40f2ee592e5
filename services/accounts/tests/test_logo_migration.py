"""The migration that moves logos out of the tenants table into the blob store (and back on downgrade)."""
import io

import pytest
from alembic import command
from PIL import Image
from sqlalchemy import create_engine, inspect, text

from portico_testing import Databases, images
from shared.blobs import blob_store

LOGOS = {1: images.with_trailing(images.image("PNG")), 2: b"GIF89a, once let through", 3: None}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, monkeypatch):
    """An accounts database at the revision that kept logos in a column, with three tenants."""
    monkeypatch.setenv("BLOB_STORE_URL", f"file://{tmp_path}/blobs")  # reached as the service reaches it
    databases = Databases(request.param, tmp_path, services=("accounts",))
    request.addfinalizer(databases.drop)
    config = databases.alembic_config("accounts")
    command.upgrade(config, "0002")
    engine = create_engine(databases.urls["accounts"])
    with engine.begin() as connection:
        for tenant_id, logo in LOGOS.items():
            connection.execute(text(
                "INSERT INTO tenants (id, slug, display_name, created_at, logo, logo_content_type) "
                "VALUES (:id, :slug, 'A business', CURRENT_TIMESTAMP, :logo, :type)"),
                {"id": tenant_id, "slug": f"business-{tenant_id}", "logo": logo,
                 "type": "image/png" if logo else None})
    yield config, engine
    engine.dispose()


def logo_columns(engine):
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, logo_blob_id, logo_content_type FROM tenants ORDER BY id"))
        return {row.id: (row.logo_blob_id, row.logo_content_type) for row in rows}


def test_logos_move_to_the_store_re_encoded_and_the_bytes_column_goes(database):
    config, engine = database
    command.upgrade(config, "0003")
    assert "logo" not in {column["name"] for column in inspect(engine).get_columns("tenants")}
    columns = logo_columns(engine)
    blob_id, content_type = columns[1]
    stored = blob_store().get(blob_id)
    assert (content_type, stored.content_type) == ("image/png", "image/png")
    assert b"<script" not in stored.data and Image.open(io.BytesIO(stored.data)).size == (8, 8)
    # What today's checks refuse is dropped, so the portal shows the name; no logo stays none.
    assert columns[2] == (None, None) and columns[3] == (None, None)


def test_a_downgrade_brings_the_bytes_back_from_the_store(database):
    config, engine = database
    command.upgrade(config, "0003")
    blob_id, _ = logo_columns(engine)[1]
    command.downgrade(config, "0002")
    with engine.connect() as connection:
        logo = connection.execute(text("SELECT logo FROM tenants WHERE id = 1")).scalar_one()
    assert bytes(logo) == blob_store().get(blob_id).data
