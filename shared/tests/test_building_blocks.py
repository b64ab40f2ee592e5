"""The shared building blocks that need no broker: errors on the wire, settings tabs, event envelopes, config."""
import pytest
from marshmallow import Schema, fields, validate
from nameko.exceptions import deserialize, serialize
from sqlalchemy import MetaData, create_engine
from sqlalchemy.orm import Session

from shared.config import load_service_config
from shared.errors import InvalidInput, NotFound, RateLimited, from_remote
from shared.events import TENANT_PROFILE_UPDATED
from shared.fields import StrictBoolean
from shared.messaging import envelope
from shared.settings_store import read_settings, update_settings
from shared.tables import PlatformTables


class ExampleTab(Schema):
    enabled = StrictBoolean(load_default=True)
    limit = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0))


TABS = {"example": ExampleTab}


@pytest.fixture
def store():
    metadata = MetaData()
    tables = PlatformTables(metadata)
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        yield session, tables.tenant_settings


def test_errors_keep_their_type_and_fields_across_nameko_serialisation():
    error = deserialize(serialize(InvalidInput("bad", {"email": ["Not a valid email."]})))
    assert isinstance(error, InvalidInput)
    assert error.fields == {"email": ["Not a valid email."]}
    assert isinstance(deserialize(serialize(NotFound("gone"))), NotFound)


def test_gateway_side_rebuilds_errors_from_the_wire_form():
    rebuilt = from_remote(serialize(InvalidInput("bad", {"limit": ["Too big."]})))
    assert isinstance(rebuilt, InvalidInput) and rebuilt.fields == {"limit": ["Too big."]}
    assert from_remote({"exc_type": "KeyError", "exc_path": "builtins.KeyError"}) is None


def test_a_refusal_to_take_more_requests_keeps_its_wait_across_the_wire():
    refusal = RateLimited("Too many attempts.", {"code": ["Too many attempts."]}, retry_after=42)
    for rebuilt in (deserialize(serialize(refusal)), from_remote(serialize(refusal))):
        assert isinstance(rebuilt, RateLimited) and rebuilt.fields == {"code": ["Too many attempts."]}
        assert rebuilt.retry_after == 42


def test_settings_start_from_defaults_and_merge_partial_changes(store):
    session, table = store
    assert read_settings(session, table, 1, TABS, "example") == {"enabled": True, "limit": 0}
    update_settings(session, table, 1, TABS, "example", {"limit": 500})
    assert read_settings(session, table, 1, TABS, "example") == {"enabled": True, "limit": 500}
    assert read_settings(session, table, 2, TABS, "example") == {"enabled": True, "limit": 0}


@pytest.mark.parametrize("changes, field", [
    ({"limit": -1}, "limit"), ({"limit": 1.5}, "limit"), ({"limit": "7"}, "limit"),
    ({"enabled": 1}, "enabled"), ({"enabled": "yes"}, "enabled"), ({"surprise": True}, "surprise"),
])
def test_invalid_settings_are_refused_per_field(store, changes, field):
    session, table = store
    with pytest.raises(InvalidInput) as error:
        update_settings(session, table, 1, TABS, "example", changes)
    assert field in error.value.fields
    assert read_settings(session, table, 1, TABS, "example") == {"enabled": True, "limit": 0}


def test_unknown_tab_is_not_found(store):
    session, table = store
    with pytest.raises(NotFound):
        read_settings(session, table, 1, TABS, "nope")


def test_event_payloads_are_checked_against_their_contract():
    event = envelope(TENANT_PROFILE_UPDATED, 3, {"tenant_id": 3, "slug": "x", "display_name": "X"})
    assert event["event_type"] == "tenant_profile_updated" and event["tenant_id"] == 3
    assert len(event["event_id"]) == 36
    with pytest.raises(ValueError):
        envelope(TENANT_PROFILE_UPDATED, 3, {"slug": "x"})


def test_config_expands_environment_references(tmp_path, monkeypatch):
    path = tmp_path / "config.yml"
    path.write_text("A: ${PORTICO_T_A:fallback}\nB: ${PORTICO_T_B:3}\nC: ${PORTICO_T_C:}\n")
    monkeypatch.setenv("PORTICO_T_A", "from-env")
    config = load_service_config(path)
    assert (config["A"], config["B"], config["C"]) == ("from-env", 3, None)
