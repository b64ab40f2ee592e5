"""Staff pages: the business's ticket categories, in order: add, rename, hide or show, move up or down.

Ordering works with plain forms (a Move up and a Move down button per row). Which categories clients may choose
stays a Tickets-tab setting; this page shows it beside each category and links there.
"""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import tickets
from gateway.web import forms
from gateway.web.forms import Field
from gateway.web.staff.base import staff_page
from shared.errors import InvalidInput, NotFound
from shared.i18n import N_, _

blueprint = Blueprint("ticket_categories", __name__)
NAME_LIMIT = 100
NOTICES = {"added": N_("Category added. Tick it on the Tickets settings tab to offer it to clients."),
           "renamed": N_("Category renamed."), "moved": N_("The order is changed."),
           "hidden": N_("Category hidden: no client is offered it."), "shown": N_("Category shown again.")}


def name_input(value=""):
    return Field("name", "text", _("Name"), _("Up to %(limit)s characters, such as Gate access.", limit=NAME_LIMIT),
                 required=True, value=value)


def read_name():
    """``(name, errors)``: the submitted name, trimmed, and what is wrong with it before asking tickets."""
    name = request.form.get("name", "").strip()
    if not name:
        return name, {"name": [_("Enter a name for the category.")]}
    if len(name) > NAME_LIMIT:
        return name, {"name": [_("Keep the name to %(limit)s characters (this has %(count)s).", limit=NAME_LIMIT,
                                 count=len(name))]}
    return name, {}


def save_name(save, redisplay):
    """Send the submitted name with ``save``; on a problem return ``redisplay(input, summary)`` (status 400)."""
    name, errors = read_name()
    if not errors:
        try:
            save(name)
            return None
        except InvalidInput as error:
            errors = forms.problems_of(error)
    item = name_input(request.form.get("name", ""))
    return redisplay(item, forms.attach_errors([item], errors))


def find_category(category_id):
    found = next((row for row in tickets.categories() if row["id"] == category_id), None)
    if found is None:
        raise NotFound(_("No such category."))
    return found


def render_list(item=None, summary=(), status=200):
    return render_template("staff/ticket_categories.html", categories=tickets.categories(),
                           new_name=item or name_input(), summary=list(summary),
                           notice=forms.notice_of(NOTICES, request.args.get("done", ""))), status


@blueprint.get("/ticket-categories")
@staff_page
def category_list():
    return render_list()


@blueprint.post("/ticket-categories")
@staff_page
def add_category():
    problem = save_name(lambda name: tickets.create_category({"name": name}),
                        lambda item, summary: render_list(item, summary, 400))
    return problem or done("added")


def render_rename(category, item=None, summary=(), status=200):
    return render_template("staff/ticket_category.html", category=category,
                           new_name=item or name_input(category["name"]), summary=list(summary)), status


@blueprint.get("/ticket-categories/<int:category_id>")
@staff_page
def category(category_id):
    return render_rename(find_category(category_id))


@blueprint.post("/ticket-categories/<int:category_id>")
@staff_page
def rename_category(category_id):
    found = find_category(category_id)
    problem = save_name(lambda name: tickets.change_category(category_id, {"name": name}),
                        lambda item, summary: render_rename(found, item, summary, 400))
    return problem or done("renamed")


@blueprint.post("/ticket-categories/<int:category_id>/move")
@staff_page
def move_category(category_id):
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        find_category(category_id)
        return render_list(summary=[(None, _("Choose to move the category up or down."))], status=400)
    tickets.move_category(category_id, direction)
    return done("moved", category_id)


@blueprint.post("/ticket-categories/<int:category_id>/visibility")
@staff_page
def set_visibility(category_id):
    hidden = request.form.get("hidden") == "true"
    tickets.change_category(category_id, {"hidden": hidden})
    return done("hidden" if hidden else "shown", category_id)


def done(what, category_id=None):
    anchor = f"category-{category_id}" if category_id else None
    return redirect(url_for(".category_list", done=what, _anchor=anchor), 303)
