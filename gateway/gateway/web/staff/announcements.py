"""Staff pages: announcements (the list, a form to publish one, editing and withdrawing), shown to clients on
Home, once at their next sign-in and in their notification feed while live."""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import announcements
from gateway.features.clients import client_names, first_clients
from gateway.web import forms
from gateway.web.forms import Field
from gateway.web.staff.base import staff_page
from shared.i18n import N_, _

blueprint = Blueprint("announcements", __name__)

NOTICES = {"published": N_("Announcement published."), "saved": N_("Announcement saved."),
           "withdrawn": N_("Announcement withdrawn.")}
AUDIENCES = [("everyone", N_("Every client")), ("accounts", N_("Only the clients chosen below"))]


def announcement_inputs(clients):
    return [
        Field("title", "text", _("Title"), required=True),
        Field("html", "html", _("Text (HTML)"),
              _("Sanitised when you save: paragraphs, bold, italics, lists, headings, quotes and http, https or "
                "mailto links are kept; scripts, styles, images and anything else are removed.")),
        Field("audience", "select", _("Who sees it"), options=[(value, _(label)) for value, label in AUDIENCES],
              value="everyone"),
        Field("account_ids", "choices", _("Chosen clients"),
              options=[(str(client["id"]), client["name"]) for client in clients["items"]], item_type="integer",
              value=set()),
        Field("starts_on", "date", _("First day shown"), _("Clients see it from this day on."), required=True),
        Field("ends_on", "date", _("Last day shown"), _("Leave empty to show it until you withdraw it."),
              nullable=True),
    ]


def read_form(inputs):
    values, errors = forms.parse(inputs, request.form)
    values["html"] = request.form.get("html", "")  # as typed: leading spaces matter in HTML
    if values.get("audience") != "accounts":
        values["account_ids"] = None  # clients ticked before choosing "Every client" do not count
    return values, errors


def render_list(inputs, summary=(), status=200):
    rows = announcements.list_announcements()
    names = client_names({account for row in rows for account in row["account_ids"]})
    return render_template("staff/announcements.html", announcements=rows, names=names, inputs=inputs,
                           summary=list(summary), notice=forms.notice_of(NOTICES, request.args.get("done", ""))), status


@blueprint.get("/announcements")
@staff_page
def announcement_list():
    return render_list(announcement_inputs(first_clients()))


@blueprint.post("/announcements")
@staff_page
def publish():
    inputs = announcement_inputs(first_clients())
    values, errors = read_form(inputs)
    __, problem = forms.save_form(inputs, values, errors, announcements.create_announcement,
                                  lambda summary: render_list(inputs, summary, 400))
    return problem or redirect(url_for(".announcement_list", done="published"), 303)


def render_edit(announcement, inputs, summary=(), status=200):
    return render_template("staff/announcement.html", announcement=announcement, inputs=inputs,
                           summary=list(summary)), status


@blueprint.get("/announcements/<int:announcement_id>")
@staff_page
def edit(announcement_id):
    announcement = announcements.get_announcement(announcement_id)
    inputs = announcement_inputs(first_clients())
    forms.show_stored(inputs, announcement)
    return render_edit(announcement, inputs)


@blueprint.post("/announcements/<int:announcement_id>")
@staff_page
def save(announcement_id):
    announcement = announcements.get_announcement(announcement_id)
    inputs = announcement_inputs(first_clients())
    values, errors = read_form(inputs)
    __, problem = forms.save_form(inputs, values, errors,
                                  lambda values: announcements.update_announcement(announcement_id, values),
                                  lambda summary: render_edit(announcement, inputs, summary, 400))
    return problem or redirect(url_for(".announcement_list", done="saved"), 303)


@blueprint.post("/announcements/<int:announcement_id>/withdraw")
@staff_page
def withdraw(announcement_id):
    announcements.withdraw_announcement(announcement_id)
    return redirect(url_for(".announcement_list", done="withdrawn"), 303)
