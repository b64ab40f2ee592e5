"""Mail to a business's support address: a real SMTP client talks to the endpoint, the worker hands the mail to
tickets (played here, as tickets answers over RPC) by blob id, and the sending server is answered as tickets
decided: accepted, or refused for good with a message the sender can act on."""
import smtplib
from dataclasses import replace
from email.message import EmailMessage

import eventlet
import pytest
from sqlalchemy import select

from notifications import inbound, service, tenants
from notifications.models import platform
from portico_testing import inprocess
from shared.clock import utcnow
from shared.errors import PermissionDenied, ServiceUnavailable

DOMAIN = "in.portal.example"  # the endpoint fixture's (conftest.py)
ADDRESS = f"support+green-acres@{DOMAIN}"
PDF = b"%PDF-1.4\n" + b"0" * 64 + b"\n%%EOF"


class Tickets:
    """Plays tickets' ``open_ticket_from_mail``: Ann is a client of green-acres, Carl's business takes no
    tickets by email; each Message-ID opens once. It reads each file from the blob store as it is called."""

    def __init__(self, blobs):
        self.blobs, self.calls, self.seen, self.down, self.slow = blobs, [], set(), False, False

    def open_ticket_from_mail(self, mail):
        if self.down:
            raise ServiceUnavailable("tickets is not answering")
        if self.slow:
            eventlet.sleep(5)  # as a call waits on a reply that does not come
        self.calls.append({**mail, "files": [self.blobs.get(item["blob_id"]).data for item in mail["attachments"]]})
        if mail["slug"] != "green-acres":
            return {"outcome": "no_business"}
        outcome = {"ann@client.example": "opened", "carl@client.example": "not_taken"}.get(
            mail["from_address"], "unknown_sender")
        if outcome == "opened" and mail["mail_id"] in self.seen:
            return {"outcome": "duplicate"}
        self.seen.add(mail["mail_id"])
        return {"outcome": outcome, **({"ticket_id": 5} if outcome == "opened" else {})}


@pytest.fixture
def tickets(notifications, endpoint):
    notifications.tickets = Tickets(notifications.blobs)
    return notifications.tickets


def support_mail(sender="Ann Lee <ann@client.example>", message_id="<s1@client.example>", to=ADDRESS):
    message = EmailMessage()
    message["From"], message["To"] = sender, to
    message["Subject"], message["Message-ID"] = "Hedge trimming", message_id
    message.set_content("Could you also trim the hedge?\n\nOn Mon, Green Acres wrote:\n> old news")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="plan.pdf")
    return message


def stored_blobs(notifications):
    return sorted(notifications.blobs.root.rglob("b_*"))


def test_a_client_s_mail_is_handed_to_tickets_by_blob_id_and_accepted(endpoint, tickets, notifications, db):
    assert endpoint.send(support_mail(to="support+Green-Acres@IN.portal.example"),
                         ["support+Green-Acres@IN.portal.example"]) == {"refused": {}}
    [call] = tickets.calls
    assert (call["slug"], call["from_address"], call["subject"]) == ("green-acres", "ann@client.example",
                                                                     "Hedge trimming")
    assert call["text"] == "Could you also trim the hedge?" and call["mail_id"] == "<s1@client.example>"
    assert [item["filename"] for item in call["attachments"]] == ["plan.pdf"] and call["files"] == [PDF]
    assert stored_blobs(notifications) == []  # tickets keeps copies of its own: the uploads are deleted
    assert db.execute(select(platform.outbox)).all() == []  # no event: tickets decided before the answer


def test_the_same_mail_twice_is_accepted_twice_and_opens_once(endpoint, tickets):
    for _ in range(2):
        assert endpoint.send(support_mail(), [ADDRESS]) == {"refused": {}}
    assert len(tickets.calls) == 2 and tickets.seen == {"<s1@client.example>"}


@pytest.mark.parametrize("sender, to, code, words", [
    ("stranger@example.com", ADDRESS, 550, b"write from the address your account uses"),
    ("carl@client.example", ADDRESS, 550, b"does not take tickets by email"),
    ("ann@client.example", f"support+nobody@{DOMAIN}", 550, b"No such mailbox"),
])
def test_a_mail_tickets_does_not_take_is_refused_with_a_reason(endpoint, tickets, notifications, sender, to, code,
                                                              words):
    outcome = endpoint.send(support_mail(sender=sender, to=to), [to])
    error = outcome["error"]
    assert isinstance(error, smtplib.SMTPDataError) and error.smtp_code == code and words in error.smtp_error
    assert stored_blobs(notifications) == []


def test_while_tickets_cannot_answer_the_sender_is_told_to_try_later(endpoint, tickets, notifications):
    tickets.down = True
    error = endpoint.send(support_mail(), [ADDRESS])["error"]
    assert isinstance(error, smtplib.SMTPDataError) and error.smtp_code == 451
    assert stored_blobs(notifications) == []


def test_a_worker_waits_on_tickets_less_long_than_the_sender_and_answers_try_later(endpoint, tickets, monkeypatch):
    monkeypatch.setattr(service, "OUTCOME_TIMEOUT_SECONDS", 10.3)  # the worker gives up after 0.3 s
    tickets.slow = True
    error = endpoint.send(support_mail(), [ADDRESS])["error"]
    assert isinstance(error, smtplib.SMTPDataError) and error.smtp_code == 451


def test_support_addresses_are_read_from_the_recipient():
    assert inbound.recipient(f"<support+green-acres@{DOMAIN.upper()}>", DOMAIN) == {"support_slug": "green-acres"}
    assert inbound.recipient(f"support+green-acres@{DOMAIN}.evil.example", DOMAIN) is None
    assert inbound.recipient(f"support+{'a' * 41}@{DOMAIN}", DOMAIN) is None
    assert inbound.recipient("support+green-acres@x.example", None) is None


def test_staff_see_the_business_s_support_address(notifications):
    assert notifications.staff().support_address() == {"address": None}  # no profile from accounts yet
    tenants.save_branding(notifications.db, {"tenant_id": 1, "slug": "green-acres", "display_name": "Green Acres"},
                          utcnow())
    notifications.db.commit()
    assert notifications.staff().support_address() == {"address": None}  # no inbound mail domain
    notifications.settings = replace(notifications.settings, inbound_domain=DOMAIN)
    assert notifications.staff().support_address() == {"address": ADDRESS}
    with pytest.raises(PermissionDenied):
        notifications.called_by(inprocess.client(1, 1, 1)).support_address()
