"""Staff API: clients' service requests (each also a ticket) and the decision on one."""
from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import service_requests
from gateway.schemas.staff.service_requests import (RequestDecisionSchema, RequestListArgsSchema, RequestListSchema,
                                                    StaffServiceRequestSchema)
from shared.errors import Conflict

blueprint = ApiBlueprint("service_requests", __name__, tag="staff services", caller=STAFF)


@blueprint.get("/service-requests")
@blueprint.operation("Clients' service requests (pending by default) a page at a time, newest first; a page's "
                     "`next` is the cursor of the one after it (send it back as `cursor` with the same filters)",
                     query=RequestListArgsSchema, response=RequestListSchema, dump=True)
def list_requests(filters):
    return service_requests.list_requests(filters)


@blueprint.get("/service-requests/<id:request_id>")
@blueprint.operation("One service request", response=StaffServiceRequestSchema, dump=True)
def get_request(request_id):
    return service_requests.get_request(request_id)


@blueprint.post("/service-requests/<id:request_id>/decision")
@blueprint.operation("Accept a pending request (a reschedule moves the visit to `scheduled_on`, by default the "
                     "client's first preferred date, in the window given or its own; a cancellation cancels the "
                     "visit; a new service becomes a job on the waiting list) or decline it with a reason; the "
                     "outcome is added to the request's ticket, which closes", body=RequestDecisionSchema,
                     response=StaffServiceRequestSchema, dump=True, raises=[Conflict])
def decide(decision, request_id):
    return service_requests.decide(request_id, decision)
