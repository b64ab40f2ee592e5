"""Stripe's webhook endpoint, ``POST /webhooks/stripe``: Stripe's servers call it, never a browser or a person.

The signature is checked here first with Stripe's library (the ``Stripe-Signature`` header over the exact body,
within its five-minute tolerance), so nothing unsigned reaches the bus. The body and the header then go to billing
unchanged, which checks them again with its own copy of the secret and applies the event once
(billing/stripe_events.py). Any answer but a 2xx makes Stripe deliver the event again later.
"""
import stripe
from flask import Blueprint, abort, current_app, request

from gateway.services import rpc

blueprint = Blueprint("webhooks", __name__)
TOLERANCE_SECONDS = 300


@blueprint.post("/webhooks/stripe")
def stripe_event():
    secret = current_app.config["STRIPE_WEBHOOK_SECRET"]
    if not secret:
        abort(404)  # this installation takes no Stripe events
    payload = request.get_data(as_text=True)
    signature = request.headers.get("Stripe-Signature", "")
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, TOLERANCE_SECONDS)
    except stripe.SignatureVerificationError:
        return {"error": {"code": "bad_signature", "message": "The Stripe-Signature header does not match."}}, 400
    return rpc().call("billing", "apply_stripe_event", payload, signature)
