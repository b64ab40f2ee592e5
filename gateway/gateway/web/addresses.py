"""The addresses pages link to, built once: a portal page repeats the same 20-30 links (its stylesheets, the tab
bar, each panel's "see all"), and building one with Flask's ``url_for`` costs some 20-30 us of routing work.

Templates call this ``url_for`` instead of Flask's. An address depends only on what the key below holds: the
endpoint (a relative one on the request's blueprint), its values, the business in the URL (the portal's
``url_defaults`` fill in its slug: gateway/portal_auth.py) and where the app is mounted. A ``url_defaults`` that
read anything else from the request would have to join the key. Anything unusual (``_external``, an anchor, a list,
no request) goes to Flask every time.
"""
from functools import lru_cache

from flask import Blueprint, g, has_request_context, request, url_for as flask_url_for

blueprint = Blueprint("addresses", __name__)
KEPT = 4096  # distinct addresses kept per process (ids in links vary); the least used go first


@blueprint.app_template_global("url_for")
def url_for(endpoint, **values):
    """Flask's ``url_for``, the address kept for the next page that links to it."""
    if not has_request_context() or any(key.startswith("_") for key in values):
        return flask_url_for(endpoint, **values)
    try:
        return _built(request.script_root, request.host, request.blueprint if endpoint.startswith(".") else None,
                      g.get("portal_slug"), endpoint, tuple(sorted((key, type(value), value)
                                                                   for key, value in values.items())))
    except TypeError:  # a value that cannot be a key (a list): built each time
        return flask_url_for(endpoint, **values)


@lru_cache(maxsize=KEPT)
def _built(_script_root, _host, _blueprint, _slug, endpoint, values):
    return flask_url_for(endpoint, **{key: value for key, _type, value in values})
