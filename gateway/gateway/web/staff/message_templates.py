"""Staff pages: the client emails (receipt, invoice, visit reminder; the invitation has its own page), each with its
placeholders, a preview of the saved email and a sample sent to oneself."""
from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from gateway.features import client_messages
from gateway.web import forms
from gateway.web.forms import Field
from gateway.web.policy import email_document
from gateway.web.staff.base import staff_page
from shared.i18n import N_, _

blueprint = Blueprint("message_templates", __name__)

NOTICES = {"saved": N_("Email saved."), "reset": N_("Back to the default email."),
           "sample_sent": N_("Sample sent. Check your inbox in a minute or two.")}


def template_inputs():
    return [
        Field("subject", "text", _("Subject"), _("You can use the placeholders listed below."), required=True),
        Field("html", "html", _("Message (HTML)"),
              _("The text of the email; what it always shows (amounts, the pay button, the visit's date and time) is "
                "added for you. Placeholders such as {client_name} are filled in for each client. When you save, the "
                "HTML is sanitised: only basic formatting (paragraphs, bold, italics, lists, headings, quotes) and "
                "http, https or mailto links are kept.")),
    ]


def editable(kind):
    if kind not in client_messages.EDITABLE_KINDS:
        abort(404)
    return kind


def render_editor(kind, inputs, summary=(), status=200):
    template = client_messages.message_template(kind)
    if not summary:
        forms.show_stored(inputs, template)
    return render_template("staff/message_template.html", template=template, inputs=inputs, summary=list(summary),
                           notice=forms.notice_of(NOTICES, request.args.get("done", ""))), status


@blueprint.get("/settings/emails")
@staff_page
def template_list():
    return render_template("staff/message_templates.html", templates=client_messages.message_templates())


@blueprint.get("/settings/emails/<kind>")
@staff_page
def edit_template(kind):
    return render_editor(editable(kind), template_inputs())


@blueprint.post("/settings/emails/<kind>")
@staff_page
def save_template(kind):
    editable(kind)
    inputs = template_inputs()
    values, errors = forms.parse(inputs, request.form)
    values["html"] = request.form.get("html", "")  # as typed: leading spaces matter in HTML
    __, problem = forms.save_form(inputs, values, errors,
                                  lambda template: client_messages.change_message_template(kind, template),
                                  lambda summary: render_editor(kind, inputs, summary, status=400))
    return problem or redirect(url_for(".edit_template", kind=kind, done="saved"), 303)


@blueprint.post("/settings/emails/<kind>/reset")
@staff_page
def reset_template(kind):
    client_messages.reset_message_template(editable(kind))
    return redirect(url_for(".edit_template", kind=kind, done="reset"), 303)


@blueprint.post("/settings/emails/<kind>/sample")
@staff_page
def send_sample(kind):
    client_messages.send_sample(editable(kind), g.staff["email"])
    return redirect(url_for(".edit_template", kind=kind, done="sample_sent", _anchor="sample-heading"), 303)


@blueprint.get("/settings/emails/<kind>/preview")
@staff_page
def preview(kind):
    return email_document(client_messages.preview_message_template(editable(kind))["html"])
