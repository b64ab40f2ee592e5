"""Staff API: the open invoices of clients on autopay, and charge runs that charge them."""
from flask import url_for

from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import charge_runs
from gateway.schemas.common import page_of
from gateway.schemas.staff.billing import (ChargeRunArgsSchema, ChargeRunRequestSchema, ChargeRunSchema,
                                           InvoicesToChargeArgsSchema, InvoicesToChargeSchema)
from shared.errors import Conflict

blueprint = ApiBlueprint("charge_runs", __name__, tag="staff charge runs", caller=STAFF)


@blueprint.get("/invoices-to-charge")
@blueprint.operation("Open invoices of clients enrolled in autopay awaiting a charge, a page at a time with how "
                     "many there are in all, and when the daily automatic charge takes the due ones next",
                     query=InvoicesToChargeArgsSchema, response=InvoicesToChargeSchema)
def invoices_to_charge(args):
    page, schedule = charge_runs.invoices_to_charge_and_schedule(page_of(args))
    return {**page, "autopay": schedule}


@blueprint.post("/charge-runs")
@blueprint.operation("Charge the chosen invoices (all awaiting ones when invoice_ids is left out) with each client's "
                     "autopay method; follow the run at its Location. 409 when nothing awaits a charge",
                     body=ChargeRunRequestSchema, optional_body=True, status=202, response=ChargeRunSchema,
                     raises=[Conflict])
def post_charge_run(chosen):
    run = charge_runs.start_charge_run(chosen.get("invoice_ids"))
    return run, 202, {"Location": url_for(".get_charge_run", run_id=run["id"])}


@blueprint.get("/charge-runs/<id:run_id>")
@blueprint.operation("How far a charge run has got, with a page of its per-invoice results (with_items=0 leaves "
                     "them out)", query=ChargeRunArgsSchema, response=ChargeRunSchema)
def get_charge_run(args, run_id):
    return charge_runs.charge_run(run_id, args["with_items"], page_of(args))
