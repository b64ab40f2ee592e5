"""Tickets' audit facts: tickets, replies, chat and documents of an account, by the client or the staff, naming the
ticket, thread or file and never copying a message's text."""
from portico_testing.documents import PDF

ACCOUNT = 42


def facts(business):
    return [(data["action"], data["summary"], data["actor"]["kind"]) for _, data in business.events("audit_fact")]


def test_a_clients_ticket_and_reply_and_the_staffs_reply_are_facts(business):
    ticket = business.open("The gate was left open.\nPlease close it next time.")
    business.client().reply_to_my_ticket(ticket["id"], {"body": "Any news?"})
    business.staff().reply_to_ticket(ticket["id"], {"body": "Closed it this morning."})
    assert facts(business) == [
        ("ticket_opened", "Opened ticket #1: The gate was left open.", "client"),
        ("ticket_replied", "Replied on ticket #1: The gate was left open.", "client"),
        ("staff_ticket_replied", "Replied on ticket #1: The gate was left open.", "staff")]
    [(_, first)] = business.events("audit_fact")[:1]
    assert first["account_id"] == ACCOUNT and first["link"] == f"/staff/tickets/{ticket['id']}"
    assert "Any news" not in str(business.events("audit_fact"))


def test_chat_threads_and_messages_are_facts(business):
    business.settings(allow_new_chat_threads=True)
    started = business.client().start_my_chat_thread({"subject": "Hedges", "body": "Can you trim them?"})
    business.client().reply_my_chat_thread(started["thread"]["id"], {"body": "Both sides please."})
    assert facts(business) == [("chat_thread_started", 'Started the chat "Hedges"', "client"),
                               ("chat_message_sent", 'Wrote in the chat "Hedges"', "client")]


def test_uploads_done_uploading_and_shared_documents_are_facts(documents):
    documents.settings(done_uploading_button=True)
    documents.client().upload_my_document({"upload_id": documents.upload(PDF), "title": "W-2", "filename": "w2.pdf"})
    documents.client().done_uploading()
    shared = documents.share(filename="letter.pdf")
    documents.staff().delete_document(shared["id"])
    assert facts(documents) == [("document_uploaded", "Uploaded W-2 (w2.pdf)", "client"),
                                ("upload_done", "Said they are done uploading", "client"),
                                ("document_shared", "Shared Engagement letter (letter.pdf)", "staff"),
                                ("document_deleted", "Deleted Engagement letter (letter.pdf)", "staff")]


def test_staff_assigning_a_ticket_and_changing_its_status_are_facts_with_before_and_after(business):
    ticket = business.open("The gate was left open.")
    staff = business.staff()
    staff.set_ticket_status(ticket["id"], {"status": "pending"})
    staff.set_ticket_status(ticket["id"], {"status": "pending"})  # no change: no fact
    changes = [(data["action"], data["changes"]) for _, data in business.events("audit_fact")][1:]
    assert changes == [("ticket_status_set", {"status": ["open", "pending"]})]
