"""Client portal pages, Estimates: the estimates sent to the account, one with its lines and PDF, and the approve
or decline form with a note (shown only when the business lets clients decide and the client manages the account).
The tab is in the nav only while the business shows estimates."""
from flask import Blueprint, g, request

from gateway.features import estimates
from gateway.files import pdf_response
from gateway.portal_auth import client_required
from gateway.web.paging import cursor_page
from gateway.web.portal.base import go, page
from shared.errors import Conflict, InvalidInput
from shared.i18n import N_, _

blueprint = Blueprint("estimates", __name__)
NOTICES = {"approved": N_("Thank you: you approved this estimate. The work is on our waiting list, and we will let "
                          "you know when it is scheduled."),
           "declined": N_("You declined this estimate. Thank you for letting us know.")}
STATUS_LABELS = {"sent": N_("Awaiting your answer"), "approved": N_("Approved"), "declined": N_("Declined"),
                 "expired": N_("Expired"), "draft": N_("Draft")}


def estimate_status(status):
    """An estimate's status as the client reads it (None for a status without a label)."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else None


@blueprint.app_context_processor
def estimates_tab():
    return {"estimates_awaiting": estimates.awaiting_decision, "estimate_status": estimate_status}


def may_decide():
    return g.client_session["account"]["rights"] == "manage"


@blueprint.get("/estimates")
@client_required
def estimate_list():
    data = estimates.my_estimates(cursor_page())
    waiting = [item for item in data["items"] if item["status"] == "sent"]
    others = [item for item in data["items"] if item["status"] != "sent"]
    return page("estimates.html", tab="estimates", waiting=waiting, others=others, next_cursor=data["next"])


def render_estimate(estimate_id, problems=None, refusal=None, note="", status=200):
    estimate = estimates.my_estimate(estimate_id)
    done = request.args.get("done", "")
    summary = [("#decision-note", _("Note: %(message)s", message=text)) for text in (problems or {}).get("note", [])]
    summary += [(None, text) for name, texts in (problems or {}).items() if name != "note" for text in texts]
    return page("estimate.html", status, tab="estimates", estimate=estimate, problems=problems or {},
                summary=summary, refusal=refusal, note=note,
                can_decide=estimate["can_decide"] and may_decide(),
                notice=_(NOTICES[done]) if done in NOTICES else None)


@blueprint.get("/estimates/<int:estimate_id>")
@client_required
def estimate_page(estimate_id):
    return render_estimate(estimate_id)


@blueprint.get("/estimates/<int:estimate_id>/pdf")
@client_required
def estimate_pdf(estimate_id):
    return pdf_response(estimates.my_estimate_pdf(estimate_id))


@blueprint.post("/estimates/<int:estimate_id>/decision")
@client_required
def decide(estimate_id):
    decision = request.form.get("decision", "")
    note = request.form.get("note", "").strip()
    try:
        decided = estimates.decide(estimate_id, {"decision": decision, "note": note or None})
    except InvalidInput as error:
        return render_estimate(estimate_id, error.fields or {"decision": [error.message]}, note=note, status=400)
    except Conflict as error:
        return render_estimate(estimate_id, refusal=error.message, status=409)
    return go("portal.estimates.estimate_page", estimate_id=estimate_id, done=decided["status"])
