"""A business for bench/home_page.py: signed-in clients, each with rows behind every Home panel."""
import secrets
from datetime import date, timedelta

from sqlalchemy import create_engine, select

from portico_testing import wait_for
from portico_testing.inprocess import operator, staff as staff_member, visitor
from shared.events import PORTAL_INVITATION_ISSUED
from shared.money import format_money
from shared.sealing import SecretBox, new_key, open_secrets

PASSWORD = "bench portal walnut lantern"
SECRETS_KEY = new_key()  # MESSAGE_SECRETS_KEYS of the run's accounts
SECRET_BOX = SecretBox(SECRETS_KEY)


def prepare(rpc, databases, passports, clients, invoices_each):
    """A business with ``clients`` signed-in portal users, each with their own account and a row for every panel:
    invoices (a third past due), a weekly job with upcoming visits, an open ticket, an announcement for everyone
    (the feed and the announcements panel). Returns the slug and one (session token, expected total due) per client.
    """
    from accounts.models import platform as accounts_tables

    slug = f"bench-{secrets.token_hex(3)}"
    tenant = rpc.call("accounts", "create_tenant", {"slug": slug, "display_name": "Bench Lawn Care", "owner": {
        "email": f"owner@{slug}.example", "name": "Olive Owner", "password": PASSWORD}},
        context=passports.context(operator()))
    staff = passports.context(staff_member(tenant["id"], tenant["owner"]["id"]))
    service = rpc.call("billing", "create_service", {"name": "Weekly mowing", "price": 4_000, "recurrence": "weekly"},
                       context=staff)
    category = rpc.call("tickets", "ticket_categories", context=staff)[0]["id"]
    engine = create_engine(databases.urls["accounts"])
    signed_in = []
    try:
        for number in range(clients):
            email = f"client{number}@{slug}.example"
            client = rpc.call("accounts", "create_client", {"name": f"Client {number:02d}", "email": email},
                              context=staff)
            rpc.call("accounts", "invite_clients", [client["id"]], context=staff)
            token = invitation_token(engine, accounts_tables.outbox, email)
            session = rpc.call("accounts", "accept_invitation", token, {"password": PASSWORD},
                               context=passports.context(visitor(tenant["id"])))
            total = invoices(rpc, staff, client["id"], number, invoices_each)
            rpc.call("billing", "create_job", {"account_id": client["id"], "service_id": service["id"], "schedule": {
                "start_on": (date.today() + timedelta(days=2)).isoformat()}}, context=staff)
            rpc.call("tickets", "open_ticket_for_client", {"account_id": client["id"], "category_id": category,
                                                           "body": "The side gate sticks."}, context=staff)
            signed_in.append((session["token"], format_money(total)))
    finally:
        engine.dispose()
    rpc.call("notifications", "create_announcement", {
        "title": "Spring schedule", "html": "<p>Mowing starts next week.</p>", "audience": "everyone",
        "starts_on": date.today().isoformat()}, context=staff)
    return slug, signed_in


def invoices(rpc, staff, account_id, number, count):
    """Issue ``count`` invoices to the account, a third past due; return their total."""
    total = 0
    for index in range(count):
        due = date.today() + timedelta(days=20 if index % 3 else -10 - index)
        amount = 2_500 + 137 * index + number
        rpc.call("billing", "create_invoice", {
            "account_id": account_id, "due_date": due.isoformat(), "issue_date": (due - timedelta(days=30))
            .isoformat(), "lines": [{"description": "Lawn care", "quantity": 1, "unit_price": amount}]},
            context=staff)
        total += amount
    return total


def invitation_token(engine, outbox, email):
    def find():
        with engine.connect() as connection:
            for body in connection.execute(select(outbox.c.body).where(
                    outbox.c.event_type == "portal_invitation_issued").order_by(outbox.c.id.desc())).scalars():
                if body["data"]["email"] == email:  # its token is sealed, as on the bus
                    return open_secrets(SECRET_BOX, PORTAL_INVITATION_ISSUED, body, body["data"])["token"]
    return wait_for(find, timeout=10, message=f"the invitation of {email}")
