"""Logos leave the database for the blob store: each is re-encoded as an upload is today, and referenced by id.

The migration reaches the store as the service does: ``BLOB_STORE_URL`` from the environment it
runs in, else the folder ``$PORTICO_VAR_DIR/blobs`` (``make migrate`` and ``make up`` share it;
in compose the accounts container migrates, with the store it runs with). It needs the live
database and store, so it has no offline (``--sql``) form.

Revision ID: 0003
Revises: 0002
"""
import logging

import sqlalchemy as sa
from alembic import context, op

from accounts.logo import clean_logo
from shared.blobs import blob_store
from shared.errors import InvalidInput

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
tenants = sa.table("tenants", sa.column("id", sa.Integer), sa.column("logo", sa.LargeBinary),
                   sa.column("logo_content_type", sa.String), sa.column("logo_blob_id", sa.String))


def upgrade():
    if context.is_offline_mode():
        raise RuntimeError("Moving logos into the blob store needs the live database and store: run it online.")
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("logo_blob_id", sa.String(34)))
    move_logos_to_the_store(op.get_bind())
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("logo")


def move_logos_to_the_store(connection):
    """Store a clean copy of each tenant's logo; a logo today's checks refuse is dropped (the name shows instead)."""
    ids = connection.scalars(sa.select(tenants.c.id).where(tenants.c.logo.is_not(None)).order_by(tenants.c.id)).all()
    store = blob_store() if ids else None  # a database without logos needs no store
    for tenant_id in ids:  # one at a time: a logo may be 512 KiB
        data = connection.scalar(sa.select(tenants.c.logo).where(tenants.c.id == tenant_id))
        try:
            clean, content_type = clean_logo(data)
            values = {"logo_blob_id": store.put(clean, content_type), "logo_content_type": content_type}
        except InvalidInput as refused:
            log.warning("tenant %s: logo dropped, %s", tenant_id, refused.message)
            values = {"logo_blob_id": None, "logo_content_type": None}
        connection.execute(sa.update(tenants).where(tenants.c.id == tenant_id).values(**values))


def downgrade():
    """Bring each logo's bytes back into its row; the blobs stay in the store."""
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("logo", sa.LargeBinary))
    connection = op.get_bind()
    rows = connection.execute(sa.select(tenants.c.id, tenants.c.logo_blob_id)
                              .where(tenants.c.logo_blob_id.is_not(None))).all()
    store = blob_store() if rows else None
    for tenant_id, blob_id in rows:
        connection.execute(sa.update(tenants).where(tenants.c.id == tenant_id)
                           .values(logo=store.get(blob_id).data))
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("logo_blob_id")
