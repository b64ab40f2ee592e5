"""Names as accounts told them (a ticket's and a thread's client, a document's uploader), and the indexes of the
lists' keyset paging (tickets/paging.py).

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

NAMES = (("tickets", "client_name", 120), ("chat_threads", "client_name", 120),
         ("documents", "uploaded_by_name", 254), ("known_accounts", "done_uploading_name", 254))
INDEXES = (("ix_tickets_tenant_updated", "tickets", ["tenant_id", "updated_at", "id"]),
           ("ix_tickets_tenant_account_updated", "tickets", ["tenant_id", "account_id", "updated_at", "id"]),
           ("ix_chat_threads_tenant_account_last", "chat_threads", ["tenant_id", "account_id", "last_message_id"]),
           ("ix_documents_tenant_account_uploaded", "documents", ["tenant_id", "account_id", "uploaded_at", "id"]))


def upgrade():
    for table, column, length in NAMES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(column, sa.String(length), nullable=True))
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
    for table, column, _ in NAMES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
