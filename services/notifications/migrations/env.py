from notifications.models import Base
from shared.migrations import run_migrations

run_migrations("notifications", Base.metadata)
