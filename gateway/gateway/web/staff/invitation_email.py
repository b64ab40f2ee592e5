"""Staff pages: the invitation email, a preview of it, and a sample sent to oneself."""
from flask import Blueprint, g, redirect, render_template, request, url_for

from gateway.features import invitation_email
from gateway.web import forms
from gateway.web.forms import Field
from gateway.web.policy import email_document
from gateway.web.staff.base import staff_page

blueprint = Blueprint("invitation_email", __name__)

NOTICES = {"template_saved": "Invitation email saved.",
           "sample_sent": "Sample sent. Check your inbox in a minute or two."}


def template_inputs():
    return [
        Field("subject", "text", "Subject", required=True),
        Field("html", "html", "Message (HTML)",
              "The text between the greeting and the button that carries the client's invitation link; "
              "both are added for you. When you save, the HTML is sanitised: only basic formatting "
              "(paragraphs, bold, italics, lists, headings, quotes) and http, https or mailto links "
              "are kept. Scripts, styles, images and anything else are removed."),
    ]


def render_invitation(inputs, summary=(), status=200):
    template = invitation_email.invitation_template()
    if not summary:
        forms.show_stored(inputs, template)
    return render_template("staff/invitation.html", template=template, inputs=inputs, summary=list(summary),
                           notice=NOTICES.get(request.args.get("done", ""))), status


@blueprint.get("/settings/invitation")
@staff_page
def invitation():
    return render_invitation(template_inputs())


@blueprint.post("/settings/invitation")
@staff_page
def save_invitation():
    inputs = template_inputs()
    values, errors = forms.parse(inputs, request.form)
    values["html"] = request.form.get("html", "")  # as typed: leading spaces matter in HTML
    _, problem = forms.save_form(inputs, values, errors, invitation_email.change_invitation_template,
                                 lambda summary: render_invitation(inputs, summary, status=400))
    return problem or redirect(url_for(".invitation", done="template_saved"), 303)


@blueprint.post("/settings/invitation/sample")
@staff_page
def send_sample():
    invitation_email.send_sample(g.staff["email"])
    return redirect(url_for(".invitation", done="sample_sent", _anchor="sample-heading"), 303)


@blueprint.get("/settings/invitation/preview")
@staff_page
def invitation_preview():
    return email_document(invitation_email.invitation_template()["html"])
