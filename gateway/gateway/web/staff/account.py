"""Staff pages: My account, where a staff member changes their password and sets two-step sign-in up."""
from flask import Blueprint, g, redirect, render_template, request, url_for

from gateway.errors import status_of
from gateway.features import staff_account
from gateway.web.staff.base import staff_page
from gateway.web.staff.credentials import render_recovery_codes
from gateway.web.forms import notice_of
from shared.errors import Conflict, InvalidInput, PermissionDenied, RateLimited
from shared.i18n import N_, _

blueprint = Blueprint("account", __name__)

LABELS = {"current_password": N_("Current password"), "new_password": N_("New password"), "password": N_("Password")}
BLANK = {"current_password": N_("Enter your current password."), "new_password": N_("Enter your new password.")}
NOTICES = {"password": N_("Your password is changed. You are signed out everywhere else."),
           "two_step_off": N_("Two-step sign-in is off.")}


def render_account(errors=None, problem=None, status=200):
    return render_template("staff/account.html", security=staff_account.security(), errors=errors or {},
                           problem=problem, labels={name: _(label) for name, label in LABELS.items()},
                           notice=notice_of(NOTICES, request.args.get("done", ""))), status


@blueprint.get("/account")
@staff_page
def my_account():
    return render_account()


@blueprint.post("/account/password")
@staff_page
def change_password():
    change = {"current_password": request.form.get("current_password", ""),
              "new_password": request.form.get("new_password", "")}
    blank = {name: [_(BLANK[name])] for name, value in change.items() if not value}
    if blank:
        return render_account(blank, status=400)
    try:
        staff_account.change_password(change)
    except (InvalidInput, RateLimited) as error:
        return render_account(error.fields, None if error.fields else error.message, status_of(error))
    return redirect(url_for(".my_account", done="password"), 303)


@blueprint.route("/account/two-step", methods=["GET", "POST"])
@staff_page
def set_up_two_step():
    try:
        setup = staff_account.begin_two_step(g.session_token)
    except Conflict:
        return redirect(url_for(".my_account"), 303)  # already on
    errors, status = {}, 200
    if request.method == "POST":
        try:
            answer = staff_account.confirm_two_step(g.session_token, request.form.get("code", "").strip())
        except (InvalidInput, RateLimited) as error:
            errors, status = error.fields or {"code": [error.message]}, status_of(error)
        else:
            return render_recovery_codes(answer["recovery_codes"], url_for(".my_account"))
    return render_template("staff/two_step_setup.html", setup=setup, action=url_for(".set_up_two_step"),
                           errors=errors, required=False, csrf=True), status


@blueprint.post("/account/two-step/off")
@staff_page
def turn_two_step_off():
    password = request.form.get("password", "")
    if not password:
        return render_account({"password": [_("Enter your password.")]}, status=400)
    try:
        staff_account.turn_two_step_off(password)
    except (InvalidInput, PermissionDenied) as error:
        return render_account(error.fields, None if error.fields else error.message, status_of(error))
    return redirect(url_for(".my_account", done="two_step_off"), 303)
