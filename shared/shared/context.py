"""Tenant and actor context carried on every RPC and event, and the guard that demands it.

Callers put ``tenant_id``, ``actor`` and ``request_id`` in the call's context; nameko sends
them as ``nameko.*`` message headers and passes them on to any further call a worker makes.
"""
import contextvars
import functools
import logging
import time

from nameko.extensions import DependencyProvider
from nameko.rpc import rpc

from shared.errors import PermissionDenied, PorticoError

TENANT_KEY = "tenant_id"
ACTOR_KEY = "actor"
REQUEST_ID_KEY = "request_id"

log = logging.getLogger(__name__)

# Read by the log formatter so every line a worker writes names its request.
current_request_id = contextvars.ContextVar("request_id", default=None)


class Context:
    """What a worker knows about who is calling and for which tenant."""

    def __init__(self, data):
        self.data = data

    @property
    def tenant_id(self):
        tenant_id = self.data.get(TENANT_KEY)
        if not isinstance(tenant_id, int) or isinstance(tenant_id, bool):
            raise PermissionDenied("This call needs a tenant context.")
        return tenant_id

    @property
    def actor(self):
        return self.data.get(ACTOR_KEY) or {"kind": "system", "id": None}

    @property
    def request_id(self):
        return self.data.get(REQUEST_ID_KEY)


class CallContext(DependencyProvider):
    """Inject the caller's context into a worker and tag its log lines with the request id.

    Each worker ends with one INFO line naming its entrypoint, outcome and duration (never
    its arguments), so a request id can be followed through the services' logs.
    """

    def __init__(self):
        self.started = {}

    def get_dependency(self, worker_ctx):
        return Context(worker_ctx.data)

    def worker_setup(self, worker_ctx):
        current_request_id.set(worker_ctx.data.get(REQUEST_ID_KEY))
        self.started[worker_ctx] = time.monotonic()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self.started.pop(worker_ctx, None)
        elapsed_ms = (time.monotonic() - started) * 1000 if started is not None else 0.0
        outcome = "ok" if exc_info is None else f"failed ({exc_info[0].__name__})"
        log.info("%s.%s %s in %.1f ms", self.container.service_name,
                 worker_ctx.entrypoint.method_name, outcome, elapsed_ms)


def public_rpc(fn):
    """Expose ``fn`` over RPC without requiring a tenant (health, sign-in look-ups)."""
    return rpc(expected_exceptions=PorticoError)(fn)


def tenant_rpc(fn):
    """Expose ``fn`` over RPC, refusing any call that does not carry a tenant."""

    @functools.wraps(fn)
    def guarded(self, *args, **kwargs):
        self.ctx.tenant_id  # raises PermissionDenied when absent
        return fn(self, *args, **kwargs)

    return rpc(expected_exceptions=PorticoError)(guarded)
