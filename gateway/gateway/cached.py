"""The kept answers a request reads (gateway/caches.py): sessions, the business by slug, its portal configuration."""
import os

from flask import current_app, g

from gateway.caches import Caches, passport_seconds_left, passport_tenant, token_key
from gateway.rpc import RpcClient
from gateway.services import rpc

STAFF, CLIENT = "staff", "client"
# accounts' calls that change nothing: any other call to accounts may change what is kept of its business.
# Signing in and asking for a code or a link only add sessions and one-time secrets, which nothing kept shows.
READS = ("get_", "list_", "find_", "resolve_", "check_", "describe_", "ping", "sign_in_", "request_")


def caches(app=None):
    """This process's caches; a process forked from the one that made them gets its own, listener and all."""
    extensions = (app or current_app).extensions
    found = extensions["caches"]
    if found.pid != os.getpid():
        found = extensions["caches"] = Caches(start_listener=found.start_listener)
    return found


def session(kind, accounts_method, token):
    """Return accounts' answer for the session of ``token`` (``kind`` STAFF or CLIENT), kept while it may be."""
    tenant_id = g.portal_tenant["id"] if kind == CLIENT else None  # a client's token is only good at its business

    def describe(answer):
        if kind == STAFF:
            whose = answer["tenant"]["id"], (STAFF, answer["user"]["id"])
        else:
            whose = tenant_id, (CLIENT, answer["portal_user"]["id"])
        return (*whose, min(answer.get("keep_for", 0), passport_seconds_left(answer["passport"])))

    return caches().lookup("sessions", (kind, tenant_id, token_key(token)),
                           lambda: rpc().call("accounts", accounts_method, token), describe)


def tenant_by_slug(slug):
    """Return accounts' ``find_tenant`` answer for ``slug`` (the business and a visitor's passport)."""
    return caches().lookup("tenants", slug, lambda: rpc().call("accounts", "find_tenant", slug),
                           lambda found: (found["id"], None, passport_seconds_left(found["passport"])))


def request_tenant_id():
    """The business of this request: the portal's, from its URL, or the signed-in staff member's (else None)."""
    found = g.get("portal_tenant") or g.get("tenant")
    return found["id"] if found else None


def portal_config_of(ask):
    """Return the business's portal configuration, ``ask()``-ed only when it is not kept."""
    tenant_id = request_tenant_id()
    if tenant_id is None:
        return ask()
    return caches().lookup("configs", tenant_id, ask, lambda config: (tenant_id, None, None))


def kept_portal_config():
    """Return ``(the kept portal configuration or None, generation)``: see ``keep_portal_config``."""
    tenant_id = request_tenant_id()
    return (None, None) if tenant_id is None else caches().get("configs", tenant_id)


def keep_portal_config(answer, generation):
    """Keep a portal configuration asked for (in some parallel call) after ``kept_portal_config``."""
    tenant_id = request_tenant_id()
    if tenant_id is not None:
        caches().keep("configs", tenant_id, answer, (tenant_id, None, None), generation)


class ForgetfulRpcClient(RpcClient):
    """The gateway's RPC client: a change this process sends drops what it kept of that business at once,
    so its own next request sees the change without waiting for the event (which still reaches the others)."""

    def __init__(self, *args, app=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app

    def call(self, service, method, *args, context=None, **kwargs):
        try:
            return super().call(service, method, *args, context=context, **kwargs)
        finally:
            changes = method == "update_settings" or (service == "accounts" and not method.startswith(READS))
            if changes and context and context.get("passport") and self.app is not None:
                tenant_id = passport_tenant(context["passport"])
                if tenant_id is not None:
                    caches(self.app).forget_business(tenant_id)
