"""Staff see clients by name: tickets asks accounts (as the caller), keeps the answer and names it in its events."""
import pytest

from shared.errors import InvalidInput
from tickets.models import Ticket

ACCOUNT, STAFF_ID = 42, 7


def test_a_clients_ticket_names_the_account_in_every_event_asking_accounts_once(business, db, mail):
    opened = business.open()
    business.client().reply_to_my_ticket(opened["id"], {"body": "Any news?"})
    business.system().handle_inbound_ticket_mail(mail(db.get(Ticket, opened["id"]).reply_token))
    events = business.events()
    assert [kind for kind, _ in events] == ["ticket_opened", "ticket_message_added", "ticket_message_added"]
    assert {data["client_name"] for _, data in events} == {f"Client {ACCOUNT}"}
    assert business.accounts.names_asked == 1  # remembered on the ticket


def test_without_accounts_a_ticket_is_still_opened_and_named_later(business):
    business.accounts.names_down = True
    opened = business.open()
    (_, data), = business.events("ticket_opened")
    assert data["client_name"] is None and business.staff().get_ticket(opened["id"])["status"] == "open"
    business.accounts.names_down = False
    business.client().reply_to_my_ticket(opened["id"], {"body": "Hello?"})
    (_, reply), = business.events("ticket_message_added")
    assert reply["client_name"] == f"Client {ACCOUNT}"


def test_a_name_a_caller_sends_is_never_taken(business):
    for call in (lambda: business.open(client_name="Mallory"),
                 lambda: business.client().start_my_chat_thread({"subject": "Gate", "body": "Hi", "client_name": "M"})):
        with pytest.raises(InvalidInput):
            call()
    business.client().start_my_chat_thread({"subject": "Gate", "body": "Hi"})
    (_, chat), = business.events("chat_message_added")
    assert chat["client_name"] == f"Client {ACCOUNT}" and chat["author_kind"] == "client"


def test_uploads_name_the_person_and_shares_the_staff_member(documents):
    documents.settings(done_uploading_button=True)
    shared = documents.share()
    assert shared["uploaded_by"]["name"] == f"Staff {STAFF_ID}"
    state = documents.client(rights="pay").done_uploading()["done_uploading"]
    assert state["portal_user_name"] == "Ann Client"
    (_, done), = documents.events("done_uploading")
    assert (done["client_name"], done["portal_user_name"]) == (f"Client {ACCOUNT}", "Ann Client")
