from tickets.models import Base
from shared.migrations import run_migrations

run_migrations("tickets", Base.metadata)
