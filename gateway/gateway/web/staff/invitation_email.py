"""Staff pages: the invitation email, a preview of it, a sample sent to oneself, and its welcome document."""
from flask import Blueprint, g, redirect, render_template, request, url_for

from gateway.features import client_messages, invitation_email
from gateway.web import forms
from gateway.web.forms import Field
from gateway.web.policy import email_document
from gateway.web.staff.base import staff_page
from shared.errors import InvalidInput
from shared.i18n import N_, _

blueprint = Blueprint("invitation_email", __name__)

NOTICES = {"template_saved": N_("Invitation email saved."),
           "sample_sent": N_("Sample sent. Check your inbox in a minute or two."),
           "document_attached": N_("Welcome document attached: each new client finds it in Documents."),
           "document_removed": N_("Welcome document removed.")}
DOCUMENT_INPUTS = {"file": (N_("File"), "#welcome-file"), "title": (N_("Title"), "#welcome-title")}


def template_inputs():
    return [
        Field("subject", "text", _("Subject"), required=True),
        Field("html", "html", _("Message (HTML)"),
              _("The text between the greeting and the button that carries the client's invitation link; "
                "both are added for you. When you save, the HTML is sanitised: only basic formatting "
                "(paragraphs, bold, italics, lists, headings, quotes) and http, https or mailto links "
                "are kept. Scripts, styles, images and anything else are removed.")),
    ]


def render_invitation(inputs, summary=(), status=200, problems=None, sent=None):
    template = invitation_email.invitation_template()
    template["placeholders"] = ["{" + item["name"] + "}"
                                for item in client_messages.message_template("invitation")["placeholders"]]
    if not summary:
        forms.show_stored(inputs, template)
    return render_template("staff/invitation.html", template=template, inputs=inputs, summary=list(summary),
                           welcome=invitation_email.invitation_document(), problems=problems or {},
                           sent=sent or {}, notice=forms.notice_of(NOTICES, request.args.get("done", ""))), status


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
    __, problem = forms.save_form(inputs, values, errors, invitation_email.change_invitation_template,
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


@blueprint.post("/settings/invitation/document")
@staff_page
def attach_document():
    """Attach (or replace) the welcome document from the form's file and title."""
    try:
        document, data = invitation_email.uploaded_invitation_document(from_page=True)
        invitation_email.attach_invitation_document(document, data)
    except InvalidInput as error:
        problems = {("file" if name == "upload_id" else name): texts
                    for name, texts in (error.fields or {"file": [error.message]}).items()}
        summary = [(target, f"{_(label)}: {text}") for name, texts in problems.items()
                   for label, target in [DOCUMENT_INPUTS.get(name, DOCUMENT_INPUTS["file"])] for text in texts]
        inputs = template_inputs()
        forms.show_stored(inputs, invitation_email.invitation_template())
        return render_invitation(inputs, summary, 400, problems, {"title": request.form.get("title", "")})
    return redirect(url_for(".invitation", done="document_attached", _anchor="welcome-heading"), 303)


@blueprint.post("/settings/invitation/document/remove")
@staff_page
def remove_document():
    invitation_email.remove_invitation_document()
    return redirect(url_for(".invitation", done="document_removed", _anchor="welcome-heading"), 303)
