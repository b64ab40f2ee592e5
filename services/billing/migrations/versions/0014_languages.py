"""Languages of the PDFs: the business's default language beside its look, and a kept PDF per language.

- ``business_looks.default_language``: the language accounts' ``tenant_profile_updated`` names for the business,
  in which a PDF made without a caller (an event handler's, a timer's) is written.
- ``invoice_documents.language``, ``estimate_documents.language``: the language a kept PDF is written in, part of
  its key, so a Spanish and an English PDF of one invoice are kept side by side. The PDFs kept so far are English.

Revision ID: 0014_languages
Revises: 0013_business_looks
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_languages"
down_revision = "0013_business_looks"
branch_labels = None
depends_on = None

DOCUMENTS = {"invoice_documents": "invoice_id", "estimate_documents": "estimate_id"}
# SQLite keeps the tables' unique constraints unnamed: batch mode names them by this convention to drop them.
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}


def _unique_name(table, columns):
    """The name the backend gave (or gives) an unnamed unique constraint on ``columns``."""
    if op.get_bind().dialect.name == "postgresql":
        return f"{table}_{'_'.join(columns)}_key"
    return f"uq_{table}_{'_'.join(columns)}"


def _rekey(table, old_columns, new_columns):
    with op.batch_alter_table(table, naming_convention=SQLITE_NAMES) as batch:
        batch.drop_constraint(_unique_name(table, old_columns), type_="unique")
        batch.create_unique_constraint(_unique_name(table, new_columns), new_columns)


def upgrade():
    with op.batch_alter_table("business_looks") as batch:
        batch.add_column(sa.Column("default_language", sa.String(5), nullable=False, server_default="en"))
    for table, key in DOCUMENTS.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("language", sa.String(5), nullable=False, server_default="en"))
        _rekey(table, ["tenant_id", key, "audience"], ["tenant_id", key, "audience", "language"])


def downgrade():
    for table, key in DOCUMENTS.items():
        # One PDF per invoice and audience again: the English one stays (the others' blobs are left to the store).
        op.execute(sa.text(f"DELETE FROM {table} WHERE language <> 'en'"))
        _rekey(table, ["tenant_id", key, "audience", "language"], ["tenant_id", key, "audience"])
        with op.batch_alter_table(table) as batch:
            batch.drop_column("language")
    with op.batch_alter_table("business_looks") as batch:
        batch.drop_column("default_language")
