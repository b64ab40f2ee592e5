"""The processor's refunds: part or all of a succeeded charge goes back to the card or account it came from, once
per idempotency key, never more than the charge."""
import secrets

from flask import Blueprint, jsonify

from sandbox_processor.api import authenticate, request_body, sandbox_store
from sandbox_processor.errors import Conflict, InvalidRequest, NotFound

blueprint = Blueprint("refunds", __name__, url_prefix="/v1")


@blueprint.post("/refunds")
def create_refund():
    """Refund ``amount`` of ``charge``; a repeated key gets the first answer again."""
    authenticate()
    refund = _refund_input(request_body())
    store = sandbox_store()
    existing = store.refund_by_key(refund["idempotency_key"])
    if existing is None:
        charge = store.charge(refund["charge"])
        if charge is None or charge["status"] != "succeeded":
            raise NotFound("No succeeded charge with this id.", {"charge": ["No such charge."]}, code="no_such_charge")
        added = store.add_refund(charge, id=f"re_{secrets.token_hex(12)}", status="succeeded",
                                 idempotency_key=refund["idempotency_key"], amount=refund["amount"])
        if added is None:
            raise InvalidRequest("The refund is more than what is left of the charge.",
                                 {"amount": ["More than what is left of the charge."]})
        if added:
            return _refund_answer(store.refund_by_key(refund["idempotency_key"]), 201)
        existing = store.refund_by_key(refund["idempotency_key"])  # another request with the key came first
    if (existing["charge_id"], existing["amount"]) != (refund["charge"], refund["amount"]):
        raise Conflict("This idempotency key was already used with different parameters.",
                       {"idempotency_key": ["Already used for another refund."]}, code="idempotency_key_reused")
    response = _refund_answer(existing, 200)
    response[0].headers["Idempotent-Replayed"] = "true"
    return response


def _refund_input(data):
    errors = {}
    if not isinstance(data.get("charge"), str) or not data["charge"]:
        errors["charge"] = ["Give the id of the charge to refund."]
    amount = data.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = ["Use a positive whole number of minor units."]
    key = data.get("idempotency_key")
    if not isinstance(key, str) or not 0 < len(key) <= 255:
        errors["idempotency_key"] = ["Give an idempotency key of at most 255 characters."]
    if errors:
        raise InvalidRequest("Some refund parameters are not valid.", errors)
    return {"charge": data["charge"], "amount": amount, "idempotency_key": key}


def _refund_answer(refund, status):
    return jsonify(id=refund["id"], status=refund["status"], amount=refund["amount"], charge=refund["charge_id"],
                   idempotency_key=refund["idempotency_key"]), status
