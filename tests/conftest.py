"""A whole Portico system per database backend: real broker, real databases, real processes."""
import logging
import os
import threading

import pytest
from werkzeug.serving import make_server

from gateway.app import create_app
from gateway.rpc import RpcClient
from sandbox_processor.app import create_app as create_processor_app
from sandbox_processor.testing import serving
from shared.testing import SERVICES, Databases, ServiceProcess, Vhost, free_port, wait_for
from tests.mail import mail_server  # noqa: F401  (a fixture: the SMTP server behind system.mail)

BACKENDS = ("sqlite", "postgresql")
# pika logs every refused publish (a stopped service) at WARNING; the tests check those answers.
logging.getLogger("pika").setLevel(logging.ERROR)
DEMO_PASSWORD = "correct horse battery staple"


class System:
    """Four services as processes, a gateway app in-process, and a client to call either."""

    def __init__(self, backend, tmp_path, mail=None):
        self.backend = backend
        self.tmp_path = tmp_path
        self.mail = mail
        self.vhost = Vhost().create()
        self.databases = Databases(backend, tmp_path)
        self.databases.migrate()
        self.amqp_uri = self.vhost.uri()
        # The payment processor stands apart from Portico, as a real provider's test mode would.
        self.processor_app = create_processor_app(
            {"DATABASE_URL": f"sqlite:///{tmp_path}/sandbox-processor.db"})
        self._processor = serving(self.processor_app)
        self.processor_url = self._processor.__enter__()
        self.env = {
            **os.environ,
            "AMQP_URI": self.amqp_uri,
            "PORTICO_VAR_DIR": str(tmp_path),
            "EVENT_RETRY_DELAYS_MS": "200,400",
            "PAYMENT_PROCESSOR_URL": self.processor_url,
            **({"SMTP_URL": mail.url} if mail else {}),
            **{f"{service.upper()}_DATABASE_URL": url for service, url in self.databases.urls.items()},
        }
        self.services = {name: ServiceProcess(name, self.env, tmp_path) for name in SERVICES}
        self.rpc = RpcClient(self.amqp_uri, timeout=10)
        for service in self.services.values():
            service.start()
        for name in SERVICES:
            self.wait_until_up(name)
        self.app = create_app({"TESTING": True, "AMQP_URI": self.amqp_uri, "RPC_TIMEOUT_SECONDS": 5})
        self.http = self.app.test_client()
        self._server = None
        self._tenants = 0

    def wait_until_up(self, name, timeout=30):
        wait_for(lambda: self.rpc.call(name, "ping", timeout=1)["database"], timeout=timeout,
                 message=f"{name} to answer ping")

    def restart(self, name, **env):
        self.services[name].stop()
        self.services[name].start(**env)
        self.wait_until_up(name)

    def new_tenant(self, slug=None, display_name="Green Acres Lawn Care"):
        """Create a tenant with an owner; return (tenant, owner credentials)."""
        self._tenants += 1
        slug = slug or f"tenant-{self._tenants}"
        owner = {"email": f"owner@{slug}.example", "name": "Olive Owner", "password": DEMO_PASSWORD}
        tenant = self.rpc.call("accounts", "create_tenant",
                               {"slug": slug, "display_name": display_name, "owner": owner})
        return tenant, {"email": owner["email"], "password": DEMO_PASSWORD}

    def staff_token(self, credentials):
        response = self.http.post("/api/v1/staff/sessions", json=credentials)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["token"]

    def context(self, tenant):
        return {"tenant_id": tenant["id"], "actor": {"kind": "system", "id": None}}

    @property
    def base_url(self):
        """Serve the gateway over real HTTP (for the browser) on first use."""
        if self._server is None:
            self._server = make_server("127.0.0.1", free_port(), self.app, threaded=True)
            threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_port}"

    def close(self):
        if self._server is not None:
            self._server.shutdown()
        for service in self.services.values():
            service.stop()
        self.rpc.close()
        self.app.extensions["rpc"].close()
        self._processor.__exit__(None, None, None)
        self.databases.drop()
        self.vhost.delete()


@pytest.fixture(scope="session", params=BACKENDS)
def system(request, tmp_path_factory, mail_server):
    system = System(request.param, tmp_path_factory.mktemp(request.param), mail_server)
    yield system
    system.close()


@pytest.fixture
def tenant(system):
    return system.new_tenant()
