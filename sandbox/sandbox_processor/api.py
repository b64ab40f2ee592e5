"""The processor's API: tokens (from the hosted fields) and charges (server to server)."""
import hmac
import secrets
import time

from flask import Blueprint, current_app, jsonify, request

from sandbox_processor.errors import Conflict, InvalidRequest, NotFound, Unauthenticated
from sandbox_processor.instruments import outcome, tokenize_bank, tokenize_card

blueprint = Blueprint("api", __name__, url_prefix="/v1")

MAX_AMOUNT = 99_999_999  # 999,999.99 in a two-decimal currency, as real processors cap it
MAX_LATENCY_MS = 60_000


@blueprint.post("/tokens")
def create_token():
    """Turn card or bank details into a token; only kind, brand, last 4 and expiry are kept."""
    data = request_body()
    kind = data.get("kind") or ("ach" if "routing_number" in data else "card")
    if kind == "card":
        instrument = tokenize_card(data)
    elif kind in ("ach", "bank"):
        instrument = tokenize_bank(data)
    else:
        raise InvalidRequest("kind must be \"card\" or \"ach\".", {"kind": ["Use card or ach."]})
    token = f"tok_{secrets.token_hex(12)}"
    sandbox_store().add_token(token, instrument)
    return jsonify(token=token, kind=instrument.kind, brand=instrument.brand,
                   last4=instrument.last4, exp_month=instrument.exp_month,
                   exp_year=instrument.exp_year), 201


@blueprint.delete("/tokens/<token>")
def detach_token(token):
    """Detach a token so it can never be charged again."""
    authenticate()
    if not sandbox_store().detach_token(token):
        raise NotFound("No such token.", code="no_such_token")
    return "", 204


@blueprint.post("/charges")
def create_charge():
    """Charge a token once per idempotency key; a repeated key gets the first answer again."""
    authenticate()
    data = request_body()
    amount = data.get("amount", "")
    if not request.is_json and amount.isascii() and amount.isdigit():
        data["amount"] = int(data["amount"])  # a form carries every value as text
    charge = _charge_input(data)
    latency_ms = _latency_ms()
    if latency_ms:
        time.sleep(latency_ms / 1000)

    store = sandbox_store()
    existing = store.charge_by_key(charge["idempotency_key"])
    if existing is None:
        token = store.token(charge["token"])
        if token is None:
            raise NotFound("No such token.", {"token": ["No such token."]}, code="no_such_token")
        if token["detached"] is not None:
            raise NotFound("This token was detached and can no longer be charged.",
                           {"token": ["This token was detached."]}, code="no_such_token")
        status, message = outcome(token["kind"], token["behaviour"])
        if store.add_charge(id=f"ch_{secrets.token_hex(12)}", status=status, message=message,
                            **charge):
            return _charge_answer(store.charge_by_key(charge["idempotency_key"]), 201)
        # Another request with this key inserted first: answer with its charge.
        existing = store.charge_by_key(charge["idempotency_key"])
    if any(existing[field] != charge[field] for field in ("token", "amount", "currency")):
        raise Conflict("This idempotency key was already used with different parameters.",
                       {"idempotency_key": ["Already used for another charge."]},
                       code="idempotency_key_reused")
    response = _charge_answer(existing, 200)
    response[0].headers["Idempotent-Replayed"] = "true"
    return response


@blueprint.get("/charges")
def find_charge():
    """Return the charge made with an idempotency key, so a caller can learn whether it happened."""
    authenticate()
    key = request.args.get("idempotency_key", "")
    if not key:
        raise InvalidRequest("Give idempotency_key.", {"idempotency_key": ["Required."]})
    charge = sandbox_store().charge_by_key(key)
    if charge is None:
        raise NotFound("No charge with this idempotency key.", code="no_such_charge")
    return _charge_answer(charge, 200)


def sandbox_store():
    return current_app.extensions["sandbox_store"]


def authenticate():
    expected = f"Bearer {current_app.config['SECRET']}".encode()
    given = request.headers.get("Authorization", "").encode()
    if not hmac.compare_digest(given, expected):
        raise Unauthenticated("Send Authorization: Bearer <secret key>.")


def request_body():
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise InvalidRequest("The request body must be a JSON object.")
        return data
    return request.form.to_dict()


def _charge_input(data):
    errors = {}
    token = data.get("token")
    if not isinstance(token, str) or not token:
        errors["token"] = ["Give the token to charge."]
    amount = data.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        errors["amount"] = ["Use a whole number of minor units (cents), not a decimal."]
    elif not 0 < amount <= MAX_AMOUNT:
        errors["amount"] = [f"The amount must be from 1 to {MAX_AMOUNT} minor units."]
    currency = data.get("currency")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isascii() \
            or not currency.isalpha():
        errors["currency"] = ["Use a three-letter ISO currency code."]
    key = data.get("idempotency_key")
    if not isinstance(key, str) or not 0 < len(key) <= 255:
        errors["idempotency_key"] = ["Give an idempotency key of at most 255 characters."]
    description = data.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 1000):
        errors["description"] = ["The description must be text of at most 1000 characters."]
    if errors:
        raise InvalidRequest("Some charge parameters are not valid.", errors)
    return {"token": token, "amount": amount, "currency": currency.lower(),
            "idempotency_key": key, "description": description}


def _latency_ms():
    header = request.headers.get("X-Sandbox-Latency-Ms")
    if header is None:
        return current_app.config["LATENCY_MS"]
    if not header.isascii() or not header.isdigit() or int(header) > MAX_LATENCY_MS:
        raise InvalidRequest(
            f"X-Sandbox-Latency-Ms must be a whole number from 0 to {MAX_LATENCY_MS}.")
    return int(header)


def _charge_answer(charge, status):
    return jsonify(id=charge["id"], status=charge["status"], amount=charge["amount"],
                   currency=charge["currency"], message=charge["message"],
                   idempotency_key=charge["idempotency_key"], created=charge["created"]), status
