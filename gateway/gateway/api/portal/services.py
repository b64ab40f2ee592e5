"""Client portal API, Services tab: the account's visits and jobs (each part when the business shows it), one
visit, and the secret calendar address."""
from gateway.api.blueprints import CLIENT, ApiBlueprint
from gateway.features import services_tab
from gateway.schemas.portal.services import (CalendarMadeSchema, CalendarRevokedSchema, ServicesSchema,
                                             VisitSchema)
from shared.errors import NotFound, PermissionDenied

blueprint = ApiBlueprint("services", __name__, tag="portal services", caller=CLIENT)


@blueprint.get("/services")
@blueprint.operation("The Services tab: upcoming visits, service history, the waiting list and paused services, "
                     "each only when the business shows it (absent otherwise); 403 when it shows none",
                     response=ServicesSchema, dump=True, raises=[PermissionDenied])
def services():
    return services_tab.my_services()


@blueprint.get("/services/visits/<id:visit_id>")
@blueprint.operation("One of the account's visits, upcoming or past, when that part of the tab is shown",
                     response=VisitSchema, dump=True, raises=[PermissionDenied, NotFound])
def visit(visit_id):
    return services_tab.my_visit(visit_id)


@blueprint.post("/services/calendar")
@blueprint.operation("Make a secret calendar address (iCalendar) of the upcoming visits; the old one stops "
                     "working. The address is shown only in this answer. 403 when upcoming visits are not shown",
                     status=201, response=CalendarMadeSchema, dump=True, raises=[PermissionDenied])
def make_calendar():
    return services_tab.make_calendar(), 201


@blueprint.delete("/services/calendar")
@blueprint.operation("Revoke the account's calendar address: calendar apps stop receiving the visits",
                     response=CalendarRevokedSchema, dump=True, raises=[PermissionDenied])
def revoke_calendar():
    return services_tab.revoke_calendar()
