"""Staff never hold a client's way in, and no database keeps one in plain text (both backends).

A client is invited, accepts, asks for a password reset, a sign-in code and an email-change code; the
owner asks for a staff password reset (sent, like the rest, through the business's outbox).
Each secret reaches the client's real mail (the test SMTP server); the staff outbox (API list and
detail, the pages and the email frame) shows each message as sent with the secret hidden; and a scan
of every table of accounts and notifications finds none of them.
"""
import hashlib
import json
import re
import uuid

import sqlalchemy as sa
from kombu import Queue

from accounts.models import SignInToken
from gateway.auth import STAFF_COOKIE  # the base name; Secure cookies (the default) add __Host-
from portico_testing import wait_for
from shared.events import PORTAL_INVITATION_ISSUED, subscriber_queue
from shared.messaging import broker_connection
from shared.sealing import open_secrets
from tests.portal_helpers import CLIENT_PASSWORD, as_staff, bearer, create_client, new_address

STAFF_API = "/api/v1/staff"
HIDDEN = {"invitation": "•••• (hidden: invitation link)", "password_reset": "•••• (hidden: password reset link)",
          "login_code": "•••• (hidden: one-time code)", "email_change_code": "•••• (hidden: one-time code)",
          "staff_password_reset": "•••• (hidden: password reset link)"}
SUBJECT = {"invitation": "invitation", "password_reset": "reset", "login_code": "sign-in code",
           "email_change_code": "confirm your new email", "staff_password_reset": "staff password"}
LINK_TOKEN = re.compile(r"/(?:invitation|reset)/([A-Za-z0-9_-]+)")


def appears(secret, text):
    """Whether ``secret`` stands in ``text`` on its own (a code is digits: not inside a longer run or a hash)."""
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])", text) is not None


def portal(tenant, path):
    return f"/api/v1/portal/{tenant['slug']}{path}"


def mailed_secret(system, address, kind):
    mail = system.mail.wait_for_message(address)
    if kind in ("login_code", "email_change_code"):
        return mail.code()
    return LINK_TOKEN.search(mail.link("/staff/reset/" if kind == "staff_password_reset" else "/p/")).group(1)


def send_every_sign_in_message(system, tenant, staff_token):
    """Have accounts send each kind of one-time secret; return [(kind, address, secret as mailed)]."""
    email, new_email = f"c-{uuid.uuid4().hex[:10]}@secrets.example", f"n-{uuid.uuid4().hex[:10]}@secrets.example"
    staff = bearer(staff_token)
    created = system.http.post(f"{STAFF_API}/clients", json={"name": "Sam Secret", "email": email}, headers=staff)
    assert created.status_code == 201, created.get_json()
    invited = system.http.post(f"{STAFF_API}/portal-users/invitations",
                               json={"client_ids": [created.get_json()["id"]]}, headers=staff)
    assert invited.status_code == 200, invited.get_json()
    sent = [("invitation", email, mailed_secret(system, email, "invitation"))]
    accepted = system.http.post(portal(tenant, f"/invitations/{sent[0][2]}"), json={"password": CLIENT_PASSWORD})
    assert accepted.status_code == 201, accepted.get_json()
    for path, kind in (("/password-resets", "password_reset"), ("/login-codes", "login_code")):
        response = system.http.post(portal(tenant, path), json={"login": email}, environ_base=new_address())
        assert response.status_code == 202, response.get_json()
        sent.append((kind, email, mailed_secret(system, email, kind)))
    response = system.http.post(portal(tenant, "/account/email-change"), json={"new_email": new_email},
                                headers=bearer(accepted.get_json()["token"]))
    assert response.status_code == 202, response.get_json()
    sent.append(("email_change_code", new_email, mailed_secret(system, new_email, "email_change_code")))
    owner = f"owner@{tenant['slug']}.example"
    response = system.http.post(f"{STAFF_API}/password-resets", json={"email": owner}, environ_base=new_address())
    assert response.status_code == 202, response.get_json()
    sent.append(("staff_password_reset", owner, mailed_secret(system, owner, "staff_password_reset")))
    return sent


def staff_views(system, staff_token, address, kind):
    """Every way staff can look at the message: API list and detail, list page, message page, email frame."""
    staff = bearer(staff_token)
    items = system.http.get(f"{STAFF_API}/outbox", headers=staff).get_json()["items"]
    [item] = [item for item in items if item["to"] == address and SUBJECT[kind] in (item["subject"] or "").lower()]
    detail = wait_for(lambda: (lambda found: found if found["status"] == "sent" else None)(
        system.http.get(f"{STAFF_API}/outbox/{item['id']}", headers=staff).get_json()),
        message=f"the {kind} to show as sent")
    browser = system.app.test_client()
    browser.set_cookie(f"__Host-{STAFF_COOKIE}", staff_token)
    pages = [browser.get(path) for path in ("/staff/outbox", f"/staff/outbox/{item['id']}",
                                            f"/staff/outbox/{item['id']}/html")]
    assert [page.status_code for page in pages] == [200, 200, 200]
    return detail, [json.dumps(items, ensure_ascii=False), json.dumps(detail, ensure_ascii=False)] + [
        page.get_data(as_text=True) for page in pages]


def plain_values(url):
    """Every text and JSON value of every row of every table of the database at ``url``."""
    engine = sa.create_engine(url)
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                for row in connection.execute(sa.select(table)):
                    for value in row:
                        if isinstance(value, str):
                            yield value
                        elif isinstance(value, (dict, list)):
                            yield json.dumps(value)
    finally:
        engine.dispose()


def test_staff_see_sign_in_messages_with_their_secrets_hidden_and_no_database_keeps_them(system):
    tenant, credentials = system.new_tenant(slug=f"secrets-{uuid.uuid4().hex[:8]}")
    staff_token = system.staff_token(credentials)

    sent = send_every_sign_in_message(system, tenant, staff_token)

    assert [kind for kind, _, _ in sent] == ["invitation", "password_reset", "login_code", "email_change_code",
                                             "staff_password_reset"]
    for kind, address, secret in sent:
        detail, views = staff_views(system, staff_token, address, kind)
        assert HIDDEN[kind] in detail["text"], kind
        assert not [view for view in views if appears(secret, view)], f"the {kind} is shown to staff"
    for service in ("accounts", "notifications"):
        values = list(plain_values(system.databases.urls[service]))
        assert values, service
        for kind, _, secret in sent:
            assert not [value for value in values if appears(secret, value)], f"{service} keeps the {kind}"


def waiting_invitation(system, email):
    """The body of the invitation event to ``email`` waiting in notifications' queue (left in it)."""
    queue = Queue(subscriber_queue("accounts", PORTAL_INVITATION_ISSUED.name, "notifications"))
    with broker_connection(system.amqp_uri) as connection:
        def taken():
            message = queue(connection.channel()).get(no_ack=False)
            if message is None:
                return None
            message.requeue()
            return message.payload if message.payload["data"]["email"] == email else None
        return wait_for(taken, message="the invitation event in notifications' queue")


def test_an_event_waiting_on_the_bus_carries_its_link_sealed(system):
    tenant, _ = system.new_tenant(slug=f"bus-{uuid.uuid4().hex[:8]}")
    client = create_client(system, tenant)
    system.services["notifications"].stop()  # the event waits in its queue, as a retry or a dead letter would
    try:
        as_staff(system, tenant, "invite_clients", [client["id"]])
        body = waiting_invitation(system, client["email"])
    finally:
        system.services["notifications"].start()
        system.wait_until_up("notifications")

    token = open_secrets(system.secret_box, PORTAL_INVITATION_ISSUED, body, body["data"])["token"]
    assert token not in json.dumps(body)
    engine = sa.create_engine(system.databases.urls["accounts"])
    with engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(SignInToken).where(
            SignInToken.token_hash == hashlib.sha256(token.encode()).hexdigest())) == 1  # the real link's token
    engine.dispose()
    assert LINK_TOKEN.search(system.mail.wait_for_message(client["email"]).link("/invitation/")).group(1) == token
