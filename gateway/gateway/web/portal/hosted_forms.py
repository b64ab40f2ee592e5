"""The payment processor's hosted forms: card and bank details are typed into them, in an iframe, and only
the token they hand the page (static/portal-billing.js) ever reaches Portico."""
from urllib.parse import urlencode, urlsplit

from flask import current_app, request

from gateway.web import policy
from shared.config import env

DEFAULT_PROCESSOR_URL = "http://127.0.0.1:8100"


def configure_processor(state):
    """Read where browsers reach the payment processor's hosted forms (its public address)."""
    state.app.config.setdefault("PAYMENT_PROCESSOR_PUBLIC_URL", env("PAYMENT_PROCESSOR_PUBLIC_URL")
                                or env("PAYMENT_PROCESSOR_URL", DEFAULT_PROCESSOR_URL))


def processor_url():
    return current_app.config["PAYMENT_PROCESSOR_PUBLIC_URL"].rstrip("/")


def origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def hosted_forms():
    """Return where this page's iframes load the processor's card and bank forms, told who embeds them; None when
    the business charges through Stripe, whose own fields save a new method first (stripe_fields.py)."""
    if current_app.config.get("STRIPE_PUBLISHABLE_KEY"):
        return None
    query = urlencode({"parent_origin": request.host_url.rstrip("/")})
    return {"origin": origin_of(processor_url()),
            "card": f"{processor_url()}/elements/card?{query}",
            "ach": f"{processor_url()}/elements/bank?{query}"}


def allow_processor_frames(response):
    """Let the page frame the processor's forms (and no other site's)."""
    return policy.protect(response, f"{policy.CONTENT_SECURITY_POLICY}; frame-src {origin_of(processor_url())}")


def uses_hosted_forms(blueprint):
    """Let ``blueprint``'s pages show the processor's hosted forms."""
    blueprint.record_once(configure_processor)
    blueprint.after_request(allow_processor_frames)
    return blueprint
