"""What every client-portal page shares: the business from the URL, headers that keep the page private, the
business's branding in templates, one way to show errors or ask to sign in, and the forms' error messages."""
from flask import Blueprint, g, redirect, render_template, request, url_for

from gateway.auth import read_cookie
from gateway.errors import status_of
from gateway.features import app_icons, tab_bar
from gateway.portal_auth import clear_client_cookie, client_cookie, portal_path, scope_to_business
from gateway.web import policy
from gateway.web.portal import app_shell
from shared.errors import InvalidInput, PermissionDenied, PorticoError, RateLimited, Unauthenticated

# Errors a form shows beside itself; anything else gets the error page.
FORM_ERRORS = (InvalidInput, Unauthenticated, PermissionDenied, RateLimited)

blueprint = scope_to_business(Blueprint("portal", __name__, url_prefix="/p/<slug>"))
blueprint.after_request(policy.protect)
blueprint.before_request(tab_bar.ask_with_the_page)  # one request per service for the page and its tab bar


@blueprint.context_processor
def branding():
    """Give templates the business (fresh once the client is known), its colour and brand stylesheet, and the
    client's session."""
    business = g.get("business") or g.get("portal_tenant")
    branded = business is not None and app_icons.brand_colour(business) is not None
    return {"business": business, "session": g.get("client_session"), "portal_tabs": tab_bar.portal_tabs,
            "theme_colour": app_icons.theme_colour(business or {}),
            "brand_stylesheet": app_shell.brand_stylesheet_url(business) if branded else None}


@blueprint.errorhandler(PorticoError)
def portal_error(error):
    """Send a signed-out visitor to sign in; show any other error on the portal's error page."""
    if isinstance(error, Unauthenticated):
        return redirect_to_sign_in()
    status = status_of(error)
    return render_template("error.html", message=error.message, status=status, portal=True), status


def redirect_to_sign_in():
    """Send the browser to the sign-in page, to come back here afterwards."""
    had_session = read_cookie(client_cookie()) is not None
    arguments = {} if policy.here() == url_for("portal.home.home") else {"next": policy.here()}
    response = redirect(url_for("portal.sign_in.sign_in", ended=1 if had_session else None, **arguments), 303)
    return clear_client_cookie(response) if had_session else response


def local_page(target):
    """Return ``target`` when it is a page of this business's portal, else its home page."""
    return policy.local_page(target, portal_path(g.portal_slug), url_for("portal.home.home"))


def page(template, status=200, **context):
    return render_template(f"portal/{template}", **context), status


def go(endpoint, **arguments):
    """Redirect, after a form post, to ``endpoint`` of the portal."""
    return redirect(url_for(endpoint, **arguments), 303)


def show_errors(inputs, messages):
    """Put each field message beside its input; return the error summary as (link target, text) pairs."""
    by_name = {item.name: item for item in inputs}
    unplaced = []
    for key, texts in messages.items():
        # Nested fields arrive as "custom_fields.key" or "custom_fields.key.value": use the longest match;
        # a custom field's problem may also be named by its bare key.
        parts = key.split(".")
        names = [".".join(parts[:n]) for n in range(len(parts), 0, -1)] + [f"custom_fields.{key}"]
        item = next((by_name[name] for name in names if name in by_name), None)
        if item is None:
            unplaced.extend(texts)
        else:
            item.errors.extend(texts)
    summary = [(f"#{item.input_id}", f"{item.label}: {text}") for item in inputs for text in item.errors]
    return summary + [(None, text) for text in unplaced]


def show_submitted(inputs):
    """Fill the inputs with what was sent (never a password), so a mistake can be corrected in place."""
    for item in inputs:
        item.value = "" if item.kind == "password" else request.form.get(item.name, "").strip()
    return inputs


def blank_errors(inputs, messages):
    """Return a message for each required input left blank."""
    return {item.name: [messages[item.name]] for item in inputs
            if item.required and not request.form.get(item.name, "").strip()}


def submit_form(inputs, render, blank_messages, send, default_input):
    """Send a sign-in form with ``send()`` once nothing required is left blank.

    (A form posted from another site never gets here: gateway/origin.py refuses it first.)

    Return ``(what send returned, None)``, or ``(None, render(inputs, summary, status))``: the form again,
    with accounts' problems beside the inputs (a problem without a field beside ``default_input``).
    """
    blank = blank_errors(inputs, blank_messages)
    if blank:
        return None, render(inputs, show_errors(inputs, blank), 400)
    try:
        return send(), None
    except FORM_ERRORS as error:
        return None, render(inputs, problem_of(error, inputs, default_input), status_of(error))


def problem_of(error, inputs, default_input):
    """Return the summary for an error from accounts: its field messages, or its message beside ``default_input``."""
    return show_errors(inputs, error.fields or {default_input: [error.message]})
