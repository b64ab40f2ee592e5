"""Who may do what in tickets: staff of the business, a client on their own account with enough rights, a
setting that is on. Every access decision of the service is taken here, from the caller's verified passport
(shared/context.py) and the service's own rows; an id a caller sends is only ever looked up within the
business and, for a client, within the account the passport names."""
from shared.context import client_account, require_setting, staff_tenant

__all__ = ["staff_tenant", "client_account", "require_setting"]
