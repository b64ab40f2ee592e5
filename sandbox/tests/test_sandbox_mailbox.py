"""The development mailbox keeps what Portico sends while running locally and shows it on its own page."""
import smtplib
import threading
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from portico_testing import free_port
from sandbox_mailbox import store
from sandbox_mailbox.__main__ import Keeper
from sandbox_mailbox.app import create_app


@pytest.fixture
def mailbox(tmp_path):
    app = create_app(tmp_path / "mailbox")
    smtp = Controller(Keeper(app.extensions["mailbox"]), hostname="127.0.0.1", port=free_port())
    smtp.start()
    yield app.test_client(), smtp.port
    smtp.stop()


def send(port, html=None):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "portico@example.com", "jordan@example.com", "Your code"
    message.set_content("Your sign-in code is 123456.")
    if html:
        message.add_alternative(html, subtype="html")
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(message)


def test_an_email_sent_over_smtp_is_listed_and_readable(mailbox):
    client, port = mailbox
    send(port, "<p>Your sign-in code is <b>123456</b>.</p><script>alert(1)</script>")
    inbox = client.get("/").get_data(as_text=True)
    assert "jordan@example.com" in inbox and "Your code" in inbox
    item_id = client.application.extensions["mailbox"].items()[0].id
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert "Your sign-in code is 123456." in page and "<script>" not in page
    html = client.get(f"/items/{item_id}/html")
    assert "sandbox" in html.headers["Content-Security-Policy"] and "script-src" not in html.headers[
        "Content-Security-Policy"]


def test_a_text_message_arrives_over_http(mailbox):
    client, _ = mailbox
    assert client.post("/sms", json={"to": "+15550100199", "text": "Code 654321"}).status_code == 201
    assert "+15550100199" in client.get("/").get_data(as_text=True)
    assert client.post("/sms", json={"to": "", "text": "x"}).status_code == 400
    assert client.post("/sms", json={"to": "+1555", "text": "x" * 1601}).status_code == 400


def test_an_unknown_or_malformed_id_is_not_found(mailbox):
    client, _ = mailbox
    assert client.get("/items/../../etc/passwd").status_code == 404
    assert client.get("/items/0000000000000-deadbeef").status_code == 404


def test_scripts_read_what_arrived_as_json_newest_first_by_address(mailbox):
    client, port = mailbox
    send(port)
    client.post("/sms", json={"to": "+15550100199", "text": "Code 654321"})

    everything = client.get("/items.json").get_json()
    jordans = client.get("/items.json", query_string={"to": "Jordan@Example.com"}).get_json()

    assert sorted(item["kind"] for item in everything) == ["email", "sms"]
    assert [(item["to"], item["subject"], item["text"].strip()) for item in jordans] == [
        ("jordan@example.com", "Your code", "Your sign-in code is 123456.")]
    assert client.get("/items.json", query_string={"to": "nobody@example.com"}).get_json() == []


def test_the_sms_inbox_lists_texts_newest_first_on_its_page_and_as_json(mailbox):
    client, port = mailbox
    send(port)  # an email: not a text, so not in the SMS inbox
    client.post("/sms", json={"to": "+15550100199", "text": "Your sign-in code is 111111."})
    client.post("/sms", json={"to": "+15550100288", "text": "Your visit is tomorrow <b>9:00</b>."})
    client.post("/sms", json={"to": "+15550100199", "text": "Your sign-in code is 222222."})

    page = client.get("/sms").get_data(as_text=True)
    everything = client.get("/sms.json").get_json()
    ones = client.get("/sms.json?to=+15550100199").get_json()  # the "+" arrives as a space: digits compare

    assert "<h1>Development SMS inbox</h1>" in page and "&lt;b&gt;9:00&lt;/b&gt;" in page
    assert page.index("222222") < page.index("tomorrow") < page.index("111111")
    assert [item["text"] for item in everything] == [
        "Your sign-in code is 222222.", "Your visit is tomorrow <b>9:00</b>.", "Your sign-in code is 111111."]
    assert [(item["to"], item["text"]) for item in ones] == [
        ("+15550100199", "Your sign-in code is 222222."), ("+15550100199", "Your sign-in code is 111111.")]
    assert set(everything[0]) == {"id", "to", "text", "received_at"}
    assert client.get("/sms.json", query_string={"to": "+1 555 010 0288"}).get_json()[0]["to"] == "+15550100288"
    assert client.get("/sms.json", query_string={"to": "+15550100377"}).get_json() == []


def test_listing_while_new_texts_prune_the_oldest_never_fails(tmp_path, monkeypatch):
    # A charge run's receipts arrive by the hundred while a script reads the list (the container test).
    monkeypatch.setattr(store, "KEPT", 3)
    mailbox = store.MailboxStore(tmp_path)
    stop = threading.Event()

    def write():
        while not stop.is_set():
            mailbox.add_sms("+15550100", "Payment received")

    writers = [threading.Thread(target=write) for _ in range(2)]
    for writer in writers:
        writer.start()
    try:
        for _ in range(300):
            assert all(item.kind == "sms" for item in mailbox.items())
    finally:
        stop.set()
        for writer in writers:
            writer.join()
