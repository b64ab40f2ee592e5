"""Charging autopay invoices: the invoices awaiting a charge, and runs that charge them."""
from gateway.services import first_error, rpc


def invoices_to_charge():
    return rpc().call("billing", "invoices_to_charge")


def invoices_to_charge_and_schedule():
    """Return ``(invoices awaiting a charge, the daily automatic charge's schedule)``, billing asked both at once."""
    results = first_error(rpc().call_parallel({
        "invoices": ("billing", "invoices_to_charge", ()),
        "schedule": ("billing", "autopay_schedule", ()),
    }))
    return results["invoices"], results["schedule"]


def start_charge_run(invoice_ids=None):
    """Start charging ``invoice_ids`` (all awaiting ones when None); return the run."""
    return rpc().call("billing", "start_charge_run", invoice_ids)


def charge_run(run_id, with_items=True):
    return rpc().call("billing", "get_charge_run", run_id, with_items=with_items)
