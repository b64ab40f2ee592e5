"""The notifications service run as in production (``python -m shared.run``, eventlet, RabbitMQ): its SMTP
endpoint listens, takes a reply from a real SMTP client and relays one INBOUND_TICKET_MAIL, the token sealed."""
import os
import smtplib
from email.message import EmailMessage

import pytest
from sqlalchemy import create_engine, select

from notifications.models import platform
from portico_testing import Databases, ServiceProcess, Vhost, free_port, wait_for
from portico_testing.inprocess import opened_payload
from shared.passport import new_key
from shared.sealing import SecretBox, new_key as new_sealing_key

DOMAIN = "in.portal.example"
TOKEN = "tok-REPLY-0123456789abcdef"


@pytest.fixture
def service(tmp_path):
    vhost = Vhost().create()
    databases = Databases("sqlite", tmp_path, services=("notifications",))
    databases.migrate()
    port, key = free_port(), new_sealing_key()
    process = ServiceProcess("notifications", {
        **os.environ, "AMQP_URI": vhost.uri(), "NOTIFICATIONS_DATABASE_URL": databases.urls["notifications"],
        "PORTICO_VAR_DIR": str(tmp_path / "var"), "BLOB_STORE_URL": f"file://{tmp_path / 'blobs'}",
        "PASSPORT_PUBLIC_KEYS": new_key("test")[1], "MESSAGE_SECRETS_KEYS": key,
        "INBOUND_SMTP_HOST": "127.0.0.1", "INBOUND_SMTP_PORT": str(port), "INBOUND_MAIL_DOMAIN": DOMAIN}, tmp_path)
    process.start()
    try:
        yield port, create_engine(databases.urls["notifications"]), SecretBox(key), process
    finally:
        process.stop()
        vhost.delete()


def test_the_running_service_takes_a_reply_and_relays_its_event_once(service):
    port, engine, box, process = service

    def listening():
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
            return smtp.noop()[0] == 250
    wait_for(listening, timeout=60, message=f"the SMTP endpoint\n{process.log()}")
    message = EmailMessage()
    message["From"], message["To"] = "ann@client.example", f"reply+{TOKEN}@{DOMAIN}"
    message["Subject"], message["Message-ID"] = "Re: Gate code", "<p1@client.example>"
    message.set_content("See you Tuesday.\n\nOn Mon, Green Acres wrote:\n> old")
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as smtp:
        smtp.send_message(message)
        smtp.send_message(message)  # the same Message-ID again
        with pytest.raises(smtplib.SMTPRecipientsRefused):  # no business's support address: no slug
            smtp.sendmail("ann@client.example", [f"support@{DOMAIN}"], message.as_bytes())
        smtp.mail("ann@client.example")  # a business's support address passes RCPT (tickets decides at DATA)
        assert smtp.rcpt(f"support+green-acres@{DOMAIN}")[0] == 250
        smtp.rset()

    def relayed():
        with engine.connect() as connection:
            rows = connection.execute(select(platform.outbox)).all()
        return rows if rows and all(row.sent_at for row in rows) else None
    [row] = wait_for(relayed, timeout=30, message="the event relayed")
    assert TOKEN not in str(row.body)
    data = opened_payload(row.body, box)
    assert data["reply_token"] == TOKEN and data["text"] == "See you Tuesday."
    engine.dispose()
