"""Staff API: estimates for clients, drafted, edited, sent and printed. Amounts are integer cents."""
from flask import url_for

from gateway.api.blueprints import PDF_ANSWER, STAFF, ApiBlueprint
from gateway.features import estimates
from gateway.files import pdf_response
from gateway.schemas.estimates import (EstimateChangesSchema, EstimateDetailSchema, StaffEstimateListArgsSchema,
                                       StaffEstimateListSchema, StaffNewEstimateSchema)
from shared.errors import Conflict, NotFound

blueprint = ApiBlueprint("estimates", __name__, tag="staff estimates", caller=STAFF)


@blueprint.post("/estimates")
@blueprint.operation("Draft an estimate with lines for a client (404 when there is no such client); numbered per "
                     "business from 1001. The client sees it once it is sent", body=StaffNewEstimateSchema,
                     status=201, response=EstimateDetailSchema, raises=[NotFound])
def post_estimate(estimate):
    created = estimates.create_estimate(estimate)
    return created, 201, {"Location": url_for(".get_estimate", estimate_id=created["id"])}


@blueprint.get("/estimates")
@blueprint.operation("List estimates a page at a time, newest first, by client and status; a page's `next` "
                     "is the cursor of the one after it (send it back as `cursor` with the same filters)",
                     query=StaffEstimateListArgsSchema,
                     response=StaffEstimateListSchema)
def list_estimates(filters):
    return estimates.list_estimates(filters)


@blueprint.get("/estimates/<id:estimate_id>")
@blueprint.operation("One estimate with its lines and, once decided, the client's decision",
                     response=EstimateDetailSchema)
def get_estimate(estimate_id):
    return estimates.find_estimate(estimate_id)


@blueprint.patch("/estimates/<id:estimate_id>")
@blueprint.operation("Change a draft: only the fields sent change, lines replace all of its lines (409 once it was "
                     "sent)", body=EstimateChangesSchema, response=EstimateDetailSchema, raises=[Conflict])
def patch_estimate(changes, estimate_id):
    return estimates.update_estimate(estimate_id, changes)


@blueprint.post("/estimates/<id:estimate_id>/send")
@blueprint.operation("Send a draft to the client, who may then approve or decline it (409 when already sent)",
                     response=EstimateDetailSchema, raises=[Conflict])
def send_estimate(estimate_id):
    return estimates.send_estimate(estimate_id)


@blueprint.get("/estimates/<id:estimate_id>/pdf")
@blueprint.operation("The estimate as a PDF document (application/pdf)", responses=PDF_ANSWER)
def get_estimate_pdf(estimate_id):
    return pdf_response(estimates.estimate_pdf(estimate_id))
