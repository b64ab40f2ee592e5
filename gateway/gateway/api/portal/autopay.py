"""Client portal API: autopay (shown on the Account tab)."""
from gateway.api.blueprints import ApiBlueprint, client_required
from gateway.features import autopay
from gateway.schemas.billing import AutopayStatusSchema
from gateway.schemas.portal.billing import AutopayEnrolmentSchema
from shared.errors import NotFound

blueprint = ApiBlueprint("autopay", __name__, tag="portal billing")


@blueprint.get("/autopay")
@client_required
@blueprint.doc(summary="Autopay: whether it is offered, enrolled or locked, the method it charges and the consent "
                       "text")
@blueprint.response(200, AutopayStatusSchema)
def my_autopay():
    return autopay.my_autopay()


@blueprint.put("/autopay")
@client_required
@blueprint.doc(summary="Turn autopay on with a method on file (404 when it is not on file); consent must be true "
                       "(the client agrees to consent_text)")
@blueprint.body(AutopayEnrolmentSchema)
@blueprint.response(200, AutopayStatusSchema)
@blueprint.raises(NotFound)
def enroll_autopay(enrolment):
    return autopay.enroll(enrolment["payment_method_id"], enrolment["consent"])


@blueprint.delete("/autopay")
@client_required
@blueprint.doc(summary="Turn autopay off (refused while the business has locked it on)")
@blueprint.response(200, AutopayStatusSchema)
def cancel_autopay():
    return autopay.cancel()
