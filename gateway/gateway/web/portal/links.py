"""Client portal pages reached by a link in an email: accepting an invitation, and resetting a password."""
import functools

from flask import Blueprint, request

from gateway.errors import status_of
from gateway.features import business, sign_in as sessions
from gateway.web import policy
from gateway.web.forms import Field
from gateway.web.portal.base import blank_errors, page, problem_of, show_errors, show_submitted
from gateway.web.portal.sign_in import (FORM_ERRORS, FROM_ELSEWHERE, blank_login, login_inputs, password_hint,
                                        signed_in)
from shared.errors import NotFound

blueprint = Blueprint("links", __name__)


def link_page(kind):
    """Run a ``kind`` link's view; a link that names nothing (used, replaced or expired) gets a page saying so."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(token):
            try:
                return view(token)
            except NotFound as error:
                return page("link_invalid.html", 404, message=error.message, kind=kind)

        return wrapper

    return decorate


def invitation_inputs(invitation):
    inputs = [Field("password", "password", "Choose a password", password_hint(invitation["min_password_length"]),
                    autocomplete="new-password", required=True)]
    if invitation["needs_username"]:
        inputs.insert(0, Field("username", "text", "Choose a username",
                               "You can sign in with it instead of your email.", autocomplete="username",
                               required=True))
    return inputs


def render_invitation(token, invitation, inputs=None, summary=(), status=200):
    return page("invitation.html", status, token=token, invitation=invitation,
                inputs=inputs or invitation_inputs(invitation), summary=list(summary))


@blueprint.get("/invitation/<token>")
@link_page("invitation")
def invitation(token):
    return render_invitation(token, sessions.check_invitation(token))


@blueprint.post("/invitation/<token>")
@link_page("invitation")
def accept_invitation(token):
    found = sessions.check_invitation(token)
    inputs = show_submitted(invitation_inputs(found))
    if policy.from_another_site():
        return render_invitation(token, found, inputs, FROM_ELSEWHERE, 403)
    blank = blank_errors(inputs, {"username": "Choose a username.", "password": "Choose a password."})
    if blank:
        return render_invitation(token, found, inputs, show_errors(inputs, blank), 400)
    registration = {"password": request.form.get("password", "")}
    if found["needs_username"]:
        registration["username"] = request.form.get("username", "").strip()
    try:
        session = sessions.accept_invitation(token, registration)
    except FORM_ERRORS as error:
        return render_invitation(token, found, inputs, problem_of(error, inputs, "password"), status_of(error))
    return signed_in(session)


def render_reset_request(inputs=None, summary=(), status=200):
    return page("reset_request.html", status, inputs=inputs or login_inputs(), summary=list(summary))


@blueprint.get("/reset")
def reset_request():
    return render_reset_request()


@blueprint.post("/reset")
def submit_reset_request():
    inputs = show_submitted(login_inputs())
    if policy.from_another_site():
        return render_reset_request(inputs, FROM_ELSEWHERE, 403)
    blank = blank_errors(inputs, blank_login())
    if blank:
        return render_reset_request(inputs, show_errors(inputs, blank), 400)
    try:
        sessions.request_password_reset({"login": inputs[0].value})
    except FORM_ERRORS as error:
        return render_reset_request(inputs, problem_of(error, inputs, "login"), status_of(error))
    return page("reset_sent.html")


def reset_inputs(questions):
    inputs = [Field("password", "password", "New password",
                    password_hint(business.portal_config()["min_password_length"]),
                    autocomplete="new-password", required=True)]
    inputs += [Field(f"answer_{number}", "text", question, autocomplete="off", required=True)
               for number, question in enumerate(questions, start=1)]
    return inputs


def render_reset(token, questions, inputs=None, summary=(), status=200):
    return page("reset.html", status, token=token, inputs=inputs or reset_inputs(questions), summary=list(summary))


@blueprint.get("/reset/<token>")
@link_page("reset")
def reset(token):
    questions = sessions.check_reset(token)["security_questions"]
    return render_reset(token, questions)


@blueprint.post("/reset/<token>")
@link_page("reset")
def submit_reset(token):
    questions = sessions.check_reset(token)["security_questions"]
    inputs = show_submitted(reset_inputs(questions))
    if policy.from_another_site():
        return render_reset(token, questions, inputs, FROM_ELSEWHERE, 403)
    blank = blank_errors(inputs, {item.name: "Enter your answer." for item in inputs}
                         | {"password": "Choose a new password."})
    if blank:
        return render_reset(token, questions, inputs, show_errors(inputs, blank), 400)
    reset_request_body = {"password": request.form.get("password", "")}
    if questions:
        reset_request_body["answers"] = [item.value for item in inputs[1:]]
    try:
        session = sessions.reset_password(token, reset_request_body)
    except FORM_ERRORS as error:
        return render_reset(token, questions, inputs, problem_of(error, inputs, "password"), status_of(error))
    return signed_in(session)
