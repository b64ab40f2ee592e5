"""Client portal pages: Home, switching between linked accounts, signing out, and the business's logo."""
from flask import Blueprint, g, redirect, request

from gateway.features import business, sign_in as sessions
from gateway.features.home import home_panels
from gateway.files import logo_response
from gateway.portal_auth import authenticate_client, clear_client_cookie, client_required
from gateway.web import policy
from gateway.web.portal.base import go, local_page, page
from shared.errors import InvalidInput
from shared.i18n import N_, _

blueprint = Blueprint("home", __name__)

LOGO_MAX_AGE = 300
RIGHTS = {
    "view": N_("You can see this account."),
    "pay": N_("You can see this account and pay its bills."),
    "manage": N_("You can see this account, pay its bills and manage it."),
}


@blueprint.get("/")
@client_required
def home():
    rights = g.client_session["account"]["rights"]
    rights = _(RIGHTS[rights]) if rights in RIGHTS else ""
    return page("home.html", tab="home", rights=rights, **home_panels())


@blueprint.post("/switch")
@client_required
def switch():
    account_id = request.form.get("account_id", "")
    if not account_id.isdigit():
        raise InvalidInput(_("Choose one of your accounts."), {"account_id": [_("Choose one of your accounts.")]})
    sessions.switch_account(g.client_token, int(account_id))
    return redirect(local_page(request.form.get("next")), 303)


@blueprint.post("/sign-out")
def sign_out():
    policy.end_session(authenticate_client, lambda: sessions.sign_out_client(g.client_token))
    return clear_client_cookie(go("portal.sign_in.sign_in", signed_out=1))


@blueprint.get("/logo")
def logo():
    return logo_response(business.logo(), business.logo_bytes, f"public, max-age={LOGO_MAX_AGE}")
