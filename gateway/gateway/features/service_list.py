"""The business's service list (what jobs are made from and clients may request): billing holds it."""
from gateway.services import rpc


def list_services():
    return rpc().call("billing", "list_services")


def create_service(service):
    return rpc().call("billing", "create_service", service)


def update_service(service_id, changes):
    """Change a service's name, price, description or recurrence, or retire it (``active`` false)."""
    return rpc().call("billing", "update_service", service_id, changes)
