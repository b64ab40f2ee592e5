"""Money the processor took back or a client disputed (billing/reversals.py, stripe_events.py): staff chosen for it
are alerted with what is owed again, and the client is emailed whatever their receipt choices, as of a method the
processor took off file; refunds reach the client's feed."""
import pytest

from shared.events import (ACCOUNT_SAVED, PAYMENT_DISPUTED, PAYMENT_METHOD_REMOVED, PAYMENT_REFUNDED,
                           PAYMENT_RETURNED, TENANT_PROFILE_UPDATED)

OWNER = 1
PROCESSOR = {"kind": "processor", "id": None}


@pytest.fixture(autouse=True)
def business(notifications):
    notifications.deliver(TENANT_PROFILE_UPDATED, {"tenant_id": 1, "slug": "green", "display_name": "Green Acres",
                                                   "contact_email": "office@green.example"})
    notifications.deliver(ACCOUNT_SAVED, {"account_id": 7, "name": "Jordan Rivera",
                                          "contact_email": "jordan@client.example", "mobile_phone": None})
    notifications.staff().update_settings("alerts", {"payment_returned": [OWNER], "payment_disputed": [OWNER]})


def returned(**fields):
    return {"payment_id": 31, "account_id": 7, "amount": 6_500, "method_kind": "ach",
            "method_label": "Bank account ending 6789", "reason": "bank_returned", "detail": "The account is closed.",
            "invoices": [{"invoice_id": 55, "number": 1001, "reopened": 6_500}], "actor": PROCESSOR, **fields}


def alerts(notifications):
    return [(alert["action"], alert["text"], alert["link"]) for alert in notifications.staff(OWNER).list_my_alerts()]


def test_a_returned_payment_alerts_staff_and_emails_the_client_that_the_invoice_is_due_again(notifications):
    notifications.deliver(PAYMENT_RETURNED, returned())
    assert alerts(notifications) == [("payment_returned", "The bank returned a payment of $65.00 by Jordan Rivera "
                                      "with Bank account ending 6789. Invoice #1001 is open again. The account is "
                                      "closed.", "/staff/invoices/55")]
    [email] = notifications.messages()
    assert (email["kind"], email["to"], email["subject"]) == (
        "payment_returned", "jordan@client.example", "Your payment to Green Acres was returned")
    assert "Your bank returned your payment of $65.00 with Bank account ending 6789." in email["text"]
    assert "Invoice #1001 is due again." in email["text"]


def test_a_dispute_lost_says_so_to_both(notifications):
    notifications.deliver(PAYMENT_RETURNED, returned(reason="dispute_lost", detail=None, invoices=[
        {"invoice_id": 55, "number": 1001, "reopened": 4_000}, {"invoice_id": 56, "number": 1002, "reopened": 2_500}]))
    [(_, text, link)] = alerts(notifications)
    assert text.startswith("A dispute took back a payment of $65.00 by Jordan Rivera") and link == "/staff/clients/7/billing"
    assert "Invoices #1001 and #1002 are open again." in text
    [email] = notifications.messages()
    assert "was taken back after a dispute with your bank" in email["text"]
    assert "Invoices #1001 and #1002 are due again." in email["text"]


@pytest.mark.parametrize("status, words", [
    ("opened", "Jordan Rivera disputed a payment of $40.00 with their bank. Answer it in the "
               "payment processor's dashboard by January 1, 2031."),
    ("won", "The dispute of $40.00 by Jordan Rivera was decided for you."),
    ("lost", "A dispute took back $40.00 of a payment by Jordan Rivera. The invoices were left "
             "as they were: adjust them by hand.")])
def test_a_dispute_alerts_staff_and_tells_the_client_nothing(notifications, status, words):
    notifications.deliver(PAYMENT_DISPUTED, {"payment_id": 31, "account_id": 7, "amount": 4_000, "status": status,
                                             "method_label": "Visa ending 4242", "reason": "fraudulent",
                                             "respond_by": "2031-01-01", "actor": PROCESSOR})
    assert alerts(notifications) == [("payment_disputed", words, "/staff/clients/7/billing")]
    assert notifications.messages() == []


@pytest.mark.parametrize("destination, title, body", [
    ("method", "Refund: $25.00", "Sent back to Visa ending 4242 for invoice #1001. It may take a few days to show."),
    ("credit", "Credit added: $25.00", "A refund on invoice #1001, kept as credit for your next invoices.")])
def test_a_refund_reaches_the_client_s_feed_once(notifications, destination, title, body):
    refund = {"refund_id": 3, "payment_id": 31, "account_id": 7, "amount": 2_500, "destination": destination,
              "invoice_id": 55, "invoice_number": 1001, "method_label": "Visa ending 4242", "reason": None,
              "actor": {"kind": "staff", "id": OWNER}}
    first = notifications.deliver(PAYMENT_REFUNDED, refund)
    notifications.deliver(PAYMENT_REFUNDED, refund, event_id=first["event_id"])
    [item] = notifications.client(account_id=7).my_feed(10)["items"]
    assert (item["kind"], item["title"], item["body"], item["link"]) == ("refund", title, body, "billing")


def test_a_method_the_processor_took_off_file_is_emailed_to_the_client_one_they_removed_is_not(notifications):
    removed = {"account_id": 7, "kind": "card", "label": "Visa ending 4242"}
    notifications.deliver(PAYMENT_METHOD_REMOVED, {**removed, "actor": {"kind": "client", "id": 3}})
    notifications.deliver(PAYMENT_METHOD_REMOVED, {**removed, "actor": PROCESSOR})
    [email] = notifications.messages()
    assert (email["to"], email["subject"]) == ("jordan@client.example", "Green Acres can no longer charge Visa "
                                                                        "ending 4242")
    assert "If autopay used it, autopay is now off." in email["text"]
