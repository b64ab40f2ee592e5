"""Client portal pages reached by a link in an email: accepting an invitation, and resetting a password."""
import functools

from flask import Blueprint, request

from gateway.features import business, sign_in as sessions
from gateway.web.forms import Field
from gateway.web.portal.base import page, show_submitted, submit_form
from gateway.web.portal.sign_in import blank_login, login_inputs, password_hint, signed_in
from shared.errors import NotFound
from shared.i18n import _

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
    inputs = [Field("password", "password", _("Choose a password"), password_hint(invitation["min_password_length"]),
                    autocomplete="new-password", required=True)]
    if invitation["needs_username"]:
        inputs.insert(0, Field("username", "text", _("Choose a username"),
                               _("You can sign in with it instead of your email."), autocomplete="username",
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
    registration = {"password": request.form.get("password", "")}
    if found["needs_username"]:
        registration["username"] = request.form.get("username", "").strip()
    session, problem = submit_form(inputs, lambda *shown: render_invitation(token, found, *shown),
                                   {"username": _("Choose a username."), "password": _("Choose a password.")},
                                   lambda: sessions.accept_invitation(token, registration), "password")
    return problem or signed_in(session)


def render_reset_request(inputs=None, summary=(), status=200):
    return page("reset_request.html", status, inputs=inputs or login_inputs(), summary=list(summary))


@blueprint.get("/reset")
def reset_request():
    return render_reset_request()


@blueprint.post("/reset")
def submit_reset_request():
    inputs = show_submitted(login_inputs())
    __, problem = submit_form(inputs, render_reset_request, blank_login(),
                              lambda: sessions.request_password_reset({"login": inputs[0].value}), "login")
    return problem or page("reset_sent.html")


def reset_inputs(questions):
    inputs = [Field("password", "password", _("New password"),
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
    reset_request_body = {"password": request.form.get("password", "")}
    if questions:
        reset_request_body["answers"] = [item.value for item in inputs[1:]]
    blanks = {item.name: _("Enter your answer.") for item in inputs} | {"password": _("Choose a new password.")}
    session, problem = submit_form(inputs, lambda *shown: render_reset(token, questions, *shown), blanks,
                                   lambda: sessions.reset_password(token, reset_request_body), "password")
    return problem or signed_in(session)
