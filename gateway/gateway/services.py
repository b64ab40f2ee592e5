"""Calling the services from a request: the app's RPC client with the request's context.

``call_parallel`` asks each service once: the calls a page makes to one service travel as one ``batch`` call
(shared.batch), run there one after another in one worker, while the services answer in parallel. A call the
service will not batch (not marked batchable, or its answer did not fit beside the others') comes back
``NotBatched`` unrun and is asked again on its own. What a later part of the page will need (the portal's tab bar)
can ride along with the page's own parallel call (``ask_along``), so the page still asks each service once.
"""
import logging

from flask import current_app, g, has_request_context

from gateway.rpc import RemoteFailure
from shared.errors import NotBatched, NotFound, from_remote
from shared.i18n import _

SERVICES = ("accounts", "billing", "tickets", "notifications")
BATCH_KEY = "\0batch:"  # prefixes the key of a service's batch among the parallel calls; no page key starts so
ALONG_KEY = "\0along:"  # likewise, the calls asked along with a page's own

log = logging.getLogger(__name__)


class BoundClient:
    """The shared client, with every call carrying this request's tenant, actor and id."""

    def __init__(self, client, context):
        self.client = client
        self.context = context

    def call(self, service, method, *args, **kwargs):
        return self.client.call(service, method, *args, context=self.context, **kwargs)

    def call_parallel(self, calls, timeout=None):
        """Run ``{key: (service, method, args)}`` at once, one request per service; return ``{key: result or
        exception}``."""
        along = _take_along()
        asked = {**calls, **{ALONG_KEY + key: call for key, call in along[0].items()}} if along else calls
        requests, batches = by_service(asked, "passport" in self.context)
        results = unbatch(self.client.call_parallel(requests, context=self.context, timeout=timeout), batches)
        again = {key: asked[key] for key, value in results.items() if isinstance(value, NotBatched)}
        if again:
            log.warning("asked on their own, not in a batch: %s", ", ".join(
                f"{asked[key][0]}.{asked[key][1]}" for key in again))
            results.update(self.client.call_parallel(again, context=self.context, timeout=timeout))
        if along:
            along[1]({key: results[ALONG_KEY + key] for key in along[0]})
        return {key: results[key] for key in calls}


def ask_along(calls, keep):
    """Have this request's next parallel call ask ``calls`` ({key: (service, method, args)}) too, for a later part
    of the page; ``keep({key: result or exception})`` receives their answers. Only a signed-in client's calls
    take them along (the answers are theirs); a page that makes no parallel call leaves them to be asked later."""
    g.ask_along = (calls, keep)


def drop_along():
    """Forget what was to be asked along: the page asks it itself."""
    g.pop("ask_along", None)


def _take_along():
    if not has_request_context() or "client_session" not in g:
        return None
    return g.pop("ask_along", None)


def by_service(calls, may_batch):
    """``(requests, batches)``: the requests to send, a service's several calls as one ``batch``; ``batches`` maps
    each batch's key to the keys of its calls, in order. Without a passport (no batch is answered) nothing is
    grouped."""
    grouped = {}
    for key, (service, _method, _args) in calls.items():
        grouped.setdefault(service, []).append(key)
    requests, batches = {}, {}
    for service, keys in grouped.items():
        if len(keys) == 1 or not may_batch:
            requests.update({key: calls[key] for key in keys})
            continue
        batches[BATCH_KEY + service] = keys
        requests[BATCH_KEY + service] = (service, "batch", ([
            {"method": calls[key][1], "args": list(calls[key][2])} for key in keys],))
    return requests, batches


def unbatch(answers, batches):
    """``{key: result or exception}`` for every call, each batch's answer handed out to its calls."""
    results = {key: value for key, value in answers.items() if key not in batches}
    for batch_key, keys in batches.items():
        answer = answers[batch_key]
        if isinstance(answer, Exception):  # the batch as a whole failed (down, timed out): so did each call
            results.update({key: answer for key in keys})
        elif not isinstance(answer, list) or len(answer) != len(keys):
            failure = RemoteFailure(_("The %(service)s service answered a batch wrongly.",
                                      service=batch_key[len(BATCH_KEY):]))
            results.update({key: failure for key in keys})
        else:
            results.update({key: one_answer(batch_key[len(BATCH_KEY):], item) for key, item in zip(keys, answer)})
    return results


def one_answer(service, item):
    """One call's result, or its error rebuilt as a direct call's would be."""
    error = item.get("error") if isinstance(item, dict) else "malformed answer"
    if error:
        if not isinstance(error, dict):
            return RemoteFailure(_("The %(service)s service answered a batch wrongly.", service=service))
        return from_remote(error) or RemoteFailure(
            _("The %(service)s service failed (%(error)s).", service=service, error=error.get('exc_type')))
    return item.get("result")


def rpc():
    return BoundClient(current_app.extensions["rpc"], g.rpc_context)


def blobs():
    """Return the blob store the services share (shared.blobs): files go by id, never inside a message."""
    return current_app.extensions["blobs"]


def with_id(rows, row_id, not_found):
    """Return the row of ``rows`` whose id is ``row_id``; raise NotFound(``not_found``) when there is none."""
    for row in rows:
        if row["id"] == row_id:
            return row
    raise NotFound(not_found)


def first_error(results):
    """Raise the first exception among parallel results; otherwise return them."""
    for value in results.values():
        if isinstance(value, Exception):
            raise value
    return results
