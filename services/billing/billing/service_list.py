"""The business's service list: what staff create jobs from and clients may request. Retired services stay for
the jobs made from them."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from billing.field_models import ServiceOffering
from billing.job_schemas import ServiceChanges, ServiceInput
from shared.clock import utcnow
from shared.errors import NotFound, invalid
from shared.i18n import N_, _
from shared.validation import load_or_raise

TAKEN = N_("Another service already has this name.")


def describe(row):
    return {"id": row.id, "name": row.name, "description": row.description, "price": row.price,
            "recurrence": row.recurrence, "interval_weeks": row.interval_weeks, "requestable": row.requestable,
            "active": row.active}


def list_services(session, tenant_id, offered_only=False):
    """The list, by name; ``offered_only`` keeps what clients may request (active and requestable)."""
    query = select(ServiceOffering).where(ServiceOffering.tenant_id == tenant_id)
    if offered_only:
        query = query.where(ServiceOffering.active.is_(True), ServiceOffering.requestable.is_(True))
    return [describe(row) for row in session.scalars(query.order_by(ServiceOffering.name, ServiceOffering.id))]


def find_service(session, tenant_id, service_id, offered_only=False):
    row = session.get(ServiceOffering, service_id)
    if row is None or row.tenant_id != tenant_id or (offered_only and not (row.active and row.requestable)):
        raise NotFound(_("No such service."))
    return row


def _saved(session, row):
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise invalid("name", _(TAKEN)) from None
    return row


def create_service(session, tenant_id, data):
    values = load_or_raise(ServiceInput, data)
    return _saved(session, ServiceOffering(tenant_id=tenant_id, active=True, created_at=utcnow(), **values))


def update_service(session, tenant_id, service_id, changes):
    values = load_or_raise(ServiceChanges, changes)
    row = find_service(session, tenant_id, service_id)
    recurrence = values.get("recurrence", row.recurrence)
    if recurrence != "every_n_weeks" and "recurrence" in values:
        values["interval_weeks"] = None
    elif recurrence == "every_n_weeks" and not values.get("interval_weeks", row.interval_weeks):
        raise invalid("interval_weeks", _("Say every how many weeks (2 to 52)."))
    for key, value in values.items():
        setattr(row, key, value)
    return _saved(session, row)
