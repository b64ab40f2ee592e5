"""Announcements: staff write them for every client or chosen accounts; clients see the live ones on Home and the
newest they have not dismissed as a notice on the first page after signing in."""
from gateway.services import rpc


def notifications(method, *args, **options):
    return rpc().call("notifications", method, *args, **options)


def list_announcements():
    return notifications("list_announcements")


def get_announcement(announcement_id):
    return notifications("get_announcement", announcement_id)


def create_announcement(announcement):
    return notifications("create_announcement", announcement)


def update_announcement(announcement_id, announcement):
    return notifications("update_announcement", announcement_id, announcement)


def withdraw_announcement(announcement_id):
    return notifications("withdraw_announcement", announcement_id)


def my_announcements(timeout=None):
    """``{"items", "notice"}`` for the signed-in client's account."""
    return notifications("my_announcements", timeout=timeout)


def dismiss_notice(announcement_id):
    return notifications("dismiss_announcement_notice", announcement_id)
