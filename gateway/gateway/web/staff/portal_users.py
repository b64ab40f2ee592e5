"""Staff pages: every main account with its portal access, and invitations or resets sent to many at once."""
from flask import Blueprint, render_template, request

from gateway.features import portal_users
from gateway.schemas.staff.clients import PortalUserListArgsSchema
from gateway.web import forms
from gateway.web.staff.base import staff_page
from shared.i18n import N_, _

blueprint = Blueprint("portal_users", __name__)

RESULT_NAMES = {"invited": N_("Invitation sent"), "resent": N_("Invitation sent again"),
                "sent": N_("Reset link sent"), "error": N_("Not sent")}
SENDINGS = {"invite": portal_users.invite, "reset": portal_users.send_password_resets}


def render_portal_users(results=None, summary=(), chosen=(), status=200):
    args = forms.query_values(PortalUserListArgsSchema)
    rows = portal_users.list_portal_users_with_autopay(args["q"], args["without_portal"])
    names = {row["client_id"]: row["client_name"] for row in rows}
    return render_template("staff/portal_users.html", rows=rows, args=args, results=results,
                           result_names={status_: _(name) for status_, name in RESULT_NAMES.items()}, names=names,
                           chosen=set(chosen), summary=list(summary)), status


@blueprint.get("/portal-users")
@staff_page
def portal_user_list():
    return render_portal_users()


@blueprint.post("/portal-users")
@staff_page
def bulk_portal_action():
    send = SENDINGS.get(request.form.get("action", ""))
    chosen = [int(value) for value in request.form.getlist("client_ids") if value.isdigit()]
    if send is None:
        return render_portal_users(summary=[(None, _("Choose what to send."))], chosen=chosen, status=400)
    if not chosen:
        return render_portal_users(summary=[("#bulk-first", _("Tick at least one client."))], status=400)
    return render_portal_users(results=send(chosen))
