"""Staff pages: a client's estimates with the form to draft one (lines as on the New invoice form) and send it at
once or later; one estimate with its lines, the client's decision, its Send button and its PDF."""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import estimates
from gateway.features.clients import find_client
from gateway.files import pdf_response
from gateway.web import forms
from gateway.web.forms import Field
from gateway.web.paging import cursor_page
from gateway.web.staff.base import staff_page
from gateway.web.staff.billing_inputs import read_date, read_fields
from gateway.web.staff.invoices import line_inputs, placed, read_lines, submitted_line_count
from shared.errors import Conflict, InvalidInput
from shared.i18n import N_, _

blueprint = Blueprint("estimates", __name__)
NOTICES = {"created": N_("Estimate saved as a draft. The client sees it once you send it."),
           "sent": N_("Estimate sent: the client can see it in their portal.")}


def estimate_inputs():
    return [Field("title", "text", _("Title"), _("What the work is, such as \"Spring aeration and overseeding\"."),
                  required=True),
            Field("message", "text", _("Message to the client (optional)"), _("Shown above the lines.")),
            Field("valid_until", "date", _("Valid until (optional)"), _("After this date the client can no longer "
                                                                        "approve it."))]


def render_client_estimates(client_id, inputs=None, lines=None, summary=(), status=200):
    client = find_client(client_id)
    if inputs is None:
        inputs, lines = estimate_inputs(), [line_inputs(0)]
    found = estimates.list_estimates(cursor_page(account_id=client_id))
    return render_template("staff/estimates.html", client=client, estimates=found["items"],
                           next_cursor=found["next"], inputs=inputs, lines=lines,
                           blank_line=line_inputs, summary=list(summary)), status


@blueprint.get("/clients/<int:client_id>/estimates")
@staff_page
def client_estimates(client_id):
    return render_client_estimates(client_id)


def read_estimate(client_id, inputs, lines):
    values, errors = read_fields(inputs, {"title": lambda text: text, "message": lambda text: text,
                                          "valid_until": lambda text: read_date(text, N_(
                                              "Enter the date it is valid until as a date, such as %(example)s."))})
    if not values.get("title") and "title" not in errors:
        errors["title"] = [_("Enter a title.")]
    estimate_lines, sent_from = read_lines(lines, errors)
    estimate = {"account_id": client_id, "title": values.get("title"), "message": values.get("message") or "",
                "valid_until": values.get("valid_until"), "lines": estimate_lines}
    return estimate, errors, sent_from


@blueprint.post("/clients/<int:client_id>/estimates")
@staff_page
def create_estimate(client_id):
    find_client(client_id)
    inputs, lines = estimate_inputs(), [line_inputs(index) for index in range(submitted_line_count())]
    every_input = inputs + [item for row in lines for item in row]
    forms.show_submitted(every_input, request.form)
    if "add_line" in request.form:  # without scripts, "Add a line" comes back here for one more row
        lines.append(line_inputs(len(lines)))
        return render_client_estimates(client_id, inputs, lines)
    estimate, errors, sent_from = read_estimate(client_id, inputs, lines)
    if not errors:
        try:
            created = estimates.create_estimate(estimate)
            if request.form.get("send"):
                estimates.send_estimate(created["id"])
        except InvalidInput as error:
            errors = placed(forms.problems_of(error), sent_from)
        else:
            done = "sent" if request.form.get("send") else "created"
            return redirect(url_for("staff.estimates.estimate", estimate_id=created["id"], done=done), 303)
    return render_client_estimates(client_id, inputs, lines, forms.attach_errors(every_input, errors), status=400)


def render_estimate(estimate_id, refusal=None, status=200):
    found = estimates.find_estimate(estimate_id)
    client = find_client(found["account_id"])
    return render_template("staff/estimate.html", estimate=found, client=client, refusal=refusal,
                           notice=_notice(request.args.get("done", ""))), status


def _notice(done):
    return _(NOTICES[done]) if done in NOTICES else None


@blueprint.get("/estimates/<int:estimate_id>")
@staff_page
def estimate(estimate_id):
    return render_estimate(estimate_id)


@blueprint.post("/estimates/<int:estimate_id>/send")
@staff_page
def send_estimate(estimate_id):
    try:
        estimates.send_estimate(estimate_id)
    except (Conflict, InvalidInput) as error:
        return render_estimate(estimate_id, refusal=" ".join(
            text for texts in (getattr(error, "fields", None) or {"_": [error.message]}).values() for text in texts),
            status=409 if isinstance(error, Conflict) else 400)
    return redirect(url_for("staff.estimates.estimate", estimate_id=estimate_id, done="sent"), 303)


@blueprint.get("/estimates/<int:estimate_id>/pdf")
@staff_page
def estimate_pdf(estimate_id):
    return pdf_response(estimates.estimate_pdf(estimate_id))
