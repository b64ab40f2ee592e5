"""Staff API: the signed-in staff member's own alerts about client actions (chosen on the Alerts tab)."""
from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import alerts
from gateway.schemas.staff.alerts import (StaffAlertListArgsSchema, StaffAlertListSchema, StaffAlertsReadResultSchema,
                                          StaffAlertsReadSchema)
from shared.errors import NotFound

blueprint = ApiBlueprint("alerts", __name__, tag="staff alerts", caller=STAFF)


@blueprint.get("/alerts")
@blueprint.operation("Your alerts about client actions, newest first", query=StaffAlertListArgsSchema,
                     response=StaffAlertListSchema)
def list_alerts(args):
    return alerts.my_alerts(args["unread_only"], args["limit"])


@blueprint.post("/alerts/read")
@blueprint.operation("Mark some of your alerts read; an id that is not one of your alerts is 404 and changes nothing",
                     body=StaffAlertsReadSchema, response=StaffAlertsReadResultSchema, raises=[NotFound])
def post_alerts_read(body):
    return alerts.mark_read(body["alert_ids"])
