"""Portal clients for benchmarks: made, invited and signed in the way a business's clients are.

The invitation's token is read from accounts' outbox with the key of ``bench.home_page`` (SECRETS_KEY, which
the run's accounts must be given as MESSAGE_SECRETS_KEYS).
"""
from bench.home_page import PASSWORD, SECRETS_KEY, invitation_token  # noqa: F401 - SECRETS_KEY for the callers
from portico_testing.inprocess import visitor


def signed_in_client(rpc, passports, accounts_engine, tenant_id, staff, name, email):
    """Create a client of the business, invite them and accept the invitation; return (client, session)."""
    from accounts.models import platform as accounts_tables

    client = rpc.call("accounts", "create_client", {"name": name, "email": email}, context=staff)
    rpc.call("accounts", "invite_clients", [client["id"]], context=staff)
    token = invitation_token(accounts_engine, accounts_tables.outbox, email)
    session = rpc.call("accounts", "accept_invitation", token, {"password": PASSWORD},
                       context=passports.context(visitor(tenant_id)))
    return client, session
