"""Client portal pages: signing in with a password or with a one-time code."""
import re

from flask import Blueprint, redirect, request

from gateway.auth import read_cookie
from gateway.errors import status_of
from gateway.features import business, sign_in as sessions
from gateway.portal_auth import (authenticate_client, clear_code_attempt_cookie, client_cookie, code_attempt_cookie,
                                 set_client_cookie, set_code_attempt_cookie)
from gateway.web import policy
from gateway.web.forms import Field
from gateway.web.portal.feed import after_sign_in
from gateway.web.portal.base import (FORM_ERRORS, go, local_page, page, problem_of, show_errors,
                                     show_submitted, submit_form)
from shared.i18n import _

blueprint = Blueprint("sign_in", __name__)

SIX_DIGITS = re.compile(r"[0-9]{6}")


def password_hint(min_length):
    return _("At least %(min_length)s characters. A few unrelated words make a strong one.", min_length=min_length)


def login_label():
    return _("Email or username") if business.portal_config()["use_usernames"] else _("Email")


def login_inputs():
    kind = "text" if business.portal_config()["use_usernames"] else "email"
    return [Field("login", kind, login_label(), autocomplete="username", required=True)]


def blank_login():
    if business.portal_config()["use_usernames"]:
        return {"login": _("Enter your email or username.")}
    return {"login": _("Enter your email.")}


def signed_in(session, next_page=None):
    """Land a newly signed-in client on ``next_page`` (or home) with the session cookie."""
    return after_sign_in(set_client_cookie(redirect(local_page(next_page), 303), session["token"]))


def sign_in_inputs():
    return login_inputs() + [Field("password", "password", _("Password"), autocomplete="current-password",
                                   required=True)]


def render_sign_in(inputs=None, summary=(), status=200):
    return page("sign_in.html", status, inputs=inputs or sign_in_inputs(), summary=list(summary),
                notice=policy.sign_in_notice(), next_page=request.values.get("next", ""))


@blueprint.get("/sign-in")
def sign_in():
    if policy.has_session(client_cookie(), authenticate_client):
        return redirect(local_page(request.args.get("next")), 303)
    return render_sign_in()


@blueprint.post("/sign-in")
def submit_sign_in():
    inputs = show_submitted(sign_in_inputs())
    credentials = {"login": inputs[0].value, "password": request.form.get("password", "")}
    session, problem = submit_form(inputs, render_sign_in, {**blank_login(), "password": _("Enter your password.")},
                                   lambda: sessions.sign_in_client(credentials), "login")
    return problem or signed_in(session, request.form.get("next"))


def render_code_request(inputs=None, summary=(), status=200):
    return page("code_request.html", status, inputs=inputs or login_inputs(), summary=list(summary))


@blueprint.get("/sign-in/code")
def code_request():
    return render_code_request()


@blueprint.post("/sign-in/code")
def submit_code_request():
    inputs = show_submitted(login_inputs())
    answer, problem = submit_form(inputs, render_code_request, blank_login(),
                                  lambda: sessions.request_login_code({"login": inputs[0].value}), "login")
    # The code works only with this attempt, which only this browser holds.
    return problem or set_code_attempt_cookie(go(".code_entry"), answer["attempt"])


def code_inputs():
    return [Field("code", "code", _("6-digit code"), _("It works once, for 10 minutes."),
                  autocomplete="one-time-code", required=True)]


def render_code_entry(inputs=None, summary=(), status=200):
    return page("code_entry.html", status, inputs=inputs or code_inputs(), summary=list(summary))


@blueprint.get("/sign-in/code/enter")
def code_entry():
    if read_cookie(code_attempt_cookie()) is None:
        return go(".code_request")
    return render_code_entry()


@blueprint.post("/sign-in/code/enter")
def submit_code():
    inputs = show_submitted(code_inputs())
    attempt = read_cookie(code_attempt_cookie())
    if not attempt:
        return render_code_entry(inputs, show_errors(inputs, {"code": [
            _("This code can no longer be used. Ask for a new one.")]}), 401)
    code = inputs[0].value.replace(" ", "")
    if not SIX_DIGITS.fullmatch(code):
        return render_code_entry(inputs, show_errors(inputs, {"code": [_("Enter the 6 digits of the code.")]}), 400)
    try:
        session = sessions.verify_login_code(attempt, code)
    except FORM_ERRORS as error:
        return render_code_entry(inputs, problem_of(error, inputs, "code"), status_of(error))
    return clear_code_attempt_cookie(signed_in(session))
