"""What every service has the same way: its database, caller, heartbeat and retention, ``ping``, its settings tabs,
and ``batch`` (several of its reads in one call, shared.batch).

A service inheriting ``StandardEntrypoints`` declares ``name``, ``version``, ``tables`` (its
PlatformTables), ``settings_tabs`` ({tab: Schema}) and ``outbox`` (shared.messaging.Outbox), and may
declare ``retention_rules`` (its own rows to prune, shared.retention); it gets ``db`` and ``ctx`` from here.
"""
from shared.batch import batchable, run_batch
from shared.context import CallContext, public_rpc, staff_tenant, tenant_rpc
from shared.db import Database, is_reachable
from shared.events.settings import settings_updated
from shared.heartbeat import Heartbeat
from shared.kept_settings import SettingsListener
from shared.retention import Retention
from shared.schema_description import describe
from shared.settings_store import read_settings, update_settings


class StandardEntrypoints:
    settings_listener = SettingsListener()  # keeps the settings read until settings_updated (shared.kept_settings)
    db = Database()
    ctx = CallContext()
    heartbeat = Heartbeat()
    retention = Retention()
    retention_rules = ()

    @public_rpc
    def ping(self):
        return {"service": self.name, "version": self.version,
                "database": is_reachable(self.db.get_bind())}

    @batchable
    @tenant_rpc
    def get_settings(self, tab):
        return read_settings(self.db, self.tables.tenant_settings, staff_tenant(self.ctx),
                             self.settings_tabs, tab)

    @tenant_rpc
    def update_settings(self, tab, changes):
        tenant_id = staff_tenant(self.ctx)
        values = update_settings(self.db, self.tables.tenant_settings, tenant_id, self.settings_tabs, tab, changes)
        announce_settings(self.outbox, self.db, self.name, tenant_id, tab)
        self.db.commit()
        return values

    @batchable
    @public_rpc
    def describe_settings(self):
        """Return each of this service's settings tabs as JSON Schema."""
        return {tab: describe(schema) for tab, schema in self.settings_tabs.items()}

    @tenant_rpc
    def batch(self, calls):
        """Run several of this service's ``@batchable`` entrypoints for this caller, each as if called alone."""
        return run_batch(self, calls)


def announce_settings(outbox, session, service, tenant_id, tab):
    """Say, in the transaction that saves it, that ``service``'s ``tab`` of a business changed (the gateway's caches
    of it end with this event, not after a guessed time)."""
    outbox.add(session, settings_updated(service), {"tab": tab}, tenant_id=tenant_id)
