"""The settings a service instance keeps between calls (shared.kept_settings): used only while its listener is bound,
never kept across a change, forgotten by the instance's own save at commit and by every other's event."""
import json
import os
import subprocess
import sys
import time

import pytest
from kombu import Connection, Producer
from marshmallow import Schema, fields
from nameko.events import get_event_exchange
from sqlalchemy import MetaData, create_engine
from sqlalchemy.orm import Session

from portico_testing import Vhost
from shared.kept_settings import SESSION_KEY, KeptSettings, read_stored_settings
from shared.settings_store import read_settings, update_settings
from shared.tables import PlatformTables

TENANT, OTHER = 1, 2


class AlertsTab(Schema):
    email = fields.Boolean(load_default=True)


TABS = {"alerts": AlertsTab}


@pytest.fixture
def kept():
    kept = KeptSettings()
    kept.set_connected(True)
    return kept


class Store:
    """A service's settings table in a database of its own; each session reads through ``kept``."""

    def __init__(self, path):
        self.table = PlatformTables(metadata := MetaData()).tenant_settings
        self.engine = create_engine(f"sqlite:///{path}")  # a file: a save unsaved yet is not seen by others
        metadata.create_all(self.engine)

    def session(self, kept):
        session = Session(self.engine, expire_on_commit=False)
        session.info[SESSION_KEY] = kept
        return session


@pytest.fixture
def platform(tmp_path):
    return Store(tmp_path / "settings.db")


def read(platform, kept):
    with platform.session(kept) as session:
        return read_settings(session, platform.table, TENANT, TABS, "alerts")


def save(platform, kept, changes):
    with platform.session(kept) as session:
        update_settings(session, platform.table, TENANT, TABS, "alerts", changes)
        session.commit()


def test_an_answer_read_while_the_business_changed_is_not_kept(kept):
    _, generation = kept.get(("t", TENANT))
    kept.forget(TENANT)
    kept.keep(("t", TENANT), {"alerts": {}}, generation)
    assert kept.get(("t", TENANT))[0] is None


def test_a_change_forgets_only_its_business(kept):
    for tenant_id in (TENANT, OTHER):
        kept.keep(("t", tenant_id), {"alerts": {"email": tenant_id}}, kept.get(("t", tenant_id))[1])
    kept.forget(TENANT)
    assert kept.get(("t", TENANT))[0] is None
    assert kept.get(("t", OTHER))[0] == {"alerts": {"email": OTHER}}


def test_nothing_is_kept_or_used_while_not_connected(kept):
    kept.keep(("t", TENANT), {"alerts": {}}, kept.get(("t", TENANT))[1])
    kept.set_connected(False)
    assert kept.get(("t", TENANT))[0] is None
    kept.keep(("t", TENANT), {"alerts": {}}, kept.get(("t", TENANT))[1])
    kept.set_connected(True)
    assert kept.get(("t", TENANT))[0] is None


def test_a_read_is_kept_and_a_save_here_is_seen_at_once(platform, kept):
    assert read(platform, kept) == {"email": True}
    assert kept.get(("tenant_settings", TENANT))[0] is not None
    save(platform, kept, {"email": False})
    assert read(platform, kept) == {"email": False}


def test_a_save_not_committed_leaves_what_is_kept_alone_but_keeps_nothing_it_read(platform, kept):
    assert read(platform, kept) == {"email": True}
    with platform.session(kept) as session:
        update_settings(session, platform.table, TENANT, TABS, "alerts", {"email": False})
        session.rollback()
    assert read(platform, kept) == {"email": True}


def test_what_another_call_read_before_a_save_committed_is_forgotten_at_the_commit(platform, kept):
    """The saving instance need not wait for its own event: the commit forgets what was read meanwhile."""
    with platform.session(kept) as saving:
        update_settings(saving, platform.table, TENANT, TABS, "alerts", {"email": False})
        assert read(platform, kept) == {"email": True}  # another worker, before the commit: kept
        assert kept.get(("tenant_settings", TENANT))[0] is not None
        saving.commit()
    assert read(platform, kept) == {"email": False}


def test_a_staff_members_save_reads_as_stored_and_still_forgets_what_the_instance_kept(platform, kept):
    assert read(platform, kept) == {"email": True}  # a client's call: kept
    with platform.session(kept) as staff_call:
        read_stored_settings(staff_call)
        assert read_settings(staff_call, platform.table, TENANT, TABS, "alerts") == {"email": True}
        update_settings(staff_call, platform.table, TENANT, TABS, "alerts", {"email": False})
        staff_call.commit()
    assert read(platform, kept) == {"email": False}  # the next client's call on this instance


def test_a_save_elsewhere_is_not_seen_without_its_event(platform, kept):
    """What the listener is for: another instance's save reaches this one only as an event."""
    assert read(platform, kept) == {"email": True}
    save(platform, KeptSettings(), {"email": False})  # another instance: its own kept settings
    assert read(platform, kept) == {"email": True}
    kept.forget(TENANT)  # the event
    assert read(platform, kept) == {"email": False}


# The listener runs as in a service: in a process eventlet has patched (this one is not), over a link it can cut.
INSTANCE = """
import eventlet; eventlet.monkey_patch()
import eventlet.hubs, json, sys
from portico_testing import TcpLink
from shared.kept_settings import SettingsListener

class Container:
    service_name = "alerts"
    spawn_managed_thread = staticmethod(eventlet.spawn)

link = TcpLink("127.0.0.1", 5672)
container = Container()
container.config = {"AMQP_URI": sys.argv[1].replace(":5672/", f":{link.port}/")}
listener = SettingsListener().bind(container, "settings_listener")
listener.start()
kept = listener.kept
while True:
    eventlet.hubs.trampoline(sys.stdin.fileno(), read=True)  # the listener runs while this waits for a line
    command, *args = sys.stdin.readline().split()
    if command == "keep":
        kept.keep(("t", int(args[0])), {}, kept.get(("t", int(args[0])))[1])
    elif command in ("cut", "restore"):
        getattr(link, command)()
    print(json.dumps({"connected": kept.connected, "kept": sorted(key[1] for key in kept.kept)}), flush=True)
"""


class Instance:
    """A service instance's listener and kept settings, driven line by line."""

    def __init__(self, amqp_uri):
        self.process = subprocess.Popen([sys.executable, "-W", "ignore", "-c", INSTANCE, amqp_uri],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})

    def do(self, command="state"):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def wait_until(self, check, what, timeout=10.0):
        deadline = time.monotonic() + timeout
        while not check(self.do()):
            assert time.monotonic() < deadline, what
            time.sleep(0.02)

    def close(self):
        self.process.kill()
        self.process.wait()


@pytest.fixture
def vhost():
    vhost = Vhost()
    vhost.create()
    yield vhost
    vhost.delete()


@pytest.fixture
def instance(vhost):
    instance = Instance(vhost.uri())
    instance.wait_until(lambda state: state["connected"], "the listener did not connect")
    yield instance
    instance.close()


def announce(vhost, tenant_id):
    with Connection(vhost.uri()) as connection:
        Producer(connection.channel()).publish({"tenant_id": tenant_id, "data": {"tab": "alerts"}},
                                               exchange=get_event_exchange("alerts", {}),
                                               routing_key="settings_updated", serializer="json")


def test_the_listener_forgets_a_business_when_its_event_arrives(vhost, instance):
    instance.do(f"keep {TENANT}")
    assert instance.do(f"keep {OTHER}")["kept"] == [TENANT, OTHER]
    announce(vhost, TENANT)
    instance.wait_until(lambda state: state["kept"] == [OTHER], "the event did not forget the business",
                        timeout=1.0)


def test_while_its_link_is_cut_the_instance_keeps_nothing(instance):
    assert instance.do(f"keep {TENANT}")["kept"] == [TENANT]
    instance.do("cut")
    instance.wait_until(lambda state: not state["connected"], "the listener did not notice its link was cut")
    assert instance.do(f"keep {TENANT}")["kept"] == []
    instance.do("restore")
    instance.wait_until(lambda state: state["connected"], "the listener did not reconnect")
    assert instance.do()["kept"] == []
    assert instance.do(f"keep {TENANT}")["kept"] == [TENANT]
