"""The branding copy follows the newest profile, whatever order its events arrive in."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from notifications.models import Base, TenantBranding
from notifications.tenants import save_branding
from shared.clock import occurred_at
from shared.db import make_engine

EARLIER = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
LATER = EARLIER + timedelta(milliseconds=5)


def profile(display_name, **extra):
    return {"tenant_id": 1, "slug": "green", "display_name": display_name, "contact_email": None,
            "contact_phone": None, "facebook_page": None, "twitter_handle": None,
            "linkedin_slug": None, "has_logo": False, **extra}


@pytest.fixture
def session(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'notifications.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def saved(session, display_name, moment, **extra):
    save_branding(session, profile(display_name, **extra), moment)
    session.commit()
    session.expunge_all()  # read back what the database holds
    return session.get(TenantBranding, 1)


def test_an_older_profile_arriving_late_does_not_undo_a_newer_one(session):
    saved(session, "Green Acres", LATER, contact_email="office@green.example")

    row = saved(session, "Green", EARLIER)

    assert (row.display_name, row.contact_email) == ("Green Acres", "office@green.example")


def test_a_newer_profile_replaces_the_copy(session):
    saved(session, "Green", EARLIER)

    row = saved(session, "Green Acres", LATER, has_logo=True, twitter_handle="greenacres")

    assert (row.display_name, row.has_logo, row.twitter_handle) == ("Green Acres", True, "greenacres")


def test_an_event_time_is_read_from_its_envelope():
    assert occurred_at({"occurred_at": EARLIER.isoformat()}) == EARLIER
    assert occurred_at({"occurred_at": "2026-11-23T10:00:00"}) == EARLIER
    assert occurred_at({}) > EARLIER
