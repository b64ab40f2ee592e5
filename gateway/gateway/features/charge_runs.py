"""Charging autopay invoices: the invoices awaiting a charge, and runs that charge them."""
from gateway.services import first_error, rpc


def invoices_to_charge_and_schedule(page=None):
    """Return ``(a page of the invoices awaiting a charge, the daily automatic charge's schedule)``, billing asked
    both at once; the page is ``{items, next, limit, count, total}``, count and total of all of them."""
    results = first_error(rpc().call_parallel({
        "invoices": ("billing", "invoices_to_charge", (page,)),
        "schedule": ("billing", "autopay_schedule", ()),
    }))
    return results["invoices"], results["schedule"]


def start_charge_run(invoice_ids=None):
    """Start charging ``invoice_ids`` (all awaiting ones when None); return the run."""
    return rpc().call("billing", "start_charge_run", invoice_ids)


def charge_run(run_id, with_items=True, page=None):
    """How far a run has got; with ``with_items``, a ``page`` of its results (``items``, ``items_next``)."""
    return rpc().call("billing", "get_charge_run", run_id, with_items=with_items, page=page)
