"""Client portal API, Services tab: ask to move or cancel a visit, the services offered, ask for a new service.
A refusal (a setting off, too close to the visit, already asked) says how to reach the business instead."""
from gateway.api.blueprints import CLIENT, ApiBlueprint
from gateway.features import service_requests
from gateway.schemas.portal.service_requests import (NewServiceRequestSchema, OfferedServicesSchema,
                                                     ServiceRequestSchema, VisitRequestSchema)
from shared.errors import Conflict, NotFound, PermissionDenied

blueprint = ApiBlueprint("service_requests", __name__, tag="portal services", caller=CLIENT)


@blueprint.post("/services/visits/<id:visit_id>/requests")
@blueprint.operation("Ask to move (`reschedule`, with 1 to 3 preferred dates) or cancel a scheduled visit of the "
                     "account; refused (403) when the business does not take that request, and (409) once its "
                     "cut-off before the visit has passed or while the same request is pending - the message says "
                     "until when it was possible and how to reach the business", body=VisitRequestSchema,
                     status=201, response=ServiceRequestSchema, dump=True,
                     raises=[PermissionDenied, NotFound, Conflict])
def ask_about_visit(request, visit_id):
    return service_requests.ask_about_visit(visit_id, request), 201


@blueprint.get("/services/offered")
@blueprint.operation("The services the client may request (403 when the business takes no service requests)",
                     response=OfferedServicesSchema, dump=True, raises=[PermissionDenied])
def offered():
    return {"items": service_requests.offered_services()}


@blueprint.post("/services/requests")
@blueprint.operation("Ask for a service the business offers, with 1 to 3 preferred dates and a note; it reaches "
                     "the business as a ticket", body=NewServiceRequestSchema, status=201,
                     response=ServiceRequestSchema, dump=True, raises=[PermissionDenied, Conflict])
def ask_for_service(request):
    return service_requests.ask_for_service(request), 201
