"""Staff alerts from billing's events: only the staff the Alerts tab names, once per event, read one by one."""
import pytest

from portico_testing import inprocess
from shared.errors import InvalidInput, NotFound, PermissionDenied
from shared.events import (ACCOUNT_SAVED, AUTOPAY_CANCELLED, AUTOPAY_ENROLLED, PAYMENT_FAILED,
                           PAYMENT_METHOD_REMOVED, PAYMENT_SUCCEEDED, PREPAYMENT_MADE, STAFF_USER_SAVED)

OWNER, COLLEAGUE = 1, 2


def payment(**fields):
    return {"payment_id": 31, "account_id": 7, "kind": "payment", "source": "portal", "amount": 17_345,
            "method_kind": "card", "method_label": "Visa ending 4242",
            "invoices": [{"number": 1001, "applied": 12_345}, {"number": 1002, "applied": 5_000}],
            "receipt_to": None, "actor": {"kind": "client", "id": 3}, **fields}


def texts(notifications, staff_id):
    return [(alert["action"], alert["text"]) for alert in notifications.staff(staff_id).list_my_alerts()]


@pytest.fixture
def named(notifications):
    """Accounts told notifications the client's and a staff member's names."""
    notifications.deliver(ACCOUNT_SAVED, {"account_id": 7, "name": "Jordan Rivera",
                                          "contact_email": "jordan@client.example", "mobile_phone": None})
    notifications.deliver(STAFF_USER_SAVED, {"staff_user_id": 4, "name": "Sam Staff", "email": "sam@biz.example"})


@pytest.fixture
def chosen(notifications):
    """An Alerts tab that names the owner for payments and the colleague for everything else used here."""
    notifications.staff().update_settings("alerts", {
        "payment_made": [OWNER], "prepayment_made": [OWNER], "payment_failed": [COLLEAGUE],
        "autopay_enrolled": [COLLEAGUE], "autopay_cancelled": [COLLEAGUE],
        "card_removed": [OWNER, COLLEAGUE], "bank_account_removed": [COLLEAGUE]})


def test_a_payment_alerts_only_the_staff_chosen_for_it(notifications, chosen, named):
    notifications.deliver(PAYMENT_SUCCEEDED, payment())
    assert texts(notifications, OWNER) == [
        ("payment_made", "Jordan Rivera paid $173.45 with Visa ending 4242 for invoices #1001 and #1002.")]
    assert notifications.staff(OWNER).list_my_alerts()[0]["link"] == "/staff/clients/7/billing"
    assert texts(notifications, COLLEAGUE) == []


def test_before_accounts_named_the_client_the_alert_names_the_account(notifications, chosen):
    notifications.deliver(PAYMENT_SUCCEEDED, payment())
    assert texts(notifications, OWNER) == [
        ("payment_made", "Account 7 paid $173.45 with Visa ending 4242 for invoices #1001 and #1002.")]


def test_a_payment_of_one_invoice_links_to_that_invoice(notifications, chosen):
    notifications.deliver(PAYMENT_SUCCEEDED, payment(invoices=[{"invoice_id": 55, "number": 1001, "applied": 100}]))
    assert notifications.staff(OWNER).list_my_alerts()[0]["link"] == "/staff/invoices/55"


def test_nobody_is_alerted_for_an_action_the_tab_names_no_one_for(notifications):
    notifications.deliver(PAYMENT_SUCCEEDED, payment())
    assert texts(notifications, OWNER) == texts(notifications, COLLEAGUE) == []


def test_an_event_delivered_again_alerts_once(notifications, chosen):
    first = notifications.deliver(AUTOPAY_ENROLLED, {"account_id": 7, "scope": "new_jobs"})
    notifications.deliver(AUTOPAY_ENROLLED, {"account_id": 7, "scope": "new_jobs"}, event_id=first["event_id"])
    assert texts(notifications, COLLEAGUE) == [("autopay_enrolled", "Account 7 turned on autopay (new jobs only).")]


def test_each_billing_event_is_worded_for_the_staff(notifications, chosen, named):
    notifications.deliver(PAYMENT_FAILED, payment(source="autopay", message="Card declined"))
    notifications.deliver(PREPAYMENT_MADE, payment(kind="prepayment", amount=20_000, invoices=[],
                                                   actor={"kind": "staff", "id": 4}))
    notifications.deliver(AUTOPAY_CANCELLED, {"account_id": 7, "scope": "all_scheduled_jobs",
                                              "actor": {"kind": "staff", "id": 4}})
    notifications.deliver(PAYMENT_METHOD_REMOVED, {"account_id": 7, "kind": "ach", "label": "Checking ending 6789"})
    notifications.deliver(PAYMENT_METHOD_REMOVED, {"account_id": 7, "kind": "card", "label": "Visa ending 4242",
                                                   "actor": {"kind": "staff", "id": None}})
    assert texts(notifications, OWNER) == [
        ("card_removed", "Jordan Rivera removed a card on file: Visa ending 4242 (done by staff)."),
        ("prepayment_made", "Jordan Rivera made a prepayment of $200.00 with Visa ending 4242 "
                            "(done by Sam Staff).")]
    assert texts(notifications, COLLEAGUE) == [
        ("card_removed", "Jordan Rivera removed a card on file: Visa ending 4242 (done by staff)."),
        ("bank_account_removed", "Jordan Rivera removed a bank account on file: Checking ending 6789."),
        ("autopay_cancelled", "Sam Staff turned off autopay for Jordan Rivera (all scheduled jobs)."),
        ("payment_failed", "Autopay could not charge Jordan Rivera $173.45 with Visa ending 4242. Nothing was "
                           "charged. Reason: Card declined.")]
    assert {alert["link"] for alert in notifications.staff(COLLEAGUE).list_my_alerts()} == {
        "/staff/clients/7/billing"}


def test_alerts_are_read_by_their_own_staff_member_only(notifications, chosen):
    notifications.deliver(PAYMENT_SUCCEEDED, payment())
    notifications.deliver(PAYMENT_SUCCEEDED, payment(payment_id=32, invoices=[]))
    owner, colleague = notifications.staff(OWNER), notifications.staff(COLLEAGUE)
    newer, older = owner.list_my_alerts()
    assert newer["id"] > older["id"] and owner.count_my_unread_alerts() == 2
    with pytest.raises(NotFound):
        colleague.mark_alerts_read([older["id"]])
    with pytest.raises(NotFound):
        owner.mark_alerts_read([older["id"], 999_999])
    assert owner.count_my_unread_alerts() == 2
    assert owner.mark_alerts_read([older["id"]]) == {"marked": 1, "unread": 1}
    assert owner.mark_alerts_read([older["id"]]) == {"marked": 0, "unread": 1}
    assert [alert["id"] for alert in owner.list_my_alerts(unread_only=True)] == [newer["id"]]
    assert owner.list_my_alerts(limit=1) == [newer]


def test_alerts_belong_to_their_tenant(notifications, chosen):
    notifications.deliver(PAYMENT_SUCCEEDED, payment(), tenant_id=2)
    assert texts(notifications, OWNER) == []


def test_only_a_signed_in_staff_member_has_alerts(notifications):
    for caller in (notifications.client(), notifications.called_by(inprocess.visitor(1))):
        for method, args in (("list_my_alerts", ()), ("count_my_unread_alerts", ()), ("mark_alerts_read", ([1],))):
            with pytest.raises(PermissionDenied):
                getattr(caller, method)(*args)


@pytest.mark.parametrize("method, args", [
    ("list_my_alerts", {"limit": 0}), ("list_my_alerts", {"limit": 201}), ("list_my_alerts", {"unread_only": 1}),
    ("mark_alerts_read", {"alert_ids": ["one"]}), ("mark_alerts_read", {"alert_ids": "all"}),
])
def test_bad_alert_arguments_are_refused(notifications, method, args):
    with pytest.raises(InvalidInput):
        getattr(notifications.staff(), method)(**args)


def test_the_alerts_tab_takes_only_lists_of_staff_ids(notifications):
    for changes in ({"payment_made": [1, 1]}, {"payment_made": ["1"]}, {"payment_made": [0]}, {"no_such": []}):
        with pytest.raises(InvalidInput):
            notifications.staff().update_settings("alerts", changes)


def test_what_the_payment_processor_removed_is_not_said_to_be_the_client_s_doing(notifications, chosen, named):
    processor = {"kind": "processor", "id": None}
    notifications.deliver(AUTOPAY_CANCELLED, {"account_id": 7, "scope": "new_jobs", "actor": processor})
    notifications.deliver(PAYMENT_METHOD_REMOVED, {"account_id": 7, "kind": "card", "label": "Visa ending 4242",
                                                   "actor": processor})
    assert texts(notifications, COLLEAGUE) == [
        ("card_removed", "The payment processor removed a card on file of Jordan Rivera: Visa ending 4242."),
        ("autopay_cancelled", "Autopay for Jordan Rivera was turned off: the payment processor removed the method "
                              "it charged.")]
