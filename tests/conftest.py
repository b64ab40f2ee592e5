"""A whole Portico system per database backend: real broker, real databases, real processes.

Which backend a test's ``system`` runs on (docs/architecture.md, "Tests and backends"):

- by default, every backend in BACKENDS: one session-wide System each, the test runs once per System;
- a module that says ``pytestmark = pytest.mark.backends("postgresql", both=("test_name", ...))``
  runs its ``system`` tests on the backends named, except the tests listed in ``both``, which run
  on every backend (they exercise something that differs between SQLite and PostgreSQL);
- ``pytest --all-backends`` ignores those markers and runs every ``system`` test on every backend.

``make test`` runs the suite in two pytest-xdist workers (``-n 2 --dist loadgroup``), one lane per
backend: each lane builds only its own backend's System, and runs the tests of that System in the
usual order. A test without ``system`` runs in the sqlite lane unless its module names others with
``pytest.mark.lane(...)``; naming several lanes runs the test once in each (for checks of what
their own process did, such as tests/test_no_card_numbers.py). Tests marked ``after_all`` run after
every other test of their process, whatever their names (they check what the others left behind).
"""
import logging
import os
import threading

import pytest
from werkzeug.serving import make_server

from accounts.secret_box import new_key as new_data_key
from gateway.app import create_app
from gateway.rpc import RpcClient
from sandbox_processor.app import create_app as create_processor_app
from sandbox_processor.testing import serving
from portico_testing import SERVICES, Databases, Passports, ServiceProcess, Vhost, free_port, wait_for
from portico_testing.fake_stripe import PUBLISHABLE, fake_stripe
from portico_testing.inprocess import client, operator, staff, visitor
from shared.broker_users import PROCESSES
from shared.sealing import SecretBox, new_key
from tests.mail import mail_server  # noqa: F401  (a fixture: the SMTP server behind system.mail)
from tests.portal_helpers import new_address

BACKENDS = ("sqlite", "postgresql")
DEFAULT_LANE = "sqlite"
# pika logs every refused publish (a stopped service) at WARNING; the tests check those answers.
logging.getLogger("pika").setLevel(logging.ERROR)
DEMO_PASSWORD = "correct horse battery staple"

INBOUND_DOMAIN = "reply.portico.test"


STRIPE_WEBHOOK_SECRET = "whsec_portico_system_tests"


class System:
    """Four services as processes, a gateway app in-process, and a client to call either.

    Each service and the gateway use their own broker user, as in production; the tests' own
    client (``rpc``, ``amqp_uri``, ``env``) is guest, who may do anything in the vhost.
    """

    def __init__(self, backend, tmp_path, mail=None, processor="sandbox"):
        self.backend = backend
        self.tmp_path = tmp_path
        self.mail = mail
        self.vhost = Vhost(users=PROCESSES).create()
        self.databases = Databases(backend, tmp_path)
        self.databases.migrate()
        self.amqp_uri = self.vhost.uri()
        # The payment processor stands apart from Portico, as a real provider's test mode would.
        self.processor_app = create_processor_app(
            {"DATABASE_URL": f"sqlite:///{tmp_path}/sandbox-processor.db"})
        self._processor = serving(self.processor_app)
        self.processor_url = self._processor.__enter__()
        # Or Stripe's API, played by a local stand-in (docs/payments.md): billing charges through its adapter.
        self._stripe = fake_stripe() if processor == "stripe" else None
        self.stripe = self._stripe.__enter__() if self._stripe else None
        self.passports = Passports()
        secrets_key = new_key()  # MESSAGE_SECRETS_KEYS: seals one-time codes and links
        self.secret_box = SecretBox(secrets_key)
        self.blob_store_url = f"file://{tmp_path}/blobs"  # one store for the services and the gateway
        self.inbound_smtp_port = free_port()
        self.env = {
            **os.environ,
            **self.passports.env,
            "MESSAGE_SECRETS_KEYS": secrets_key,
            "AMQP_URI": self.amqp_uri,
            "PORTICO_VAR_DIR": str(tmp_path),
            "BLOB_STORE_URL": self.blob_store_url,
            "ACCOUNTS_DATA_KEYS": new_data_key(),
            "EVENT_RETRY_DELAYS_MS": "200,400",
            # Billing's daily autopay cycle waits a day here: tests that charge autopay invoices by hand must not
            # be overtaken by it. tests/test_autopay_cycles.py runs it on a test clock with a short tick.
            "BILLING_AUTOPAY_TICK_SECONDS": "86400",
            # Visit reminders likewise: a test's visits of tomorrow must not be reminded behind its back.
            "BILLING_REMINDER_TICK_SECONDS": "86400",
            "PAYMENT_PROCESSOR_URL": self.processor_url,
            **({"PAYMENT_PROCESSOR": "stripe", "STRIPE_SECRET_KEY": self.stripe.secret,
                "STRIPE_API_BASE": self.stripe.url} if self.stripe else {}),
            "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,  # billing's copy; the gateway's is in its config below
            # Notifications' SMTP endpoint for clients' emailed replies to tickets (reply+<token>@INBOUND_DOMAIN).
            "INBOUND_SMTP_HOST": "127.0.0.1", "INBOUND_SMTP_PORT": str(self.inbound_smtp_port),
            "INBOUND_MAIL_DOMAIN": INBOUND_DOMAIN,
            **({"SMTP_URL": mail.url} if mail else {}),
            **{f"{service.upper()}_DATABASE_URL": url for service, url in self.databases.urls.items()},
        }
        self.services = {name: ServiceProcess(name, self.env_of(name), tmp_path) for name in SERVICES}
        self.rpc = RpcClient(self.amqp_uri, timeout=10)
        for service in self.services.values():
            service.start()
        try:
            for name in SERVICES:
                self.wait_until_up(name)
        except BaseException:  # a System that did not come up leaves no service running
            self.stop_services()
            raise
        self.app = create_app({"TESTING": True, "AMQP_URI": self.vhost.uri(process="gateway"),
                               "RPC_TIMEOUT_SECONDS": 5, "BLOB_STORE_URL": self.blob_store_url,
                               "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
                               **({"STRIPE_PUBLISHABLE_KEY": PUBLISHABLE, "STRIPE_JS_URL": f"{self.stripe.url}/v3/"}
                                  if self.stripe else {})})
        self.http = self.app.test_client()
        self._server = None
        self._tenants = 0

    def env_of(self, name):
        """The environment of service ``name``: the System's, with the service's own broker user."""
        return {**self.env, "AMQP_URI": self.vhost.uri(process=name)}

    def wait_until_up(self, name, timeout=30):
        wait_for(lambda: self.rpc.call(name, "ping", timeout=1)["database"], timeout=timeout,
                 message=f"{name} to answer ping")

    def restart(self, name, **env):
        self.services[name].stop()
        self.services[name].start(**env)
        self.wait_until_up(name)

    def new_tenant(self, slug=None, display_name="Green Acres Lawn Care", currency="USD"):
        """Create a tenant with an owner; return (tenant, owner credentials)."""
        self._tenants += 1
        slug = slug or f"tenant-{self._tenants}"
        owner = {"email": f"owner@{slug}.example", "name": "Olive Owner", "password": DEMO_PASSWORD}
        tenant = self.rpc.call("accounts", "create_tenant",
                               {"slug": slug, "display_name": display_name, "owner": owner, "currency": currency},
                               context=self.passports.context(operator()))
        return tenant, {"email": owner["email"], "password": DEMO_PASSWORD}

    def staff_session(self, credentials):
        """Sign a staff member in over the staff API (from an address of its own); return the new session."""
        response = self.http.post("/api/v1/staff/sessions", json=credentials, environ_base=new_address())
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def staff_token(self, credentials):
        return self.staff_session(credentials)["token"]

    def context(self, tenant):
        """The call context of ``tenant``'s owner (``tenant`` as ``new_tenant`` returns it)."""
        return self.passports.context(staff(tenant["id"], tenant["owner"]["id"], "owner"))

    def client_context(self, tenant, portal_user_id, account_id, rights="manage", other_accounts=None):
        """The call context of a portal user acting for ``account_id`` of ``tenant``."""
        return self.passports.context(client(tenant["id"], portal_user_id, account_id, rights, other_accounts))

    def visitor_context(self, tenant):
        return self.passports.context(visitor(tenant["id"]))

    @property
    def base_url(self):
        """Serve the gateway over real HTTP (for the browser) on first use."""
        if self._server is None:
            self._server = make_server("127.0.0.1", free_port(), self.app, threaded=True)
            threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_port}"

    def stop_services(self):
        """Stop every service at once: each takes a couple of seconds to shut down gracefully."""
        stopping = [threading.Thread(target=service.stop) for service in self.services.values()]
        for thread in stopping:
            thread.start()
        for thread in stopping:
            thread.join()

    def close(self):
        if self._server is not None:
            self._server.shutdown()
        self.stop_services()
        self.rpc.close()
        self.app.extensions["caches"].close()  # its listener would knock at the deleted vhost's door
        self.app.extensions["rpc"].close()
        self._processor.__exit__(None, None, None)
        if self._stripe:
            self._stripe.__exit__(None, None, None)
        self.databases.drop()
        self.vhost.delete()


@pytest.fixture(scope="session")
def system(request, tmp_path_factory, mail_server):
    """The System of the backend this test is parametrized with (see pytest_generate_tests)."""
    system = System(request.param, tmp_path_factory.mktemp(request.param), mail_server)
    yield system
    system.close()


@pytest.fixture
def tenant(system):
    return system.new_tenant()


# --- which backends, which lane --------------------------------------------------------------------

def pytest_addoption(parser):
    parser.addoption("--all-backends", action="store_true",
                     help="run every test that uses the system fixture on every backend, "
                          "whatever its module's backends marker says")


def _in_lanes(config):
    """True in a pytest-xdist worker of a ``--dist loadgroup`` run, whose tests go by lanes."""
    return hasattr(config, "workerinput") and bool(getattr(config.option, "loadgroup", False))


def _backends_of(metafunc):
    """The backends the system test of ``metafunc`` runs on, from its module's backends marker."""
    marker = metafunc.definition.get_closest_marker("backends")
    if marker is None or metafunc.config.getoption("all_backends"):
        return BACKENDS
    if not marker.args or set(marker.args) - set(BACKENDS):
        raise pytest.UsageError(f"{metafunc.module.__name__}: backends must name some of {BACKENDS}, "
                                f"not {marker.args}")
    both = marker.kwargs.get("both", ())
    missing = [name for name in both if not callable(getattr(metafunc.module, name, None))]
    if missing:  # a renamed test must not lose its second backend quietly
        raise pytest.UsageError(f"{metafunc.module.__name__}: backends(both=...) names no test {missing}")
    return BACKENDS if metafunc.function.__name__ in both else marker.args


def pytest_generate_tests(metafunc):
    if "system" in metafunc.fixturenames:
        metafunc.parametrize("system", _backends_of(metafunc), indirect=True, scope="session")
    elif "lane" in metafunc.fixturenames and _in_lanes(metafunc.config):
        marker = metafunc.definition.get_closest_marker("lane")
        if marker is not None:
            if not marker.args or set(marker.args) - set(BACKENDS):
                raise pytest.UsageError(f"{metafunc.module.__name__}: lane must name some of {BACKENDS}")
            metafunc.parametrize("lane", marker.args, indirect=True)


def pytest_collection_modifyitems(items):
    """Move the tests marked ``after_all`` to the end, keeping every other order as collected."""
    items.sort(key=lambda item: item.get_closest_marker("after_all") is not None)


@pytest.fixture(autouse=True)
def lane(request):
    """The lane a test of a lane-marked module runs in under pytest-xdist (None otherwise)."""
    return getattr(request, "param", None)


def lane_of(nodeid):
    """The lane of a test: the backend its id names (its System's or its lane's), else the default.

    ``test_x[postgresql-page zero]`` runs in the postgresql lane, ``test_y`` in the sqlite lane.
    """
    _, _, tail = nodeid.partition("::")
    _, bracket, params = tail.partition("[")
    if bracket:
        for part in params.rpartition("]")[0].split("-"):
            if part in BACKENDS:
                return part
    return DEFAULT_LANE


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With ``--dist loadgroup``, send each lane whole to one worker (see the module's docstring).

    Lanes go by test id rather than xdist_group marks: pytest-xdist 3.8 tags a grouped test by
    rewriting ``Node._nodeid``, which pytest 9 no longer reads, so those marks group nothing.
    """
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class LaneScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return lane_of(nodeid)

    return LaneScheduling(config, log)
