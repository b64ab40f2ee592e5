"""Client portal API, Estimates: the estimates sent to the account, their PDFs, and approving or declining them.
Everything is refused (403) when the business does not show estimates; deciding when it does not allow it."""
from gateway.api.blueprints import CLIENT, PDF_ANSWER, ApiBlueprint
from gateway.features import estimates
from gateway.files import pdf_response
from gateway.schemas.estimates import (EstimateDecisionSchema, PortalEstimateListArgsSchema, PortalEstimateListSchema,
                                       PortalEstimateSchema)
from shared.errors import Conflict

blueprint = ApiBlueprint("estimates", __name__, tag="portal estimates", caller=CLIENT)


@blueprint.get("/estimates")
@blueprint.operation("The estimates sent to the account a page at a time, newest first, by status, and "
                     "whether the client may decide them (403 when estimates are not shown); a page's `next` is the "
                     "cursor of the one after it", query=PortalEstimateListArgsSchema,
                     response=PortalEstimateListSchema, dump=True)
def list_estimates(filters):
    return estimates.my_estimates(filters)


@blueprint.get("/estimates/<id:estimate_id>")
@blueprint.operation("One estimate with its lines, and whether the client may decide it now",
                     response=PortalEstimateSchema, dump=True)
def get_estimate(estimate_id):
    return estimates.my_estimate(estimate_id)


@blueprint.get("/estimates/<id:estimate_id>/pdf")
@blueprint.operation("Download one estimate as a PDF", responses=PDF_ANSWER)
def estimate_pdf(estimate_id):
    return pdf_response(estimates.my_estimate_pdf(estimate_id))


@blueprint.post("/estimates/<id:estimate_id>/decision")
@blueprint.operation("Approve or decline a sent estimate, with an optional note. Approving puts the work on the "
                     "waiting list as a new job (job_id). 409 when it was already decided or has expired; 403 when "
                     "the business does not let clients decide, or the client may not manage the account",
                     body=EstimateDecisionSchema, response=PortalEstimateSchema, dump=True, raises=[Conflict])
def decide(decision, estimate_id):
    return estimates.decide(estimate_id, decision)
