"""A client's mail to a ticket's reply address becomes a client message, once per mail."""
from tickets.models import Ticket


def token_of(db, ticket_id):
    return db.get(Ticket, ticket_id).reply_token


def test_a_mail_to_the_reply_address_adds_a_client_message_once(business, db, mail):
    opened = business.open()
    event = mail(token_of(db, opened["id"]))
    business.system().handle_inbound_ticket_mail(event)
    again = mail(token_of(db, opened["id"]))  # the same mail delivered again, as another event
    business.system().handle_inbound_ticket_mail(again)
    messages = business.staff().get_ticket(opened["id"])["messages"]
    assert [(m["body"], m["via"]) for m in messages][1:] == [("Thanks, see the photo.", "email")]
    (_, added), = business.events("ticket_message_added")
    assert added["author_kind"] == "client" and added["reply_token"] is None


def test_a_mail_to_a_closed_ticket_reopens_it_with_its_files(business, db, mail, files):
    opened = business.open()
    business.staff().set_ticket_status(opened["id"], {"status": "closed"})
    good, bad = business.upload(files["photo"]()), business.upload(b"MZ not a photo")
    business.system().handle_inbound_ticket_mail(mail(token_of(db, opened["id"]), attachments=[
        {"blob_id": good, "filename": "lawn.jpg"}, {"blob_id": bad, "filename": "virus.jpg"}]))
    ticket = business.staff().get_ticket(opened["id"])
    assert ticket["status"] == "open"
    assert [f["filename"] for f in ticket["messages"][-1]["attachments"]] == ["lawn.jpg"]


def test_a_mail_with_an_unknown_token_adds_nothing(business, db, mail, caplog):
    opened = business.open()
    business.system().handle_inbound_ticket_mail(mail("not-a-token-of-ours"))
    assert len(business.staff().get_ticket(opened["id"])["messages"]) == 1
    assert "names no ticket" in caplog.text and "not-a-token" not in caplog.text


def test_a_mail_naming_another_business_adds_nothing(business, db, mail):
    opened = business.open()
    business.system().handle_inbound_ticket_mail(mail(token_of(db, opened["id"]), tenant_id=2))
    assert len(business.staff().get_ticket(opened["id"])["messages"]) == 1
