from billing.models import Base
from shared.migrations import run_migrations

run_migrations("billing", Base.metadata)
