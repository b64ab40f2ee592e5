"""The gateway's Flask application factory."""
import logging.config
import os
import secrets
import uuid

from flask import Flask, g, request

from gateway import errors
from gateway.api import docs, health, portal, portal_billing, staff, staff_alerts, staff_billing, staff_clients
from gateway.web import pages, portal_billing_pages, portal_pages, staff_alerts_pages, staff_billing_pages, staff_pages
from gateway.rpc import RpcClient
from shared.config import amqp_uri, env
from shared.context import current_request_id
from shared.logs import logging_config


def create_app(overrides=None):
    """Create the gateway app; ``overrides`` replace configuration from the environment."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=env("PORTICO_SECRET_KEY") or secrets.token_hex(32),
        AMQP_URI=amqp_uri(),
        RPC_TIMEOUT_SECONDS=env("RPC_TIMEOUT_SECONDS", 5.0, float),
        HEALTH_TIMEOUT_SECONDS=env("HEALTH_TIMEOUT_SECONDS", 2.0, float),
        SECURE_COOKIES=env("SECURE_COOKIES", "false").lower() == "true",
        MAX_CONTENT_LENGTH=env("MAX_REQUEST_BYTES", 10 * 1024 * 1024, int),
    )
    app.config.update(overrides or {})
    if not app.testing and os.environ.get("PORTICO_LOG_JSON", "true") == "true":
        logging.config.dictConfig(logging_config("gateway"))

    app.extensions["rpc"] = RpcClient(app.config["AMQP_URI"], timeout=app.config["RPC_TIMEOUT_SECONDS"])

    @app.before_request
    def start_request():
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if 0 < len(incoming) <= 100 and incoming.isprintable() else uuid.uuid4().hex
        current_request_id.set(g.request_id)
        g.rpc_context = {"request_id": g.request_id}

    @app.after_request
    def finish_request(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    errors.register(app)
    for module in (health, staff, staff_clients, staff_billing, staff_alerts, portal, portal_billing, docs, pages,
                   staff_pages, staff_billing_pages, staff_alerts_pages, portal_pages, portal_billing_pages):
        app.register_blueprint(module.blueprint)
    return app
