"""Stripe's own fields (Stripe.js) on the portal's Add a card or bank account page, when the business charges through
Stripe: the gateway is given Stripe's publishable key (``STRIPE_PUBLISHABLE_KEY``), and the page lets Stripe's script,
frames and calls in (``STRIPE_JS_URL``: Stripe.js, or a local stand-in in tests). Numbers are typed into Stripe's
fields and go to Stripe only; the page hands Portico the setup's id, and billing asks Stripe what it holds."""
from urllib.parse import urlsplit

from flask import current_app

from gateway.web import policy
from shared.config import env

STRIPE_JS = "https://js.stripe.com/v3/"
STRIPE_ORIGINS = "https://api.stripe.com https://hooks.stripe.com https://js.stripe.com"


def configure_stripe(state):
    state.app.config.setdefault("STRIPE_PUBLISHABLE_KEY", env("STRIPE_PUBLISHABLE_KEY"))
    state.app.config.setdefault("STRIPE_JS_URL", env("STRIPE_JS_URL", STRIPE_JS))


def stripe_fields():
    """What the page needs to draw Stripe's fields (``{publishable_key, script}``), or None for the sandbox's."""
    key = current_app.config.get("STRIPE_PUBLISHABLE_KEY")
    return {"publishable_key": key, "script": current_app.config["STRIPE_JS_URL"]} if key else None


def allow_stripe(response):
    """Let the page run Stripe.js, frame its fields and reach its API (and no other site's)."""
    if not stripe_fields():
        return response
    parts = urlsplit(current_app.config["STRIPE_JS_URL"])
    origins = f"{parts.scheme}://{parts.netloc} {STRIPE_ORIGINS}"
    return policy.protect(response, "; ".join([
        policy.CONTENT_SECURITY_POLICY.replace("script-src 'self'", f"script-src 'self' {origins}"),
        f"frame-src {origins}", f"connect-src 'self' {origins}"]))


def uses_stripe_fields(blueprint):
    """Let ``blueprint``'s pages show Stripe's fields when the business charges through Stripe."""
    blueprint.record_once(configure_stripe)
    blueprint.after_request(allow_stripe)
    return blueprint
