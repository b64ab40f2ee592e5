"""Long lists in the pages, a page at a time: an "Older" link carries the cursor tickets answered with (``next``)
in the query string, beside the list's filters, so paging works without JavaScript and keeps the filters."""
from flask import Blueprint, request, url_for

from gateway.schemas.common import CURSOR_LENGTH

blueprint = Blueprint("paging", __name__)


def cursor_page(argument="cursor", **page):
    """The page a list's query asks for: ``page`` with the cursor the link carried (tickets judges it)."""
    cursor = request.args.get(argument, "")
    return {**page, "cursor": cursor[:CURSOR_LENGTH + 1]} if cursor else page


@blueprint.app_template_global()
def page_link(argument="cursor", cursor=None, anchor=None):
    """This page's address with ``argument`` set to ``cursor`` (None: the newest page), its other query kept."""
    query = {key: value for key, value in request.args.items() if key != argument}
    if cursor:
        query[argument] = cursor
    return url_for(request.endpoint, **(request.view_args or {}), **query, _anchor=anchor)
