"""The sandbox processor's Flask application factory."""
import os
from pathlib import Path

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from sandbox_processor import api, elements, refunds
from sandbox_processor.errors import ApiError
from sandbox_processor.store import Store

DEFAULT_ALLOWED_ORIGINS = "http://127.0.0.1:8000,http://localhost:8000"
DEFAULT_SECRET = "sk_test_portico"


def create_app(overrides=None):
    """Create the processor app; ``overrides`` replace configuration from the environment."""
    app = Flask(__name__)
    app.config.update(
        DATABASE_URL=os.environ.get("SANDBOX_PROCESSOR_DATABASE_URL") or None,
        SECRET=os.environ.get("SANDBOX_PROCESSOR_SECRET") or DEFAULT_SECRET,
        LATENCY_MS=int(os.environ.get("SANDBOX_PROCESSOR_LATENCY_MS") or 0),
        ALLOWED_ORIGINS=os.environ.get("SANDBOX_ALLOWED_ORIGINS") or DEFAULT_ALLOWED_ORIGINS,
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.config.update(overrides or {})
    app.config["ALLOWED_ORIGINS"] = parse_origins(app.config["ALLOWED_ORIGINS"])
    app.config["DATABASE_URL"] = app.config["DATABASE_URL"] or default_database_url()
    app.extensions["sandbox_store"] = Store(app.config["DATABASE_URL"])

    @app.get("/healthz")
    def healthz():
        """Answer 200 when the processor can reach its database."""
        app.extensions["sandbox_store"].ping()
        return jsonify(status="ok", mode="test")

    @app.after_request
    def secure_headers(response):
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'none'; frame-ancestors 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.path.startswith("/v1/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(ApiError)
    def api_error(error):
        return jsonify(error.to_dict()), error.status

    @app.errorhandler(HTTPException)
    def http_error(error):
        code = (error.name or "error").lower().replace(" ", "_")
        body = {"error": {"code": code, "message": error.description or error.name, "fields": {}}}
        return jsonify(body), error.code

    app.register_blueprint(api.blueprint)
    app.register_blueprint(elements.blueprint)
    app.register_blueprint(refunds.blueprint)
    return app


def parse_origins(value):
    """Return the allowed parent origins from a comma-separated string or a list."""
    items = value.split(",") if isinstance(value, str) else value
    return [item.strip().rstrip("/") for item in items if item.strip()]


def default_database_url():
    """Return the SQLite file under PORTICO_VAR_DIR (./var by default)."""
    directory = Path(os.environ.get("PORTICO_VAR_DIR") or "var").resolve()
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / 'sandbox-processor.db'}"
