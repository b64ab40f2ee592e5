"""Charging autopay invoices: the invoices awaiting a charge, and runs that charge them."""
from gateway.services import rpc


def invoices_to_charge():
    return rpc().call("billing", "invoices_to_charge")


def start_charge_run(invoice_ids=None):
    """Start charging ``invoice_ids`` (all awaiting ones when None); return the run."""
    return rpc().call("billing", "start_charge_run", invoice_ids)


def charge_run(run_id, with_items=True):
    return rpc().call("billing", "get_charge_run", run_id, with_items=with_items)
