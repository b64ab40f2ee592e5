"""Client portal API: autopay (shown on the Account tab)."""
from gateway.api.blueprints import CLIENT, ApiBlueprint
from gateway.features import autopay
from gateway.schemas.billing import AutopayStatusSchema
from gateway.schemas.portal.billing import AutopayEnrolmentSchema
from shared.errors import NotFound

blueprint = ApiBlueprint("autopay", __name__, tag="portal billing", caller=CLIENT)


@blueprint.get("/autopay")
@blueprint.operation("Autopay: whether it is offered, enrolled or locked, the method it charges and the consent text",
                     response=AutopayStatusSchema, dump=True)
def my_autopay():
    return autopay.my_autopay()


@blueprint.put("/autopay")
@blueprint.operation("Turn autopay on with a method on file (404 when it is not on file); consent must be true (the "
                     "client agrees to consent_text)", body=AutopayEnrolmentSchema, response=AutopayStatusSchema,
                     dump=True, raises=[NotFound])
def enroll_autopay(enrolment):
    return autopay.enroll(enrolment["payment_method_id"], enrolment["consent"])


@blueprint.delete("/autopay")
@blueprint.operation("Turn autopay off (refused while the business has locked it on)", response=AutopayStatusSchema,
                     dump=True)
def cancel_autopay():
    return autopay.cancel()
