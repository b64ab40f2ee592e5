"""A client's ticket about a visit: the reference the client sends ({kind: "visit", id, label}) is checked with
billing, which owns visits, asked as that same client (the nested call carries their passport): a visit of another
account is not found and no ticket is opened; the label stored is billing's, not the client's words."""
import eventlet
from nameko.exceptions import RemoteError

from shared.errors import ServiceTimeout, ServiceUnavailable
from shared.i18n import _

BILLING_TIMEOUT_SECONDS = 3


def verified(session, billing, reference):
    """``reference`` as billing names it (a visit's), or as sent (another kind); raise NotFound for a foreign visit."""
    if not reference or reference.get("kind") != "visit":
        return reference
    session.rollback()  # no transaction (on SQLite, the service's one connection) waits on billing
    try:
        with eventlet.Timeout(BILLING_TIMEOUT_SECONDS,
                              ServiceTimeout(_("The billing service did not answer in time."))):
            found = billing.my_visit_reference(reference["id"])
    except RemoteError:
        raise ServiceUnavailable(_("The visit could not be checked; please try again.")) from None
    return {"kind": "visit", "id": found["id"], "label": str(found["label"])[:200]}
