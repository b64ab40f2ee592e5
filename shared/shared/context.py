"""Who is calling and for which business, from the verified passport; the call's deadline; the entrypoint guards.

A caller sends its passport (shared.passport), its deadline and its request id as ``nameko.*``
message headers; nameko hands them on to any further call a worker makes. Nothing else in a
message says who the caller is: a tenant or actor sent as a plain header is not read at all.
"""
import functools
import logging
import time

from nameko.extensions import DependencyProvider

from shared.call_headers import (DEADLINE_KEY, ORIGIN_DEVICE_KEY, ORIGIN_IP_KEY, ORIGIN_MAX,
                                 PASSPORT_KEY, REQUEST_ID_KEY, current_request_id)
from shared.config import env
from shared.errors import AnswerTooLarge, CallExpired, PermissionDenied, PorticoError, Unauthenticated
from shared.i18n import (DEFAULT_LANGUAGE, LANGUAGE_KEY, _, catalogue_of, current_catalogue, current_language,
                         known_language)
from shared.kept_settings import read_stored_settings
from shared.message_size import encoded_size, refuse_oversize
from shared.money import DEFAULT_CURRENCY, current_currency
from shared.passport import Claims, PassportVerifier
from shared.rpc_entrypoint import guarded_rpc

SYSTEM = "system"

log = logging.getLogger(__name__)


class Context:
    """What a worker knows about its caller: verified claims (on first use), deadline and request id."""

    def __init__(self, data, verifier=None, claims=None):
        self.data = data
        self._verifier = verifier
        self._claims = claims

    @classmethod
    def of(cls, claims, request_id=None):
        """A context whose claims are known without a passport: system work, and tests in-process."""
        return cls({REQUEST_ID_KEY: request_id} if request_id else {}, claims=claims)

    @classmethod
    def system(cls, tenant_id=None):
        """The explicit identity of a service's own work: event handlers, timers, queued jobs."""
        return cls.of(Claims(tenant_id=tenant_id, actor_kind=SYSTEM))

    @property
    def claims(self):
        if self._claims is None:
            if self._verifier is None:
                raise Unauthenticated(_("This call carries no valid passport."))
            self._claims = self._verifier.verify(self.data.get(PASSPORT_KEY))
            current_currency.set(self._claims.currency)  # the business's amounts are shown in it
        return self._claims

    @property
    def tenant_id(self):
        tenant_id = self.claims.tenant_id
        if tenant_id is None:
            raise PermissionDenied(_("This call needs a business."))
        return tenant_id

    @property
    def actor(self):
        """The caller as events and audit records name it: ``{"kind", "id"}``."""
        return {"kind": self.claims.actor_kind, "id": self.claims.actor_id}

    @property
    def origin(self):
        """``{"ip", "device"}`` of the person behind this call (None each when unknown or not text).

        The gateway states them; like the request id they can only mislabel an audit line, never grant anything.
        """
        def text(key):
            value = self.data.get(key)
            return value[:ORIGIN_MAX[key]] if isinstance(value, str) and value.isprintable() else None
        return {"ip": text(ORIGIN_IP_KEY), "device": text(ORIGIN_DEVICE_KEY)}

    @property
    def request_id(self):
        return self.data.get(REQUEST_ID_KEY)

    def check_deadline(self):
        """Refuse a call whose caller has stopped waiting: nobody would see its answer."""
        deadline = self.data.get(DEADLINE_KEY)  # epoch milliseconds: AMQP headers carry integers, not floats
        if isinstance(deadline, int) and not isinstance(deadline, bool) and deadline < time.time() * 1000:
            raise CallExpired(_("The caller stopped waiting before this call could run; nothing was done."))


def staff_tenant(ctx):
    """Return the caller's tenant id, refusing anyone but that business's staff."""
    if ctx.claims.actor_kind != "staff":
        raise PermissionDenied(_("Only staff can do this."))
    return ctx.tenant_id


CLIENT_RIGHTS = ("view", "pay", "manage")  # a client's rights on a linked account, weakest first


def client_account(ctx, needs="view"):
    """Return ``(tenant_id, account_id)`` of a signed-in client acting for an account on which their link
    gives at least the ``needs`` right; refuse anyone else."""
    claims = ctx.claims
    if claims.actor_kind != "client" or claims.account_id is None:
        raise PermissionDenied(_("Only a signed-in client can do this."))
    rights = claims.rights.get(claims.account_id)
    if rights not in CLIENT_RIGHTS or CLIENT_RIGHTS.index(rights) < CLIENT_RIGHTS.index(needs):
        raise PermissionDenied(_("Your access to this account does not allow this."))
    return ctx.tenant_id, claims.account_id


def require_setting(settings, setting, message):
    """Return ``settings`` when the business turned ``setting`` on; refuse the call with ``message`` (marked with
    N_, or already translated) otherwise."""
    if not settings[setting]:
        raise PermissionDenied(_(message))
    return settings


def outgoing(passport=None, deadline=None, request_id=None, language=None):
    """The context a caller sends: its passport, the absolute deadline (epoch milliseconds), its request id and
    the language its person reads."""
    data = {PASSPORT_KEY: passport, DEADLINE_KEY: deadline, REQUEST_ID_KEY: request_id, LANGUAGE_KEY: language}
    return {key: value for key, value in data.items() if value is not None}


class CallContext(DependencyProvider):
    """Give a worker its caller's Context and tag its log lines with the request id.

    The passport is verified with ``PASSPORT_PUBLIC_KEYS`` (accounts' public keys); a service
    without them refuses to start rather than trust unverified callers. Each worker ends with one
    INFO line naming its entrypoint, outcome and duration (never its arguments).
    """

    def __init__(self):
        self.verifier = None
        self.started = {}

    def setup(self):
        keys = self.container.config.get("PASSPORT_PUBLIC_KEYS") or env("PASSPORT_PUBLIC_KEYS")
        self.verifier = PassportVerifier(keys)

    def get_dependency(self, worker_ctx):
        return Context(worker_ctx.data, self.verifier)

    def worker_setup(self, worker_ctx):
        current_request_id.set(worker_ctx.data.get(REQUEST_ID_KEY))
        current_language.set(known_language(worker_ctx.data.get(LANGUAGE_KEY), DEFAULT_LANGUAGE))
        current_catalogue.set(catalogue_of(self.container.service_cls.__module__.split(".")[0]))
        current_currency.set(DEFAULT_CURRENCY)  # until the passport names the business's
        self.started[worker_ctx] = time.monotonic()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self.started.pop(worker_ctx, None)
        elapsed_ms = (time.monotonic() - started) * 1000 if started is not None else 0.0
        outcome = "ok" if exc_info is None else f"failed ({exc_info[0].__name__})"
        log.info("%s.%s %s in %.1f ms", self.container.service_name,
                 worker_ctx.entrypoint.method_name, outcome, elapsed_ms)


# Set on a worker's service instance while its batch runs (shared.batch): the batch measures each answer and
# keeps their sum within one message, so neither its calls nor the batch itself measure them again.
MEASURED_BY_BATCH = "answers_measured_by_batch"


def refuse_oversize_answer(service, method, result):
    """Raise AnswerTooLarge when ``result`` would be a reply over the message limit."""
    try:
        size = encoded_size({"result": result, "error": None})  # the reply nameko would publish
    except (TypeError, ValueError):
        return  # not JSON at all: nameko reports that itself
    refuse_oversize(size, f"The answer of {service}.{method}", AnswerTooLarge)


def _guarded(check, callers):
    """Expose a method over RPC behind ``check(ctx)``, run after the deadline check; ``callers`` names who may call.

    The answer is measured before it is sent: one over the message limit is refused, whatever the
    entrypoint committed, so a list that outgrows its page shows up as an error rather than a stalled broker.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def guarded(self, *args, **kwargs):
            self.ctx.check_deadline()
            check(self.ctx)
            if callers == "tenant" and self.ctx.claims.actor_kind == "staff":
                read_stored_settings(getattr(self, "db", None))
            result = fn(self, *args, **kwargs)
            if not getattr(self, MEASURED_BY_BATCH, False):
                refuse_oversize_answer(self.name, fn.__name__, result)
            return result

        guarded.callers = callers  # read by the tests that call every entrypoint with every kind of passport
        return guarded_rpc(expected_exceptions=PorticoError)(guarded)

    return decorate


def _tenant(ctx):
    ctx.tenant_id  # verifies the passport; raises when it is missing, forged, expired or has no business


def _operator(ctx):
    if ctx.claims.actor_kind != "operator":
        raise PermissionDenied(_("Only an operator of this installation can do this."))


# Anyone may call these (health, sign-in, public portal details): they read no identity from the call.
public_rpc = _guarded(lambda ctx: None, "public")
# The caller's passport must be valid and name a business; the rules then decide from its claims.
tenant_rpc = _guarded(_tenant, "tenant")
# Installation-wide work (creating a business) for operators, whose passports only accounts' key can sign.
operator_rpc = _guarded(_operator, "operator")
