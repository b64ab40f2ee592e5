"""Per-tenant settings tabs stored as one validated JSON document per (tenant, tab), kept by each instance until
they change (shared.kept_settings)."""
import copy
import functools
import json

from marshmallow import EXCLUDE, RAISE, ValidationError
from sqlalchemy import Text, bindparam, cast, insert, select, update

from shared.errors import InvalidInput, NotFound
from shared.clock import utcnow
from shared.i18n import _
from shared.kept_settings import SESSION_KEY, STORED_ONLY, forget_on_commit
from shared.validation import validation_error


def _schema(tabs, tab):
    try:
        return tabs[tab]
    except KeyError:
        raise NotFound(_("There is no settings tab named %(tab)s.", tab=repr(tab))) from None


@functools.cache
def _reader(schema_class):
    """One schema per tab for reading, kept: building a marshmallow schema costs ~8x loading with it."""
    # Settings dropped from a schema since they were stored are ignored, not fatal.
    return schema_class(unknown=EXCLUDE)


# ``session.info`` key of the settings a batch has read (shared.batch): its calls are one page's questions, so a
# service's tabs are read once per batch, not once per call. Between calls, the instance keeps them only while
# its listener hears every change (shared.kept_settings); otherwise a lone call reads the database.
BATCH_SETTINGS = "portico.batch_settings"


@functools.cache
def _select_values(table):
    """The statement reading some tabs' stored values as their JSON text, built once per table."""
    return select(table.c.tab, cast(table.c["values"], Text)).where(
        table.c.tenant_id == bindparam("tenant_id"), table.c.tab.in_(bindparam("tabs", expanding=True)))


@functools.lru_cache(maxsize=256)
def _loaded(schema_class, document):
    """The settings a stored JSON document holds, over the schema's defaults. The same text always holds the same
    settings, so it is parsed once (never handed out: callers get a copy); the document is read every time."""
    return _reader(schema_class).load(json.loads(document) if document else {})


def _read(session, table, tenant_id, tabs):
    """``{tab: settings}`` of each of ``tabs`` (shared: copy before handing out)."""
    stored = dict(session.connection().execute(_select_values(table), {"tenant_id": tenant_id, "tabs": list(tabs)})
                  .all())
    return {tab: _loaded(tabs[tab], stored.get(tab)) for tab in tabs}


def _copy(settings):
    """A copy a call may change without changing another call's: most values are immutable scalars."""
    return {key: copy.deepcopy(value) if isinstance(value, (list, dict)) else value
            for key, value in settings.items()}


def read_settings(session, table, tenant_id, tabs, tab):
    """Return the tab's settings: stored values over the schema's defaults."""
    schema = _schema(tabs, tab)
    batch = session.info.get(BATCH_SETTINGS)
    kept = None if session.info.get(STORED_ONLY) else session.info.get(SESSION_KEY)
    if batch is None and kept is None:  # a lone call where nothing is kept
        return _copy(_read(session, table, tenant_id, {tab: schema})[tab])
    key = (table.name, tenant_id)
    every_tab = batch.get(key) if batch is not None else None
    if every_tab is None:
        every_tab = _every_tab(session, table, key, tabs, kept)
        if batch is not None:
            batch[key] = every_tab
    return _copy(every_tab[tab])


def _every_tab(session, table, key, tabs, kept):
    """``{tab: settings}`` of every tab (a page's calls, and the instance's next ones, read several): as the
    instance kept them, else from the database, kept when that is safe (shared.kept_settings)."""
    if kept is None:
        return _read(session, table, key[1], tabs)
    every_tab, generation = kept.get(key)
    if every_tab is None:
        every_tab = _read(session, table, key[1], tabs)
        kept.keep(key, every_tab, generation)
    return every_tab


def update_settings(session, table, tenant_id, tabs, tab, changes):
    """Validate ``changes`` (a partial tab), merge and store them; return the whole tab."""
    schema = _schema(tabs, tab)
    if not isinstance(changes, dict):
        raise InvalidInput(_("Settings must be an object."), {"_schema": [_("Expected an object.")]})
    current = _read(session, table, tenant_id, {tab: schema})[tab]  # as stored now, never as kept
    try:
        loaded = schema(partial=True, unknown=RAISE).load(changes)
        merged = schema(unknown=RAISE).load(schema().dump({**current, **loaded}))
    except ValidationError as error:
        raise validation_error(error, _("Some settings are not valid.")) from None
    values = schema().dump(merged)
    exists = session.execute(select(table.c.tenant_id).where(
        table.c.tenant_id == tenant_id, table.c.tab == tab)).first()
    statement = (update(table).where(table.c.tenant_id == tenant_id, table.c.tab == tab)
                 if exists else insert(table).values(tenant_id=tenant_id, tab=tab))
    session.execute(statement.values(values=values, updated_at=utcnow()))
    session.info.pop(BATCH_SETTINGS, None)  # a batch that writes settings reads them afresh from here on
    forget_on_commit(session, tenant_id)
    return merged
