"""Staff pages before signing in: the two-step code, setting two-step sign-in up when the business requires it,
and resetting a forgotten password by a link sent by email."""
from flask import Blueprint, make_response, redirect, render_template, request, url_for

from gateway.auth import STAFF_PENDING_COOKIE, clear_cookie, read_cookie, set_staff_cookie
from gateway.errors import status_of
from gateway.features import staff_account
from gateway.web.staff.base import local_page
from shared.errors import InvalidInput, NotFound, RateLimited, Unauthenticated
from shared.i18n import N_, _

blueprint = Blueprint("credentials", __name__)

STARTED_OVER = "staff.sign_in"
# accounts' answer to a wrong code, in the caller's language (any other 401: the step is over)
WRONG_CODE = N_("That code is not correct.")


def next_page():
    return local_page(request.values.get("next"))


def pending_token():
    return read_cookie(STAFF_PENDING_COOKIE)


def start_over():
    """The pending sign-in is gone or over: back to the password."""
    return clear_cookie(redirect(url_for(STARTED_OVER, ended=1), 303), STAFF_PENDING_COOKIE)


def render_code(errors=None, status=200):
    return render_template("staff/two_step_code.html", errors=errors or {}, next_page=next_page()), status


@blueprint.route("/sign-in/code", methods=["GET", "POST"])
def second_step():
    if not pending_token():
        return start_over()
    if request.method == "GET":
        return render_code()
    code = request.form.get("code", "").strip()
    if not code:
        return render_code({"code": [_("Enter the code from your authenticator app.")]}, 400)
    try:
        session = staff_account.verify_code(pending_token(), code)
    except (Unauthenticated, RateLimited, InvalidInput) as error:
        if isinstance(error, Unauthenticated) and error.message not in (WRONG_CODE, _(WRONG_CODE)):
            return start_over()  # the pending sign-in expired or was used
        return render_code(error.fields or {"code": [error.message]}, status_of(error))
    response = set_staff_cookie(redirect(next_page(), 303), session["token"])
    return clear_cookie(response, STAFF_PENDING_COOKIE)


@blueprint.route("/sign-in/set-up", methods=["GET", "POST"])
def set_up():
    """Set two-step sign-in up before anything else, when the business requires it."""
    token = pending_token()
    try:
        setup = staff_account.begin_two_step(token) if token else None
    except Unauthenticated:
        setup = None
    if setup is None:
        return start_over()
    action = url_for(".set_up", next=request.values.get("next"))
    errors, status = {}, 200
    if request.method == "POST":
        try:
            answer = staff_account.confirm_two_step(token, request.form.get("code", "").strip())
        except (InvalidInput, RateLimited) as error:
            errors, status = error.fields or {"code": [error.message]}, status_of(error)
        else:
            response = set_staff_cookie(render_recovery_codes(answer["recovery_codes"], next_page()),
                                        answer["session"]["token"])
            return clear_cookie(response, STAFF_PENDING_COOKIE)
    return render_template("staff/two_step_setup.html", setup=setup, action=action, errors=errors, required=True,
                           csrf=False), status


def render_recovery_codes(codes, continue_to):
    return make_response(render_template("staff/recovery_codes.html", codes=codes, next_page=continue_to))


@blueprint.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    email = request.form.get("email", "").strip()
    if request.method == "GET":
        return render_template("staff/forgot_password.html", email="", errors={}, sent=False)
    if not email:
        return render_template("staff/forgot_password.html", email="", sent=False,
                               errors={"email": [_("Enter your email address.")]}), 400
    try:
        staff_account.request_reset(email)
    except (InvalidInput, RateLimited) as error:
        return render_template("staff/forgot_password.html", email=email, sent=False, errors=error.fields,
                               problem=None if error.fields else error.message), status_of(error)
    return render_template("staff/forgot_password.html", email="", errors={}, sent=True)


@blueprint.route("/reset/<reset_link>", methods=["GET", "POST"])
def reset_password(reset_link):
    """Choose a new password through the link emailed to a staff member (its secret is the whole credential)."""
    try:
        described = staff_account.check_reset(reset_link)
    except NotFound:
        return render_template("staff/reset_password.html", dead=True, errors={}), 404
    errors = {}
    if request.method == "POST":
        password = request.form.get("password", "")
        if not password:
            errors = {"password": [_("Choose a new password.")]}
        else:
            try:
                staff_account.reset_password(reset_link, password)
            except InvalidInput as error:
                errors = error.fields
            else:
                return redirect(url_for("staff.sign_in", password_reset=1), 303)
    return render_template("staff/reset_password.html", dead=False, reset_link=reset_link, errors=errors,
                           min_length=described["min_password_length"]), 400 if errors else 200
