"""Demo announcements and notifications (scripts/seed_demo.py calls ``seed_feed``): a live announcement for every
client and one for Jordan's account only; Jordan's feed then holds them beside the items that arose from the demo's
earlier events (the mowing payment's receipt, a refund, staff replies on tickets and in chat, shared documents, estimates),
the oldest few already read."""
import time
from datetime import date, timedelta

WAIT_SECONDS = 15  # notifications handles the earlier events on its own queues


def seed_feed(client, staff, jordan_id, jordan_client):
    today = date.today()
    client.call("notifications", "create_announcement", {
        "title": "Holiday hours",
        "html": "<p>Our office is closed from <strong>December 24</strong> to <strong>January 2</strong>. "
                "Scheduled visits go ahead as planned; for anything urgent, open a ticket.</p>",
        "audience": "everyone", "starts_on": (today - timedelta(days=2)).isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat()}, context=staff)
    client.call("notifications", "create_announcement", {
        "title": "New gate code for the crew",
        "html": "<p>Thanks for the new side-gate code, Jordan. The crew has it from the next visit on; you do not "
                "need to leave the gate open any more.</p>",
        "audience": "accounts", "account_ids": [jordan_id], "starts_on": today.isoformat()}, context=staff)
    deadline = time.monotonic() + WAIT_SECONDS
    items = []
    while time.monotonic() < deadline:
        items = client.call("notifications", "my_feed", 50, context=jordan_client)["items"]
        if any(item["kind"] == "receipt" for item in items):
            break
        time.sleep(0.5)
    older = [item["id"] for item in items if item["kind"] not in ("announcement", "estimate")][2:]
    if older:
        client.call("notifications", "mark_feed_read", older, context=jordan_client)
