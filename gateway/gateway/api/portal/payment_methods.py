"""Client portal API, Billing tab: cards and bank accounts on file."""
from gateway.api.blueprints import ApiBlueprint, client_required
from gateway.features import payment_methods
from gateway.schemas.billing import NewPaymentMethodSchema, PaymentMethodSchema
from gateway.schemas.portal.billing import PaymentMethodListSchema
from shared.errors import InvalidInput

blueprint = ApiBlueprint("payment_methods", __name__, tag="portal billing")


@blueprint.get("/payment-methods")
@client_required
@blueprint.doc(summary="Cards and bank accounts on file")
@blueprint.response(200, PaymentMethodListSchema)
def list_payment_methods():
    return {"items": payment_methods.my_methods()}


@blueprint.post("/payment-methods")
@client_required
@blueprint.doc(summary="Keep a card or bank account on file, from the processor's hosted form's token")
@blueprint.body(NewPaymentMethodSchema)
@blueprint.response(201, PaymentMethodSchema)
def add_payment_method(new_method):
    return payment_methods.add_method(new_method)


@blueprint.put("/payment-methods/<id:method_id>")
@client_required
@blueprint.doc(summary="Replace a card or bank account with a new one (autopay moves to it); only when the "
                       "business allows changes to that kind")
@blueprint.body(NewPaymentMethodSchema)
@blueprint.response(200, PaymentMethodSchema)
def replace_payment_method(new_method, method_id):
    return payment_methods.replace_method(method_id, new_method)


@blueprint.delete("/payment-methods/<id:method_id>")
@client_required
@blueprint.doc(summary="Remove a card or bank account; only when the business allows changes to that kind "
                       "(400 while autopay charges it)")
@blueprint.answers(204)
@blueprint.raises(InvalidInput)
def remove_payment_method(method_id):
    payment_methods.remove_method(method_id)
    return "", 204
