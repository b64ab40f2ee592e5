"""Hosted fields: the card and bank forms a merchant's page shows in an iframe."""
from flask import Blueprint, current_app, render_template, request

blueprint = Blueprint("elements", __name__, url_prefix="/elements", static_folder="static",
                      static_url_path="/static", template_folder="templates")

KINDS = {"card": "elements/card.html", "bank": "elements/bank.html"}


@blueprint.get("/<any(card, bank):kind>")
def hosted_form(kind):
    """Render the card or bank form for a parent page on one of the allowed origins."""
    parent_origin = request.args.get("parent_origin", "").rstrip("/")
    allowed = current_app.config["ALLOWED_ORIGINS"]
    if parent_origin not in allowed:
        return render_template("elements/refused.html", parent_origin=parent_origin), 400
    return render_template(KINDS[kind], parent_origin=parent_origin)


@blueprint.after_request
def allow_framing(response):
    """Let only the allowed origins frame these pages, and let the pages load only our own files."""
    ancestors = " ".join(current_app.config["ALLOWED_ORIGINS"]) or "'none'"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        f"img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}")
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
