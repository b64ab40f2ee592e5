from accounts.models import Base
from shared.migrations import run_migrations

run_migrations("accounts", Base.metadata)
