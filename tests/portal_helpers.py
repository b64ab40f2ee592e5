"""Client portal test helpers: clients and invitations made through accounts, secrets read from its outbox.

Invitation links and sign-in codes are delivered by notifications; tests read them where accounts
wrote them, the outbox row of the event that announces them, opened with the System's key as
notifications opens it (the row itself holds them sealed).
"""
import itertools
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, select, update

from accounts.models import SignInToken, platform
from gateway.cached import caches
from shared.blobs import blob_store
from shared.events import CONTRACTS
from shared.sealing import open_secrets
CLIENT_PASSWORD = "lemon meadow quietly orbits"
_addresses = (f"10.77.{n // 250}.{n % 250 + 1}" for n in itertools.count())
_emails = (f"client{n}@clients.example" for n in itertools.count(1))
_engines = {}


def new_address():
    """Client address for requests whose sign-in failures must not throttle any other test."""
    return {"REMOTE_ADDR": next(_addresses)}


def new_email():
    return next(_emails)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def portal_api(tenant):
    return f"/api/v1/portal/{tenant['slug']}"


def staff_context(system, tenant):
    """Context of a call by the tenant's owner."""
    return system.context(tenant)


def as_staff(system, tenant, method, *args):
    """Call accounts as the business's owner, as the staff pages would: the gateway drops what it kept of the
    business at once, as it does for a change it sends itself (tests/test_caches_take_effect.py shows the event
    doing it for a change made behind its back, within a second)."""
    answer = system.rpc.call("accounts", method, *args, context=staff_context(system, tenant))
    caches(system.app).forget_business(tenant["id"])
    return answer


def uploaded(system, data):
    """Put ``data`` into the System's blob store as the gateway puts an upload; return its id."""
    return blob_store(system.blob_store_url).put(data, "application/octet-stream")


def set_logo(system, tenant, data):
    """Make ``data`` the business's logo as the gateway does: uploaded, then handed to accounts by id."""
    return as_staff(system, tenant, "set_logo", uploaded(system, data))


def change_general_settings(system, tenant, **changes):
    return as_staff(system, tenant, "update_settings", "general", changes)


def _engine(system):
    url = system.databases.urls["accounts"]
    if url not in _engines:
        _engines[url] = create_engine(url)
    return _engines[url]


def latest_event(system, event_type, **match):
    """Return the data of the newest outbox event of ``event_type`` whose data holds ``match``, secrets opened."""
    outbox = platform.outbox
    contract = next(contract for contract in CONTRACTS if contract.name == event_type)
    with _engine(system).connect() as connection:
        bodies = connection.execute(select(outbox.c.body).where(outbox.c.event_type == event_type)
                                    .order_by(outbox.c.id.desc()).limit(500)).scalars()
        for body in bodies:
            data = open_secrets(system.secret_box, contract, body, body["data"])
            if all(data.get(key) == value for key, value in match.items()):
                return data
    raise AssertionError(f"no {event_type} event with {match}")


def events_count(system, event_type):
    outbox = platform.outbox
    with _engine(system).connect() as connection:
        return len(connection.execute(select(outbox.c.id).where(outbox.c.event_type == event_type)).all())


def invitation_token(system, email):
    return latest_event(system, "portal_invitation_issued", email=email)["token"]


def reset_token(system, email):
    return latest_event(system, "password_reset_issued", email=email)["token"]


def login_code(system, portal_user_id):
    return latest_event(system, "login_code_issued", portal_user_id=portal_user_id)["code"]


def email_change_code(system, portal_user_id):
    return latest_event(system, "email_change_code_issued", portal_user_id=portal_user_id)["code"]


def expire_secrets(system, portal_user_id):
    """Make every unused link and code of a portal user look older than its lifetime."""
    past = datetime.now(timezone.utc) - timedelta(minutes=1)
    with _engine(system).begin() as connection:
        connection.execute(update(SignInToken).where(SignInToken.portal_user_id == portal_user_id,
                                                     SignInToken.used_at.is_(None)).values(expires_at=past))


def create_client(system, tenant, name="Casey Client", email=None, **fields):
    """Create a client of ``tenant``; ``email`` defaults to a fresh one."""
    return as_staff(system, tenant, "create_client", {"name": name, "email": email or new_email(), **fields})


def invite(system, tenant, client):
    """Invite ``client`` to the portal; return the invitation link's token."""
    [result] = as_staff(system, tenant, "invite_clients", [client["id"]])
    assert result["status"] in ("invited", "resent"), result
    return invitation_token(system, client["email"])


def accept(system, tenant, token, password=CLIENT_PASSWORD, **extra):
    """Accept an invitation through the API; return the response."""
    return system.http.post(f"{portal_api(tenant)}/invitations/{token}", json={"password": password, **extra})


def registered_client(system, tenant, name="Casey Client", email=None, **fields):
    """A client who accepted an invitation; return (client, session answer with its token)."""
    client = create_client(system, tenant, name=name, email=email, **fields)
    response = accept(system, tenant, invite(system, tenant, client))
    assert response.status_code == 201, response.get_json()
    return client, response.get_json()


def sign_in(system, tenant, login, password=CLIENT_PASSWORD):
    return system.http.post(f"{portal_api(tenant)}/sessions", json={"login": login, "password": password},
                            environ_base=new_address())
