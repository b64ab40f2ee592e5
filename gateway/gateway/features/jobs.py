"""Jobs: the work done for a client, which invoices may name."""
from gateway.features.clients import find_client
from gateway.services import rpc


def create_job(job):
    """Add a job to one of this business's clients; it is on autopay when the client is enrolled now."""
    find_client(job["account_id"])
    return rpc().call("billing", "create_job", job)
