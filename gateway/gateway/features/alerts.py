"""The signed-in staff member's own alerts about client actions (chosen on the Alerts settings tab)."""
from gateway.services import first_error, rpc

LIMIT_MAX = 200  # as notifications allows


def my_alerts(unread_only=False, limit=50):
    """Return the staff member's alerts, newest first, and their unread count."""
    return first_error(rpc().call_parallel({
        "items": ("notifications", "list_my_alerts", (unread_only, limit)),
        "unread": ("notifications", "count_my_unread_alerts", ()),
    }))


def unread_count(timeout=None):
    return rpc().call("notifications", "count_my_unread_alerts", timeout=timeout)


def mark_read(alert_ids):
    """Mark alerts read; an id that is not one of the staff member's alerts is NotFound and changes nothing."""
    return rpc().call("notifications", "mark_alerts_read", list(alert_ids))
