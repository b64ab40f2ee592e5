"""Health: whether every service and its database answer."""
from flask import current_app

from gateway.api.blueprints import ApiBlueprint
from gateway.features.health import service_health
from gateway.schemas.common import HealthSchema

blueprint = ApiBlueprint("health", __name__, tag="health")


@blueprint.get("/healthz")
@blueprint.operation("Report whether every service and its database answer; 503 names the ones that do not",
                     response=HealthSchema, public=True,
                     responses={503: {"description": "Some service or its database does not answer",
                                      "content": {"application/json": {"schema": HealthSchema}}}})
def healthz():
    healthy, services = service_health(current_app.config["HEALTH_TIMEOUT_SECONDS"])
    return {"status": "ok" if healthy else "degraded", "services": services}, 200 if healthy else 503
