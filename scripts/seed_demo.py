"""Seed the demo business over RPC (idempotent): ``python scripts/seed_demo.py``.

It goes through the same doors as people do: only creating the business takes an operator's
passport (signed with accounts' key, as an operator's tools are); then the owner signs in and creates
the clients and invoices, the invitation email (read from the development mailbox, as a client reads
their mail: the business's outbox shows the link hidden) gives the demo clients their passwords, and
the sandbox processor's hosted form endpoint turns a test card into a token.
"""
import importlib.util
import io
import json
import pathlib
import re
import secrets
import sys
import time
import urllib.parse
import urllib.request
from datetime import date, timedelta

from gateway.rpc import RpcClient
from shared.blobs import blob_store
from shared.config import amqp_uri, env
from shared.errors import NotFound
from shared.passport import Claims, PassportSigner


DEMO_SLUG = "demo"
DEMO_STAFF = {"email": "owner@greenacres.example", "name": "Gwen Green", "password": "green-acres-demo"}
DEMO_CLIENT = {"email": "jordan@example.com", "password": "lawn-and-order-2026"}
DEFAULT_MAILBOX_URL = "http://127.0.0.1:8025"
TEST_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": date.today().year + 3, "cvc": "123"}


def days(offset):
    return (date.today() + timedelta(days=offset)).isoformat()


def invitation_token(mailbox_url, email, timeout=20):
    """Read the newest invitation to ``email`` from the development mailbox, as the client would from their mail.

    Staff never see the link: the business's outbox shows it hidden (docs/security.md).
    """
    url = f"{mailbox_url.rstrip('/')}/items.json?{urllib.parse.urlencode({'to': email})}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                items = json.loads(response.read())
        except OSError:
            items = []  # the mailbox is still starting
        for item in items:
            found = re.search(r"/invitation/([A-Za-z0-9_-]+)", item["text"] or "")
            if found:
                return found.group(1)
        time.sleep(0.3)
    raise RuntimeError(f"no invitation to {email} arrived in the development mailbox at {mailbox_url} "
                       "(make up sends the demo's mail there unless SMTP_URL points elsewhere)")


def card_token():
    url = env("PAYMENT_PROCESSOR_URL", "http://127.0.0.1:8100") + "/v1/tokens"
    request = urllib.request.Request(url, data=json.dumps(TEST_CARD).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read())
    return {key: answer[key] for key in ("token", "kind", "brand", "last4", "exp_month", "exp_year")}


def part(name):
    """The seed module of one part of the demo (scripts/<name>.py), however this script itself was loaded."""
    spec = importlib.util.spec_from_file_location(name, pathlib.Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def invoice(client, staff, account_id, description, cents, due_in_days):
    return client.call("billing", "create_invoice", {
        "account_id": account_id, "due_date": days(due_in_days), "issue_date": days(min(0, due_in_days - 14)),
        "lines": [{"description": description, "quantity": 1, "unit_price": cents}]}, context=staff)


def accept(client, mailbox_url, visitor, email, password):
    """Accept the invitation sent to ``email`` with ``password``; return the new client's call context."""
    session = client.call("accounts", "accept_invitation", invitation_token(mailbox_url, email),
                          {"password": password}, context=visitor)
    return {"passport": client.call("accounts", "resolve_client_session", session["token"],
                                    context=visitor)["passport"]}


def seed(client, mailbox_url):
    """Create the demo business, its clients, portal users and invoices unless they exist."""
    try:
        return client.call("accounts", "find_tenant", DEMO_SLUG)
    except NotFound:
        pass
    operator = {"passport": PassportSigner(env("PASSPORT_PRIVATE_KEY")).issue(Claims(None, "operator"))}
    client.call("accounts", "create_tenant", {
        "slug": DEMO_SLUG, "display_name": "Green Acres Lawn Care",
        "contact_email": "hello@greenacres.example", "contact_phone": "+1 555 010 0199",
        "owner": DEMO_STAFF}, context=operator)
    tenant = client.call("accounts", "find_tenant", DEMO_SLUG)
    visitor = {"passport": tenant.pop("passport")}
    session = client.call("accounts", "sign_in_staff", {key: DEMO_STAFF[key] for key in ("email", "password")})
    resolved = client.call("accounts", "resolve_staff_session", session["token"])
    staff = {"passport": resolved["passport"]}
    client.call("accounts", "update_settings", "general", {
        "facebook_page": "greenacreslawn", "twitter_handle": "greenacres", "custom_fields_visible": ["gate_code"],
        "brand_colour": "#2e6b30",
        "welcome_message": "Welcome to Green Acres! Pay your bills, follow your visits and write to us here."},
        context=staff)
    client.call("accounts", "create_custom_field", {"key": "gate_code", "label": "Gate code", "type": "text"},
                context=staff)
    client.call("billing", "update_settings", "billing", {
        "autopay_enabled": True, "prepayments_enabled": True, "allow_partial_payments": True,
        "card_max_payment": 50000}, context=staff)
    # The owner hears of clients' new tickets and replies (the Alerts tab).
    client.call("notifications", "update_settings", "alerts", {
        "ticket_opened": [resolved["user"]["id"]], "ticket_replied": [resolved["user"]["id"]]}, context=staff)
    part("seed_alerts").seed_alerts(client, staff, resolved["user"]["id"])

    jordan = client.call("accounts", "create_client", {
        "name": "Jordan Rivera", "email": DEMO_CLIENT["email"], "address": "12 Birch Lane"}, context=staff)
    lake = client.call("accounts", "create_client", {
        "name": "Rivera - Lake House", "address": "4 Shore Road", "parent_id": jordan["id"]}, context=staff)
    sam = client.call("accounts", "create_client", {"name": "Sam Patel", "email": "sam@example.com"}, context=staff)
    hoa = client.call("accounts", "create_client", {"name": "Maple Street HOA", "email": "board@maplehoa.example"},
                      context=staff)

    welcome_document(client, staff)  # before the invitations: Jordan and Sam find it in Documents
    client.call("accounts", "invite_clients", [jordan["id"], sam["id"]], context=staff)
    jordan_client = accept(client, mailbox_url, visitor, DEMO_CLIENT["email"], DEMO_CLIENT["password"])
    sam_client = accept(client, mailbox_url, visitor, "sam@example.com", secrets.token_urlsafe(16))

    invoice(client, staff, jordan["id"], "Spring aeration", 8500, -20)
    invoice(client, staff, jordan["id"], "Weekly mowing, October", 16000, -5)
    invoice(client, staff, jordan["id"], "Leaf clean-up", 12500, 14)
    invoice(client, staff, lake["id"], "Dock-side trimming", 6000, -3)
    method = client.call("billing", "add_payment_method", card_token(), context=sam_client)
    client.call("billing", "enroll_autopay", method["id"], True, context=sam_client)
    for description, cents in (("Weekly mowing, week 44", 4500), ("Weekly mowing, week 45", 4500)):
        invoice(client, staff, sam["id"], description, cents, 7)
    seed_tickets(client, staff, jordan_client)
    staff_opened_ticket(client, staff, jordan["id"])
    visit_notes(client, staff, jordan["id"])
    seed_chat(client, staff, jordan_client, jordan["id"])
    documents(client, staff, jordan["id"], jordan_client)
    accounts = {"jordan": jordan["id"], "lake": lake["id"], "sam": sam["id"], "hoa": hoa["id"]}
    part("seed_jobs").seed_jobs(client, staff, jordan_client, accounts, card_token)
    part("seed_estimates").seed_estimates(client, staff, jordan["id"], jordan_client)
    part("seed_requests").seed_requests(client, staff, jordan_client, jordan["id"], resolved["user"]["id"])
    part("seed_sms").seed_sms(client, visitor, jordan_client, DEMO_CLIENT["email"])
    part("seed_audit").seed_audit(client, staff, visitor, jordan_client, DEMO_CLIENT["email"], DEMO_CLIENT["password"],
                                  resolved["user"]["id"], card_token)
    part("seed_refunds").seed_refunds(client, staff, jordan["id"], jordan_client, invoice, card_token)
    part("seed_feed").seed_feed(client, staff, jordan["id"], jordan_client)
    part("seed_messages").seed_messages(client, staff, jordan_client)
    part("seed_languages").seed_languages(client, staff, accept, invoice, mailbox_url, visitor)
    return tenant


def seed_chat(client, staff, jordan_client, jordan_id):
    """A chat thread the business started with Jordan, a few messages each way, the last one unread by Jordan;
    and one Jordan started that the business has not read yet."""
    thread = client.call("tickets", "start_chat_thread", {
        "account_id": jordan_id, "subject": "Spring aeration visit",
        "body": "Hi Jordan, we would like to aerate the front lawn next week. Does Tuesday morning suit you?"},
        context=staff)["thread"]
    client.call("tickets", "get_my_chat_thread", thread["id"], context=jordan_client)
    client.call("tickets", "reply_my_chat_thread", thread["id"], {
        "body": "Tuesday works. The side gate will be open; please mind the new flower bed by the fence."},
        context=jordan_client)
    client.call("tickets", "reply_chat_thread", thread["id"], {
        "body": "Thanks! We will keep clear of the flower bed.\nThe crew should arrive around 9."}, context=staff)
    client.call("tickets", "start_my_chat_thread", {
        "subject": "Lake House dock", "body": "Could you also look at the hedge by the dock at the Lake House?"},
        context=jordan_client)


def demo_photo():
    """A small JPEG, as a client's phone would send (the tickets service re-encodes it)."""
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (320, 240), (96, 160, 72))
    ImageDraw.Draw(image).rectangle((40, 150, 280, 200), fill=(120, 84, 50))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=80)
    return output.getvalue()


def seed_tickets(client, staff, jordan):
    """Categories and Jordan's tickets in each state: open with a photo and a reply, pending, on hold, closed."""
    # A category the Tickets tab offers clients is created with the three every business starts with.
    client.call("tickets", "update_settings", "tickets", {"ticket_categories": ["General", "Reschedule", "Lawn care"]},
                context=staff)
    options = client.call("tickets", "my_ticket_options", context=jordan)
    category = {row["name"]: row["id"] for row in options["categories"]}
    store = blob_store()
    upload = store.put(demo_photo(), "application/octet-stream")
    try:
        gate = client.call("tickets", "open_my_ticket", {
            "category_id": category["Lawn care"], "body": "There is a bare patch by the side gate after the last "
            "mowing. Photo attached.", "attachments": [{"blob_id": upload, "filename": "side-gate.jpg"}]},
            context=jordan)
    finally:
        store.delete(upload)
    client.call("tickets", "reply_to_ticket", gate["id"], {
        "body": "Thanks Jordan, we will reseed it on Thursday's visit."}, context=staff)
    stories = [("Reschedule", "Could next week's visit move to Friday?", "pending"),
               ("General", "Please leave the side gate latched, the dog gets out.", "on_hold"),
               ("General", "Is leaf clean-up included in the autumn plan?", "closed")]
    for name, body, status in stories:
        ticket = client.call("tickets", "open_my_ticket", {"category_id": category[name], "body": body}, context=jordan)
        client.call("tickets", "reply_to_ticket", ticket["id"], {"body": "Thanks, noted."}, context=staff)
        client.call("tickets", "set_ticket_status", ticket["id"], {"status": status}, context=staff)


def staff_opened_ticket(client, staff, account_id):
    """A category kept for staff (hidden from clients) and a ticket staff opened under it for Jordan."""
    hidden = client.call("tickets", "create_ticket_category", {"name": "Warranty claim", "hidden": True},
                         context=staff)
    client.call("tickets", "open_ticket_for_client", {
        "account_id": account_id, "category_id": hidden["id"], "subject": "Sprinkler head replaced under warranty",
        "body": "As agreed on the phone: we replace the broken sprinkler head by the drive at no charge."},
        context=staff)
def visit_notes(client, staff, account_id, weeks=26):
    """A season of closed visit-note tickets, so Jordan's closed tickets and the staff inbox's closed view page."""
    general = next(row["id"] for row in client.call("tickets", "ticket_categories", context=staff)
                   if row["name"] == "General")
    for week in range(1, weeks + 1):
        ticket = client.call("tickets", "open_ticket_for_client", {
            "account_id": account_id, "category_id": general, "subject": f"Visit notes, week {week}",
            "body": f"Week {week}: mowed, edged and blew the paths clear."}, context=staff)
        client.call("tickets", "set_ticket_status", ticket["id"], {"status": "closed"}, context=staff)


def demo_pdf(text):
    """A one-page PDF showing ``text``."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return body + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def welcome_document(client, staff):
    """The invitation email's welcome document, which each new client finds in Documents."""
    client.call("tickets", "attach_invitation_document", {
        "upload_id": blob_store().put(demo_pdf("Welcome to Green Acres"), "application/octet-stream"),
        "title": "Welcome to Green Acres", "filename": "welcome-to-green-acres.pdf"}, context=staff)


def documents(client, staff, account_id, client_context):
    """Documents shared with Jordan, one Jordan sent back, and the Done uploading button on."""
    store = blob_store()
    client.call("tickets", "update_settings", "tickets", {"done_uploading_button": True,
                                                          "done_uploading_checkbox": True}, context=staff)
    for title, folder in (("Service agreement 2026", "Contracts"), ("Lawn care guide", None),
                          ("Irrigation checklist", "Checklists")):
        client.call("tickets", "share_document", account_id, {
            "upload_id": store.put(demo_pdf(title), "application/octet-stream"), "title": title, "folder": folder,
            "filename": f"{title.lower().replace(' ', '-')}.pdf"}, context=staff)
    client.call("tickets", "upload_my_document", {
        "upload_id": store.put(demo_pdf("Gate code and access notes"), "application/octet-stream"),
        "title": "Access notes", "filename": "access-notes.pdf"}, context=client_context)


def logins():
    spanish = part("seed_languages").SPANISH_CLIENT
    return [("Staff (owner)", DEMO_STAFF["email"], DEMO_STAFF["password"]),
            ("Client (portal)", DEMO_CLIENT["email"], DEMO_CLIENT["password"]),
            ("Client (Español)", spanish["email"], spanish["password"])]


def seed_over_broker(broker_uri=None, mailbox_url=None):
    """Seed through a client of its own at ``broker_uri`` (default AMQP_URI); return the demo tenant.

    The demo clients' invitations are read from the development mailbox at ``mailbox_url`` (default
    MAILBOX_URL, else the one make up runs).
    """
    client = RpcClient(broker_uri or amqp_uri(), timeout=15)
    try:
        return seed(client, mailbox_url or env("MAILBOX_URL", DEFAULT_MAILBOX_URL))
    finally:
        client.close()


def main():
    tenant = seed_over_broker()
    print(f"demo business: {tenant['display_name']} (/p/{tenant['slug']}/)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
