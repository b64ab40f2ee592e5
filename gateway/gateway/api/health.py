"""Health: every service's ping, composed in parallel."""
from flask import Blueprint, current_app, jsonify

from gateway.openapi import documented
from gateway.schemas import HealthSchema
from gateway.services import SERVICES, rpc

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
@documented("Report whether every service and its database answer", response=HealthSchema,
            auth=False, tag="health")
def healthz():
    results = rpc().call_parallel({name: (name, "ping", ()) for name in SERVICES},
                                  timeout=current_app.config["HEALTH_TIMEOUT_SECONDS"])
    services = {}
    for name, result in results.items():
        if isinstance(result, Exception):
            services[name] = {"ok": False, "database": False, "version": None, "error": str(result)}
        else:
            services[name] = {"ok": bool(result["database"]), "database": result["database"],
                              "version": result["version"], "error": None}
    healthy = all(service["ok"] for service in services.values())
    return jsonify({"status": "ok" if healthy else "degraded", "services": services}), (
        200 if healthy else 503)
