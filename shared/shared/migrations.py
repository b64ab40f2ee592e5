"""What every service's Alembic ``env.py`` does, written once."""
import sys

from alembic import context
from sqlalchemy import text

from shared.config import database_url
from shared.db import make_engine


def run_migrations(service, metadata):
    """Run this service's migrations against its own database (online or as SQL)."""
    url = context.config.get_main_option("sqlalchemy.url") or database_url(service)
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url, pool_size=1)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            # Scaled instances start together; one migrates while the others wait here.
            connection.execute(text("SELECT pg_advisory_lock(hashtext(:name))"), {"name": service})
            connection.commit()
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                          on_version_apply=lambda step, **_: announce(service, step))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def announce(service, step):
    """One line per migration applied, so a container's log says what its start changed (and which replica did)."""
    print(f"{service}: migration applied: {step.up_revision_id if step.is_upgrade else step.down_revision_ids}",
          file=sys.stderr, flush=True)
