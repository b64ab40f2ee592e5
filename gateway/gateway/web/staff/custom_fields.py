"""Staff pages: the custom fields kept for every client."""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import custom_fields
from gateway.web import forms
from gateway.web.forms import Field
from gateway.web.staff.base import staff_page
from shared.errors import Conflict, InvalidInput
from shared.i18n import N_, _

blueprint = Blueprint("custom_fields", __name__)

TYPE_NAMES = {"text": N_("Text"), "number": N_("Number"), "date": N_("Date"), "choice": N_("Choice")}
NOTICES = {"field_added": N_("Custom field added."), "field_deleted": N_("Custom field deleted.")}


def type_names():
    return {kind: _(name) for kind, name in TYPE_NAMES.items()}


def new_custom_field_inputs():
    return [
        Field("label", "text", _("Label"), _("What staff and clients see, such as Gate code."), required=True),
        Field("key", "text", _("Key"), _("Used by the API and imports: lowercase letters, digits and "
                                         "underscores, starting with a letter, such as gate_code."), required=True),
        Field("type", "select", _("Type"), options=list(type_names().items())),
        Field("choices", "choices_text", _("Choices"), _("For a choice field only: one choice per line."),
              nullable=True),
    ]


def render_custom_fields(inputs, summary=(), status=200):
    return render_template("staff/custom_fields.html", custom_fields=custom_fields.list_custom_fields(),
                           inputs=inputs, type_names=type_names(), summary=list(summary),
                           notice=forms.notice_of(NOTICES, request.args.get("done", ""))), status


@blueprint.get("/custom-fields")
@staff_page
def custom_field_list():
    return render_custom_fields(new_custom_field_inputs())


@blueprint.post("/custom-fields")
@staff_page
def create_custom_field():
    inputs = new_custom_field_inputs()
    values, errors = forms.parse(inputs, request.form)
    choices = [line.strip() for line in (values.pop("choices") or "").splitlines() if line.strip()]
    if values.get("type") == "choice":
        values["choices"] = choices
    __, problem = forms.save_form(inputs, values, errors, custom_fields.create_custom_field,
                                  lambda summary: render_custom_fields(inputs, summary, status=400),
                                  refused=(InvalidInput, Conflict))
    return problem or redirect(url_for(".custom_field_list", done="field_added"), 303)


@blueprint.get("/custom-fields/<int:field_id>/delete")
@staff_page
def confirm_delete_custom_field(field_id):
    return render_template("staff/delete_custom_field.html", custom=custom_fields.find_custom_field(field_id))


@blueprint.post("/custom-fields/<int:field_id>/delete")
@staff_page
def delete_custom_field(field_id):
    custom_fields.delete_custom_field(field_id)
    return redirect(url_for(".custom_field_list", done="field_deleted"), 303)
