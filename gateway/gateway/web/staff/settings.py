"""Staff pages: the settings tabs, and the General tab's logo."""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import business, settings, tickets
from gateway.features.settings import SETTINGS_TABS, TAB_NAMES
from gateway.files import uploaded_logo
from gateway.web import forms
from gateway.web.staff.base import staff_page
from shared.errors import InvalidInput
from shared.i18n import _

blueprint = Blueprint("settings", __name__)


def staff_settings(tab, description):
    """Name the settings of ``tab`` that hold staff user ids, so the form offers staff by name."""
    if tab == "alerts":
        return {name for name, prop in description["properties"].items() if prop.get("type") == "array"}
    if tab == "tickets":
        return {"ticket_assignee_id"}
    return set()


def load_form(tab):
    """Return the tab's profile inputs, its settings inputs and its stored values, with what the tab shows beside
    them (``support_address``, ``payment_processor``)."""
    description, values, staff, beside = settings.form_data(tab)
    staff_options = None if staff is None else [(str(user["id"]), f"{user['name']} ({user['email']})")
                                                for user in staff]
    profile = forms.profile_fields() if tab == "general" else []
    # Should accounts describe the profile too, its hand-made inputs above are kept.
    profile_names = {item.name for item in profile}
    fields = [item for item in forms.settings_fields(description, staff_options, staff_settings(tab, description))
              if item.name not in profile_names]
    if tab == "tickets":
        offer_categories(fields)
    return profile, fields, {**values, **beside}


def offer_categories(fields):
    """The categories clients may choose, ticked among the business's categories rather than typed by name."""
    for item in fields:
        if item.name == "ticket_categories":
            item.kind, item.item_type = "choices", "string"
            item.options = [(row["name"], _("%(name)s (hidden: offered to no client)", name=row["name"])
                             if row["hidden"] else row["name"]) for row in tickets.categories()]


def render_settings(tab, profile, fields, summary=(), saved=False, status=200, has_logo=False,
                    logo_errors=(), support_address=None, payment_processor=None):
    tabs = [(name, _(TAB_NAMES[name]) if name in TAB_NAMES else name.capitalize()) for name in SETTINGS_TABS]
    return render_template("staff/settings.html", tab=tab, tab_title=dict(tabs).get(tab, tab.capitalize()), tabs=tabs,
                           profile=profile, fields=fields, summary=list(summary), saved=saved,
                           has_logo=has_logo, logo_errors=list(logo_errors),
                           support_address=support_address, payment_processor=payment_processor), status


@blueprint.get("/settings", defaults={"tab": "general"})
@blueprint.get("/settings/<tab>")
@staff_page
def settings_tab(tab):
    profile, fields, values = load_form(tab)
    forms.show_stored(profile + fields, values)
    return render_settings(tab, profile, fields, saved=request.args.get("saved") == "1",
                           has_logo=values.get("has_logo", False), support_address=values.get("support_address"),
                           payment_processor=values.get("payment_processor"))


@blueprint.post("/settings/<tab>")
@staff_page
def save_settings(tab):
    profile, fields, stored = load_form(tab)
    every_field = profile + fields
    submitted, errors = forms.parse(every_field, request.form)
    # Only what differs is sent, so saving one setting does not rewrite (or announce) the rest.
    changes = {name: value for name, value in submitted.items() if stored.get(name) != value}
    __, problem = forms.save_form(every_field, changes, errors,
                                  lambda values: values and settings.change_tab(tab, values),
                                  lambda summary: render_settings(tab, profile, fields, summary=summary, status=400,
                                                                  has_logo=stored.get("has_logo", False),
                                                                  support_address=stored.get("support_address"),
                                                                  payment_processor=stored.get("payment_processor")))
    return problem or redirect(url_for(".settings_tab", tab=tab, saved=1), 303)


@blueprint.post("/settings/logo")
@staff_page
def upload_logo():
    try:
        business.store_logo(uploaded_logo())
    except InvalidInput as error:
        messages = error.fields.get("logo") or [error.message]
        profile, fields, values = load_form("general")
        forms.show_stored(profile + fields, values)
        return render_settings("general", profile, fields, status=400,
                               summary=[("#field-logo", _("Logo: %(message)s", message=text)) for text in messages],
                               has_logo=values.get("has_logo"), logo_errors=messages)
    return redirect(url_for(".settings_tab", tab="general", logo="uploaded") + "#logo-heading", 303)


@blueprint.post("/settings/logo/remove")
@staff_page
def remove_logo():
    business.remove_logo()
    return redirect(url_for(".settings_tab", tab="general", logo="removed") + "#logo-heading", 303)
