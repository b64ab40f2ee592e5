"""Client portal page, Account tab: autopay, turned on with a method on file or off."""
from flask import Blueprint, request

from gateway.errors import status_of
from gateway.features import autopay
from gateway.portal_auth import client_required
from gateway.web.portal.base import go
from gateway.web.portal.billing_forms import done_notice, error_summary, form_problems, may_manage, page
from shared.errors import InvalidInput, NotFound
from shared.i18n import _

blueprint = Blueprint("autopay", __name__)


def render_autopay(problems=None, http_status=200):
    results = autopay.my_autopay_and_methods()
    status, methods = results["autopay"], results["methods"]
    current = status["payment_method"]["id"] if status["payment_method"] else None
    chosen = request.form.get("payment_method_id") or str(current or (methods[0]["id"] if methods else ""))
    problems = problems or {}
    return page("autopay.html", http_status, tab="account", autopay=status, methods=methods, chosen=chosen,
                problems=problems, summary=error_summary(problems), may_manage=may_manage(),
                done=done_notice())


@blueprint.get("/autopay")
@client_required
def autopay_page():
    return render_autopay()


@blueprint.post("/autopay")
@client_required
def enroll_autopay():
    problems = {}
    method_id = request.form.get("payment_method_id", "")
    if not (method_id.isascii() and method_id.isdigit()):
        problems["method"] = [_("Choose the card or bank account autopay charges.")]
    if request.form.get("consent") != "yes":
        problems["consent"] = [_("Tick the box to agree to the autopay terms.")]
    if problems:
        return render_autopay(problems, http_status=400)
    try:
        autopay.enroll(int(method_id), True)
    except (InvalidInput, NotFound) as error:
        return render_autopay({"method": [error.message]} if isinstance(error, NotFound)
                              else form_problems(error), http_status=status_of(error))
    return go(".autopay_page", done="autopay_on")


@blueprint.post("/autopay/cancel")
@client_required
def cancel_autopay():
    autopay.cancel()
    return go(".autopay_page", done="autopay_off")
