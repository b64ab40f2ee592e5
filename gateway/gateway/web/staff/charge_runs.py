"""Staff pages: Invoices to charge (open invoices of clients on autopay) and the charge runs that charge them."""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import charge_runs
from gateway.features.clients import client_names, first_clients
from gateway.web.paging import cursor_page
from gateway.web.staff.base import staff_page
from gateway.web.staff.billing_inputs import chosen_ids
from shared.errors import Conflict, InvalidInput
from shared.i18n import N_, _

blueprint = Blueprint("charge_runs", __name__)
NO_LONGER_AWAITING = N_("Some of the ticked invoices no longer await a charge; the list is up to date now.")
PAGE = 100


def asked_page(ask):
    """``(ask(the page the link names), [])``, or the first page and why when the link's cursor is not one."""
    try:
        return ask(cursor_page(limit=PAGE)), []
    except InvalidInput as error:
        return ask({"limit": PAGE}), [(None, error.message)]


def render_invoices_to_charge(summary=(), chosen=None, status=200):
    (awaiting, schedule), problems = asked_page(charge_runs.invoices_to_charge_and_schedule)
    names = client_names({invoice["account_id"] for invoice in awaiting["items"]}, first_clients())
    chosen = {invoice["id"] for invoice in awaiting["items"]} if chosen is None else set(chosen)
    return render_template("staff/billing/invoices_to_charge.html", awaiting=awaiting, invoices=awaiting["items"],
                           names=names, chosen=chosen, summary=list(summary) + problems,
                           schedule=schedule), 400 if problems and status == 200 else status


@blueprint.get("/invoices-to-charge")
@staff_page
def invoices_to_charge():
    return render_invoices_to_charge()


@blueprint.post("/charge-runs")
@staff_page
def start_charge_run():
    every_one = request.form.get("all") == "1"  # "Charge all": those on other pages too
    chosen = None if every_one else chosen_ids("invoice_ids")
    if not every_one and not chosen:
        return render_invoices_to_charge([("#charge-first", _("Tick at least one invoice to charge."))], chosen, 400)
    try:
        run = charge_runs.start_charge_run(chosen)
    except InvalidInput:
        return render_invoices_to_charge([(None, _(NO_LONGER_AWAITING))], chosen or (), 400)
    except Conflict as error:
        return render_invoices_to_charge([(None, error.message)], chosen or (), 409)
    return redirect(url_for(".charge_run", run_id=run["id"]), 303)


@blueprint.get("/charge-runs/<int:run_id>")
@staff_page
def charge_run(run_id):
    run, problems = asked_page(lambda page: charge_runs.charge_run(run_id, True, page))
    names = client_names({item["account_id"] for item in run["items"]}) if run["finished"] else {}
    return render_template("staff/billing/charge_run.html", run=run, names=names,
                           problems=problems), 400 if problems else 200
