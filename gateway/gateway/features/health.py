"""Health: every service's ping, composed in parallel."""
from gateway.services import SERVICES, rpc


def service_health(timeout):
    """Return ``(healthy, {service: its state})`` after asking every service at once."""
    results = rpc().call_parallel({name: (name, "ping", ()) for name in SERVICES}, timeout=timeout)
    services = {}
    for name, result in results.items():
        if isinstance(result, Exception):
            services[name] = {"ok": False, "database": False, "version": None, "error": str(result)}
        else:
            services[name] = {"ok": bool(result["database"]), "database": result["database"],
                              "version": result["version"], "error": None}
    return all(service["ok"] for service in services.values()), services
