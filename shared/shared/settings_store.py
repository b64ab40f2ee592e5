"""Per-tenant settings tabs stored as one validated JSON document per (tenant, tab)."""
import copy
import functools

from marshmallow import EXCLUDE, RAISE, ValidationError
from sqlalchemy import bindparam, insert, select, update

from shared.errors import InvalidInput, NotFound
from shared.clock import utcnow
from shared.validation import validation_error


def _schema(tabs, tab):
    try:
        return tabs[tab]
    except KeyError:
        raise NotFound(f"There is no settings tab named {tab!r}.") from None


@functools.cache
def _reader(schema_class):
    """One schema per tab for reading, kept: building a marshmallow schema costs ~8x loading with it."""
    # Settings dropped from a schema since they were stored are ignored, not fatal.
    return schema_class(unknown=EXCLUDE)


# ``session.info`` key of the settings a batch has read (shared.batch): its calls are one page's questions, so a
# tab is read once per batch, not once per call. Only there; a lone call always reads the database.
BATCH_SETTINGS = "portico.batch_settings"


@functools.cache
def _select_values(table):
    """The statement reading one tab's stored values, built once per table."""
    return select(table.c["values"]).where(table.c.tenant_id == bindparam("tenant_id"),
                                           table.c.tab == bindparam("tab"))


def read_settings(session, table, tenant_id, tabs, tab):
    """Return the tab's settings: stored values over the schema's defaults."""
    schema = _schema(tabs, tab)
    kept = session.info.get(BATCH_SETTINGS)
    key = (table.name, tenant_id, tab)
    if kept is not None and key in kept:
        return copy.deepcopy(kept[key])  # a copy: a call changing its settings changes no other call's
    stored = session.execute(_select_values(table), {"tenant_id": tenant_id, "tab": tab}).scalar_one_or_none()
    settings = _reader(schema).load(stored or {})
    if kept is not None:
        kept[key] = copy.deepcopy(settings)
    return settings


def update_settings(session, table, tenant_id, tabs, tab, changes):
    """Validate ``changes`` (a partial tab), merge and store them; return the whole tab."""
    schema = _schema(tabs, tab)
    if not isinstance(changes, dict):
        raise InvalidInput("Settings must be an object.", {"_schema": ["Expected an object."]})
    current = read_settings(session, table, tenant_id, tabs, tab)
    try:
        loaded = schema(partial=True, unknown=RAISE).load(changes)
        merged = schema(unknown=RAISE).load(schema().dump({**current, **loaded}))
    except ValidationError as error:
        raise validation_error(error, "Some settings are not valid.") from None
    values = schema().dump(merged)
    exists = session.execute(select(table.c.tenant_id).where(
        table.c.tenant_id == tenant_id, table.c.tab == tab)).first()
    statement = (update(table).where(table.c.tenant_id == tenant_id, table.c.tab == tab)
                 if exists else insert(table).values(tenant_id=tenant_id, tab=tab))
    session.execute(statement.values(values=values, updated_at=utcnow()))
    session.info.pop(BATCH_SETTINGS, None)  # a batch that writes settings reads them afresh from here on
    return merged
