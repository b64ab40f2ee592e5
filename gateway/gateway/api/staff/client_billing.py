"""Staff API: a client's billing, their autopay lock and applying prepayments.

Every call naming a client checks with accounts that the client is this business's before
billing is asked, so another business's ids are simply not found.
"""
from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import autopay, client_billing
from gateway.schemas.billing import BillingPaymentSchema
from gateway.schemas.staff.billing import (AccountBillingSchema, ApplyPrepaymentSchema, AutopayLockSchema,
                                           AutopayLockStateSchema)
from shared.errors import NotFound

blueprint = ApiBlueprint("client_billing", __name__, tag="staff client billing", caller=STAFF)


@blueprint.get("/accounts/<id:account_id>/billing")
@blueprint.operation("A client's billing: amount due, payments and credits with what they paid, cards and bank "
                     "accounts on file, unapplied credit and autopay", response=AccountBillingSchema)
def get_account_billing(account_id):
    return client_billing.account_billing(account_id)


@blueprint.put("/accounts/<id:account_id>/autopay-lock")
@blueprint.operation("Lock autopay on for a client (they cannot cancel it) or unlock it", body=AutopayLockSchema,
                     response=AutopayLockStateSchema)
def put_autopay_lock(body, account_id):
    return autopay.set_autopay_lock(account_id, body["locked"])


@blueprint.post("/prepayments/apply")
@blueprint.operation("Apply a prepayment's unapplied credit to invoices of the same client, amounts in cents (404 "
                     "when the prepayment or an invoice is not found)", body=ApplyPrepaymentSchema,
                     response=BillingPaymentSchema, raises=[NotFound])
def apply_prepayment(application):
    return client_billing.apply_prepayment(application)

