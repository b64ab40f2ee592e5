"""The gateway's Flask application factory."""
import logging.config
import os
import secrets
import uuid

from flask import Flask, abort, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway import errors, i18n, origin, webhooks
from gateway.api import docs, health, portal as portal_api, staff as staff_api
from gateway.api.openapi import create_api
from gateway.cache_listener import start_listener
from gateway.cached import ForgetfulRpcClient
from gateway.caches import Caches
from gateway.web import (addresses, calendar, filters, paging, portal as portal_pages, script_messages,
                         staff as staff_pages)
from shared.blobs import blob_store
from shared.config import amqp_uri, env
from shared.call_headers import ORIGIN_DEVICE_KEY, ORIGIN_IP_KEY, ORIGIN_MAX, current_request_id
from shared.logs import logging_config


def create_app(overrides=None):
    """Create the gateway app; ``overrides`` replace configuration from the environment."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=env("PORTICO_SECRET_KEY") or secrets.token_hex(32),
        AMQP_URI=amqp_uri(),
        RPC_TIMEOUT_SECONDS=env("RPC_TIMEOUT_SECONDS", 5.0, float),
        HEALTH_TIMEOUT_SECONDS=env("HEALTH_TIMEOUT_SECONDS", 2.0, float),
        # Secure, __Host- cookies unless a plain-http local run (make up) turns them off explicitly.
        SECURE_COOKIES=env("SECURE_COOKIES", "true").lower() != "false",
        MAX_CONTENT_LENGTH=env("MAX_REQUEST_BYTES", 10 * 1024 * 1024, int),
        BLOB_STORE_URL=env("BLOB_STORE_URL"),
        TRUSTED_PROXIES=env("TRUSTED_PROXIES", 0, int),
        # Sessions, businesses and portal configurations kept until an event changes them (docs/caching.md).
        GATEWAY_CACHES=env("GATEWAY_CACHES", "true").lower() != "false",
        STRIPE_WEBHOOK_SECRET=env("STRIPE_WEBHOOK_SECRET"),  # unset: no Stripe events (gateway/webhooks.py)
    )
    app.config.update(overrides or {})
    if app.config["TRUSTED_PROXIES"] > 0:  # the caller's address is the one the nearest trusted proxy saw
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])
    if not app.testing and os.environ.get("PORTICO_LOG_JSON", "true") == "true":
        logging.config.dictConfig(logging_config("gateway"))

    app.extensions["rpc"] = ForgetfulRpcClient(app.config["AMQP_URI"], timeout=app.config["RPC_TIMEOUT_SECONDS"],
                                               app=app)
    # Off, the caches keep nothing: every lookup asks accounts, as while the listener is not connected.
    app.extensions["caches"] = Caches(
        start_listener=start_listener(app.config["AMQP_URI"]) if app.config["GATEWAY_CACHES"] else None)
    app.extensions["blobs"] = blob_store(app.config["BLOB_STORE_URL"])
    add_request_hooks(app)
    i18n.install(app)
    api = app.extensions["api"] = create_api(app)
    errors.register(app)
    for blueprint in (health.blueprint, staff_api.blueprint, portal_api.blueprint):
        api.register_blueprint(blueprint)
    for blueprint in (docs.blueprint, addresses.blueprint, filters.blueprint, paging.blueprint,
                      script_messages.blueprint, staff_pages.blueprint, portal_pages.blueprint, calendar.blueprint,
                      webhooks.blueprint):
        app.register_blueprint(blueprint)
    return app


def add_request_hooks(app):
    """Give every request an id (the caller's X-Request-Id when sensible) and the headers every answer carries."""

    @app.before_request
    def start_request():
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if 0 < len(incoming) <= 100 and incoming.isprintable() else uuid.uuid4().hex
        current_request_id.set(g.request_id)
        g.rpc_context = {"request_id": g.request_id, ORIGIN_IP_KEY: request.remote_addr or "",
                         ORIGIN_DEVICE_KEY: request.user_agent.string[:ORIGIN_MAX[ORIGIN_DEVICE_KEY]]}
        i18n.choose_language()
        if "\x00" in request.path:  # a NUL (%00) names nothing, and no database could look it up
            abort(404)

    app.before_request(origin.refuse_cross_site_changes)  # after the request id, before any view

    @app.after_request
    def finish_request(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
