"""The staff pages' base: their headers, the sign-in redirect, ``staff_page``, and signing in and out."""
import functools

from flask import Blueprint, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from gateway.auth import (PENDING_SECONDS, STAFF_COOKIE, STAFF_PENDING_COOKIE, authenticate_staff, clear_cookie,
                          clear_staff_cookie, read_cookie, set_cookie, set_staff_cookie)
from gateway.errors import status_of, translated_messages
from gateway.features import sign_in as sessions
from gateway.schemas.staff.sessions import StaffSignInSchema
from gateway.web import policy
from shared.errors import InvalidInput, RateLimited, Unauthenticated
from shared.i18n import N_, _

blueprint = Blueprint("staff", __name__)
blueprint.after_request(policy.protect)

WRONG_CREDENTIALS = N_("The email or password is not correct.")
SIGN_IN_LABELS = {"email": N_("Email address"), "password": N_("Password")}
BLANK_SIGN_IN = {"email": N_("Enter your email address."), "password": N_("Enter your password.")}
HOME = "/staff/settings"


def local_page(target):
    """Return ``target`` when it is one of this site's staff pages, else the settings page."""
    return policy.local_page(target, "/staff/", HOME)


def redirect_to_sign_in():
    """Send the browser to the sign-in page, to come back here afterwards."""
    had_session = read_cookie(STAFF_COOKIE) is not None
    arguments = {"next": policy.here()} if policy.here() != HOME else {}
    response = redirect(url_for("staff.sign_in", ended=1 if had_session else None, **arguments), 303)
    return clear_staff_cookie(response) if had_session else response


def staff_page(view):
    """Run ``view`` for a signed-in staff member; send anyone else to the sign-in page."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            authenticate_staff()
        except Unauthenticated:
            return redirect_to_sign_in()
        return view(*args, **kwargs)

    return wrapper


@blueprint.get("/")
def home():
    return redirect(HOME)


def render_sign_in(email="", field_errors=None, problem=None, status=200):
    field_errors = field_errors or {}
    summary = [("#email", problem)] if problem else []
    summary += [(f"#{name}", f"{_(SIGN_IN_LABELS[name])}: {text}")
                for name in SIGN_IN_LABELS for text in field_errors.get(name, [])]
    return render_template("staff/sign_in.html", email=email, errors=field_errors, summary=summary,
                           notice=policy.sign_in_notice(), next_page=local_page(request.values.get("next"))), status


@blueprint.route("/staff/sign-in", methods=["GET", "POST"])
def sign_in():
    if request.method == "GET":
        signed_in = policy.has_session(STAFF_COOKIE, authenticate_staff)
        return redirect(local_page(request.args.get("next"))) if signed_in else render_sign_in()
    email = request.form.get("email", "").strip()
    try:
        credentials = StaffSignInSchema().load({"email": email, "password": request.form.get("password", "")})
    except ValidationError as error:
        messages = {name: [_(BLANK_SIGN_IN[name])] if not request.form.get(name, "").strip() else texts
                    for name, texts in translated_messages(error.messages).items() if name in BLANK_SIGN_IN}
        return render_sign_in(email, field_errors=messages, status=400)
    try:
        session = sessions.sign_in_staff(credentials)
    except Unauthenticated:
        return render_sign_in(email, problem=_(WRONG_CREDENTIALS), status=401)
    except RateLimited as error:
        return render_sign_in(email, problem=error.message, status=status_of(error))
    except InvalidInput as error:
        return render_sign_in(email, field_errors=error.fields, status=400)
    if "second_step" in session:
        return start_second_step(session, local_page(request.form.get("next")))
    return set_staff_cookie(redirect(local_page(request.form.get("next")), 303), session["token"])


def start_second_step(answer, next_page):
    """After the password: on to the code (or to set two-step sign-in up), the pending session in a cookie."""
    step = "staff.credentials.second_step" if answer["second_step"] == "code" else "staff.credentials.set_up"
    response = redirect(url_for(step, next=None if next_page == HOME else next_page), 303)
    return set_cookie(response, STAFF_PENDING_COOKIE, answer["token"], max_age=PENDING_SECONDS)


@blueprint.get("/staff/accessibility")
def accessibility():
    """The staff site's accessibility statement; public, as the sign-in page is."""
    return render_template("staff/accessibility.html")


@blueprint.post("/staff/sign-out")
def sign_out():
    policy.end_session(authenticate_staff, lambda: sessions.sign_out_staff(g.session_token))
    response = clear_staff_cookie(redirect(url_for("staff.sign_in", signed_out=1), 303))
    return clear_cookie(response, STAFF_PENDING_COOKIE) if read_cookie(STAFF_PENDING_COOKIE) else response
