"""Estimates: staff prepare one for a client, edit the draft, send it and print it; the client views the ones sent
to them, downloads the PDF and approves or declines them. Billing owns every rule; a staff call naming a client has
accounts confirm the client is this business's first (another business's ids are simply not found)."""
from flask import g

from gateway.features.clients import find_client
from gateway.features.invoices import json_safe, read_document
from gateway.features import tab_bar
from gateway.services import rpc


def billing(method, *args):
    return rpc().call("billing", method, *args)


def with_lines(estimate):
    """``estimate`` with its lines' dates made JSON-safe (input validated by the gateway's schemas)."""
    values = json_safe(estimate)
    if "lines" in values:
        values["lines"] = [dict(line) for line in values["lines"]]
    return values


# --- staff ------------------------------------------------------------------------------------

def create_estimate(estimate):
    find_client(estimate["account_id"])
    return billing("create_estimate", with_lines(estimate))


def update_estimate(estimate_id, changes):
    return billing("update_estimate", estimate_id, with_lines(changes))


def send_estimate(estimate_id):
    return billing("send_estimate", estimate_id)


def list_estimates(filters):
    return billing("list_estimates", json_safe(filters))


def find_estimate(estimate_id):
    return billing("get_estimate", estimate_id)


def estimate_pdf(estimate_id):
    """The estimate as a PDF, headed with the business's and the client's names."""
    client = find_client(find_estimate(estimate_id)["account_id"])
    return read_document(lambda: billing("estimate_pdf", estimate_id, g.tenant["display_name"], client["name"]))


# --- the client -------------------------------------------------------------------------------

def my_estimates(filters=None):
    return billing("my_estimates", json_safe(filters or {}))


def my_estimate(estimate_id):
    return billing("get_my_estimate", estimate_id)


def my_estimate_pdf(estimate_id):
    return read_document(lambda: billing("my_estimate_pdf", estimate_id, g.portal_tenant["display_name"]))


def decide(estimate_id, decision):
    return billing("decide_estimate", estimate_id, decision)


def awaiting_decision():
    """How many estimates await the client's answer, or None when the portal shows no estimates (for the nav)."""
    return tab_bar.billing_tab_bar()["estimates_awaiting"]
