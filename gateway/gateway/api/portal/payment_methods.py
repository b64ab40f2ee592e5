"""Client portal API, Billing tab: cards and bank accounts on file."""
from gateway.api.blueprints import CLIENT, ApiBlueprint
from gateway.features import payment_methods
from gateway.schemas.billing import NewPaymentMethodSchema, PaymentMethodSchema
from gateway.schemas.portal.billing import PaymentMethodListSchema
from shared.errors import InvalidInput

blueprint = ApiBlueprint("payment_methods", __name__, tag="portal billing", caller=CLIENT)


@blueprint.get("/payment-methods")
@blueprint.operation("Cards and bank accounts on file", response=PaymentMethodListSchema, dump=True)
def list_payment_methods():
    return {"items": payment_methods.my_methods()}


@blueprint.post("/payment-methods")
@blueprint.operation("Keep a card or bank account on file, from the processor's hosted form's token",
                     body=NewPaymentMethodSchema, status=201, response=PaymentMethodSchema, dump=True)
def add_payment_method(new_method):
    return payment_methods.add_method(new_method)


@blueprint.put("/payment-methods/<id:method_id>")
@blueprint.operation("Replace a card or bank account with a new one (autopay moves to it); only when the business "
                     "allows changes to that kind", body=NewPaymentMethodSchema, response=PaymentMethodSchema,
                     dump=True)
def replace_payment_method(new_method, method_id):
    return payment_methods.replace_method(method_id, new_method)


@blueprint.delete("/payment-methods/<id:method_id>")
@blueprint.operation("Remove a card or bank account; only when the business allows changes to that kind (400 while "
                     "autopay charges it)", status=204, raises=[InvalidInput])
def remove_payment_method(method_id):
    payment_methods.remove_method(method_id)
    return "", 204
