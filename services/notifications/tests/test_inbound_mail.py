"""Clients' emailed replies: a real SMTP client talks to the endpoint (aiosmtpd in its own thread), whose mails
the service's worker turns into one INBOUND_TICKET_MAIL each, the reply token sealed, attachments by blob id."""
import smtplib
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from notifications import inbound
from notifications.models import platform
from portico_testing.inprocess import opened_payload

DOMAIN = "in.portal.example"  # the endpoint fixture's (conftest.py)
TOKEN = "tok-REPLY-0123456789abcdef"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
REPLY = """Thanks, Tuesday works for us.

The gate code is 4411.

On Mon, 30 Nov 2026 at 09:12, Green Acres Lawn Care <no-reply@portal.example> wrote:
> — Reply above this line —
> We will use the side gate on Tuesday.
"""


def published(db):
    return [row.body for row in db.execute(select(platform.outbox).order_by(platform.outbox.c.id)).all()]


def reply(message_id="<r1@client.example>", text=REPLY, attach=(("gate.png", "image", "png", PNG),)):
    message = EmailMessage()
    message["From"] = "Ann Lee <ann@client.example>"
    message["To"] = f"reply+{TOKEN}@{DOMAIN}"
    message["Subject"] = "Re: Gate code [ticket #1007]"
    message["Message-ID"] = message_id
    message.set_content(text)
    for filename, maintype, subtype, data in attach:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def test_a_reply_becomes_one_event_with_the_new_text_a_blob_and_the_token_sealed(endpoint, notifications, db):
    outcome = endpoint.send(reply(attach=[("gate.png", "image", "png", PNG),
                                          ("run.exe", "application", "octet-stream", b"MZ" + b"\x00" * 10)]),
                            [f"reply+{TOKEN}@{DOMAIN}"])
    assert outcome == {"refused": {}}
    [body] = published(db)
    assert body["event_type"] == "inbound_ticket_mail" and body["tenant_id"] is None
    assert TOKEN not in str(body)  # sealed on the bus
    data = opened_payload(body)
    assert data["reply_token"] == TOKEN and data["from_address"] == "ann@client.example"
    assert data["mail_id"] == "<r1@client.example>"
    assert data["text"].startswith("Thanks, Tuesday works for us.\n\nThe gate code is 4411.")
    assert "side gate" not in data["text"] and "wrote:" not in data["text"]
    assert '"run.exe" was not kept' in data["text"]
    [attachment] = data["attachments"]
    assert attachment["filename"] == "gate.png" and attachment["content_type"] == "image/png"
    assert notifications.blobs.get(attachment["blob_id"]).data == PNG


def test_a_mail_sent_again_with_the_same_message_id_is_published_once(endpoint, db):
    for _ in range(2):
        assert endpoint.send(reply(), [f"reply+{TOKEN}@{DOMAIN}"]) == {"refused": {}}
    assert len(published(db)) == 1


def test_any_other_recipient_is_refused_at_rcpt(endpoint, db):
    for address in ("support@" + DOMAIN, f"reply+{TOKEN}@elsewhere.example", "reply+short@" + DOMAIN,
                    "support+green-acres@elsewhere.example", "support+-not-a-slug@" + DOMAIN, "help+acme@" + DOMAIN):
        outcome = endpoint.send(reply(message_id=f"<{address}>"), [address])
        assert outcome["error"].recipients[address][0] == 550
    assert published(db) == []


def test_a_mail_over_the_size_cap_is_refused(endpoint, db):
    big = reply(attach=[("big.pdf", "application", "pdf", b"%PDF-" + b"0" * 300_000)])
    outcome = endpoint.send(big, [f"reply+{TOKEN}@{DOMAIN}"])
    assert isinstance(outcome["error"], smtplib.SMTPException)
    assert published(db) == []


@pytest.mark.parametrize("text, expected", [
    ("Yes.\n\n-- \nAnn\n\nOn Tue, Dec 1, 2026 at 9:00 AM Green Acres\n<no-reply@x.example> wrote:\n> old", "Yes.\n\n-- \nAnn"),
    ("Fine by me\n> quoted\nmore", "Fine by me"),
    ("Top\n— Reply above this line —\nGreen Acres replied", "Top"),
    ("Sure\n-----Original Message-----\nFrom: x", "Sure"),
    ("On my way, no quote here.", "On my way, no quote here."),
    ("> only a quote", "> only a quote"),
])
def test_the_new_text_is_what_stands_above_the_quoted_history(text, expected):
    assert inbound.new_text(text) == expected


def test_only_reply_addresses_of_the_domain_carry_a_token():
    assert inbound.reply_token(f"<reply+{TOKEN}@IN.portal.example>", DOMAIN) == TOKEN
    assert inbound.reply_token(f"reply+{TOKEN}@{DOMAIN}.evil.example", DOMAIN) is None
    assert inbound.reply_token(f"reply+{TOKEN}@{DOMAIN}", None) is None


def raw_mail(*headers, body="Content-Type: text/plain\n\nHello"):
    return ("\n".join(["From: Ann <ann@client.example>", *headers]) + "\n" + body).encode()


def test_an_html_only_mail_is_read_as_text_and_a_mail_without_message_id_is_named_by_its_bytes():
    raw = raw_mail(body="Content-Type: text/html\n\n<p>Yes <b>please</b></p><blockquote>old</blockquote>")
    mail = inbound.parse(raw, TOKEN)
    assert mail.text == "Yes please" and mail.from_address == "ann@client.example"
    assert mail.mail_id.startswith("sha256:") and inbound.parse(raw, TOKEN).mail_id == mail.mail_id


def test_an_attachment_whose_bytes_are_not_its_type_is_dropped_with_a_note():
    message = reply(attach=[("photo.png", "image", "png", b"<svg onload=alert(1)>")])
    mail = inbound.parse(message.as_bytes(), TOKEN)
    assert mail.attachments == [] and '"photo.png" was not kept' in mail.text
