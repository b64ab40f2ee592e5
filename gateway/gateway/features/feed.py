"""The client's notification feed: what the business told the account, newest first, unread until read."""
import logging

from flask import g

from gateway.services import rpc

log = logging.getLogger(__name__)

PAGE = 20  # items a page of the feed shows
HOME_ITEMS = 5  # the "What's new" list on Home


def my_feed(limit=PAGE, before_id=None):
    """``{"items", "next", "unread"}``: a page of the account's feed older than ``before_id``."""
    return rpc().call("notifications", "my_feed", limit, before_id)


def unread_count(timeout=None):
    return rpc().call("notifications", "my_feed_unread_count", timeout=timeout)


def mark_read(item_ids):
    """Mark items read; an id that is not one of the account's items is NotFound and changes nothing."""
    return rpc().call("notifications", "mark_feed_read", list(item_ids))


def mark_all_read():
    return rpc().call("notifications", "mark_all_feed_read")
